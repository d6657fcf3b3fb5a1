package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	return store.New(redistest.StartTarget(t).Client())
}

func cam(id, region string) sharpeyes.Camera {
	c := sharpeyes.Camera{ID: id, Name: "cam " + id, Host: "127.0.0.1", Probe: sharpeyes.ProbeRTSP, Region: region}
	if err := c.Normalize(); err != nil {
		panic(err)
	}
	return c
}

func TestPutManyCountsCreatedAndUpdated(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	res, err := s.PutMany(ctx, []sharpeyes.Camera{cam("a", "x"), cam("b", "x")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Updated != 0 {
		t.Fatalf("first put: got %+v, want 2 created", res)
	}
	res, err = s.PutMany(ctx, []sharpeyes.Camera{cam("b", "y"), cam("c", "y")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 1 {
		t.Fatalf("second put: got %+v, want 1 created 1 updated", res)
	}
	got, err := s.Camera(ctx, "b")
	if err != nil || got.Region != "y" {
		t.Fatalf("camera b: %+v, %v; want region y", got, err)
	}
}

func TestCreateRejectsDuplicate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.Create(ctx, cam("a", "x")); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, cam("a", "x")); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second create: got %v, want ErrExists", err)
	}
}

func TestEmptyCredentialsKeepStoredOnes(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	c := cam("a", "x")
	c.Secret = sharpeyes.Credentials{Username: "admin", Password: "s3cret"}
	if _, err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Secret = sharpeyes.Credentials{}
	if _, err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Secret = sharpeyes.Credentials{Username: "root"}
	if _, err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	creds, err := s.Credentials(ctx, []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (sharpeyes.Credentials{Username: "root", Password: "s3cret"}); creds["a"] != want {
		t.Fatalf("credentials: got %v, want %v", creds["a"], want)
	}
}

func TestListPagesThroughFilteredSnapshot(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	var cams []sharpeyes.Camera
	for i := range 250 {
		region := "d/t1"
		if i%2 == 1 {
			region = "d/t2"
		}
		cams = append(cams, cam(fmt.Sprintf("c%04d", i), region))
	}
	if _, err := s.PutMany(ctx, cams); err != nil {
		t.Fatal(err)
	}
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		p, err := s.List(ctx, sharpeyes.Filter{Region: "d/t2"}, 40, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Cameras {
			seen = append(seen, c.ID)
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if len(seen) != 125 {
		t.Fatalf("listed %d cameras in d/t2, want 125", len(seen))
	}
	if err := s.Delete(ctx, "c0001"); err != nil {
		t.Fatal(err)
	}
	p, err := s.List(ctx, sharpeyes.Filter{Region: "d/t2"}, 1000, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cameras) != 124 {
		t.Fatalf("after delete: %d cameras, want 124 (snapshot not reloaded?)", len(p.Cameras))
	}
	if err := s.Delete(ctx, "c0001"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: got %v, want ErrNotFound", err)
	}
}

// Credentials are bound to host and port: a camera moved without new
// credentials loses its stored ones (counted), one that stays keeps them,
// and new credentials for a moved camera are not merged with the old.
func TestCredentialsDoNotFollowAHostOrPortChange(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	withLogin := func(c sharpeyes.Camera, user, pass string) sharpeyes.Camera {
		c.Secret = sharpeyes.Credentials{Username: user, Password: pass}
		return c
	}
	a, b, c, d := cam("a", "x"), cam("b", "x"), cam("c", "x"), cam("d", "x")
	if _, err := s.PutMany(ctx, []sharpeyes.Camera{withLogin(a, "admin", "pa"), withLogin(b, "admin", "pb"),
		withLogin(c, "admin", "pc"), withLogin(d, "admin", "pd")}); err != nil {
		t.Fatal(err)
	}
	movedHost, movedPort, newPass := a, b, d
	movedHost.Host = "127.0.0.9"
	movedPort.Port = 8554
	newPass.Host = "127.0.0.10"
	res, err := s.PutMany(ctx, []sharpeyes.Camera{movedHost, movedPort, c, withLogin(newPass, "", "new")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 4 || res.CredentialsCleared != 2 {
		t.Fatalf("re-import: %+v, want 4 updated, 2 credentials cleared", res)
	}
	got, err := s.Credentials(ctx, []string{"a", "b", "c", "d"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]sharpeyes.Credentials{"c": {Username: "admin", Password: "pc"}, "d": {Password: "new"}}
	if len(got) != len(want) || got["c"] != want["c"] || got["d"] != want["d"] {
		t.Fatalf("credentials after re-import: %v, want %v", got, want)
	}
}

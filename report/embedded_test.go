package report

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/embedded"
)

// TestReportsOnEmbeddedServer runs the reports against the in-process
// server that `sharpeyes serve` uses without a Redis: every command the
// report reads use (exclusive ranges, LIMIT, XREVRANGE, MULTI) must work
// there too.
func TestReportsOnEmbeddedServer(t *testing.T) {
	srv, err := embedded.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	opts, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	e := envOn(t, rdb)
	e.rep.outages.page = 2 // exercise paging and ties
	ctx := context.Background()
	e.putAt(t, hours(-48), mustCamera(t, "a", "r/t", sharpeyes.Active), mustCamera(t, "b", "r/t", sharpeyes.Active))
	e.setState(t, "a", sharpeyes.StateUp, "", hours(-30))
	e.setState(t, "b", sharpeyes.StateUp, "", hours(-30))
	e.recordOutages(t, closed("a", hours(-10), hours(-8)), closed("b", hours(-9), hours(-8)),
		closed("b", hours(-7), hours(-6)))
	e.setState(t, "a", sharpeyes.StateDown, "timeout", hours(-4))
	e.setState(t, "a", sharpeyes.StateUp, "", hours(-2))

	av, err := e.rep.Availability(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	// a: down 2 h + 2 h of 24; b: 1 h + 1 h of 24; 6 h of 48 in all.
	if want := 42.0 / 48; av.Total.Outages != 4 || !sameFloat(av.Total.Availability, &want) {
		t.Fatalf("availability %v with %d outages, want %v with 4", showFloat(av.Total.Availability), av.Total.Outages, want)
	}
	e.setState(t, "b", sharpeyes.StateDown, "refused", hours(-1))
	cov, err := e.rep.Coverage(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if cov.Total.Up != 1 || cov.Total.Down != 1 {
		t.Fatalf("coverage up %d down %d, want 1 and 1", cov.Total.Up, cov.Total.Down)
	}
	out, err := e.rep.Outages(ctx, Query{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 1 || out.Items[0].CameraID != "b" || out.Items[0].DurationS != 3600 {
		t.Fatalf("open outages %+v, want b's hour", out.Items)
	}
}

package api_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
	"github.com/sharpeyes/sharpeyes/store"
)

// seedStatuses records statuses as the collector would, with the same
// reason, since 2025-03-01 08:00 UTC after two failures.
func seedStatuses(t testing.TB, a *testAPI, states map[string]sharpeyes.State, reason string) {
	t.Helper()
	since := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	var writes []store.StatusWrite
	for id, st := range states {
		next := sharpeyes.Status{State: st, Reason: reason, Since: since, LastProbe: since.Add(time.Minute),
			ConsecutiveFailures: 2}
		writes = append(writes, store.StatusWrite{ID: id, Next: next,
			Event: &sharpeyes.Event{CameraID: id, From: sharpeyes.StateUnknown, To: st, Reason: reason, At: since}})
	}
	n, conflicts, err := a.Store.ApplyStatuses(context.Background(), writes)
	if err != nil || n != len(writes) || len(conflicts) > 0 {
		t.Fatalf("seed statuses: applied %d of %d, conflicts %v, err %v", n, len(writes), conflicts, err)
	}
}

// sampleCameras decodes the sample inventory, for expected counts.
func sampleCameras(t testing.TB) []sharpeyes.Camera {
	t.Helper()
	f, err := os.Open(hetangCSV)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cams, errs, err := inventory.Decode(f, inventory.FormatCSV)
	if err != nil || len(errs) > 0 {
		t.Fatalf("decode sample: %v %v", errs, err)
	}
	return cams
}

// listAll pages through /cameras?query with limit 1000 and returns every
// item, checking that ids strictly increase across pages.
func listAll(t *testing.T, a *testAPI, query url.Values) []cameraJSON {
	t.Helper()
	var all []cameraJSON
	query.Set("limit", "1000")
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatal("more than 100 pages: the cursor does not advance")
		}
		var l listJSON
		a.do(t, http.MethodGet, "/api/v1/cameras?"+query.Encode(), viewerToken, nil).mustStatus(t, http.StatusOK).decode(t, &l)
		for _, c := range l.Items {
			if len(all) > 0 && c.ID <= all[len(all)-1].ID {
				t.Fatalf("id %s after %s: pages overlap or are unordered", c.ID, all[len(all)-1].ID)
			}
			all = append(all, c)
		}
		if l.NextCursor == "" {
			return all
		}
		query.Set("cursor", l.NextCursor)
	}
}

func TestListFiltersAndPagingOverSample(t *testing.T) {
	a := newAPI(t, nil)
	a.mustImportFile(t, hetangCSV, "").mustStatus(t, http.StatusOK)
	cams := sampleCameras(t)
	sort.Slice(cams, func(i, j int) bool { return cams[i].ID < cams[j].ID })
	down := map[string]sharpeyes.State{cams[0].ID: sharpeyes.StateDown, cams[7].ID: sharpeyes.StateDown,
		cams[9].ID: sharpeyes.StateUp}
	seedStatuses(t, a, down, sharpeyes.ReasonRefused)

	t.Run("default page", func(t *testing.T) {
		var l listJSON
		a.do(t, http.MethodGet, "/api/v1/cameras", viewerToken, nil).mustStatus(t, http.StatusOK).decode(t, &l)
		if len(l.Items) != 100 || l.NextCursor != l.Items[99].ID || l.Items[0].ID != cams[0].ID {
			t.Fatalf("default page: %d items, cursor %q", len(l.Items), l.NextCursor)
		}
		if l.Items[0].Status["state"] != "down" || l.Items[1].Status["state"] != "unknown" {
			t.Errorf("statuses on the page: %v, %v", l.Items[0].Status, l.Items[1].Status)
		}
	})
	t.Run("all pages", func(t *testing.T) {
		if got := listAll(t, a, url.Values{}); len(got) != 5100 {
			t.Fatalf("paged through %d cameras, want 5100", len(got))
		}
	})
	filters := []struct {
		param, value string
		match        func(c *sharpeyes.Camera) bool
	}{
		{"region", "荷塘区/月塘街道", func(c *sharpeyes.Camera) bool { return sharpeyes.RegionHasPrefix(c.Region, "荷塘区/月塘街道") }},
		{"owner", "police", func(c *sharpeyes.Camera) bool { return c.Owner == sharpeyes.OwnerPolice }},
		{"lifecycle", "building", func(c *sharpeyes.Camera) bool { return c.Lifecycle == sharpeyes.Building }},
		{"maintainer", cams[3].Maintainer, func(c *sharpeyes.Camera) bool { return c.Maintainer == cams[3].Maintainer }},
		{"uplink", cams[5].Uplink, func(c *sharpeyes.Camera) bool { return c.Uplink == cams[5].Uplink }},
		{"q", cams[11].ID[14:], func(c *sharpeyes.Camera) bool { return sharpeyes.Filter{Q: cams[11].ID[14:]}.Match(c) }},
		{"state", "down", func(c *sharpeyes.Camera) bool { return down[c.ID] == sharpeyes.StateDown }},
		{"state", "unknown", func(c *sharpeyes.Camera) bool { _, ok := down[c.ID]; return !ok }},
	}
	for _, f := range filters {
		t.Run(f.param+"="+f.value, func(t *testing.T) {
			want := 0
			for i := range cams {
				if f.match(&cams[i]) {
					want++
				}
			}
			if want == 0 || want == len(cams) {
				t.Fatalf("the filter selects %d of %d sample cameras: it tests nothing", want, len(cams))
			}
			if got := listAll(t, a, url.Values{f.param: {f.value}}); len(got) != want {
				t.Fatalf("%d cameras, want %d", len(got), want)
			}
		})
	}
}

func TestListRejectsBadParams(t *testing.T) {
	a := newAPI(t, nil)
	tests := []struct{ query, field string }{
		{"owner=army", "owner"},
		{"lifecycle=done", "lifecycle"},
		{"state=sleeping", "state"},
		{"limit=0", "limit"},
		{"limit=1001", "limit"},
		{"limit=ten", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			a.do(t, http.MethodGet, "/api/v1/cameras?"+tt.query, viewerToken, nil).
				mustError(t, http.StatusBadRequest, "bad_request", tt.field)
		})
	}
	for _, q := range []string{"format=xml", "owner=army"} {
		t.Run("export "+q, func(t *testing.T) {
			field, _, _ := strings.Cut(q, "=")
			a.do(t, http.MethodGet, "/api/v1/cameras/export?"+q, viewerToken, nil).
				mustError(t, http.StatusBadRequest, "bad_request", field)
		})
	}
}

func TestListEmptyInventory(t *testing.T) {
	a := newAPI(t, nil)
	r := a.do(t, http.MethodGet, "/api/v1/cameras", viewerToken, nil).mustStatus(t, http.StatusOK)
	if got := string(r.Body); got != `{"items":[],"next_cursor":""}` {
		t.Fatalf("empty list: %s", got)
	}
}

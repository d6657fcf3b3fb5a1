package alert_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// errField returns the error.field of an error answer ("" when none).
func errField(t *testing.T, raw string) string {
	t.Helper()
	e, _ := decodeJSON(t, raw)["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

func TestSilenceRefusesWildcardsAndInvalidCameraIDs(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options()))
	for _, tc := range []struct{ name, body, field string }{
		{"wildcard", `{"camera_id":"*","duration":"1h"}`, "camera_id"},
		{"glob", `{"camera_id":"cam-*","duration":"1h"}`, "camera_id"},
		{"space", `{"camera_id":"cam 1","duration":"1h"}`, "camera_id"},
		{"short digits", `{"camera_id":"12345","duration":"1h"}`, "camera_id"},
		{"too long", `{"camera_id":"` + strings.Repeat("a", 65) + `","duration":"1h"}`, "camera_id"},
		{"no selector", `{"comment":"everything","duration":"1h"}`, "camera_id"},
		{"region of slashes", `{"region":"//","duration":"1h"}`, "camera_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := c.do("POST", "/api/v1/silences", "optok", tc.body)
			if (status != http.StatusBadRequest && status != http.StatusUnprocessableEntity) || errField(t, raw) != tc.field {
				t.Errorf("POST %s: %d %s, want 400 or 422 naming %s", tc.body, status, raw, tc.field)
			}
		})
	}
	for _, body := range []string{
		`{"camera_id":"cam-1","duration":"1h"}`,
		`{"camera_id":"43020200001320000001","duration":"1h"}`, // a GB/T 28181 code
		`{"region":"荷塘区","duration":"1h"}`,
	} {
		if status, raw := c.do("POST", "/api/v1/silences", "optok", body); status != http.StatusCreated {
			t.Errorf("POST %s: %d %s, want 201", body, status, raw)
		}
	}
}

func TestActiveSilencesAreCapped(t *testing.T) {
	h := newHarness(t)
	o := h.options()
	o.MaxActiveSilences = 3
	c := newAPI(t, h, h.dispatcher(o))
	var ids []string
	for i := range 3 {
		status, raw := c.do("POST", "/api/v1/silences", "optok", fmt.Sprintf(`{"camera_id":"cam-%d","duration":"1h"}`, i))
		if status != http.StatusCreated {
			t.Fatalf("silence %d: %d %s", i, status, raw)
		}
		ids = append(ids, decodeJSON(t, raw)["id"].(string))
	}
	status, raw := c.do("POST", "/api/v1/silences", "optok", `{"camera_id":"cam-9","duration":"1h"}`)
	if status != http.StatusConflict || !strings.Contains(raw, "3") {
		t.Fatalf("fourth active silence: %d %s, want 409 saying the limit", status, raw)
	}
	// An ended silence stays on record but no longer counts.
	if status, raw := c.do("DELETE", "/api/v1/silences/"+ids[0], "optok", ""); status != http.StatusNoContent {
		t.Fatalf("end silence: %d %s", status, raw)
	}
	if status, raw := c.do("POST", "/api/v1/silences", "optok", `{"camera_id":"cam-9","duration":"1h"}`); status != http.StatusCreated {
		t.Fatalf("after ending one: %d %s, want 201", status, raw)
	}
}

func TestSilencesListIsPaged(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options()))
	const n = 7
	want := map[string]bool{}
	for i := range n {
		status, raw := c.do("POST", "/api/v1/silences", "optok", fmt.Sprintf(`{"camera_id":"cam-%d","duration":"1h"}`, i))
		if status != http.StatusCreated {
			t.Fatalf("silence %d: %d %s", i, status, raw)
		}
		want[decodeJSON(t, raw)["id"].(string)] = true
	}
	seen, cursor, pages := map[string]bool{}, "", 0
	for {
		pages++
		if pages > n {
			t.Fatal("paging does not end")
		}
		status, raw := c.do("GET", "/api/v1/silences?limit=3&cursor="+url.QueryEscape(cursor), "viewtok", "")
		if status != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, status, raw)
		}
		page := decodeJSON(t, raw)
		items := page["items"].([]any)
		if len(items) > 3 {
			t.Fatalf("page %d has %d items, limit 3", pages, len(items))
		}
		for _, it := range items {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Errorf("silence %s listed twice", id)
			}
			seen[id] = true
		}
		if cursor = page["next_cursor"].(string); cursor == "" {
			break
		}
	}
	if len(seen) != n || pages != 3 {
		t.Errorf("listed %d silences in %d pages, want %d in 3", len(seen), pages, n)
	}
	for _, q := range []struct{ query, field string }{
		{"limit=0", "limit"}, {"limit=1001", "limit"}, {"limit=x", "limit"}, {"cursor=%21%21", "cursor"},
	} {
		status, raw := c.do("GET", "/api/v1/silences?"+q.query, "viewtok", "")
		if status != http.StatusBadRequest || errField(t, raw) != q.field {
			t.Errorf("GET ?%s: %d %s, want 400 naming %s", q.query, status, raw, q.field)
		}
	}
}

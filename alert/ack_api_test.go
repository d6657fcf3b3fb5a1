package alert_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// (The API test of acknowledgements lives here for the harness's status
// writes.) An operator acknowledges a down camera ("someone is on it"): the camera's
// status shows who, when and why until the camera's state changes; a viewer
// may not; an up camera has nothing to acknowledge.
func TestAcknowledgementCoversTheCurrentOutageOnly(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options()))
	ids := h.cameras("车站", 2, "", "荷塘区/月塘街道", "")
	down := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Millisecond)
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, down, ids[0])
	h.setState(sharpeyes.StateUp, "", down, ids[1])

	ackOf := func(id string) map[string]any {
		t.Helper()
		status, raw := c.do("GET", "/api/v1/cameras/"+id, "viewtok", "")
		if status != http.StatusOK {
			t.Fatalf("get %s: %d %s", id, status, raw)
		}
		ack, _ := decodeJSON(t, raw)["status"].(map[string]any)["acknowledgement"].(map[string]any)
		return ack
	}
	for _, tc := range []struct {
		name, id, token, body string
		status                int
		field                 string
	}{
		{"viewer", ids[0], "viewtok", `{}`, http.StatusForbidden, ""},
		{"no such camera", "cam-9999", "optok", `{}`, http.StatusNotFound, ""},
		{"up camera", ids[1], "optok", `{}`, http.StatusConflict, ""},
		{"comment too long", ids[0], "optok", `{"comment":"` + strings.Repeat("长", 501) + `"}`, http.StatusBadRequest, "comment"},
		{"unknown field", ids[0], "optok", `{"who":"me"}`, http.StatusBadRequest, ""},
	} {
		status, raw := c.do("POST", "/api/v1/cameras/"+tc.id+"/ack", tc.token, tc.body)
		e, _ := decodeJSON(t, raw)["error"].(map[string]any)
		if status != tc.status || tc.field != "" && e["field"] != tc.field {
			t.Errorf("%s: %d %s; want %d naming %q", tc.name, status, raw, tc.status, tc.field)
		}
	}
	if ack := ackOf(ids[0]); ack != nil {
		t.Fatalf("acknowledged before anyone did: %v", ack)
	}

	status, raw := c.do("POST", "/api/v1/cameras/"+ids[0]+"/ack", "optok", `{"comment":"光缆被挖断，维修队已出发"}`)
	if status != http.StatusCreated {
		t.Fatalf("ack: %d %s", status, raw)
	}
	ack := ackOf(ids[0])
	if ack["by"] != "张三" || ack["comment"] != "光缆被挖断，维修队已出发" || ack["state"] != "down" || ack["since"] != down.Format(time.RFC3339Nano) {
		t.Fatalf("acknowledgement %v", ack)
	}
	// Lists carry it too, so that the down list shows who is on it.
	_, list := c.do("GET", "/api/v1/cameras?state=down", "viewtok", "")
	if !strings.Contains(list, "光缆被挖断") {
		t.Fatalf("down list without the acknowledgement: %s", list)
	}

	// The camera comes back and fails again: a new outage, not acknowledged.
	h.setState(sharpeyes.StateUp, "", down.Add(time.Minute), ids[0])
	if ack := ackOf(ids[0]); ack != nil {
		t.Fatalf("acknowledgement outlived its outage: %v", ack)
	}
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonRefused, down.Add(2*time.Minute), ids[0])
	if ack := ackOf(ids[0]); ack != nil {
		t.Fatalf("a new outage inherited the old acknowledgement: %v", ack)
	}

	// Acknowledged, then withdrawn by an operator.
	if status, raw := c.do("POST", "/api/v1/cameras/"+ids[0]+"/ack", "optok", `{}`); status != http.StatusCreated {
		t.Fatalf("second ack: %d %s", status, raw)
	}
	if status, raw := c.do("DELETE", "/api/v1/cameras/"+ids[0]+"/ack", "optok", ""); status != http.StatusNoContent {
		t.Fatalf("withdraw: %d %s", status, raw)
	}
	if ack := ackOf(ids[0]); ack != nil {
		t.Fatalf("withdrawn acknowledgement still shown: %v", ack)
	}
	if status, _ := c.do("DELETE", "/api/v1/cameras/"+ids[0]+"/ack", "optok", ""); status != http.StatusNotFound {
		t.Fatalf("withdrawing nothing: %d, want 404", status)
	}
}

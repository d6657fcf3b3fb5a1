package alert_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
)

// amDown starts a dispatcher with one alertmanager webhook to am, takes a
// camera down and waits for its alert to be active there. It returns the
// camera's id and when it went down.
func amDown(t *testing.T, h *harness, am *amServer, resend time.Duration) (string, time.Time) {
	t.Helper()
	o := h.options(alert.Webhook{ID: "am", Name: "am", URL: am.URL, Format: alert.FormatAlertmanager})
	o.ResendInterval = resend
	h.run(h.dispatcher(o))
	id := h.cameras("月塘路", 1, "SW-月塘-001", "荷塘区/月塘街道", "湖南联通运维")[0]
	down := time.Now().UTC().Truncate(time.Second)
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, down, id)
	var got amAlert
	waitFor(t, "an active alert for "+id+" in Alertmanager", func() bool {
		var ok bool
		got, ok = am.activeFor(t, id)
		return ok
	})
	want := map[string]string{"alertname": "SharpeyesCameraDown", "camera_id": id, "region": "荷塘区/月塘街道",
		"owner": string(sharpeyes.OwnerPolice), "maintainer": "湖南联通运维", "uplink": "SW-月塘-001", "severity": "critical"}
	for k, v := range want {
		if got.Labels[k] != v {
			t.Errorf("label %s = %q, want %q (labels %v)", k, got.Labels[k], v, got.Labels)
		}
	}
	if link := got.Annotations["camera_url"]; link != "https://se.example.com/cameras/"+id {
		t.Errorf("annotation camera_url = %q", link)
	}
	if got.Annotations["summary"] == "" || got.Annotations["description"] == "" {
		t.Errorf("annotations %v, want summary and description", got.Annotations)
	}
	if !got.StartsAt.Equal(down) {
		t.Errorf("startsAt %v, want the down at %v", got.StartsAt, down)
	}
	return id, down
}

func TestAlertmanagerFormatRaisesAndResolvesAnAlertInARealAlertmanager(t *testing.T) {
	// With an hour's resolve_timeout, only the resolution's endsAt can
	// end the alert within the test.
	am := startAlertmanager(t, time.Hour)
	h := newHarness(t)
	id, _ := amDown(t, h, am, time.Minute)
	h.setState(sharpeyes.StateUp, "", time.Now().UTC(), id)
	waitFor(t, "the alert for "+id+" to be resolved", func() bool {
		_, ok := am.activeFor(t, id)
		return !ok
	})
}

func TestAlertmanagerAlertStaysFiringPastResolveTimeoutWhileTheCameraIsDown(t *testing.T) {
	// Alertmanager resolves an alert without endsAt after resolve_timeout
	// unless it is posted again: the re-sends keep it firing.
	const resolveTimeout = 2 * time.Second
	am := startAlertmanager(t, resolveTimeout)
	h := newHarness(t)
	id, down := amDown(t, h, am, 200*time.Millisecond)
	keepUntil := time.Now().Add(resolveTimeout + 2*time.Second)
	for time.Now().Before(keepUntil) {
		a, ok := am.activeFor(t, id)
		if !ok {
			t.Fatal("the alert was resolved while the camera is still down")
		}
		if !a.StartsAt.Equal(down) {
			t.Fatalf("a re-send moved startsAt to %v, want %v", a.StartsAt, down)
		}
		time.Sleep(100 * time.Millisecond) // watching over a span of real time: the check is that nothing changes
	}
}

func TestAlertmanagerFormatPostsToTheAPIUnderTheWebhookURL(t *testing.T) {
	cases := []struct{ path, want string }{
		{"", "/api/v2/alerts"},
		{"/", "/api/v2/alerts"},
		{"/am", "/am/api/v2/alerts"},
		{"/api/v2/alerts", "/api/v2/alerts"},
		{"/am/api/v2/alerts/", "/am/api/v2/alerts"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			got := make(chan string, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got <- r.URL.Path
			}))
			defer srv.Close()
			w := &alert.Webhook{ID: "am", URL: srv.URL + c.path, Format: alert.FormatAlertmanager}
			n, err := alert.NewNotifier(w, alert.NewClient(loopback, nil), renderEnv(""), 5*time.Second, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := n.Notify(context.Background(), fixtures()[alert.CameraDown]); err != nil {
				t.Fatal(err)
			}
			if p := <-got; p != c.want {
				t.Errorf("posted to %q, want %q", p, c.want)
			}
		})
	}
}

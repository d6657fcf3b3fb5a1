package alert_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
)

// Alert texts write times in the configured timezone with their offset:
// an outage at 2026-10-31T16:30Z went down on 2026-11-01 in Shanghai and
// on 2026-10-31 in UTC.
func TestAlertTextsWriteTimesInTheTimezoneWithTheirOffset(t *testing.T) {
	down := time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC)
	cam := fixtureCamera(1, sharpeyes.ReasonTimeout)
	upCam := cam
	upCam.State, upCam.Reason = sharpeyes.StateUp, ""
	up := down.Add(20 * time.Minute)
	cases := []struct {
		zone *time.Location
		a    *alert.Alert
		want []string
	}{
		{shanghai, &alert.Alert{Type: alert.CameraDown, At: down, Cameras: []alert.CameraRef{cam}},
			[]string{"离线时间：2026-11-01T00:30:00+08:00"}},
		{time.UTC, &alert.Alert{Type: alert.CameraDown, At: down, Cameras: []alert.CameraRef{cam}},
			[]string{"离线时间：2026-10-31T16:30:00Z"}},
		{shanghai, &alert.Alert{Type: alert.CameraUp, At: up, Since: &down, DurationS: 1200, Cameras: []alert.CameraRef{upCam}},
			[]string{"离线时间：2026-11-01T00:30:00+08:00", "恢复时间：2026-11-01T00:50:00+08:00"}},
		{time.UTC, &alert.Alert{Type: alert.CameraUp, At: up, Since: &down, DurationS: 1200, Cameras: []alert.CameraRef{upCam}},
			[]string{"离线时间：2026-10-31T16:30:00Z", "恢复时间：2026-10-31T16:50:00Z"}},
		{shanghai, &alert.Alert{Type: alert.CollectorIsolated, At: down,
			Isolation: &alert.IsolationRef{Instance: "collector-1", Probed: 10, Failed: 9}},
			[]string{"时间：2026-11-01T00:30:00+08:00"}},
		{time.UTC, &alert.Alert{Type: alert.CollectorIsolated, At: down,
			Isolation: &alert.IsolationRef{Instance: "collector-1", Probed: 10, Failed: 9}},
			[]string{"时间：2026-10-31T16:30:00Z"}},
	}
	for _, tc := range cases {
		t.Run(tc.zone.String()+"/"+tc.a.Type, func(t *testing.T) {
			env := renderEnv("")
			env.Location = tc.zone
			body, err := alert.Render(alert.FormatJSON, tc.a, env)
			if err != nil {
				t.Fatal(err)
			}
			var msg struct{ Text string }
			if err := json.Unmarshal(body, &msg); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, msg.Text)
				}
			}
		})
	}
}

// The dispatcher renders deliveries in Options.Location.
func TestDeliveredTextsUseTheDispatchersTimezone(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	id := h.cameras("时区", 1, "SW-时区", "荷塘区/月塘街道", "")[0]
	o := h.options(jsonHook("ops", rc.URL))
	o.Location = shanghai
	h.run(h.dispatcher(o))
	at := time.Now().Truncate(time.Second)
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, at, id)
	waitFor(t, "the camera.down", func() bool { return rc.count() >= 1 && h.idle("ops") })
	text, _ := body(t, rc.received()[0])["text"].(string)
	if want := "离线时间：" + at.In(shanghai).Format(time.RFC3339); !strings.Contains(text, want) {
		t.Fatalf("delivered text lacks %q:\n%s", want, text)
	}
}

package store

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func marshalOutage(tb testing.TB, o sharpeyes.Outage) string {
	tb.Helper()
	raw, err := json.Marshal(o)
	if err != nil {
		tb.Fatal(err)
	}
	return string(raw)
}

func TestDecodeOutageFastPathMatchesMarshal(t *testing.T) {
	start := time.Date(2025, 3, 1, 8, 0, 0, 123456789, time.UTC)
	end := start.Add(90*time.Minute + 7*time.Millisecond)
	cases := []sharpeyes.Outage{
		{CameraID: "43020200001320000001", Start: start, End: &end, DurationS: end.Sub(start).Seconds(), Reason: "timeout"},
		{CameraID: "cam-1", Start: start, End: &end},
		{CameraID: "摄像机", Start: start.In(time.FixedZone("CST", 8*3600)), End: &end, DurationS: 1e-7, Reason: "rtsp_5xx"},
	}
	for _, o := range cases {
		t.Run(o.CameraID, func(t *testing.T) {
			raw := marshalOutage(t, o)
			got, ok := fastOutage(raw)
			if !ok {
				t.Fatalf("fast path refused %s", raw)
			}
			want := OutageRecord{CameraID: o.CameraID, Start: o.Start.UTC(), End: o.End.UTC(), Reason: o.Reason}
			if got != want {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestDecodeOutageFallsBackAndRejects(t *testing.T) {
	cases := []struct {
		name, raw string
		wantErr   bool
		wantID    string
	}{
		{"spaces", `{ "camera_id": "a", "start": "2025-01-01T00:00:00Z", "end": "2025-01-01T01:00:00Z" }`, false, "a"},
		{"escape", `{"camera_id":"a\u0062","start":"2025-01-01T00:00:00Z","end":"2025-01-01T01:00:00Z"}`, false, "ab"},
		{"upper-case key", `{"CAMERA_ID":"c","start":"2025-01-01T00:00:00Z","end":"2025-01-01T01:00:00Z"}`, false, "c"},
		{"no end", `{"camera_id":"a","start":"2025-01-01T00:00:00Z","end":null}`, true, ""},
		{"not json", `a|b|c`, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeOutage(tc.raw)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got.CameraID != tc.wantID {
				t.Fatalf("camera id %q, want %q", got.CameraID, tc.wantID)
			}
		})
	}
}

// FuzzDecodeOutage checks that the fast path never accepts what
// encoding/json decodes differently.
func FuzzDecodeOutage(f *testing.F) {
	end := time.Date(2025, 1, 1, 1, 0, 0, 0, time.UTC)
	f.Add(marshalOutage(f, sharpeyes.Outage{CameraID: "a", Start: end.Add(-time.Hour), End: &end, DurationS: 3600, Reason: "timeout"}))
	f.Add(`{"camera_id":"a","end":"2025-01-01T01:00:00+08:00","duration_s":-0.5e+3}`)
	f.Add(`{"camera_id":"a","end":"2025-01-01T01:00:00Z","duration_s":01}`)
	f.Add(`{"end":"2025-01-01T01:00:00Z","end":"2025-01-02T01:00:00Z"}`)
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := fastOutage(raw)
		if !ok {
			return
		}
		var o sharpeyes.Outage
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", raw, err)
		}
		if o.End == nil || o.CameraID != got.CameraID || o.Reason != got.Reason ||
			!o.Start.Equal(got.Start) || !o.End.Equal(got.End) {
			t.Fatalf("fast path %+v, encoding/json %+v for %q", got, o, raw)
		}
	})
}

package alert

import (
	"strings"
	"testing"
	"time"
)

func FuzzDecodeWebhook(f *testing.F) {
	f.Add(`{"url":"https://oapi.dingtalk.com/robot/send?access_token=t","format":"dingtalk","secret":"SECxyz"}`)
	f.Add(`{"url":"http://127.0.0.1:9/x","events":["camera.down"],"filter":{"region":"荷塘区/"},"min_duration":"5m"}`)
	f.Add(`{"url":"http://[::1]:80/","min_duration":300}`)
	f.Add(`{"url":"https://e.com","secret":{"a":1}}`)
	f.Add(`{"min_duration":-1e400}`)
	f.Add(`not json`)
	f.Fuzz(func(t *testing.T, body string) {
		w, err := decodeWebhook(strings.NewReader(body))
		if err != nil {
			return
		}
		if err := w.Normalize(DefaultMaxAge, nil); err != nil && w.Secret != "" && len(w.Secret) > 3 &&
			strings.Contains(err.Error(), w.Secret) {
			t.Fatalf("validation error %q shows the secret", err)
		}
	})
}

func FuzzDecodeSilence(f *testing.F) {
	f.Add(`{"uplink":"SW-1","duration":"2h","comment":"更换交换机"}`)
	f.Add(`{"camera_id":"x","start":"2025-03-01T08:00:00Z","end":"2025-03-01T09:00:00+08:00"}`)
	f.Add(`{"region":"/荷塘区/","duration":3600.5}`)
	f.Add(`{"camera_id":"x","end":"yesterday"}`)
	f.Add(`{"camera_id":"x","duration":"9999999999h"}`)
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		s, err := decodeSilence(strings.NewReader(body), now)
		if err != nil {
			return
		}
		if s.End.IsZero() || s.Start.Location() != time.UTC || s.End.Location() != time.UTC {
			t.Fatalf("decoded silence %+v: want an end, times in UTC", s)
		}
		_ = validateSilence(s, now)
	})
}

package probe

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestFormat(t *testing.T) {
	offset := -90 * time.Second
	res := Result{
		State: sharpeyes.StateDegraded, Reason: sharpeyes.ReasonRTSP401, Latency: 1234 * time.Microsecond,
		Detail: "DESCRIBE: credentials refused (401 Unauthorized)", ClockOffset: &offset,
		Steps: []Step{
			{Name: "connect", Duration: 400 * time.Microsecond, OK: true, Detail: "127.0.0.1:554"},
			{Name: "DESCRIBE", Duration: 834 * time.Microsecond, Detail: "401\tUnauthorized\x1b[31m"},
		},
	}
	var b bytes.Buffer
	if err := res.Format(&b); err != nil {
		t.Fatalf("format: %v", err)
	}
	want := "connect   400µs  ok    127.0.0.1:554\n" +
		"DESCRIBE  834µs  FAIL  401 Unauthorized[31m\n" +
		"verdict: degraded (rtsp_401) after 1.23ms: DESCRIBE: credentials refused (401 Unauthorized)\n" +
		"clock offset: -90.0s (device minus local)\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestFormatWriteError(t *testing.T) {
	res := Result{State: sharpeyes.StateUp, Steps: []Step{{Name: "connect", OK: true}}}
	if err := res.Format(failingWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the write error", err)
	}
}

package fleet

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

const getTimeBody = `<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>
<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`

// onvifTime is the part of a GetSystemDateAndTime answer a probe reads,
// matched by namespace and local name.
type onvifTime struct {
	UTC struct {
		Time struct{ Hour, Minute, Second int } `xml:"http://www.onvif.org/ver10/schema Time"`
		Date struct{ Year, Month, Day int }     `xml:"http://www.onvif.org/ver10/schema Date"`
	} `xml:"Body>GetSystemDateAndTimeResponse>SystemDateAndTime>UTCDateTime"`
}

func (o onvifTime) time() time.Time {
	u := o.UTC
	return time.Date(u.Date.Year, time.Month(u.Date.Month), u.Date.Day, u.Time.Hour, u.Time.Minute, u.Time.Second, 0, time.UTC)
}

// postSOAP posts body to a camera's device service.
func postSOAP(t *testing.T, cam sharpeyes.Camera, path, body string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Post(fmt.Sprintf("http://%s%s", addr(cam), path), "application/soap+xml; charset=utf-8",
		strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(b)
}

func TestONVIFSystemDateAndTime(t *testing.T) {
	f := mustStart(t, testConfig())
	for _, tt := range []struct {
		b     Behavior
		drift time.Duration
	}{{OK, 0}, {Drift, f.cfg.Drift}} {
		t.Run(string(tt.b), func(t *testing.T) {
			resp, body := postSOAP(t, pick(t, f, sharpeyes.ProbeONVIF, tt.b), onvifPath, getTimeBody)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/soap+xml") {
				t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var got onvifTime
			if err := xml.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("parse %s: %v", body, err)
			}
			offset := got.time().Sub(time.Now()) - tt.drift
			if got.UTC.Date.Year < 2020 || offset < -5*time.Second || offset > 5*time.Second {
				t.Errorf("camera clock %v is %v off the expected offset %v", got.time(), offset, tt.drift)
			}
		})
	}
}

func TestONVIFErrors(t *testing.T) {
	f := mustStart(t, testConfig())
	cam := pick(t, f, sharpeyes.ProbeONVIF, OK)
	tests := []struct {
		name, path, body string
		status           int
		contains         string
	}{
		{"unknown action", onvifPath, `<Envelope><Body><Reboot/></Body></Envelope>`, 400, "ter:ActionNotSupported"},
		{"device information", onvifPath, `<Body><GetDeviceInformation/></Body>`, 200, "<tds:SerialNumber>" + cam.ID},
		{"wrong path", "/onvif/media", getTimeBody, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := postSOAP(t, cam, tt.path, tt.body)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.contains) {
				t.Fatalf("status %d body %q; want %d containing %q", resp.StatusCode, body, tt.status, tt.contains)
			}
		})
	}
}

func TestONVIFStatusBehaviors(t *testing.T) {
	f := mustStart(t, testConfig())
	for b, want := range map[Behavior]int{RTSP401: 401, RTSP404: 404, RTSP503: 503} {
		resp, _ := postSOAP(t, pick(t, f, sharpeyes.ProbeONVIF, b), onvifPath, getTimeBody)
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", b, resp.StatusCode, want)
		}
	}
}

func TestHTTPCamera(t *testing.T) {
	f := mustStart(t, testConfig())
	client := &http.Client{Timeout: 3 * time.Second}
	tests := []struct {
		name   string
		b      Behavior
		path   string
		status int
	}{
		{"ok", OK, httpPath, 200},
		{"wrong path", OK, "/nope", 404},
		{"503", RTSP503, httpPath, 503},
		{"slow", Slow, httpPath, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cam := pick(t, f, sharpeyes.ProbeHTTP, tt.b)
			resp, err := client.Get("http://" + addr(cam) + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || tt.status == 200 && string(body) != "ok\n" {
				t.Fatalf("status %d body %q, want %d", resp.StatusCode, body, tt.status)
			}
		})
	}
}

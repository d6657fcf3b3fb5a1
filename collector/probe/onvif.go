package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// DefaultMaxClockDrift is the ONVIF clock offset tolerated when
// Target.MaxClockDrift is 0. Five minutes catches what matters for
// evidence (a reset clock, a wrong time zone, a dead NTP server for weeks)
// without flagging cameras whose clock drifts a few seconds a day.
const DefaultMaxClockDrift = 5 * time.Minute

// maxSOAPBody bounds an ONVIF reply; GetSystemDateAndTime answers in ~2 KiB.
const maxSOAPBody = 64 << 10

const (
	onvifPath   = "/onvif/device_service"
	soapAction  = "http://www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime"
	soapType    = `application/soap+xml; charset=utf-8; action="` + soapAction + `"`
	soapRequest = `<?xml version="1.0" encoding="UTF-8"?>` +
		`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">` +
		`<s:Body xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><tds:GetSystemDateAndTime/></s:Body>` +
		`</s:Envelope>`
)

// ONVIF asks the device service (Target.Path, default
// /onvif/device_service) for GetSystemDateAndTime over SOAP 1.2, without
// credentials as ONVIF allows for this call, and measures the clock offset:
// device UTC time minus the midpoint of the exchange. An offset beyond
// MaxClockDrift is degraded clock_drift; a SOAP fault or a reply without a
// valid UTCDateTime is degraded bad_response; a non-2xx status without a
// fault is degraded http_status; no answer is down timeout.
func ONVIF(ctx context.Context, t Target) Result {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	rec := newRecorder(t.Password)
	addr, err := hostPort(t, 80)
	if err == nil {
		err = checkPath(t.Path)
	}
	if err != nil {
		return rec.fail("target", err, ReasonProbeError)
	}
	sent := time.Now()
	resp, connected, err := doHTTP(ctx, &rec, http.MethodPost, "http://"+addr+slashed(t.Path, onvifPath), soapType, soapRequest)
	received := time.Now()
	if err != nil {
		return rec.fail("request", err, sharpeyes.ReasonBadResponse)
	}
	if !connected.IsZero() {
		sent = connected // the exchange starts when the connection is up
	}
	body, err := readBounded(resp.Body, maxSOAPBody)
	resp.Body.Close()
	err = overdue(ctx, err)
	if err != nil {
		return rec.fail("response", err, sharpeyes.ReasonBadResponse)
	}
	good := resp.StatusCode/100 == 2
	rec.step("response", good, "HTTP "+shorten(resp.Status))
	device, err := parseSystemDateAndTime(body)
	switch {
	case err != nil && !good && !isFault(err):
		return rec.end(failure(sharpeyes.ReasonHTTPStatus, "HTTP "+shorten(resp.Status)), "")
	case err != nil:
		return rec.fail("parse", err, sharpeyes.ReasonBadResponse)
	case !good:
		return rec.end(failure(sharpeyes.ReasonHTTPStatus, "HTTP "+shorten(resp.Status)), "")
	}
	return clockVerdict(&rec, device, sent.Add(received.Sub(sent)/2), t.MaxClockDrift)
}

// clockVerdict records the offset of device against our time at mid and
// ends the probe: up, or degraded clock_drift beyond limit.
func clockVerdict(rec *recorder, device, mid time.Time, limit time.Duration) Result {
	offset := device.Sub(mid)
	rec.res.ClockOffset = &offset
	if limit == 0 {
		limit = DefaultMaxClockDrift
	}
	text := fmt.Sprintf("device UTC %s, offset %+.1fs", device.Format(time.RFC3339), offset.Seconds())
	if limit > 0 && (offset > limit || offset < -limit) {
		return rec.fail("clock", failure(sharpeyes.ReasonClockDrift, text+", limit "+limit.String()), "")
	}
	rec.step("clock", true, text)
	return rec.up(text)
}

// readBounded reads all of r up to limit bytes; a longer body is a
// bad_response, not a truncated parse.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, failure(sharpeyes.ReasonBadResponse, fmt.Sprintf("reply longer than %d bytes", limit))
	}
	return b, nil
}

package probe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/sharpeyes/sharpeyes"
)

// soapEnvelope is the part of a GetSystemDateAndTime reply we read. Tags
// carry no namespace, so any prefix (SOAP-ENV, s, env, tds, tt) matches.
type soapEnvelope struct {
	Body struct {
		Fault *soapFault `xml:"Fault"`
		Resp  *struct {
			SystemDateAndTime struct {
				UTC *soapDateTime `xml:"UTCDateTime"`
			} `xml:"SystemDateAndTime"`
		} `xml:"GetSystemDateAndTimeResponse"`
	} `xml:"Body"`
}

// soapFault holds SOAP 1.2 (Code, Reason) and SOAP 1.1 (faultcode,
// faultstring) fault fields.
type soapFault struct {
	Code        string `xml:"Code>Value"`
	Subcode     string `xml:"Code>Subcode>Value"`
	Reason      string `xml:"Reason>Text"`
	FaultCode   string `xml:"faultcode"`
	FaultString string `xml:"faultstring"`
}

type soapDateTime struct {
	Time *struct{ Hour, Minute, Second int } `xml:"Time"`
	Date *struct{ Year, Month, Day int }     `xml:"Date"`
}

// faultError is a SOAP fault the device answered with.
type faultError struct{ text string }

func (e *faultError) Error() string { return "SOAP fault: " + e.text }

func isFault(err error) bool {
	var f *faultError
	return errors.As(err, &f)
}

// parseSystemDateAndTime returns the UTCDateTime of a GetSystemDateAndTime
// reply. It returns a *faultError for a SOAP fault, or another error when
// body is not XML or lacks a valid UTCDateTime.
func parseSystemDateAndTime(body []byte) (time.Time, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charsetReader
	var env soapEnvelope
	if err := dec.Decode(&env); err != nil {
		return time.Time{}, failure(sharpeyes.ReasonBadResponse, "not a SOAP reply: "+shorten(err.Error()))
	}
	if f := env.Body.Fault; f != nil {
		return time.Time{}, f.err()
	}
	if env.Body.Resp == nil || env.Body.Resp.SystemDateAndTime.UTC == nil {
		return time.Time{}, failure(sharpeyes.ReasonBadResponse, "reply has no UTCDateTime")
	}
	return env.Body.Resp.SystemDateAndTime.UTC.time()
}

func (f *soapFault) err() error {
	code := firstOf(f.Subcode, f.Code, f.FaultCode)
	text := firstOf(f.Reason, f.FaultString)
	switch {
	case code != "" && text != "":
		text = code + ": " + text
	case code != "":
		text = code
	case text == "":
		text = "no detail"
	}
	return &faultError{text: shorten(strings.TrimSpace(text))}
}

// time validates the fields and returns the instant; years from 1900 are
// accepted, since a camera whose clock reset to 1970 or 2000 is clock
// drift, not garbage.
func (d *soapDateTime) time() (time.Time, error) {
	if d.Date == nil || d.Time == nil {
		return time.Time{}, failure(sharpeyes.ReasonBadResponse, "UTCDateTime lacks Date or Time")
	}
	dt, tm := d.Date, d.Time
	if dt.Year < 1900 || dt.Year > 9999 || dt.Month < 1 || dt.Month > 12 || dt.Day < 1 ||
		dt.Day > 31 || tm.Hour < 0 || tm.Hour > 23 || tm.Minute < 0 || tm.Minute > 59 ||
		tm.Second < 0 || tm.Second > 60 {
		return time.Time{}, failure(sharpeyes.ReasonBadResponse, fmt.Sprintf(
			"UTCDateTime out of range: %d-%d-%d %d:%d:%d", dt.Year, dt.Month, dt.Day, tm.Hour, tm.Minute, tm.Second))
	}
	return time.Date(dt.Year, time.Month(dt.Month), dt.Day, tm.Hour, tm.Minute, tm.Second, 0, time.UTC), nil
}

// charsetReader decodes the non-UTF-8 encodings some cameras declare
// (GB2312, GBK, ISO-8859-1).
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("charset %s: %w", quoteShort(label), err)
	}
	return enc.NewDecoder().Reader(input), nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

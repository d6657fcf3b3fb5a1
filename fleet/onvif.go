package fleet

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxSOAP bounds the body of an ONVIF request.
const maxSOAP = 64 << 10

const soapHead = `<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:ter="http://www.onvif.org/ver10/error"><env:Body>`

const soapTail = `</env:Body></env:Envelope>
`

// beijing is UTC+8, the local time zone of the simulated cameras.
var beijing = time.FixedZone("CST", 8*3600)

// onvifHandler serves the device service of the ONVIF port:
// POST /onvif/device_service with GetSystemDateAndTime (drift cameras add
// Config.Drift to their clock) or GetDeviceInformation; any other action is
// a SOAP fault. Like most cameras, neither action asks for credentials.
func (f *Fleet) onvifHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		idx, b, ok := f.httpCamera(w, r)
		if !ok {
			return
		}
		if uriPath(r.URL.Path) != onvifPath {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxSOAP))
		if err != nil {
			return
		}
		w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
		switch {
		case bytes.Contains(body, []byte("GetSystemDateAndTime")):
			now := time.Now()
			if b == Drift {
				now = now.Add(f.cfg.Drift)
			}
			io.WriteString(w, soapHead+systemDateAndTime(now)+soapTail)
		case bytes.Contains(body, []byte("GetDeviceInformation")):
			io.WriteString(w, soapHead+deviceInformation(f.cams[idx].ID)+soapTail)
		default:
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, soapHead+actionNotSupported+soapTail)
		}
	})
}

// systemDateAndTime renders the GetSystemDateAndTime response body for a
// camera whose clock reads now.
func systemDateAndTime(now time.Time) string {
	return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>` +
		`<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
		`<tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone>` +
		`<tt:UTCDateTime>` + dateTime(now.UTC()) + `</tt:UTCDateTime>` +
		`<tt:LocalDateTime>` + dateTime(now.In(beijing)) + `</tt:LocalDateTime>` +
		`</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
}

// dateTime renders a tt:DateTime: Time, then Date, as the schema orders them.
func dateTime(t time.Time) string {
	return fmt.Sprintf(`<tt:Time><tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>%d</tt:Second></tt:Time>`+
		`<tt:Date><tt:Year>%d</tt:Year><tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date>`,
		t.Hour(), t.Minute(), t.Second(), t.Year(), int(t.Month()), t.Day())
}

func deviceInformation(id string) string {
	return `<tds:GetDeviceInformationResponse><tds:Manufacturer>SharpEyes</tds:Manufacturer>` +
		`<tds:Model>SE-IPC-2</tds:Model><tds:FirmwareVersion>V5.5.0 build 240101</tds:FirmwareVersion>` +
		`<tds:SerialNumber>` + id + `</tds:SerialNumber><tds:HardwareId>88</tds:HardwareId>` +
		`</tds:GetDeviceInformationResponse>`
}

const actionNotSupported = `<env:Fault><env:Code><env:Value>env:Sender</env:Value>` +
	`<env:Subcode><env:Value>ter:ActionNotSupported</env:Value></env:Subcode></env:Code>` +
	`<env:Reason><env:Text xml:lang="en">action not supported</env:Text></env:Reason></env:Fault>`

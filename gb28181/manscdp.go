package gb28181

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// maxBody caps a MANSCDP body; a keepalive is a few hundred bytes and a
// catalog page a few kilobytes.
const maxBody = 64 << 10

// Message is the part of a MANSCDP (GB/T 28181 annex A) XML body that the
// platform reads: the root element (Notify, Query, Response, Control) and
// its common fields.
type Message struct {
	// Root is the root element's name: Notify, Query, Response or Control.
	Root     string
	CmdType  string
	SN       string
	DeviceID string
	// Status is Keepalive's OK or ERROR.
	Status string
}

// ParseMANSCDP parses a MANSCDP body. The body's XML declaration names its
// encoding (GB2312 and GBK are usual, UTF-8 too); the text is decoded
// accordingly. An unknown encoding, a body over 64 KiB or a body without
// CmdType is an error.
func ParseMANSCDP(body []byte) (Message, error) {
	if len(body) > maxBody {
		return Message{}, fmt.Errorf("manscdp: body of %d bytes exceeds %d", len(body), maxBody)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charsetReader
	var m Message
	depth := 0
	var field *string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Message{}, fmt.Errorf("manscdp: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			field = nil
			if depth == 1 {
				if m.Root != "" {
					return Message{}, errors.New("manscdp: more than one root element")
				}
				m.Root = t.Name.Local
			}
			if depth == 2 {
				switch t.Name.Local {
				case "CmdType":
					field = &m.CmdType
				case "SN":
					field = &m.SN
				case "DeviceID":
					field = &m.DeviceID
				case "Status":
					field = &m.Status
				}
			}
		case xml.EndElement:
			depth--
			field = nil
		case xml.CharData:
			if field != nil {
				*field += string(t)
			}
		}
	}
	m.CmdType = strings.TrimSpace(m.CmdType)
	m.SN = strings.TrimSpace(m.SN)
	m.DeviceID = strings.TrimSpace(m.DeviceID)
	m.Status = strings.TrimSpace(m.Status)
	if m.Root == "" {
		return Message{}, errors.New("manscdp: no root element")
	}
	if m.CmdType == "" {
		return Message{}, errors.New("manscdp: no CmdType")
	}
	return m, nil
}

// charsetReader decodes the encodings that the WHATWG encoding list knows
// (GB2312 and GBK map to GBK, GB18030 to itself).
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unknown encoding %q", label)
	}
	return enc.NewDecoder().Reader(in), nil
}

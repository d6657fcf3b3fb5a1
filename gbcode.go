package sharpeyes

import (
	"fmt"
	"regexp"
)

// GBCode is a parsed 20-digit GB/T 28181 device code:
// digits 1-8 the centre code (1-6 the administrative region), 9-10 the
// industry, 11-13 the device type, 14 the network, 15-20 a serial number.
type GBCode struct {
	Region   string `json:"region"`
	Industry string `json:"industry"`
	Type     string `json:"type"`
	TypeName string `json:"type_name,omitempty"`
	Network  string `json:"network"`
	Serial   string `json:"serial"`
}

// gbTypes names the device types of GB/T 28181-2016 Annex D that show up in
// a camera inventory.
var gbTypes = map[string]string{
	"111": "DVR", "112": "video server", "113": "encoder", "114": "decoder",
	"115": "video switch matrix", "116": "audio switch matrix", "117": "alarm controller",
	"118": "NVR", "130": "hybrid device", "131": "camera", "132": "IP camera",
	"133": "display", "134": "alarm input", "135": "alarm output", "136": "voice input",
	"137": "voice output", "138": "mobile device", "139": "other peripheral",
	"200": "centre server", "215": "business group", "216": "virtual organisation",
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// CheckID validates a camera id. An id of digits only must be a 20-digit
// GB/T 28181 code, which is parsed and returned; any other id must match
// [A-Za-z0-9._-]{1,64} and returns a nil code.
func CheckID(id string) (*GBCode, error) {
	if id == "" {
		return nil, fmt.Errorf("is required")
	}
	if !idPattern.MatchString(id) {
		return nil, fmt.Errorf("%q must be 1-64 characters of A-Z a-z 0-9 . _ -", truncate(id, 80))
	}
	if !allDigits(id) {
		return nil, nil
	}
	return ParseGBCode(id)
}

// ParseGBCode parses a 20-digit GB/T 28181 device code, or says what is wrong.
func ParseGBCode(s string) (*GBCode, error) {
	if !allDigits(s) {
		return nil, fmt.Errorf("%q is not a GB/T 28181 code: it must be 20 digits", truncate(s, 80))
	}
	if len(s) != 20 {
		return nil, fmt.Errorf("%q is all digits but not a 20-digit GB/T 28181 code (it has %d digits)", truncate(s, 80), len(s))
	}
	if s[0:2] == "00" {
		return nil, fmt.Errorf("%q has no province in its region code %s", s, s[0:6])
	}
	return &GBCode{
		Region:   s[0:6],
		Industry: s[8:10],
		Type:     s[10:13],
		TypeName: gbTypes[s[10:13]],
		Network:  s[13:14],
		Serial:   s[14:20],
	}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

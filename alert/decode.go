package alert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// maxInput bounds a webhook or silence request body.
const maxInput = 64 << 10

// webhookInput is the body of POST /webhooks. min_duration is a duration
// string ("5m", "90s") or a number of seconds.
type webhookInput struct {
	Name        string           `json:"name"`
	URL         string           `json:"url"`
	Format      string           `json:"format"`
	Secret      string           `json:"secret"`
	Events      []string         `json:"events"`
	Filter      sharpeyes.Filter `json:"filter"`
	MinDuration json.RawMessage  `json:"min_duration"`
}

// decodeWebhook reads a webhook from a request body. It returns a
// *FieldError naming the bad field (never echoing the secret).
func decodeWebhook(r io.Reader) (Webhook, error) {
	var in webhookInput
	if err := decodeStrict(r, &in); err != nil {
		return Webhook{}, err
	}
	dur, err := decodeDuration("min_duration", in.MinDuration)
	if err != nil {
		return Webhook{}, err
	}
	return Webhook{Name: in.Name, URL: in.URL, Format: strings.TrimSpace(in.Format), Secret: in.Secret,
		Events: in.Events, Filter: in.Filter, MinDuration: dur}, nil
}

// silenceInput is the body of POST /silences: matchers, start (default
// now), and either end or duration.
type silenceInput struct {
	CameraID   string          `json:"camera_id"`
	Region     string          `json:"region"`
	Uplink     string          `json:"uplink"`
	Maintainer string          `json:"maintainer"`
	Start      *time.Time      `json:"start"`
	End        *time.Time      `json:"end"`
	Duration   json.RawMessage `json:"duration"`
	Comment    string          `json:"comment"`
}

// decodeSilence reads a silence from a request body; start defaults to
// now. It returns a *FieldError naming the bad field.
func decodeSilence(r io.Reader, now time.Time) (sharpeyes.Silence, error) {
	var in silenceInput
	if err := decodeStrict(r, &in); err != nil {
		return sharpeyes.Silence{}, err
	}
	s := sharpeyes.Silence{CameraID: strings.TrimSpace(in.CameraID), Region: strings.Trim(strings.TrimSpace(in.Region), "/"),
		Uplink: strings.TrimSpace(in.Uplink), Maintainer: strings.TrimSpace(in.Maintainer),
		Start: now, Comment: strings.TrimSpace(in.Comment)}
	if in.Start != nil {
		s.Start = *in.Start
	}
	dur, err := decodeDuration("duration", in.Duration)
	if err != nil {
		return s, err
	}
	switch {
	case in.End != nil && dur != 0:
		return s, badField("end", "give end or duration, not both")
	case in.End != nil:
		s.End = *in.End
	case dur > 0:
		s.End = s.Start.Add(dur)
	default:
		return s, badField("end", "is required (or duration)")
	}
	s.Start, s.End = s.Start.UTC(), s.End.UTC()
	return s, nil
}

// decodeStrict decodes one JSON object, rejecting unknown fields,
// trailing data and bodies over maxInput.
func decodeStrict(r io.Reader, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if len(raw) > maxInput {
		return badField("body", "is larger than %d bytes", maxInput)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonFieldError(err)
	}
	if dec.More() {
		return badField("body", "has data after the JSON object")
	}
	return nil
}

// jsonFieldError names the field a decoding error is about, without
// echoing the value (which may be a secret).
func jsonFieldError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return badField(te.Field, "must be a JSON %s", te.Type.Kind())
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return badField(strings.Trim(name, `"`), "is not a known field")
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return badField("body", "has a time that is not RFC 3339")
	}
	return badField("body", "is not a valid JSON object")
}

// decodeDuration reads a duration field given as a string in the forms
// of sharpeyes.ParseDuration ("5m", "7d") or as a number of seconds;
// absent or null is 0.
func decodeDuration(field string, raw json.RawMessage) (time.Duration, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		d, err := sharpeyes.ParseDuration(s)
		if err != nil {
			return 0, badField(field, "%v", err)
		}
		return d.Std(), nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f < 0 || f >= math.MaxInt64/float64(time.Second) {
		return 0, badField(field, "must be a duration string or a number of seconds")
	}
	return time.Duration(f * float64(time.Second)), nil
}

package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

// Fuzz targets for the parsers of outside input: camera bodies, merge
// patches, query strings and the Authorization header. Each must never
// panic and must fail only with the error types the error table maps to a
// 4xx answer.

func FuzzDecodeCamera(f *testing.F) {
	f.Add(`{"id":"c1","name":"x","host":"127.0.0.1","port":554,"tags":{"a":"b"},"lat":27.8}`)
	f.Add(`{"id":"c1","status":{"state":"up"},"gb":{}}`)
	f.Add(`{"port":"554"}`)
	f.Add(`{"lifecyle":"active"}`)
	f.Add(`[1,2]`)
	f.Add(`{"id":"c1"} trailing`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, body string) {
		in, err := decodeCamera(strings.NewReader(body))
		if err != nil {
			mustBeClientError(t, err)
			return
		}
		c := in.ToCamera()
		if err := c.Normalize(); err != nil {
			mustBeClientError(t, err)
		}
	})
}

func FuzzMergePatch(f *testing.F) {
	f.Add(`{"name":"new","maintainer":null,"tags":{"pole":"P-1","old":null}}`)
	f.Add(`{"tags":null}`)
	f.Add(`{"id":"other","port":1e3}`)
	f.Add(`{"lat":"x"}`)
	f.Add(`null`)
	old := sharpeyes.Camera{ID: "c1", Name: "n", Host: "127.0.0.1", Probe: sharpeyes.ProbeRTSP,
		Maintainer: "m", Tags: map[string]string{"old": "1"}}
	f.Fuzz(func(t *testing.T, body string) {
		patch, err := decodeObject(strings.NewReader(body))
		if err != nil {
			mustBeClientError(t, err)
			return
		}
		merged, err := applyPatch(old, patch)
		if err != nil {
			t.Fatalf("applyPatch: %v", err)
		}
		if !json.Valid(merged) {
			t.Fatalf("merged document is not JSON: %s", merged)
		}
		if _, err := decodeCamera(bytes.NewReader(merged)); err != nil {
			mustBeClientError(t, err)
		}
	})
}

func FuzzQuery(f *testing.F) {
	f.Add("region=%E8%8D%B7%E5%A1%98%E5%8C%BA&owner=police&limit=100&cursor=x")
	f.Add("owner=army&limit=0")
	f.Add("state=up&lifecycle=active&dry_run=true&mode=create")
	f.Add("limit=99999999999999999999&dry_run=maybe")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if _, err := ParseFilter(q); err != nil {
			mustBeClientError(t, err)
		}
		if n, err := parseLimit(q); err != nil {
			mustBeClientError(t, err)
		} else if n < 1 || n > maxLimit {
			t.Fatalf("limit %d out of range", n)
		}
		if _, err := importOptions(q); err != nil {
			mustBeClientError(t, err)
		}
	})
}

func FuzzAuthorization(f *testing.F) {
	f.Add("Bearer admin-secret")
	f.Add("bearer   admin-secret  ")
	f.Add("Basic YWRtaW4=")
	f.Add("Bearer")
	f.Add("")
	auth := NewAuthz([]Token{{Name: "admin", Role: RoleAdmin, Hash: HashToken("admin-secret")}}, false)
	f.Fuzz(func(t *testing.T, header string) {
		r := &http.Request{Header: http.Header{"Authorization": {header}}}
		p, ok := auth.Authenticate(r)
		secret, isBearer := bearer(header)
		want := isBearer && secret == "admin-secret"
		if ok != want || (ok && (p.Role != RoleAdmin || p.Name != "admin")) {
			t.Fatalf("header %q: principal %+v, %v; want ok=%v", header, p, ok, want)
		}
	})
}

// mustBeClientError fails unless classify maps err to a 4xx answer.
func mustBeClientError(t *testing.T, err error) {
	t.Helper()
	status, d, internal := classify(err)
	if internal || status < 400 || status > 499 || d.Message == "" {
		t.Fatalf("error %v maps to %d %+v (internal %v), want a 4xx", err, status, d, internal)
	}
	var re *RequestError
	if errors.As(err, &re) && re.Field == "" {
		t.Fatalf("request error names no field: %v", err)
	}
}

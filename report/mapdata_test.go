package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/api"
)

// mapReply is the JSON of GET /api/v1/map.
type mapReply struct {
	TileURL     string    `json:"tile_url"`
	Total       int       `json:"total"`
	Count       int       `json:"count"`
	States      []string  `json:"states"`
	Owners      []string  `json:"owners"`
	Lifecycles  []string  `json:"lifecycles"`
	Maintainers []string  `json:"maintainers"`
	IDs         []string  `json:"ids"`
	Lat         []float64 `json:"lat"`
	Lon         []float64 `json:"lon"`
	State       string    `json:"state"`
	Owner       string    `json:"owner"`
	Lifecycle   string    `json:"lifecycle"`
	Maintainer  []int     `json:"maintainer"`
}

// camera returns the decoded fields of camera i of the reply.
func (m mapReply) camera(i int) (id, state, owner, lifecycle, maintainer string, lat, lon float64) {
	return m.IDs[i], m.States[m.State[i]-'0'], m.Owners[m.Owner[i]-'0'], m.Lifecycles[m.Lifecycle[i]-'0'],
		m.Maintainers[m.Maintainer[i]], m.Lat[i], m.Lon[i]
}

func mapFleet(t *testing.T, e *env) {
	t.Helper()
	at := func(c sharpeyes.Camera, lat, lon float64) sharpeyes.Camera { c.Lat, c.Lon = &lat, &lon; return c }
	a := at(mustCamera(t, "cam-a", "荷塘区/月塘街道", sharpeyes.Active), 27.8312345, 113.1512344)
	b := at(mustCamera(t, "cam-b", "荷塘区/月塘街道", sharpeyes.Building), 27.84, 113.16)
	b.Owner, b.Maintainer = sharpeyes.OwnerSocial, ""
	c := at(mustCamera(t, "cam-c", "芦淞区/建宁街道", sharpeyes.Active), -33.5, -70.25)
	c.Owner = sharpeyes.OwnerGovernment
	nowhere := mustCamera(t, "cam-nowhere", "芦淞区/建宁街道", sharpeyes.Active)
	e.putAt(t, t0, a, b, c, nowhere)
	e.setStates(t, map[string]sharpeyes.State{"cam-a": sharpeyes.StateUp, "cam-c": sharpeyes.StateDown,
		"cam-nowhere": sharpeyes.StateDegraded}, t0)
}

func serveMap(t *testing.T, e *env, tileURL string) *mapServer {
	t.Helper()
	e.rep = New(Options{Store: e.store, Now: e.clock.Now, Interval: time.Minute, TileURL: tileURL})
	h := api.NewRouter(api.Deps{Store: e.store, Now: e.clock.Now,
		Tokens: []api.Token{{Name: "viewer", Role: api.RoleViewer, Hash: api.HashToken(viewerToken)}},
		Mount:  []func(*gin.RouterGroup, api.Authz){e.rep.Routes}, Docs: Docs()})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &mapServer{t: t, url: srv.URL}
}

type mapServer struct {
	t   *testing.T
	url string
}

// get requests /api/v1/map with the headers given (name, value, ...) and
// returns the response with its body read (and gunzipped when encoded).
func (s *mapServer) get(headers ...string) (*http.Response, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+"/api/v1/map", nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			s.t.Fatal(err)
		}
		r = zr
	}
	body, err := io.ReadAll(r)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp, body
}

// The map endpoint lists every camera with coordinates, with its state,
// owner, lifecycle and maintainer as codes into dictionaries, and the tile
// URL of the config; it needs a viewer token.
func TestMapListsCamerasWithCoordinates(t *testing.T) {
	e := newEnv(t)
	mapFleet(t, e)
	s := serveMap(t, e, "http://pgis.local/tiles/{z}/{x}/{y}.png")
	if resp, _ := s.get(); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a token: %d, want 401", resp.StatusCode)
	}
	resp, body := s.get("Authorization", "Bearer "+viewerToken)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("map: %d %s", resp.StatusCode, body)
	}
	var m mapReply
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Total != 4 || m.Count != 3 || len(m.IDs) != 3 || len(m.Lat) != 3 || len(m.Lon) != 3 ||
		len(m.State) != 3 || len(m.Owner) != 3 || len(m.Lifecycle) != 3 || len(m.Maintainer) != 3 {
		t.Fatalf("total %d count %d, arrays %d %d %d %q %q %q %v", m.Total, m.Count, len(m.IDs), len(m.Lat), len(m.Lon),
			m.State, m.Owner, m.Lifecycle, m.Maintainer)
	}
	if m.TileURL != "http://pgis.local/tiles/{z}/{x}/{y}.png" {
		t.Errorf("tile_url %q", m.TileURL)
	}
	type row struct {
		id, state, owner, lifecycle, maintainer string
		lat, lon                                float64
	}
	want := []row{
		{"cam-a", "up", "police", "active", "crew-荷塘区/月塘街道", 27.83123, 113.15123},
		{"cam-b", "unknown", "social", "building", "", 27.84, 113.16},
		{"cam-c", "down", "government", "active", "crew-芦淞区/建宁街道", -33.5, -70.25},
	}
	for i, w := range want {
		var g row
		g.id, g.state, g.owner, g.lifecycle, g.maintainer, g.lat, g.lon = m.camera(i)
		if g != w {
			t.Errorf("camera %d = %+v, want %+v", i, g, w)
		}
	}
}

// The map answers gzip when asked, and 304 to a client holding the
// current version; a state change makes a new version.
func TestMapIsCompressedAndRevalidated(t *testing.T) {
	e := newEnv(t)
	mapFleet(t, e)
	s := serveMap(t, e, "")
	auth := []string{"Authorization", "Bearer " + viewerToken}
	plainResp, plain := s.get(auth...)
	zResp, unzipped := s.get(append(auth, "Accept-Encoding", "gzip")...)
	if zResp.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(plain, unzipped) {
		t.Fatalf("gzip: encoding %q, same body %v", zResp.Header.Get("Content-Encoding"), bytes.Equal(plain, unzipped))
	}
	if plainResp.Header.Get("Content-Encoding") != "" {
		t.Errorf("encoded %q without Accept-Encoding", plainResp.Header.Get("Content-Encoding"))
	}
	tag := plainResp.Header.Get("ETag")
	if tag == "" || zResp.Header.Get("ETag") != tag {
		t.Fatalf("ETag %q, gzip %q", tag, zResp.Header.Get("ETag"))
	}
	if resp, body := s.get(append(auth, "If-None-Match", tag)...); resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("revalidation: %d with %d bytes, want 304", resp.StatusCode, len(body))
	}
	e.setState(t, "cam-a", sharpeyes.StateDown, "timeout", t0.Add(time.Minute))
	resp, body := s.get(append(auth, "If-None-Match", tag)...)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == tag {
		t.Fatalf("after a state change: %d, ETag %q (was %q)", resp.StatusCode, resp.Header.Get("ETag"), tag)
	}
	var m mapReply
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if _, st, _, _, _, _, _ := m.camera(0); st != "down" {
		t.Errorf("cam-a is %s after going down", st)
	}
	if m.TileURL != "" {
		t.Errorf("tile_url %q, want none", m.TileURL)
	}
}

package report

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/store"
)

// The console's map draws every camera with coordinates: GET /api/v1/map
// answers them as parallel arrays (ids, lat, lon) with the state, owner,
// lifecycle and maintainer of each as a code into a dictionary. A state
// is one digit of a string, so 100,000 cameras cost about 100 KB of
// states on top of their ids and positions. The JSON is built once per
// inventory snapshot and set of states, kept plain and gzipped, and
// revalidated by an ETag (its hash), so the page polling it every 15 s
// mostly gets 304.

// mapCache holds the last map built.
type mapCache struct {
	mu     sync.Mutex
	snap   *store.Snapshot
	codes  *uint8 // first state code of the fleet the map was built from
	static *mapStatic
	built  *mapBody
}

// mapStatic is what depends on the snapshot alone: the snapshot indexes
// of the cameras with coordinates and the JSON of everything but states.
type mapStatic struct {
	idx  []int32
	head []byte
}

// mapBody is one built answer.
type mapBody struct {
	plain, gz []byte
	etag      string
}

// hasPosition reports whether camera i of snap has coordinates. 0,0 is
// the blank of spreadsheets (no camera of a Chinese city is in the Gulf of
// Guinea) and counts as none, as on the camera page.
func hasPosition(snap *store.Snapshot, i int) bool {
	lat, lon, ok := snap.Position(i)
	return ok && (lat != 0 || lon != 0)
}

// mapData returns the map of the current inventory and states.
func (r *Reporter) mapData(ctx context.Context) (*mapBody, error) {
	fl, err := r.load(ctx, sharpeyes.Filter{})
	if err != nil {
		return nil, err
	}
	var first *uint8
	if len(fl.codes) > 0 {
		first = &fl.codes[0]
	}
	m := &r.maps
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.built != nil && m.snap == fl.snap && m.codes == first && first != nil {
		return m.built, nil
	}
	if m.snap != fl.snap || m.static == nil {
		m.static = buildMapStatic(fl.snap, r.tileURL)
	}
	body, err := m.static.build(fl.codes)
	if err != nil {
		return nil, err
	}
	m.snap, m.codes, m.built = fl.snap, first, body
	return body, nil
}

// buildMapStatic writes the JSON head of the map of snap.
func buildMapStatic(snap *store.Snapshot, tileURL string) *mapStatic {
	st := &mapStatic{}
	maint := map[string]int{}
	for i := range snap.Len() {
		if hasPosition(snap, i) {
			st.idx = append(st.idx, int32(i))
			maint[snap.Maintainer(i)] = 0
		}
	}
	maintainers := slices.Sorted(func(yield func(string) bool) {
		for k := range maint {
			if !yield(k) {
				return
			}
		}
	})
	for i, k := range maintainers {
		maint[k] = i
	}
	var b bytes.Buffer
	b.Grow(len(st.idx) * 48)
	field := func(name string, v any) {
		raw, _ := json.Marshal(v) // strings and string slices always marshal
		fmt.Fprintf(&b, "%q:%s,", name, raw)
	}
	b.WriteByte('{')
	field("tile_url", tileURL)
	fmt.Fprintf(&b, `"total":%d,"count":%d,`, snap.Len(), len(st.idx))
	field("states", names(sharpeyes.States))
	field("owners", append(names(sharpeyes.Owners), ""))
	field("lifecycles", append(names(sharpeyes.Lifecycles), ""))
	field("maintainers", maintainers)
	st.array(&b, "ids", func(i int, buf []byte) []byte {
		return append(append(append(buf, '"'), snap.ID(i)...), '"') // ids are [A-Za-z0-9._-]: nothing to escape
	})
	st.array(&b, "lat", func(i int, buf []byte) []byte { lat, _, _ := snap.Position(i); return appendCoord(buf, lat) })
	st.array(&b, "lon", func(i int, buf []byte) []byte { _, lon, _ := snap.Position(i); return appendCoord(buf, lon) })
	st.digits(&b, "owner", func(i int) uint8 { return codeOf(snap.Owner(i), sharpeyes.Owners) })
	st.digits(&b, "lifecycle", func(i int) uint8 { return codeOf(snap.Lifecycle(i), sharpeyes.Lifecycles) })
	st.array(&b, "maintainer", func(i int, buf []byte) []byte {
		return strconv.AppendInt(buf, int64(maint[snap.Maintainer(i)]), 10)
	})
	b.WriteString(`"state":"`)
	st.head = b.Bytes()
	return st
}

// appendCoord writes a coordinate to 5 decimals (about a metre).
func appendCoord(buf []byte, v float64) []byte {
	return strconv.AppendFloat(buf, math.Round(v*1e5)/1e5, 'f', -1, 64)
}

// array writes "name":[...] of the cameras with coordinates.
func (st *mapStatic) array(b *bytes.Buffer, name string, item func(int, []byte) []byte) {
	fmt.Fprintf(b, "%q:[", name)
	buf := make([]byte, 0, 64)
	for n, i := range st.idx {
		buf = buf[:0]
		if n > 0 {
			buf = append(buf, ',')
		}
		b.Write(item(int(i), buf))
	}
	b.WriteString("],")
}

// digits writes "name":"..." with one digit per camera with coordinates.
func (st *mapStatic) digits(b *bytes.Buffer, name string, code func(int) uint8) {
	fmt.Fprintf(b, "%q:\"", name)
	for _, i := range st.idx {
		b.WriteByte('0' + code(int(i)))
	}
	b.WriteString(`",`)
}

// build completes the head with the states of codes (by snapshot index).
func (st *mapStatic) build(codes []uint8) (*mapBody, error) {
	plain := make([]byte, 0, len(st.head)+len(st.idx)+2)
	plain = append(plain, st.head...)
	for _, i := range st.idx {
		plain = append(plain, '0'+codes[i])
	}
	plain = append(plain, '"', '}')
	var z bytes.Buffer
	zw, err := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("map: %w", err)
	}
	if _, err := zw.Write(plain); err != nil {
		return nil, fmt.Errorf("map: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("map: %w", err)
	}
	h := fnv.New64a()
	h.Write(plain)
	return &mapBody{plain: plain, gz: z.Bytes(), etag: fmt.Sprintf(`"%016x"`, h.Sum64())}, nil
}

// serveMap answers GET /map: gzipped when the client accepts it, 304 when
// it holds the current version.
func (r *Reporter) serveMap(c *gin.Context) {
	m, err := r.mapData(c.Request.Context())
	if err != nil {
		api.Fail(c, err)
		return
	}
	c.Header("ETag", m.etag)
	c.Header("Vary", "Accept-Encoding")
	c.Header("Cache-Control", "no-cache")
	if etagMatches(c.GetHeader("If-None-Match"), m.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	if acceptsGzip(c.GetHeader("Accept-Encoding")) {
		c.Header("Content-Encoding", "gzip")
		c.Data(http.StatusOK, "application/json; charset=utf-8", m.gz)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", m.plain)
}

func etagMatches(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// names returns enum values as strings.
func names[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

// mapDoc describes GET /map for the OpenAPI document.
func mapDoc() api.PathItem {
	arr := func(item api.Schema, desc string) api.Schema {
		return api.Schema{"type": "array", "items": item, "description": desc}
	}
	str, num, integer := api.Schema{"type": "string"}, api.Schema{"type": "number"}, api.Schema{"type": "integer"}
	digits := func(dict string) api.Schema {
		return api.Schema{"type": "string", "description": "one digit per camera: its index in " + dict}
	}
	body := api.Schema{"type": "object", "properties": map[string]api.Schema{
		"tile_url":    {"type": "string", "description": "console.tile_url: XYZ tiles drawn beneath the markers, empty for none"},
		"total":       {"type": "integer", "description": "cameras in the inventory"},
		"count":       {"type": "integer", "description": "cameras with coordinates: the length of every per-camera field"},
		"states":      arr(str, "dictionary of state"),
		"owners":      arr(str, `dictionary of owner ("" for none)`),
		"lifecycles":  arr(str, "dictionary of lifecycle"),
		"maintainers": arr(str, "dictionary of maintainer, sorted"),
		"ids":         arr(str, "camera ids, in id order"),
		"lat":         arr(num, "WGS-84 latitude, 5 decimals"),
		"lon":         arr(num, "WGS-84 longitude, 5 decimals"),
		"state":       digits("states"),
		"owner":       digits("owners"),
		"lifecycle":   digits("lifecycles"),
		"maintainer":  arr(integer, "index in maintainers"),
	}}
	return api.PathItem{"get": &api.Operation{OperationID: "cameraMap", Tags: []string{"reports"}, MinRole: "viewer",
		Summary: "Every camera with coordinates as compact parallel arrays, for the console's map",
		Description: "Cameras without lat/lon (or at 0,0) are left out. Gzipped when the client accepts it; " +
			"the ETag changes with the inventory or a state, and If-None-Match answers 304.",
		Responses: map[string]api.Response{
			"200": {Description: "the map", Content: api.JSONContent(body)},
			"304": {Description: "unchanged since the ETag given in If-None-Match"},
			"401": api.ErrorResponse("no valid bearer token"),
			"403": api.ErrorResponse("the token's role is too low"),
		}}}
}

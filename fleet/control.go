package fleet

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/sharpeyes/sharpeyes"
)

// CameraState is one camera as the control API lists it.
type CameraState struct {
	ID             string              `json:"id"`
	Host           string              `json:"host"`
	Port           int                 `json:"port,omitempty"`
	Probe          sharpeyes.ProbeKind `json:"probe"`
	Behavior       Behavior            `json:"behavior"`
	ExpectedState  sharpeyes.State     `json:"expected_state"`
	ExpectedReason string              `json:"expected_reason,omitempty"`
	Hits           int64               `json:"hits"`
}

// Handler returns the fleet's control API, for tests and demos:
//
//	GET    /cameras                        every camera with behaviour, expectation and hits
//	                                       (?behavior=silent keeps those only)
//	POST   /cameras/{id}?behavior=silent   changes a behaviour: 200 with the camera,
//	                                       400 unknown behaviour, 404 unknown camera,
//	                                       409 refused/blackhole (fixed at start)
//	GET    /hits                           {"total": n, "cameras": {id: n}} of cameras hit
//	DELETE /hits                           resets every count (204)
//
// Errors are {"error": {"code", "message"}}. It has no authentication of
// its own: mount it only where whoever reaches it may break the fleet.
func (f *Fleet) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cameras", f.listCameras)
	mux.HandleFunc("POST /cameras/{id}", f.setCamera)
	mux.HandleFunc("GET /hits", f.listHits)
	mux.HandleFunc("DELETE /hits", func(w http.ResponseWriter, _ *http.Request) {
		f.ResetHits()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func (f *Fleet) cameraState(i int) CameraState {
	c := &f.cams[i]
	st, reason := f.Expected(c.ID)
	return CameraState{ID: c.ID, Host: c.Host, Port: c.Port, Probe: c.Probe, Behavior: f.behaviorAt(i),
		ExpectedState: st, ExpectedReason: reason, Hits: f.hits[i].Load()}
}

func (f *Fleet) listCameras(w http.ResponseWriter, r *http.Request) {
	only := Behavior(r.URL.Query().Get("behavior"))
	if only != "" && only.code() < 0 {
		writeError(w, http.StatusBadRequest, "bad_behavior", "behavior: unknown behaviour "+string(only))
		return
	}
	out := make([]CameraState, 0, len(f.cams))
	for i := range f.cams {
		if only == "" || f.behaviorAt(i) == only {
			out = append(out, f.cameraState(i))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fleet) setCamera(w http.ResponseWriter, r *http.Request) {
	id, b := r.PathValue("id"), Behavior(r.URL.Query().Get("behavior"))
	if b.code() < 0 {
		writeError(w, http.StatusBadRequest, "bad_behavior", "behavior: unknown behaviour "+string(b))
		return
	}
	switch err := f.Set(id, b); {
	case errors.Is(err, ErrUnknownCamera):
		writeError(w, http.StatusNotFound, "not_found", "camera "+id+" is not in the fleet")
	case errors.Is(err, ErrPortBehavior):
		writeError(w, http.StatusConflict, "fixed_behavior", "refused and blackhole are fixed at start")
	case err != nil:
		writeError(w, http.StatusBadRequest, "bad_behavior", err.Error())
	default:
		writeJSON(w, http.StatusOK, f.cameraState(f.byID[id]))
	}
}

func (f *Fleet) listHits(w http.ResponseWriter, _ *http.Request) {
	out := struct {
		Total   int64            `json:"total"`
		Cameras map[string]int64 `json:"cameras"`
	}{Cameras: map[string]int64{}}
	for i := range f.hits {
		if n := f.hits[i].Load(); n > 0 {
			out.Total += n
			out.Cameras[f.cams[i].ID] = n
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, kind, msg string) {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	body.Error.Code, body.Error.Message = kind, msg
	writeJSON(w, code, body)
}

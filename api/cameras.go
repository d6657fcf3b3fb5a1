package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// registerCameras adds the camera resource: reads for viewers, writes and
// imports for admins. The static segments import and export sit beside the
// :id parameter, which Gin's router resolves static-first.
func registerCameras(g *gin.RouterGroup, d Deps, auth Authz) {
	view, admin := auth.Require(RoleViewer), auth.Require(RoleAdmin)
	s := d.Store
	g.GET("/cameras", view, listCameras(s))
	g.POST("/cameras", admin, createCamera(s))
	g.POST("/cameras/import", admin, importCameras(s, d.MaxBodyBytes))
	// PUT is what curl -T sends. It shadows replacing a camera whose id is
	// "import", as the export route shadows reading one named "export".
	g.PUT("/cameras/import", admin, importCameras(s, d.MaxBodyBytes))
	g.GET("/cameras/export", view, exportCameras(s, d.Now))
	g.GET("/cameras/:id", view, getCamera(s))
	g.PUT("/cameras/:id", admin, replaceCamera(s))
	g.PATCH("/cameras/:id", admin, patchCamera(s))
	g.DELETE("/cameras/:id", admin, deleteCamera(s))
}

// cameraView is a camera as the API returns it: the record (which never
// marshals its credentials) plus its live status.
type cameraView struct {
	sharpeyes.Camera
	Status statusView `json:"status"`
}

// statusView is the status object of SPEC. Times are RFC 3339 UTC, or null
// for a camera never probed.
type statusView struct {
	State               sharpeyes.State `json:"state"`
	Reason              string          `json:"reason"`
	Since               *time.Time      `json:"since"`
	LastProbe           *time.Time      `json:"last_probe"`
	LatencyMS           float64         `json:"latency_ms"`
	ConsecutiveFailures int             `json:"consecutive_failures"`
	ClockOffsetS        *float64        `json:"clock_offset_s"`
	// Acknowledgement is an operator's "someone is on it" for the
	// current down or degraded episode (POST /cameras/{id}/ack).
	Acknowledgement *sharpeyes.Ack `json:"acknowledgement,omitempty"`
}

func newStatusView(st sharpeyes.Status) statusView {
	if st.State == "" {
		st.State = sharpeyes.StateUnknown
	}
	return statusView{
		State:               st.State,
		Reason:              st.Reason,
		Since:               utcOrNil(st.Since),
		LastProbe:           utcOrNil(st.LastProbe),
		LatencyMS:           st.LatencyMS,
		ConsecutiveFailures: st.ConsecutiveFailures,
		ClockOffsetS:        st.ClockOffsetS,
	}
}

func utcOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// cameraList is the list shape of SPEC; NextCursor is empty on the last page.
type cameraList struct {
	Items      []cameraView `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// listCameras answers GET /cameras: the filters of ParseFilter, paged by
// limit and cursor (the last id of the previous page).
func listCameras(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		f, err := ParseFilter(q)
		if err != nil {
			Fail(c, err)
			return
		}
		limit, err := parseLimit(q)
		if err != nil {
			Fail(c, err)
			return
		}
		ctx := c.Request.Context()
		page, err := s.List(ctx, f, limit, q.Get("cursor"))
		if err != nil {
			Fail(c, err)
			return
		}
		ids := make([]string, len(page.Cameras))
		for i, cam := range page.Cameras {
			ids[i] = cam.ID
		}
		statuses, err := s.Statuses(ctx, ids)
		if err != nil {
			Fail(c, err)
			return
		}
		out := cameraList{Items: make([]cameraView, len(page.Cameras)), NextCursor: page.NextCursor}
		for i, cam := range page.Cameras {
			out.Items[i] = cameraView{Camera: *cam, Status: newStatusView(statuses[cam.ID])}
		}
		if err := withAcks(c, s, out.Items, statuses); err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

// getCamera answers GET /cameras/:id with the camera and its status.
func getCamera(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := loadView(c, s, c.Param("id"))
		if err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, v)
	}
}

// deleteCamera answers DELETE /cameras/:id with 204, or 404.
func deleteCamera(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.Delete(c.Request.Context(), c.Param("id")); err != nil {
			Fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

// loadView reads one camera and its status, with its acknowledgement.
func loadView(c *gin.Context, s *store.Store, id string) (cameraView, error) {
	ctx := c.Request.Context()
	cam, err := s.Camera(ctx, id)
	if err != nil {
		return cameraView{}, err
	}
	st, err := s.Status(ctx, id)
	if err != nil {
		return cameraView{}, err
	}
	views := []cameraView{{Camera: cam, Status: newStatusView(st)}}
	if err := withAcks(c, s, views, map[string]sharpeyes.Status{id: st}); err != nil {
		return cameraView{}, err
	}
	return views[0], nil
}

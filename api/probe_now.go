package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/collector/probe"
)

// maxProbesNow bounds the probes one API process runs at once for
// POST /cameras/:id/probe: each holds a socket for up to the probe
// timeout, and a burst of clicks must not starve the collector.
const maxProbesNow = 8

// errProbesBusy is the 429 of a probe-now while maxProbesNow are running.
var errProbesBusy = errors.New("too many probes running now: try again in a moment")

// errPassive is the 409 of a camera with no active probe (a GB/T 28181
// channel, whose status comes from its device's signalling).
var errPassive = errors.New("this camera has no active probe: its status comes from its device")

// registerProbeNow adds POST /cameras/:id/probe: an operator probes one
// camera now, as the collector would, and reads the verdict with its steps
// and a hint. Nothing is recorded: the camera's status stays the
// collector's, whose thresholds a single probe must not bypass.
func registerProbeNow(g *gin.RouterGroup, d Deps, auth Authz) {
	slots := make(chan struct{}, maxProbesNow)
	g.POST("/cameras/:id/probe", auth.Require(RoleOperator), func(c *gin.Context) {
		lang := c.DefaultQuery("lang", "zh")
		if lang != "zh" && lang != "en" {
			Fail(c, BadParam("lang", "must be zh or en"))
			return
		}
		ctx, id := c.Request.Context(), c.Param("id")
		cam, err := d.Store.Camera(ctx, id)
		if err != nil {
			Fail(c, err)
			return
		}
		if _, ok := probe.Probers[cam.Probe]; !ok {
			Fail(c, &FieldConflict{Field: "probe", Message: fmt.Sprintf("%s (probe %q)", errPassive, cam.Probe)})
			return
		}
		creds, err := d.Store.Credentials(ctx, []string{id})
		if err != nil {
			Fail(c, err)
			return
		}
		last, err := d.Store.Status(ctx, id)
		if err != nil {
			Fail(c, err)
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			c.Header("Retry-After", "1")
			Fail(c, errProbesBusy)
			return
		}
		t := probe.CameraTarget(&cam, creds[id], last)
		t.MaxClockDrift = d.MaxClockDrift
		pctx, cancel := context.WithTimeout(ctx, d.ProbeTimeout)
		defer cancel()
		res := probe.Run(pctx, t)
		d.Logger.Info("camera probed on request", "camera", id, "state", res.State, "reason", res.Reason,
			"by", principalName(c))
		c.JSON(http.StatusOK, probe.NewReport(t.URL(), &cam, t, res, lang))
	})
}

// principalName is the token name of the request, or "".
func principalName(c *gin.Context) string {
	p, _ := PrincipalOf(c)
	return p.Name
}

package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// registerAcks adds acknowledgements (SPEC, Auth: operators acknowledge):
// an operator says someone is on a down or degraded camera, and the
// camera's status shows it until that episode ends.
func registerAcks(g *gin.RouterGroup, d Deps, auth Authz) {
	operator := auth.Require(RoleOperator)
	g.POST("/cameras/:id/ack", operator, acknowledge(d))
	g.DELETE("/cameras/:id/ack", operator, withdrawAck(d.Store))
}

// ackBody is what POST /cameras/:id/ack accepts; the body may be empty.
type ackBody struct {
	Comment string `json:"comment"`
}

// nothingToAck is the message of the 409 of a camera that is up or never
// probed.
const nothingToAck = "the camera is neither down nor degraded: nothing to acknowledge"

// acknowledge answers POST /cameras/:id/ack: 201 with the acknowledgement,
// 404 for no such camera, 409 when the camera is not down or degraded.
func acknowledge(d Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		var b ackBody
		dec := json.NewDecoder(c.Request.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&b); err != nil && !errors.Is(err, io.EOF) {
			Fail(c, bodyError(err))
			return
		}
		b.Comment = strings.TrimSpace(b.Comment)
		if n := utf8.RuneCountInString(b.Comment); n > sharpeyes.MaxAckComment || !utf8.ValidString(b.Comment) {
			Fail(c, BadParam("comment", "must be valid text of at most %d characters, got %d", sharpeyes.MaxAckComment, n))
			return
		}
		ctx, id := c.Request.Context(), c.Param("id")
		if _, err := d.Store.Camera(ctx, id); err != nil {
			Fail(c, err)
			return
		}
		st, err := d.Store.Status(ctx, id)
		if err != nil {
			Fail(c, err)
			return
		}
		if !sharpeyes.Acknowledgeable(st) {
			Fail(c, fmt.Errorf("camera %q: %w", id, &FieldConflict{Field: "state", Message: nothingToAck}))
			return
		}
		a := sharpeyes.Ack{CameraID: id, State: st.State, Since: st.Since.UTC(), By: principalName(c),
			At: d.Now().UTC(), Comment: b.Comment}
		if err := d.Store.SetAck(c.Request.Context(), a); err != nil {
			Fail(c, err)
			return
		}
		d.Logger.Info("camera acknowledged", "camera", a.CameraID, "by", a.By, "state", a.State)
		c.JSON(http.StatusCreated, a)
	}
}

// withdrawAck answers DELETE /cameras/:id/ack: 204, or 404 when the camera
// has no acknowledgement.
func withdrawAck(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.DeleteAck(c.Request.Context(), c.Param("id")); err != nil {
			Fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

// withAcks sets the acknowledgement of each view whose status it still
// covers.
func withAcks(c *gin.Context, s *store.Store, views []cameraView, statuses map[string]sharpeyes.Status) error {
	ids := make([]string, 0, len(views))
	for _, v := range views {
		if sharpeyes.Acknowledgeable(statuses[v.ID]) {
			ids = append(ids, v.ID)
		}
	}
	acks, err := s.Acks(c.Request.Context(), ids)
	if err != nil {
		return err
	}
	for i := range views {
		if a, ok := acks[views[i].ID]; ok && a.Covers(statuses[views[i].ID]) {
			views[i].Status.Acknowledgement = &a
		}
	}
	return nil
}

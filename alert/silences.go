package alert

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/api"
)

// Silences are maintenance windows: the events of the cameras they match
// are recorded but not sent (see decide.go). They are kept after they end,
// for availability reports, until history retention removes them
// (store.TrimSilences).

// maxSilence bounds a silence's length: a year-long "maintenance window"
// is a forgotten one.
const maxSilence = 90 * 24 * time.Hour

// DefaultMaxActiveSilences is the default of Options.MaxActiveSilences:
// silences in force or scheduled (ended ones do not count). Every alert
// decision reads them all, so their number is bounded.
const DefaultMaxActiveSilences = 10_000

// Paging of GET /silences, as the cameras list.
const (
	defaultSilencePage = 100
	maxSilencePage     = 1000
)

// silenceView is a silence as the API shows it, with whether it applies
// now.
type silenceView struct {
	sharpeyes.Silence
	Active bool `json:"active"`
}

func (d *Dispatcher) viewSilence(s sharpeyes.Silence) silenceView {
	s.Start, s.End, s.CreatedAt = s.Start.UTC(), s.End.UTC(), s.CreatedAt.UTC()
	return silenceView{Silence: s, Active: s.ActiveAt(d.now())}
}

// listSilences answers GET /silences (?active=true for those in force
// now), ordered by start then id, paged by limit (default 100, at most
// 1000) and cursor (the next_cursor of the previous page).
func (d *Dispatcher) listSilences(c *gin.Context) {
	q := c.Request.URL.Query()
	onlyActive := false
	if s := q.Get("active"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			fail(c, badField("active", "must be true or false"))
			return
		}
		onlyActive = b
	}
	limit := defaultSilencePage
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxSilencePage {
			fail(c, badField("limit", "must be a whole number from 1 to %d", maxSilencePage))
			return
		}
		limit = n
	}
	after, hasCursor, err := decodeSilenceCursor(q.Get("cursor"))
	if err != nil {
		fail(c, err)
		return
	}
	all, err := d.store.Silences(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := list[silenceView]{Items: make([]silenceView, 0, min(limit, len(all)))}
	for _, s := range all {
		if hasCursor && !silenceAfter(s, after) {
			continue
		}
		v := d.viewSilence(s)
		if onlyActive && !v.Active {
			continue
		}
		if len(out.Items) == limit {
			last := out.Items[limit-1].Silence
			out.NextCursor = encodeSilenceCursor(last)
			break
		}
		out.Items = append(out.Items, v)
	}
	c.JSON(http.StatusOK, out)
}

// silenceCursor is the position of the last silence of a page, in the
// order of store.Silences.
type silenceCursor struct {
	start time.Time
	id    string
}

func encodeSilenceCursor(s sharpeyes.Silence) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(s.Start.UnixNano(), 10) + ":" + s.ID))
}

func decodeSilenceCursor(raw string) (silenceCursor, bool, error) {
	if raw == "" {
		return silenceCursor{}, false, nil
	}
	bad := badField("cursor", "is not a next_cursor of this list")
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return silenceCursor{}, false, bad
	}
	ns, id, ok := strings.Cut(string(b), ":")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return silenceCursor{}, false, bad
	}
	return silenceCursor{start: time.Unix(0, n), id: id}, true, nil
}

// silenceAfter reports whether s comes after the cursor.
func silenceAfter(s sharpeyes.Silence, c silenceCursor) bool {
	if !s.Start.Equal(c.start) {
		return s.Start.After(c.start)
	}
	return s.ID > c.id
}

func (d *Dispatcher) getSilence(c *gin.Context) {
	s, err := d.store.Silence(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d.viewSilence(s))
}

// createSilence answers POST /silences: 201 with the silence, its author
// the name of the caller's token; 400 naming a bad field; 409 when
// MaxActiveSilences silences have not ended yet.
func (d *Dispatcher) createSilence(c *gin.Context) {
	now := d.now().UTC()
	s, err := decodeSilence(c.Request.Body, now)
	if err == nil {
		err = validateSilence(s, now)
	}
	if err != nil {
		fail(c, err)
		return
	}
	p, _ := api.PrincipalOf(c)
	s.ID, s.Author, s.CreatedAt = newID(), p.Name, now
	limit := d.opts.MaxActiveSilences
	if limit <= 0 {
		limit = DefaultMaxActiveSilences
	}
	if err := d.store.CreateSilenceLimited(c.Request.Context(), s, now, limit); err != nil {
		fail(c, err)
		return
	}
	d.log.Info("silence created", "id", s.ID, "author", s.Author, "camera", s.CameraID, "region", s.Region,
		"uplink", s.Uplink, "maintainer", s.Maintainer, "start", s.Start, "end", s.End)
	c.Header("Location", "/api/v1/silences/"+url.PathEscape(s.ID))
	c.JSON(http.StatusCreated, d.viewSilence(s))
}

// validateSilence checks a new silence: it names at least one selector,
// and a camera_id is one camera's id (no wildcard: a silence of every
// camera is a switched-off alerting, not a maintenance window).
func validateSilence(s sharpeyes.Silence, now time.Time) error {
	switch {
	case s.CameraID == "" && s.Region == "" && s.Uplink == "" && s.Maintainer == "":
		return badField("camera_id", "give at least one of camera_id, region, uplink, maintainer")
	case !s.End.After(s.Start):
		return badField("end", "must be after start")
	case !s.End.After(now):
		return badField("end", "is in the past")
	case s.End.Sub(s.Start) > maxSilence:
		return badField("end", "a silence lasts at most 90 days")
	case utf8.RuneCountInString(s.Comment) > 1024:
		return badField("comment", "is longer than 1024 characters")
	}
	if s.CameraID != "" {
		if _, err := sharpeyes.CheckID(s.CameraID); err != nil {
			return badField("camera_id", "is not a camera id: %v", err)
		}
	}
	for field, v := range map[string]string{"camera_id": s.CameraID, "region": s.Region, "uplink": s.Uplink, "maintainer": s.Maintainer} {
		if utf8.RuneCountInString(v) > 256 {
			return badField(field, "is longer than 256 characters")
		}
	}
	return nil
}

// deleteSilence answers DELETE /silences/:id with 204. A silence that has
// not started is removed; one in force ends now and stays on record (the
// reports count it); one already over is left as it is.
func (d *Dispatcher) deleteSilence(c *gin.Context) {
	ctx := c.Request.Context()
	s, err := d.store.Silence(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	now := d.now().UTC()
	switch {
	case s.Start.After(now):
		err = d.store.DeleteSilence(ctx, s.ID)
	case s.End.After(now):
		s.End = now
		err = d.store.PutSilence(ctx, s)
	}
	if err != nil {
		fail(c, err)
		return
	}
	p, _ := api.PrincipalOf(c)
	d.log.Info("silence ended", "id", s.ID, "by", p.Name)
	c.Status(http.StatusNoContent)
}

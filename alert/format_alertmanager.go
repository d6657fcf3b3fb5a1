package alert

import (
	"net/url"
	"strings"
	"time"
)

// The alertmanager format feeds an Alertmanager: the body is what its API
// v2 takes on POST /api/v2/alerts (the webhook's url is the Alertmanager's
// base URL), a JSON array of postable alerts. Each alert is known to
// Alertmanager by its labels, so a firing alert, its re-sends and its
// resolution carry the same ones:
//
//	alertname   SharpeyesCameraDown, SharpeyesCameraDegraded,
//	            SharpeyesGroupDown or SharpeyesCollectorIsolated
//	severity    critical (warning for degraded)
//	camera_id, camera_name, region, owner, maintainer, uplink
//	            of the camera (camera alerts, empty ones left out)
//	uplink or region
//	            the group's (group alerts: one alert per group)
//	instance    the isolated collector (collector.isolated)
//
// Annotations: summary and description (the message text, in Chinese),
// reason (camera alerts), camera_url ({public_url}/cameras/{id}, with
// public_url). startsAt is when the outage began, on every send; endsAt is
// set only on resolution (camera.up, group.up). A firing alert has no
// endsAt, so Alertmanager resolves it by itself after its resolve_timeout
// (default 5m) unless it is sent again: the dispatcher re-sends the open
// alerts every Options.ResendInterval (default 1m; see resend.go).
type amPostable struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       *time.Time        `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// amPath is where the alertmanager format posts, under the webhook's url.
const amPath = "/api/v2/alerts"

// amEndpoint returns the URL to post to for an Alertmanager at base (which
// may already end in /api/v2/alerts).
func amEndpoint(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base // the request fails with a redacted error
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, amPath) {
		p += amPath
	}
	u.Path, u.RawPath = p, ""
	return u.String()
}

var amNames = map[string]string{
	CameraDown: "SharpeyesCameraDown", CameraDegraded: "SharpeyesCameraDegraded",
	GroupDown: "SharpeyesGroupDown", GroupUp: "SharpeyesGroupDown", CollectorIsolated: "SharpeyesCollectorIsolated",
}

func renderAlertmanager(a *Alert, env *RenderEnv) any {
	if a.Type == Resend {
		out := []amPostable{}
		for i := range a.Alerts {
			out = append(out, amAlerts(&a.Alerts[i], env)...)
		}
		return out
	}
	return amAlerts(a, env)
}

// amAlerts returns the postable alerts of one sharpeyes alert.
func amAlerts(a *Alert, env *RenderEnv) []amPostable {
	m := compose(a, env, keepText)
	name := amNames[a.Type]
	if a.Type == CameraUp {
		name = amNames[CameraDown]
		if a.Resolves == CameraDegraded {
			name = amNames[CameraDegraded]
		}
	}
	p := amPostable{StartsAt: a.At, Annotations: map[string]string{"summary": m.Title, "description": m.plain()}}
	if a.Since != nil {
		p.StartsAt = *a.Since
	}
	if a.Type == CameraUp || a.Type == GroupUp {
		end := a.At
		p.EndsAt = &end
	}
	switch {
	case a.Isolation != nil:
		p.Labels = map[string]string{"alertname": name, "severity": "critical"}
		if a.Isolation.Instance != "" {
			p.Labels["instance"] = a.Isolation.Instance
		}
	case a.Group != nil:
		p.Labels = map[string]string{"alertname": name, "severity": "critical", a.Group.By: a.Group.Name}
		p.GeneratorURL = env.groupLink(a.Group)
	case len(a.Cameras) > 0:
		c := a.Cameras[0]
		p.Labels = amCameraLabels(name, c)
		if p.EndsAt == nil {
			p.StartsAt = c.Since
			p.Annotations["reason"] = c.Reason
		}
		if link := env.consoleLink(c.ID); link != "" {
			p.Annotations["camera_url"] = link
			p.GeneratorURL = link
		}
	default:
		return nil
	}
	return []amPostable{p}
}

// amCameraLabels are the labels of a camera's alert; empty values are left
// out, as Alertmanager drops them anyway.
func amCameraLabels(name string, c CameraRef) map[string]string {
	l := map[string]string{"alertname": name, "camera_id": c.ID, "severity": "critical"}
	if name == amNames[CameraDegraded] {
		l["severity"] = "warning"
	}
	for k, v := range map[string]string{"camera_name": c.Name, "region": c.Region, "owner": string(c.Owner),
		"maintainer": c.Maintainer, "uplink": c.Uplink} {
		if v != "" {
			l[k] = v
		}
	}
	return l
}

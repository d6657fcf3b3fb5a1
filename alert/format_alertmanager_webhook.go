package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The alertmanager-webhook format is the payload Alertmanager sends to its
// receivers (webhook version 4), for relays that consume it (PrometheusAlert
// and the like): it cannot feed an Alertmanager, whose API takes postable
// alerts (the alertmanager format, format_alertmanager.go). One
// alert per camera, "firing" for downs and "resolved" (with endsAt) for
// ups. A firing alert and its resolution carry the same labels, hence the
// same fingerprint; the reason is an annotation since it changes.
type amMessage struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []amAlert         `json:"alerts"`
}

type amAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

var amAlertNames = map[string]string{
	CameraDown: "CameraDown", CameraUp: "CameraDown", GroupDown: "CameraDown", GroupUp: "CameraDown",
	CameraDegraded: "CameraDegraded", CollectorIsolated: "CollectorIsolated",
}

func renderAlertmanagerWebhook(a *Alert, env *RenderEnv) any {
	m := compose(a, env, keepText)
	resolved := a.Type == CameraUp || a.Type == GroupUp
	msg := amMessage{Version: "4", Status: "firing", Receiver: env.Receiver, ExternalURL: env.PublicURL,
		CommonAnnotations: map[string]string{"summary": m.Title, "description": m.plain()}}
	if resolved {
		msg.Status = "resolved"
	}
	name := amAlertNames[a.Type]
	if a.Type == CameraUp && a.Resolves == CameraDegraded {
		name = "CameraDegraded"
	}
	switch {
	case a.Isolation != nil:
		msg.GroupLabels = map[string]string{"alertname": name}
		msg.Alerts = []amAlert{{Labels: map[string]string{"alertname": name, "instance": a.Isolation.Instance},
			StartsAt: a.At, GeneratorURL: m.Link}}
	case a.Group != nil:
		msg.GroupLabels = map[string]string{a.Group.By: a.Group.Name}
	default:
		if len(a.Cameras) > 0 {
			msg.GroupLabels = map[string]string{"camera_id": a.Cameras[0].ID}
		}
	}
	for _, c := range a.Cameras {
		al := amAlert{Labels: cameraLabels(name, c), StartsAt: c.Since, GeneratorURL: env.consoleLink(c.ID),
			Annotations: map[string]string{"reason": c.Reason}}
		if resolved {
			al.Annotations = map[string]string{}
			al.EndsAt = a.At
			if a.Since != nil {
				al.StartsAt = *a.Since
			}
		}
		msg.Alerts = append(msg.Alerts, al)
	}
	for i := range msg.Alerts {
		al := &msg.Alerts[i]
		al.Status = msg.Status
		al.Fingerprint = fingerprint(al.Labels)
		if al.Annotations == nil {
			al.Annotations = map[string]string{}
		}
	}
	msg.GroupKey = "{}:" + labelString(msg.GroupLabels)
	msg.CommonLabels = commonLabels(msg.Alerts)
	return msg
}

func cameraLabels(name string, c CameraRef) map[string]string {
	l := map[string]string{"alertname": name, "camera_id": c.ID, "severity": "critical"}
	if name == "CameraDegraded" {
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

// labelString writes labels as Alertmanager does: {a="1", b="2"}, sorted.
func labelString(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, l[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func fingerprint(l map[string]string) string {
	sum := sha256.Sum256([]byte(labelString(l)))
	return hex.EncodeToString(sum[:8])
}

func commonLabels(alerts []amAlert) map[string]string {
	out := map[string]string{}
	if len(alerts) == 0 {
		return out
	}
	for k, v := range alerts[0].Labels {
		out[k] = v
	}
	for _, al := range alerts[1:] {
		for k, v := range out {
			if al.Labels[k] != v {
				delete(out, k)
			}
		}
	}
	return out
}

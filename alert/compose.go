package alert

import (
	"fmt"

	"github.com/sharpeyes/sharpeyes"
)

// compose writes an alert for people, in Chinese, passing every text
// taken from records through esc, the escaper of the format's dialect
// (escape.go).
func compose(a *Alert, env *RenderEnv, esc func(string) string) message {
	switch a.Type {
	case GroupDown, GroupUp:
		return composeGroup(a, env, esc)
	case CollectorIsolated:
		return composeIsolation(a, env, esc)
	}
	return composeCamera(a, env, esc)
}

func composeCamera(a *Alert, env *RenderEnv, esc func(string) string) message {
	var c CameraRef
	if len(a.Cameras) > 0 {
		c = a.Cameras[0]
	}
	name := c.Name
	if name == "" {
		name = c.ID
	}
	name = esc(name)
	m := message{Link: env.consoleLink(c.ID)}
	var l []string
	l = field(l, "编号", esc(c.ID))
	l = field(l, "区域", esc(c.Region))
	switch a.Type {
	case CameraUp:
		m.Title = "【摄像机恢复】" + name
		if a.Since != nil {
			l = field(l, "离线时长", durationText(a.DurationS))
			l = field(l, "离线时间", env.timeText(*a.Since))
		}
		l = field(l, "恢复时间", env.timeText(a.At))
	case CameraDegraded:
		m.Title = "【摄像机异常】" + name
		l = field(l, "原因", esc(reasonText(c.Reason)))
		l = field(l, "异常时间", env.timeText(a.At))
	default:
		m.Title = "【摄像机离线】" + name
		l = field(l, "原因", esc(reasonText(c.Reason)))
		l = field(l, "离线时间", env.timeText(a.At))
	}
	l = field(l, "建设类型", sharpeyes.OwnerZH[c.Owner])
	l = field(l, "运维单位", esc(c.Maintainer))
	l = field(l, "上联设备", esc(c.Uplink))
	m.Lines = l
	if a.Type != CameraUp {
		m.Mentions = env.mentions(a.Cameras)
	}
	return m
}

func composeGroup(a *Alert, env *RenderEnv, esc func(string) string) message {
	g := a.Group
	if g == nil {
		g = &GroupRef{}
	}
	kind := "区域"
	if g.By == "uplink" {
		kind = "上联设备"
	}
	where := kind + " " + esc(g.Name)
	n := len(a.Cameras)
	m := message{Link: env.groupLink(g)}
	var l []string
	if a.Type == GroupUp {
		m.Title = fmt.Sprintf("【批量恢复】%s 下 %d 台摄像机已全部恢复", where, n)
		l = field(l, "恢复数量", fmt.Sprintf("%d 台", n))
		if a.Since != nil {
			l = field(l, "离线时长", durationText(a.DurationS))
			l = field(l, "离线时间", env.timeText(*a.Since))
		}
		l = field(l, "恢复时间", env.timeText(a.At))
	} else {
		m.Title = fmt.Sprintf("【批量离线】%s 下 %d 台摄像机离线", where, n)
		l = field(l, "离线数量", fmt.Sprintf("%d 台", n))
		l = field(l, "原因", esc(reasonsText(a.Cameras)))
		l = field(l, "开始时间", env.timeText(a.At))
		l = field(l, "说明", "同一"+kind+"下多台摄像机同时离线，疑似链路或供电故障，已合并为一条告警")
		m.Mentions = env.mentions(a.Cameras)
	}
	l = field(l, "运维单位", maintainersText(a.Cameras, esc))
	m.Lines = l
	for i, c := range a.Cameras {
		if i == listedCameras {
			m.More = n - listedCameras
			break
		}
		m.Cameras = append(m.Cameras, cameraName(c, esc))
	}
	return m
}

func composeIsolation(a *Alert, env *RenderEnv, esc func(string) string) message {
	iso := a.Isolation
	if iso == nil {
		iso = &IsolationRef{}
	}
	m := message{Title: "【采集节点网络异常】大部分摄像机同时探测失败"}
	m.Link = env.overviewLink()
	var l []string
	l = field(l, "采集节点", esc(iso.Instance))
	if iso.Probed > 0 {
		l = field(l, "探测失败", fmt.Sprintf("%d / %d", iso.Failed, iso.Probed))
	}
	l = field(l, "时间", env.timeText(a.At))
	l = field(l, "说明", "疑似采集节点自身网络故障，而非摄像机故障；探测恢复前不再发送单台摄像机告警")
	m.Lines = l
	return m
}

package report

import (
	"fmt"
	"time"
)

// Every report turns into sections of rows for the CSV and text encoders;
// CSV writes the first section only (the same rows as the JSON's groups
// and total, or items), the text table all of them.

// kind says how a column's values are formatted.
type kind int

const (
	kText    kind = iota // string
	kInt                 // int
	kRate                // *float64 fraction: CSV as is, table as a percentage
	kSeconds             // float64 or *float64 seconds: table as a duration
	kTime                // time.Time or *time.Time
	kBool                // bool
)

type column struct {
	en, zh string
	kind   kind
}

type section struct {
	title string
	cols  []column
	rows  [][]any
}

// sections returns the tabular form of a report value (a pointer to one
// of Summary, Coverage, Outages, Availability, Buildout), or an error for
// anything else. forCSV leaves out what only the text table shows.
func sections(rep any, forCSV bool) ([]section, error) {
	switch r := rep.(type) {
	case *Summary:
		return []section{summarySection(r)}, nil
	case *Coverage:
		return []section{coverageSection(r)}, nil
	case *Outages:
		return []section{outagesSection(r)}, nil
	case *Availability:
		return availabilitySections(r, forCSV), nil
	case *Buildout:
		return buildoutSections(r, forCSV), nil
	case *SLA:
		return []section{slaSection(r)}, nil
	}
	return nil, fmt.Errorf("report: cannot tabulate %T", rep)
}

// keyColumn names the group column after what the report groups by.
func keyColumn(g GroupBy) column {
	zh := map[GroupBy]string{ByRegion: "所属区域", ByOwner: "建设类型", ByMaintainer: "运维单位", ByUplink: "上联设备"}[g]
	return column{en: string(g), zh: zh}
}

var groupColumns = []column{
	{"total", "总数", kInt},
	{"planned", "规划", kInt}, {"building", "在建", kInt}, {"active", "已建", kInt}, {"retired", "撤除", kInt},
	{"up", "在线", kInt}, {"degraded", "异常", kInt}, {"down", "离线", kInt}, {"unknown", "未知", kInt},
	{"probed", "已检测", kInt}, {"online_rate", "在线率", kRate},
}

func groupRow(g Group) []any {
	l := g.Lifecycle
	return []any{g.Key, g.Total, l.Planned, l.Building, l.Active, l.Retired,
		g.Up, g.Degraded, g.Down, g.Unknown, g.Probed, g.OnlineRate}
}

func coverageSection(r *Coverage) section {
	s := section{cols: append([]column{keyColumn(r.GroupBy)}, groupColumns...)}
	for _, g := range r.Groups {
		s.rows = append(s.rows, groupRow(g))
	}
	s.rows = append(s.rows, groupRow(r.Total))
	return s
}

func summarySection(r *Summary) section {
	s := section{cols: []column{
		{"at", "统计时间", kTime}, {"cameras", "摄像机总数", kInt},
		{"planned", "规划", kInt}, {"building", "在建", kInt}, {"active", "已建", kInt}, {"retired", "撤除", kInt},
		{"up", "在线", kInt}, {"degraded", "异常", kInt}, {"down", "离线", kInt}, {"unknown", "未知", kInt},
		{"probed", "已检测", kInt}, {"online_rate", "在线率", kRate},
		{"ready_for_acceptance", "待验收", kInt}, {"open_outages", "当前故障", kInt},
		{"stale", "超时未检测", kInt}, {"never_probed", "从未检测", kInt},
		{"last_sweep_start", "最近巡检开始", kTime}, {"last_sweep_end", "最近巡检结束", kTime},
		{"last_sweep_duration_s", "最近巡检耗时(秒)", kSeconds},
	}}
	l := r.Lifecycle
	row := []any{r.At, r.Cameras, l.Planned, l.Building, l.Active, l.Retired,
		r.Up, r.Degraded, r.Down, r.Unknown, r.Probed, r.OnlineRate,
		r.ReadyForAcceptance, r.OpenOutages, r.Stale, r.NeverProbed}
	if sw := r.LastSweep; sw != nil {
		row = append(row, sw.Start, sw.End, sw.DurationS)
	} else {
		row = append(row, (*time.Time)(nil), (*time.Time)(nil), (*float64)(nil))
	}
	s.rows = [][]any{row}
	return s
}

func outagesSection(r *Outages) section {
	s := section{cols: []column{
		{"camera_id", "设备编码", kText}, {"name", "点位名称", kText}, {"region", "所属区域", kText},
		{"owner", "建设类型", kText}, {"maintainer", "运维单位", kText}, {"uplink", "上联设备", kText},
		{"start", "开始时间", kTime}, {"end", "结束时间", kTime}, {"duration_s", "持续时长(秒)", kSeconds},
		{"reason", "原因", kText}, {"open", "未恢复", kBool},
	}}
	for _, it := range r.Items {
		s.rows = append(s.rows, []any{it.CameraID, it.Name, it.Region, string(it.Owner), it.Maintainer, it.Uplink,
			it.Start, it.End, it.DurationS, it.Reason, it.Open})
	}
	return s
}

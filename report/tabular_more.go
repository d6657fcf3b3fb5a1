package report

import "slices"

var timeColumns = []column{
	{"monitored_s", "监测时长(秒)", kSeconds}, {"down_s", "离线时长(秒)", kSeconds},
	{"availability", "可用率", kRate}, {"outages", "故障次数", kInt}, {"mttr_s", "平均修复时长(秒)", kSeconds},
}

func timeRow(f TimeFigures) []any {
	return []any{f.MonitoredS, f.DownS, f.Availability, f.Outages, f.MTTRS}
}

var cameraColumns = append([]column{
	{"camera_id", "设备编码", kText}, {"name", "点位名称", kText}, {"region", "所属区域", kText},
	{"maintainer", "运维单位", kText}, {"uplink", "上联设备", kText}, {"lifecycle", "建设状态", kText},
}, timeColumns...)

func cameraSection(title string, cams []CameraAvailability) section {
	s := section{title: title, cols: cameraColumns}
	for _, c := range cams {
		s.rows = append(s.rows, append([]any{c.CameraID, c.Name, c.Region, c.Maintainer, c.Uplink,
			string(c.Lifecycle)}, timeRow(c.TimeFigures)...))
	}
	return s
}

// availabilitySections: the groups and total; the CSV of a report asked
// for every camera has the camera rows instead. The text table adds the
// worst cameras.
func availabilitySections(r *Availability, forCSV bool) []section {
	if forCSV && r.Cameras != nil {
		return []section{cameraSection("", r.Cameras)}
	}
	cols := append(append([]column{keyColumn(r.GroupBy)}, groupColumns...), timeColumns...)
	s := section{cols: cols}
	for _, g := range append(slices.Clip(r.Groups), r.Total) {
		s.rows = append(s.rows, append(groupRow(g.Group), timeRow(g.TimeFigures)...))
	}
	out := []section{s}
	if !forCSV && len(r.Worst) > 0 {
		out = append(out, cameraSection("worst", r.Worst))
	}
	return out
}

// buildoutSections: the CSV has a column per month commissioned; the text
// table shows the months as a second section instead, to stay readable.
func buildoutSections(r *Buildout, forCSV bool) []section {
	cols := []column{keyColumn(r.GroupBy), {"total", "总数", kInt},
		{"planned", "规划", kInt}, {"building", "在建", kInt}, {"active", "已建", kInt}, {"retired", "撤除", kInt},
		{"overdue", "逾期", kInt}, {"ready_for_acceptance", "待验收", kInt}}
	if forCSV {
		for _, m := range r.Months {
			cols = append(cols, column{"commissioned " + m, "建成 " + m, kInt})
		}
	}
	s := section{cols: cols}
	for _, g := range append(slices.Clip(r.Groups), r.Total) {
		row := []any{g.Key, g.Total, g.Planned, g.Building, g.Active, g.Retired, g.Overdue, g.ReadyForAcceptance}
		if forCSV {
			for _, m := range r.Months {
				row = append(row, g.Commissioned[m])
			}
		}
		s.rows = append(s.rows, row)
	}
	if forCSV || len(r.Months) == 0 {
		return []section{s}
	}
	months := section{title: "commissioned per month", cols: []column{{"month", "月份", kText}, {"commissioned", "建成", kInt}}}
	for _, m := range r.Months {
		months.rows = append(months.rows, []any{m, r.Total.Commissioned[m]})
	}
	return []section{s, months}
}

// slaSection: the groups and total of the month, with the outages over
// the repair deadline.
func slaSection(r *SLA) section {
	cols := append(append(append([]column{keyColumn(r.GroupBy)}, groupColumns...), timeColumns...),
		column{"over_deadline", "超时未修复", kInt})
	s := section{cols: cols}
	for _, g := range append(slices.Clip(r.Groups), r.Total) {
		s.rows = append(s.rows, append(append(groupRow(g.Group), timeRow(g.TimeFigures)...), g.OverDeadline))
	}
	return s
}

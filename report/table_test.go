package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func sampleCoverage() *Coverage {
	return &Coverage{GroupBy: ByRegion, Level: 2, At: t0, Groups: []Group{
		{Key: "荷塘区/月塘街道", Total: 728, Lifecycle: Lifecycles{Active: 700, Building: 28}, Up: 600, Down: 70, Degraded: 10, Unknown: 20, Probed: 680, OnlineRate: ptr(600.0 / 680)},
		{Key: NoneKey, Total: 3, Lifecycle: Lifecycles{Planned: 3}},
	}, Total: Group{Key: TotalKey, Total: 731, OnlineRate: ptr(600.0 / 680)}}
}

func TestWriteTableAlignsChineseText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, sampleCoverage(), time.UTC); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "region") {
		t.Fatalf("table:\n%s", buf.String())
	}
	for _, l := range lines[1:] {
		if displayWidth(l) != displayWidth(lines[0]) {
			t.Fatalf("lines differ in width:\n%s", buf.String())
		}
	}
	if !strings.Contains(lines[1], "88.24%") || !strings.HasSuffix(lines[2], "-") {
		t.Fatalf("rates not as percentages, nulls not as -:\n%s", buf.String())
	}
}

func TestWriteTableSectionsAndFields(t *testing.T) {
	avail := &Availability{GroupBy: ByMaintainer, Total: AvailabilityGroup{Group: Group{Key: TotalKey}},
		Worst: []CameraAvailability{{CameraID: "a", TimeFigures: TimeFigures{DownS: 3725, Availability: ptr(0.5)}}}}
	cases := []struct {
		name string
		rep  any
		want []string
	}{
		{"availability lists the worst cameras", avail, []string{"maintainer", "worst:", "1h02m", "50.00%"}},
		{"buildout shows months apart", &Buildout{GroupBy: ByRegion, Months: []string{"2024-01"},
			Total: BuildoutGroup{Key: TotalKey, Commissioned: map[string]int{"2024-01": 4}}},
			[]string{"commissioned per month:", "2024-01             4"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTable(&buf, tc.rep, time.UTC); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Fatalf("table lacks %q:\n%s", w, buf.String())
				}
			}
		})
	}
	if err := WriteTable(&bytes.Buffer{}, struct{}{}, time.UTC); err == nil {
		t.Fatal("WriteTable accepted a value that is no report")
	}
}

func TestWriteTablePrintsTheSummaryOneFieldALine(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, &Summary{At: t0, Cameras: 5, OnlineRate: ptr(1)}, time.UTC); err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		f := strings.Fields(l)
		fields[f[0]] = strings.Join(f[1:], " ")
	}
	want := map[string]string{"cameras": "5", "online_rate": "100.00%", "last_sweep_start": "-", "at": "2025-03-10T00:00:00Z"}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("%s = %q, want %q in\n%s", k, fields[k], v, buf.String())
		}
	}
}

func TestHumanSeconds(t *testing.T) {
	cases := map[float64]string{0: "0s", 45.4: "45s", 725: "12m05s", 3725: "1h02m", 2*86400 + 3*3600: "2d03h"}
	for s, want := range cases {
		if got := humanSeconds(s); got != want {
			t.Errorf("humanSeconds(%v) = %q, want %q", s, got, want)
		}
	}
}

func TestWriteCSVGuardsFormulasAndFormatsExactly(t *testing.T) {
	end := t0
	rep := &Outages{Items: []OutageItem{{CameraID: "a", Name: "=cmd|' /C calc'!A0", Start: t0.Add(-90 * time.Minute),
		End: &end, DurationS: 5400, Reason: "timeout"}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rep, LangZH, time.UTC); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff设备编码,点位名称,所属区域,建设类型,运维单位,上联设备,开始时间,结束时间,持续时长(秒),原因,未恢复\n" +
		"a,'=cmd|' /C calc'!A0,,,,,2025-03-09T22:30:00Z,2025-03-10T00:00:00Z,5400,timeout,false\n"
	if buf.String() != want {
		t.Fatalf("csv:\n%q\nwant\n%q", buf.String(), want)
	}
}

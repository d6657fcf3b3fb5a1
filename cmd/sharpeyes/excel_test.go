package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// export --lang zh writes what import reads back, as CSV and as a
// workbook (-o cameras.xlsx picks the format): the re-imported store
// exports the same English CSV as the original.
func TestExportChineseRoundTripsThroughImportCommand(t *testing.T) {
	rs := redistest.Start(t)
	if code, out, errs := runCmd(t, nil, "import", sampleDir+"hetang-cameras.csv", "--redis", rs.URL()); code != exitOK {
		t.Fatalf("import: exit %d, %q %q", code, out, errs)
	}
	_, want, _ := runCmd(t, nil, "export", "--redis", rs.URL())
	dir := t.TempDir()
	for _, file := range []string{"cameras-zh.csv", "cameras-zh.xlsx"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(dir, file)
			if code, _, errs := runCmd(t, nil, "export", "--redis", rs.URL(), "--lang", "zh", "-o", path); code != exitOK {
				t.Fatalf("export: exit %d, %q", code, errs)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(file, ".xlsx") != strings.HasPrefix(string(data), "PK\x03\x04") {
				t.Fatalf("%s starts %q", file, data[:min(len(data), 8)])
			}
			again := redistest.Start(t)
			code, out, errs := runCmd(t, nil, "import", path, "--redis", again.URL())
			if code != exitOK || !strings.Contains(out, "5100 created") {
				t.Fatalf("re-import: exit %d, %q %q", code, out, errs)
			}
			if _, got, _ := runCmd(t, nil, "export", "--redis", again.URL()); got != want {
				t.Fatal("the re-imported inventory differs from the original")
			}
		})
	}
	if code, _, errs := runCmd(t, nil, "export", "--redis", rs.URL(), "--lang", "fr"); code != exitUsage || !strings.Contains(errs, "--lang") {
		t.Fatalf("--lang fr: exit %d, %q", code, errs)
	}
}

// Import of a Chinese file reports its rows in Chinese with its own
// column names; a workbook's errors name the cell; an import that writes
// nothing says so.
func TestImportCommandSpeaksTheFilesLanguage(t *testing.T) {
	rs := redistest.Start(t)
	code, out, errs := runCmd(t, nil, "import", sampleDir+"bad-rows-zh.csv", "--redis", rs.URL())
	if code != exitUsage || !strings.Contains(errs, `bad-rows-zh.csv:7: 建设类型: "army" 不是 公安、自建、社会 之一`) {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.Contains(out, "nothing imported: 9 of 10 rows are bad") {
		t.Fatalf("stdout %q, want it to say nothing was imported", out)
	}
	code, out, _ = runCmd(t, nil, "import", sampleDir+"bad-rows-zh.csv", "--redis", rs.URL(), "--skip-invalid", "--dry-run")
	if code != exitOK || strings.Contains(out, "nothing imported") {
		t.Fatalf("dry run with a good row: exit %d, %q", code, out)
	}
	empty := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(empty, []byte("设备编码,点位名称\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, nil, "import", empty, "--redis", rs.URL())
	if code != exitOK || !strings.Contains(out, "nothing imported: the file has no camera rows") {
		t.Fatalf("empty file: exit %d, %q", code, out)
	}
	code, out, errs = runCmd(t, nil, "import", sampleDir+"hetang-cameras-300-libreoffice.xlsx", "--redis", rs.URL(), "--sheet", "nope")
	if code != exitUsage || !strings.Contains(errs, `no sheet "nope"`) || !strings.Contains(out, "nothing imported") {
		t.Fatalf("--sheet nope: exit %d, %q %q", code, out, errs)
	}
	code, out, errs = runCmd(t, nil, "import", sampleDir+"hetang-cameras-300-libreoffice.xlsx", "--redis", rs.URL())
	if code != exitOK || !strings.Contains(out, "300 created") {
		t.Fatalf("LibreOffice workbook: exit %d, %q %q", code, out, errs)
	}
}

func TestReportCommandWritesAWorkbook(t *testing.T) {
	rs := redistest.Start(t)
	runCmd(t, nil, "import", sampleDir+"hetang-cameras.csv", "--redis", rs.URL())
	code, out, errs := runCmd(t, nil, "report", "coverage", "--redis", rs.URL(), "--format", "xlsx", "--lang", "zh")
	if code != exitOK || !strings.HasPrefix(out, "PK\x03\x04") {
		t.Fatalf("exit %d, stdout %.8q, stderr %q", code, out, errs)
	}
}

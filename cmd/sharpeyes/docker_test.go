package main

import (
	"bufio"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// This machine has no Docker engine, so the image itself is not built in
// the tests. What can be checked without one is: every build argument the
// Dockerfile uses is declared, every file it copies exists and is not
// excluded from the build context, and its build stage's command, run as
// written, makes a static binary that answers the HEALTHCHECK's command.
func TestDockerfileBuildStageMakesAStaticBinaryThatChecksItsHealth(t *testing.T) {
	root := "../.."
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(df)
	declared := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^ARG ([A-Z_]+)`).FindAllStringSubmatch(text, -1) {
		declared[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Z_]+)\}`).FindAllStringSubmatch(text, -1) {
		if !declared[m[1]] {
			t.Errorf("Dockerfile uses ${%s} without an ARG", m[1])
		}
	}
	for _, arg := range []string{"GO_IMAGE", "BASE_IMAGE", "GOPROXY", "GOSUMDB"} {
		if !declared[arg] {
			t.Errorf("Dockerfile has no build argument %s (needed to build from mirrors)", arg)
		}
	}
	ignored := dockerignore(t, filepath.Join(root, ".dockerignore"))
	for _, m := range regexp.MustCompile(`(?m)^COPY (?:--from=\S+ )?(\S+(?: \S+)*) \S+$`).FindAllStringSubmatch(text, -1) {
		if strings.HasPrefix(m[0], "COPY --from") {
			continue
		}
		for _, src := range strings.Fields(m[1]) {
			if src == "." {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, src)); err != nil {
				t.Errorf("COPY %s: %v", src, err)
			}
			if ignored[src] {
				t.Errorf("COPY %s: excluded by .dockerignore", src)
			}
		}
	}
	if !strings.Contains(text, `HEALTHCHECK`) || !strings.Contains(text, `"healthcheck"`) {
		t.Error("Dockerfile has no HEALTHCHECK running sharpeyes healthcheck")
	}
	// The build stage's command, as written.
	m := regexp.MustCompile(`(?m)^RUN (go build .*)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("no go build command in the Dockerfile")
	}
	out := filepath.Join(t.TempDir(), "sharpeyes")
	cmdline := strings.ReplaceAll(strings.ReplaceAll(m[1], "${VERSION}", "test"), "/out/sharpeyes", out)
	build := exec.Command("sh", "-c", cmdline)
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmdline, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary is dynamically linked: it would not run on distroless/static")
		}
	}
	if b, err := exec.Command(out, "version").CombinedOutput(); err != nil || !strings.Contains(string(b), "sharpeyes test") {
		t.Fatalf("version: %v %s", err, b)
	}
	base, _, stop := startServe(t, nil, "--no-collector")
	defer stop()
	if b, err := exec.Command(out, "healthcheck", "--url", base).CombinedOutput(); err != nil {
		t.Fatalf("healthcheck of a ready server: %v %s", err, b)
	}
}

// dockerignore returns the plain paths a .dockerignore excludes (its
// patterns without wildcards or negation).
func dockerignore(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.ContainsAny(line, "*!?") {
			continue
		}
		out[line] = true
	}
	return out
}

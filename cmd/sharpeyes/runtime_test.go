package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With no Redis configured, the CLI reaches the password-protected
// embedded Redis of a running serve through a file only its user can read;
// neither prints the password, and the file goes when serve stops.
func TestCLIFindsTheEmbeddedRedisOfARunningServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	env := []string{"SHARPEYES_RUNTIME_DIR=" + dir}
	code, _, errs := runCmd(t, env, "export", "--format", "json")
	if code != exitUsage || !strings.Contains(errs, "no running `sharpeyes serve`") {
		t.Fatalf("export with nothing running: exit %d, %q", code, errs)
	}
	_, logs, stop := startServe(t, env, "--no-collector")
	file := filepath.Join(dir, runtimeFile)
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatalf("runtime file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("runtime file mode %o, want 600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(file)
	url := strings.TrimSpace(string(raw))
	userinfo, _, _ := strings.Cut(strings.TrimPrefix(url, "redis://"), "@")
	pw := strings.TrimPrefix(userinfo, ":")
	if len(pw) < 32 {
		t.Fatalf("embedded redis password is %d characters", len(pw))
	}
	code, out, errs := runCmd(t, env, "import", sampleDir+"hetang-cameras.csv")
	if code != exitOK || !strings.Contains(out, "5100 created") {
		t.Fatalf("import into the running serve: exit %d, %q %q", code, out, errs)
	}
	code, out, errs = runCmd(t, env, "report", "coverage", "--format", "json")
	if code != exitOK || !strings.Contains(out, `"total"`) {
		t.Fatalf("report from the running serve: exit %d, %q %q", code, out, errs)
	}
	for what, text := range map[string]string{"serve log": logs.String(), "import output": out + errs} {
		if strings.Contains(text, pw) {
			t.Errorf("%s carries the embedded redis password", what)
		}
	}
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd(t, env, "export"); code != exitUsage || !strings.Contains(errs, "may be read by others") {
		t.Errorf("export with a world-readable runtime file: exit %d, %q", code, errs)
	}
	if err := os.Chmod(file, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("runtime file still there after serve stopped: %v", err)
	}
}

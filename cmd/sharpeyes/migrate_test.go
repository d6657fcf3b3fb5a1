package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// A Redis written by the first key schema keeps its inventory: the first
// command that opens it moves it into the partitions.
func TestCommandMigratesAStoreOfTheFirstSchema(t *testing.T) {
	rs := redistest.Start(t)
	ctx := context.Background()
	c := sharpeyes.Camera{ID: "legacy-cam-1", Name: "old gate", Host: "127.0.0.1", Port: 554, Probe: sharpeyes.ProbeTCP, Region: "r"}
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(c)
	if err := rs.Client().HSet(ctx, "se:{inv}:cam", c.ID, raw).Err(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, nil, "export", "--redis", rs.URL())
	if code != exitOK || !strings.Contains(out, "legacy-cam-1") {
		t.Fatalf("export after the schema change: exit %d, stdout %q, stderr %s; want the legacy camera", code, out, errs)
	}
	if n := rs.Client().Exists(ctx, "se:{inv}:cam").Val(); n != 0 {
		t.Fatal("the first schema's inventory key is still there after the migration")
	}
}

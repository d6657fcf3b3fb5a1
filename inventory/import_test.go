package inventory_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/inventory"
)

func TestImportEveryHetangFileGivesTheSameInventory(t *testing.T) {
	var wantCSV, wantJSON []byte
	for _, name := range []string{"hetang-cameras.csv", "hetang-cameras-zh-utf8bom.csv", "hetang-cameras-zh-gbk.csv"} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			res := mustImport(t, s, mustRead(t, name), inventory.Options{})
			if res.Created != 5100 || res.Updated != 0 || res.Skipped != 0 || len(res.Errors) != 0 {
				t.Fatalf("result: got %+v, want 5100 created", res)
			}
			if n := storedCount(t, s); n != 5100 {
				t.Fatalf("stored %d cameras, want 5100", n)
			}
			gotCSV, gotJSON := mustExport(t, s, inventory.FormatCSV), mustExport(t, s, inventory.FormatJSON)
			if wantCSV == nil {
				wantCSV, wantJSON = gotCSV, gotJSON
				return
			}
			if !bytes.Equal(gotCSV, wantCSV) || !bytes.Equal(gotJSON, wantJSON) {
				t.Fatalf("export differs from hetang-cameras.csv's (csv equal %v, json equal %v)",
					bytes.Equal(gotCSV, wantCSV), bytes.Equal(gotJSON, wantJSON))
			}
		})
	}
}

func TestImportBadRowsWritesNothing(t *testing.T) {
	s := newStore(t)
	res, err := inventory.Import(context.Background(), s, bytes.NewReader(mustRead(t, "bad-rows.csv")), inventory.FormatCSV, inventory.Options{})
	if !errors.Is(err, inventory.ErrInvalid) {
		t.Fatalf("got %v, want ErrInvalid", err)
	}
	var lines []int
	for _, e := range res.Errors {
		lines = append(lines, e.Line)
	}
	if fmt.Sprint(lines) != "[3 4 5 6 7 8 9 10 11]" {
		t.Fatalf("error lines: got %v, want 3..11", lines)
	}
	if res.Created != 0 || res.Updated != 0 || storedCount(t, s) != 0 {
		t.Fatalf("wrote something: %+v, %d stored", res, storedCount(t, s))
	}
}

func TestImportSkipInvalidWritesOnlyGoodRows(t *testing.T) {
	s := newStore(t)
	res := mustImport(t, s, mustRead(t, "bad-rows.csv"), inventory.Options{SkipInvalid: true})
	if res.Created != 1 || res.Skipped != 9 || len(res.Errors) != 9 {
		t.Fatalf("result: got %+v, want 1 created, 9 skipped, 9 errors", res)
	}
	if _, err := s.Camera(context.Background(), "43020200001326900001"); err != nil || storedCount(t, s) != 1 {
		t.Fatalf("want only the good row stored: %v, %d stored", err, storedCount(t, s))
	}
}

func TestImportCreateOnlyRejectsStoredIDs(t *testing.T) {
	s := newStore(t)
	mustImport(t, s, []byte("id,name,host\ncam-1,old,127.0.0.1\n"), inventory.Options{})
	data := []byte("id,name,host\ncam-2,new,127.0.0.2\ncam-1,changed,127.0.0.1\n")
	res, err := inventory.Import(context.Background(), s, bytes.NewReader(data), inventory.FormatCSV, inventory.Options{CreateOnly: true})
	if !errors.Is(err, inventory.ErrInvalid) {
		t.Fatalf("got %v, want ErrInvalid", err)
	}
	if len(res.Errors) != 1 || res.Errors[0].Line != 3 || res.Errors[0].Column != "id" {
		t.Fatalf("errors: got %+v, want one on line 3, column id", res.Errors)
	}
	c, err := s.Camera(context.Background(), "cam-1")
	if err != nil || c.Name != "old" || storedCount(t, s) != 1 {
		t.Fatalf("store changed: cam-1 %+v (%v), %d stored", c, err, storedCount(t, s))
	}
}

func TestImportDryRunCountsAndWritesNothing(t *testing.T) {
	s := newStore(t)
	mustImport(t, s, []byte("id,name,host\ncam-1,old,127.0.0.1\n"), inventory.Options{})
	data := []byte("id,name,host\ncam-1,changed,127.0.0.1\ncam-2,new,127.0.0.2\ncam-3,new,127.0.0.3\n")
	res := mustImport(t, s, data, inventory.Options{DryRun: true})
	if !res.DryRun || res.Created != 2 || res.Updated != 1 {
		t.Fatalf("result: got %+v, want dry run with 2 created, 1 updated", res)
	}
	c, err := s.Camera(context.Background(), "cam-1")
	if err != nil || c.Name != "old" || storedCount(t, s) != 1 {
		t.Fatalf("dry run wrote: cam-1 %+v (%v), %d stored", c, err, storedCount(t, s))
	}
	_, err = inventory.Import(context.Background(), s, bytes.NewReader(data), inventory.FormatCSV,
		inventory.Options{DryRun: true, CreateOnly: true})
	if !errors.Is(err, inventory.ErrInvalid) {
		t.Fatalf("create-only dry run: got %v, want the conflict on cam-1", err)
	}
}

func TestReimportOfExportUpdatesAllAndKeepsPasswords(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	lines := strings.Split(strings.TrimSpace(string(mustRead(t, "hetang-cameras.csv"))), "\n")
	var withCreds strings.Builder
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		switch {
		case i == 0:
			l += ",username,password"
		case i <= 10:
			l += fmt.Sprintf(",admin,pw-%d", i)
		default:
			l += ",,"
		}
		withCreds.WriteString(l + "\n")
	}
	mustImport(t, s, []byte(withCreds.String()), inventory.Options{})
	export := mustExport(t, s, inventory.FormatCSV)
	if bytes.Contains(export, []byte("pw-1")) || bytes.Contains(export, []byte("admin")) {
		t.Fatal("the export carries credentials")
	}
	res := mustImport(t, s, export, inventory.Options{})
	if res.Created != 0 || res.Updated != 5100 {
		t.Fatalf("re-import: got %+v, want 5100 updated", res)
	}
	if again := mustExport(t, s, inventory.FormatCSV); !bytes.Equal(again, export) {
		t.Fatal("re-import of the export changed the inventory")
	}
	ids := []string{"43020200001326000001", "43020200001326000010"}
	creds, err := s.Credentials(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if want := fmt.Sprintf("pw-%d", []int{1, 10}[i]); creds[id].Password != want || creds[id].Username != "admin" {
			t.Errorf("credentials of %s: got %v, want admin/%s", id, creds[id], want)
		}
	}
}

func TestImportFileErrorIsTheOnlyRowError(t *testing.T) {
	s := newStore(t)
	res, err := inventory.Import(context.Background(), s, strings.NewReader("id,name,colour\n"), inventory.FormatCSV, inventory.Options{})
	if !errors.Is(err, inventory.ErrInvalid) || len(res.Errors) != 1 || res.Errors[0].Line != 1 {
		t.Fatalf("got %v, %+v; want ErrInvalid and one error on line 1", err, res.Errors)
	}
}

func TestImportReportsProgress(t *testing.T) {
	s := newStore(t)
	var calls [][2]int
	mustImport(t, s, mustRead(t, "hetang-cameras.csv"), inventory.Options{
		Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) },
	})
	if len(calls) != 6 || calls[0] != [2]int{1000, -1} || calls[5] != [2]int{5100, 5100} {
		t.Fatalf("progress calls: got %v, want 1000..5000 of -1, then 5100 of 5100", calls)
	}
}

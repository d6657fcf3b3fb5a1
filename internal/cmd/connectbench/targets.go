package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

// target is one camera to connect to.
type target struct {
	addr string // host:port, an IP literal
	url  string // rtsp://host:port/path, for rtsp cameras
}

// maxTargets bounds what one run reads.
const maxTargets = 1_000_000

// readTargets reads an inventory CSV by its header names: host, port and
// probe are required, path and lifecycle optional. Rows of planned and
// retired cameras are skipped (and counted) unless all is set. It returns
// an error naming the line for a missing column, a host that is not a
// loopback IP literal (127.0.0.0/8 or ::1), or a bad port.
func readTargets(r io.Reader, all bool) ([]target, int, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, 0, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"host", "port", "probe"} {
		if _, ok := col[need]; !ok {
			return nil, 0, fmt.Errorf("header: no %q column", need)
		}
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var ts []target
	skipped := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return ts, skipped, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if lc := field(rec, "lifecycle"); !all && (lc == "planned" || lc == "retired") {
			skipped++
			continue
		}
		t, err := newTarget(field(rec, "host"), field(rec, "port"), field(rec, "probe"), field(rec, "path"))
		if err != nil {
			return nil, 0, fmt.Errorf("line %d: %w", line, err)
		}
		if len(ts) == maxTargets {
			return nil, 0, fmt.Errorf("line %d: more than %d cameras", line, maxTargets)
		}
		ts = append(ts, t)
	}
}

// newTarget checks one row: host must be a loopback IP literal and port a
// number 1-65535.
func newTarget(host, port, probe, path string) (target, error) {
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return target{}, fmt.Errorf("host %q is not an IP address (only loopback targets are allowed)", host)
	}
	if a = a.Unmap(); !a.IsLoopback() || a.Zone() != "" {
		return target{}, fmt.Errorf("host %s is not loopback (127.0.0.0/8 or ::1)", a)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return target{}, fmt.Errorf("port %q is not 1-65535", port)
	}
	t := target{addr: netip.AddrPortFrom(a, uint16(p)).String()}
	if probe == "rtsp" {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		if strings.ContainsAny(path, " \r\n") {
			return target{}, fmt.Errorf("path %q has spaces or line breaks", path)
		}
		t.url = "rtsp://" + t.addr + path
	}
	return t, nil
}

package inventory_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
)

// inventoryCSV returns n valid rows shaped like the sample inventory, the
// same bytes on every call.
func inventoryCSV(n int) []byte {
	towns := []string{"月塘街道", "茨菇塘街道", "宋家桥街道", "桂花街道", "金山街道", "明照街道", "仙庾镇"}
	owners := []string{"government", "social", "police"}
	var b bytes.Buffer
	b.WriteString("id,name,host,port,probe,path,region,owner,lifecycle,maintainer,uplink,lat,lon,due,installed_at\n")
	for i := range n {
		town := towns[i%len(towns)]
		fmt.Fprintf(&b, "43020200001326%06d,%s网格%02d-路口%d号,127.20.%d.%d,554,rtsp,/Streaming/Channels/101,"+
			"荷塘区/%s/网格%02d,%s,active,湖南联通运维,SW-%d,27.%06d,113.%06d,,2024-%02d-01\n",
			i, town, i/7%100, i, i/250%256, i%250+1, town, i/7%100, owners[i%3], i/50, 800000+i%100000, 100000+i%100000, i%12+1)
	}
	return b.Bytes()
}

// decodedInventory returns the n cameras of inventoryCSV(n), decoded and
// validated.
func decodedInventory(b *testing.B, n int) []sharpeyes.Camera {
	b.Helper()
	cams, rowErrs, err := inventory.Decode(bytes.NewReader(inventoryCSV(n)), inventory.FormatCSV)
	if err != nil || len(rowErrs) > 0 {
		b.Fatalf("decode: %v %v", err, rowErrs[:min(len(rowErrs), 3)])
	}
	return cams
}

// BenchmarkImport100k imports 100,000 new cameras into a real redis-server;
// the target is under 5 s per import.
func BenchmarkImport100k(b *testing.B) {
	data := inventoryCSV(100_000)
	s := newStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := s.Client().FlushAll(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := inventory.Import(ctx, s, bytes.NewReader(data), inventory.FormatCSV, inventory.Options{})
		if err != nil || res.Created != 100_000 {
			b.Fatalf("import: %+v, %v", res.Errors[:min(len(res.Errors), 3)], err)
		}
	}
}

// BenchmarkImport100kBaseline is the floor for BenchmarkImport100k,
// measured the same way: the same 100,000 camera records, already
// decoded and validated, written by PutMany (one pipelined MULTI/EXEC).
// Import's figure divided by this one is the cost of parsing, validating
// and checking the file.
func BenchmarkImport100kBaseline(b *testing.B) {
	cams := decodedInventory(b, 100_000)
	s := newStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := s.Client().FlushAll(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if res, err := s.PutMany(ctx, cams); err != nil || res.Created != 100_000 {
			b.Fatalf("put: %+v, %v", res, err)
		}
	}
}

// peakHeap is an export's destination that discards what it is given and
// samples the heap's object bytes (live and not yet swept) at every write,
// which the export's 64 KiB buffer makes one per 64 KiB.
type peakHeap struct {
	sample [1]metrics.Sample
	peak   uint64
}

func newPeakHeap() *peakHeap {
	p := &peakHeap{}
	p.sample[0].Name = "/memory/classes/heap/objects:bytes"
	return p
}

func (p *peakHeap) Write(b []byte) (int, error) {
	metrics.Read(p.sample[:])
	p.peak = max(p.peak, p.sample[0].Value.Uint64())
	return len(b), nil
}

// BenchmarkExport100k exports 100,000 stored cameras as CSV and reports
// the heap's peak over the export above the heap after a collection
// before it (peak-heap-MB). "lazy" is Export, which builds one record at a
// time; "built" is the baseline that builds every record first (Select,
// then Encode), as Export did before.
func BenchmarkExport100k(b *testing.B) {
	cams := decodedInventory(b, 100_000)
	s := newStore(b)
	ctx := context.Background()
	if _, err := s.PutMany(ctx, cams); err != nil {
		b.Fatal(err)
	}
	cams = nil
	if _, err := s.Snapshot(ctx); err != nil { // loaded before the first export
		b.Fatal(err)
	}
	for _, mode := range []string{"lazy", "built"} {
		b.Run(mode, func(b *testing.B) {
			var worst float64
			for range b.N {
				runtime.GC()
				w := newPeakHeap()
				metrics.Read(w.sample[:])
				base := w.sample[0].Value.Uint64()
				var err error
				if mode == "lazy" {
					err = inventory.Export(ctx, s, w, inventory.FormatCSV, sharpeyes.Filter{}, inventory.LangEN)
				} else {
					var all []*sharpeyes.Camera
					if all, err = s.Select(ctx, sharpeyes.Filter{}); err == nil {
						err = inventory.Encode(w, all, inventory.FormatCSV, inventory.LangEN)
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				worst = max(worst, float64(w.peak-min(w.peak, base))/1e6)
			}
			b.ReportMetric(worst, "peak-heap-MB")
		})
	}
}

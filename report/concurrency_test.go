package report

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// TestReportsAgreeUnderConcurrentWrites runs reports from several
// goroutines while states change and outages close, then checks that the
// caches end up where a fresh reporter starts. Run with -race.
func TestReportsAgreeUnderConcurrentWrites(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var cams []sharpeyes.Camera
	for i := range 50 {
		cams = append(cams, mustCamera(t, fmt.Sprintf("c%02d", i), fmt.Sprintf("r%d/t%d", i%3, i%5), sharpeyes.Active))
	}
	e.putAt(t, hours(-48), cams...)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				q := Query{Level: 2, Window: 48 * time.Hour, Limit: 5}
				var err error
				switch (g + i) % 3 {
				case 0:
					_, err = e.rep.Coverage(ctx, q)
				case 1:
					_, err = e.rep.Availability(ctx, q)
				default:
					_, err = e.rep.Outages(ctx, q)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range 20 {
		id := cams[i%len(cams)].ID
		e.setState(t, id, sharpeyes.StateDown, "timeout", hours(-float64(30-i)))
		e.setState(t, id, sharpeyes.StateUp, "", hours(-float64(30-i)+0.5))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	q := Query{Level: 2, Window: 48 * time.Hour}
	got, err := e.rep.Availability(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := New(Options{Store: e.store, Now: e.clock.Now}).Availability(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total.Outages != 20 || got.Total.fig != want.Total.fig || got.Total.Up != want.Total.Up {
		t.Fatalf("cached reporter: %+v; fresh one: %+v (want 20 outages)", got.Total, want.Total)
	}
}

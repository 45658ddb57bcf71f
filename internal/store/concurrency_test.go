package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"pilotmap/internal/gazetteer"
)

// TestConcurrentReadersDuringWrites reads from two goroutines while a second
// handle on the same file (as another process would) imports and changes
// statuses: with WAL, no reader fails or sees a half-written import.
func TestConcurrentReadersDuringWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	reader, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	writer.now = testClock()
	divs, req := syntheticImport(108)
	if err := writer.SeedDivisions(ctx, divs, nil); err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	errs := make(chan error, 2)
	var started, wg sync.WaitGroup
	started.Add(2)
	for g := range 2 {
		wg.Go(func() {
			for reads := 0; ; reads++ {
				if reads == 1 {
					started.Done() // the writes begin once both readers run
				}
				select {
				case <-done:
					return
				default:
				}
				units, err := reader.PilotUnits(ctx, UnitFilter{})
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", g, err)
					if reads == 0 {
						started.Done()
					}
					return
				}
				if n := len(units); n != 0 && n != 108 {
					errs <- fmt.Errorf("reader %d saw a partial import: %d units", g, n)
					return
				}
				if _, err := reader.DataVersion(ctx); err != nil {
					errs <- fmt.Errorf("reader %d: %w", g, err)
					return
				}
			}
		})
	}

	started.Wait()
	res, err := writer.Import(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	units, err := writer.PilotUnits(ctx, UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units[:50] {
		if err := writer.SetUnitStatus(ctx, u.ID, StatusRevoked, "test"); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if v, err := reader.DataVersion(ctx); err != nil || v != res.DataVersion+50 {
		t.Errorf("reader sees data version %d (%v), want %d", v, err, res.DataVersion+50)
	}
}

// TestConcurrentWriters: two handles writing at once wait for each other
// (busy timeout, immediate transactions) instead of failing.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	var stores [2]*SQLite
	for i := range stores {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.now = testClock()
		stores[i] = s
	}
	divs, req := syntheticImport(108)
	if err := stores[0].SeedDivisions(ctx, divs, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, s := range stores {
		wg.Go(func() {
			r := req
			r.BatchNumber = i + 1
			r.Raw = fmt.Appendf(nil, "batch %d", i+1)
			if _, err := s.Import(ctx, r); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if units, err := stores[0].PilotUnits(ctx, UnitFilter{}); err != nil || len(units) != 216 {
		t.Errorf("%d units (%v), want 216", len(units), err)
	}
}

// syntheticImport makes a gazetteer of 27 provinces with 4 prefectures each
// and a request listing all 108 prefectures.
func syntheticImport(n int) ([]gazetteer.Division, ImportRequest) {
	var divs []gazetteer.Division
	req := ImportRequest{Program: program, BatchNumber: 2, Filename: "synthetic.txt", Raw: []byte("synthetic")}
	for i := range n {
		p, c := 11+i/4, 1+i%4
		pcode := fmt.Sprintf("%02d0000", p)
		if c == 1 {
			divs = append(divs, gazetteer.Division{Code: pcode, Name: fmt.Sprintf("省%d", p), Level: gazetteer.Province})
		}
		code := fmt.Sprintf("%02d%02d00", p, c)
		divs = append(divs, gazetteer.Division{Code: code, Name: fmt.Sprintf("市%d-%d", p, c), Level: gazetteer.Prefecture, ParentCode: pcode})
		req.Units = append(req.Units, NewPilotUnit{Code: code, ProvinceCode: pcode, ComparableCode: code,
			ProvinceWritten: fmt.Sprintf("省%d", p), Written: fmt.Sprintf("市%d-%d", p, c), Line: 30 + i, Rule: "exact", Confidence: 1})
	}
	return divs, req
}

func BenchmarkPilotUnits(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	divs, req := syntheticImport(108)
	if err := s.SeedDivisions(ctx, divs, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Import(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		units, err := s.PilotUnits(ctx, UnitFilter{})
		if err != nil {
			b.Fatal(err)
		}
		if len(units) != 108 {
			b.Fatalf("%d units", len(units))
		}
	}
}

func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	divs, req := syntheticImport(108)
	if err := s.SeedDivisions(ctx, divs, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		r := req
		r.BatchNumber = n
		r.Raw = fmt.Appendf(nil, "batch %d", n)
		if _, err := s.Import(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

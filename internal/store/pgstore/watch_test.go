package pgstore

import (
	"context"
	"testing"
	"time"

	"pilotmap/internal/store"
	"pilotmap/internal/store/storetest"
)

// next waits up to 2 s (the replicas' promise) for the watch to send.
func next(t *testing.T, ch <-chan int64, what string) int64 {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatalf("%s: the watch closed", what)
		}
		return v
	case <-time.After(2 * time.Second):
		t.Fatalf("%s: nothing within 2 s", what)
	}
	return 0
}

// TestWatchDataVersion: a write through another handle (another replica,
// the CLI) reaches the watch of this one within 2 s; writes that change
// nothing send nothing; another schema's writes send nothing.
func TestWatchDataVersion(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := pg.Database(t)
	replica, writer := openDSN(t, dsn), openDSN(t, dsn, store.WithClock(storetest.Clock()))
	other := openDSN(t, pg.Database(t))
	ch := replica.WatchDataVersion(ctx, nil)
	if v := next(t, ch, "the first version"); v != 0 {
		t.Errorf("first version %d, want 0", v)
	}
	if err := writer.SeedDivisions(ctx, storetest.SmallDivisions(), nil); err != nil {
		t.Fatal(err)
	}
	if v := next(t, ch, "after the seed"); v != 1 {
		t.Errorf("after the seed: %d, want 1", v)
	}
	// Another schema's write and a write that changes nothing: no version.
	if err := other.SeedDivisions(ctx, storetest.SmallDivisions(), nil); err != nil {
		t.Fatal(err)
	}
	if err := writer.SeedDivisions(ctx, storetest.SmallDivisions(), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-ch:
		t.Errorf("sent %d for writes that changed nothing here", v)
	case <-time.After(300 * time.Millisecond):
	}
	res, err := writer.Import(ctx, storetest.Batch2())
	if err != nil {
		t.Fatal(err)
	}
	if v := next(t, ch, "after the import"); v != res.DataVersion {
		t.Errorf("after the import: %d, want %d", v, res.DataVersion)
	}
	cancel()
	for range ch { // closed once ctx ends
	}
}

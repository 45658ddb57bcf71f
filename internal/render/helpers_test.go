package render

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
	"pilotmap/internal/layer"
	"pilotmap/internal/world"
)

// The map of the default data, built once for all tests (opening the
// dataset and building the topology take about a second).
var (
	mapOnce sync.Once
	theMap  Map
	mapErr  error
)

func testMap(t testing.TB) Map {
	t.Helper()
	mapOnce.Do(func() {
		dir, err := os.MkdirTemp("", "render-test")
		if err != nil {
			mapErr = err
			return
		}
		defer os.RemoveAll(dir)
		v, err := geodata.Version()
		if err != nil {
			mapErr = err
			return
		}
		ctx := context.Background()
		ds, err := dataset.Open(ctx, filepath.Join(dir, "pm.db"), dataset.Source{FS: geodata.FS(), Version: v})
		if err != nil {
			mapErr = err
			return
		}
		defer ds.Close()
		w, err := testWorld(ctx, ds)
		if err != nil {
			mapErr = err
			return
		}
		theMap, mapErr = NewMap(w)
	})
	if mapErr != nil {
		t.Fatalf("test map: %v", mapErr)
	}
	return theMap
}

// fixedDate keeps the documents reproducible.
var fixedDate = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

func renderSVG(t testing.TB, m Map, o Options) []byte {
	t.Helper()
	if o.Date.IsZero() {
		o.Date = fixedDate
	}
	var buf bytes.Buffer
	if err := SVG(&buf, m, o); err != nil {
		t.Fatalf("SVG(%+v): %v", o, err)
	}
	return buf.Bytes()
}

// artifactDir is where TestArtifacts writes: $PILOTMAP_ARTIFACTS when set
// (e.g. the repository's test-artifacts/, gitignored, for a look), else a
// temporary directory, so a plain test run writes nothing into the tree.
func artifactDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PILOTMAP_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testWorld builds the world of ds with its topology and gap analysis.
func testWorld(ctx context.Context, ds *dataset.Dataset) (*world.World, error) {
	topo, err := layer.NewTopology(ds.Boundaries)
	if err != nil {
		return nil, err
	}
	x, err := world.NewGapIndex(ds.Boundaries)
	if err != nil {
		return nil, err
	}
	return world.Build(ctx, world.Source{Data: ds, Topology: topo, GapIndex: x})
}

package dataset_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
	"pilotmap/internal/gaps"
	"pilotmap/internal/importer"
)

func openDefault(tb testing.TB) *dataset.Dataset {
	tb.Helper()
	v, err := geodata.Version()
	if err != nil {
		tb.Fatal(err)
	}
	ds, err := dataset.Open(context.Background(), filepath.Join(tb.TempDir(), "pm.db"), dataset.Source{FS: geodata.FS(), Version: v})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ds.Close() })
	return ds
}

// clusterOf returns the units of the cluster holding code (nil if none).
func clusterOf(rep gaps.Report, code string) []string {
	for _, c := range rep.Clusters {
		for _, u := range c.Units {
			if u == code {
				return c.Units
			}
		}
	}
	return nil
}

func uncovered(rep gaps.Report) map[string]gaps.UncoveredUnit {
	m := map[string]gaps.UncoveredUnit{}
	for _, u := range rep.UncoveredUnits {
		m[u.Code] = u
	}
	return m
}

// Importing a batch with 昆明市 moves the data version; the cache follows:
// 昆明 is no longer uncovered, its neighbours are at 0 km, and the cluster
// that held it is no longer there (it shrinks or splits).
func TestGapCacheFollowsImports(t *testing.T) {
	ctx := context.Background()
	ds := openDefault(t)
	cache := dataset.NewGapCache(ds)
	before, v1, err := cache.Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cold, err := ds.Gaps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, before), mustJSON(t, cold); a != b {
		t.Error("the cached report differs from the cold one")
	}
	old := clusterOf(before, "530100")
	if _, ok := uncovered(before)["530100"]; !ok || old == nil {
		t.Fatal("昆明市 530100 should be uncovered and in a cluster before the import")
	}
	// A copy: changing it leaves the cache alone.
	before.Clusters[0].Units[0] = "changed"
	again, v, err := cache.Report(ctx)
	if err != nil || v != v1 || again.Clusters[0].Units[0] == "changed" {
		t.Fatalf("second report: version %s (want %s), err %v, first unit %s", v, v1, err, again.Clusters[0].Units[0])
	}

	raw := []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单(1个)\n1. 云南省:昆明市\n")
	if _, _, err := importer.Import(ctx, ds.Store, ds.Gazetteer, raw, importer.Options{Filename: "third.txt"}); err != nil {
		t.Fatal(err)
	}
	after, v2, err := cache.Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v2 == v1 {
		t.Fatal("the import did not change the data version")
	}
	un := uncovered(after)
	if _, ok := un["530100"]; ok {
		t.Error("昆明市 is still uncovered after its import")
	}
	for _, c := range []string{"530300", "530400"} { // 曲靖, 玉溪 border 昆明
		if u := un[c]; u.DistanceKM == nil || *u.DistanceKM != 0 {
			t.Errorf("%s: distance %v, want 0 next to the new pilot", c, u.DistanceKM)
		}
	}
	if u := before.UncoveredUnits; len(u) != len(after.UncoveredUnits)+1 {
		t.Errorf("uncovered %d → %d, want one fewer", len(u), len(after.UncoveredUnits))
	}
	var rest []string
	for _, u := range old {
		if u != "530100" {
			rest = append(rest, u)
		}
	}
	n := 0
	for _, c := range after.Clusters {
		if reflect.DeepEqual(c.Units, old) {
			t.Error("the cluster that held 昆明 is unchanged")
		}
		for _, u := range c.Units {
			if u == "530100" {
				t.Error("昆明 is still in a cluster")
			}
		}
	}
	seen := map[string]bool{}
	for _, u := range rest {
		if !seen[u] {
			c := clusterOf(after, u)
			for _, x := range c {
				seen[x] = true
			}
			n += len(c)
		}
	}
	if n != len(rest) {
		t.Errorf("the units of 昆明's old cluster (%d besides it) are now in clusters of %d units: they should only shrink or split", len(rest), n)
	}
	for _, p := range after.ProvincesWithoutUnits {
		if p == "530000" {
			t.Error("云南 is still without units")
		}
	}
}

func TestGapCacheConcurrent(t *testing.T) {
	ctx := context.Background()
	cache := dataset.NewGapCache(openDefault(t))
	var wg sync.WaitGroup
	out := make([]string, 4)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, _, err := cache.Report(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			out[i] = mustJSON(t, rep)
		}()
	}
	wg.Wait()
	for i := range out {
		if out[i] != out[0] {
			t.Fatal("concurrent reports differ")
		}
	}
	if x, err := cache.Index(); err != nil || !x.Adjacent("532300", "510400") {
		t.Errorf("index: %v", err)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkGapsCold computes the report from an open dataset: index,
// pilots from SQLite, analysis.
func BenchmarkGapsCold(b *testing.B) {
	ds := openDefault(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ds.Gaps(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGapsCached is one /gaps request once cached: the data version
// from SQLite and a copy of the report.
func BenchmarkGapsCached(b *testing.B) {
	ds := openDefault(b)
	ctx := context.Background()
	cache := dataset.NewGapCache(ds)
	if _, _, err := cache.Report(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := cache.Report(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

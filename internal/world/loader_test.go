package world_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
	"pilotmap/internal/gaps"
	"pilotmap/internal/importer"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
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

// Importing a batch with 昆明市 moves the data version; the loader
// follows with a new world: 昆明 is no longer uncovered, its neighbours
// are at 0 km, and the cluster that held it is no longer there (it shrinks
// or splits). The old world is left as it was.
func TestLoaderFollowsImports(t *testing.T) {
	ctx := context.Background()
	ds := openDefault(t)
	var builds int
	l := world.NewLoader(world.Source{Data: ds}, world.LoaderOptions{OnBuild: func(_ *world.World, err error, _ time.Duration) {
		if err == nil {
			builds++
		}
	}})
	w1, err := l.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := *w1.Gaps
	x, err := world.NewGapIndex(ds.Boundaries)
	if err != nil {
		t.Fatal(err)
	}
	cold, err := x.Analyze(gaps.Input{Gazetteer: ds.Gazetteer, Pilots: w1.ActivePilots(), PilotProvinces: w1.PilotProvinces(), FarKM: gaps.NationalFarKM})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, before), mustJSON(t, cold); a != b {
		t.Error("the world's report differs from a cold analysis")
	}
	if _, ok := uncovered(before)["530100"]; !ok {
		t.Fatal("昆明市 530100 should be uncovered before the import")
	}
	// 曲靖 lies 50 km or more from every pilot: in a national cluster.
	old := clusterOf(before, "530300")
	if old == nil {
		t.Fatal("曲靖市 530300 should be in a national cluster before the import")
	}
	if again, err := l.Current(ctx); err != nil || again != w1 || builds != 1 {
		t.Fatalf("second call: same world %v, err %v, %d builds (want the same world, one build)", again == w1, err, builds)
	}

	raw := []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单(1个)\n1. 云南省:昆明市\n")
	if _, _, err := importer.Import(ctx, ds.Store, ds.Gazetteer, raw, importer.Options{Filename: "third.txt"}); err != nil {
		t.Fatal(err)
	}
	w2, err := l.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if w2.Version == w1.Version || builds != 2 {
		t.Fatalf("after the import: version %s (was %s), %d builds; want a new version and a second build", w2.Version, w1.Version, builds)
	}
	if len(w2.Units) != len(w1.Units)+1 || len(w2.FilterUnits(store.UnitFilter{Query: "昆明"})) == 0 {
		t.Errorf("units %d → %d, want the imported one more and found by name", len(w1.Units), len(w2.Units))
	}
	after := *w2.Gaps
	if mustJSON(t, *w1.Gaps) != mustJSON(t, before) {
		t.Error("the old world changed")
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
	// Next to the new pilot, 曲靖 and 玉溪 leave the national clusters (they
	// are at 0 km now); the cluster that held 曲靖 is gone or smaller.
	for _, c := range after.Clusters {
		if reflect.DeepEqual(c.Units, old) {
			t.Error("the cluster that held 曲靖 is unchanged")
		}
		for _, u := range c.Units {
			if u == "530100" || u == "530300" || u == "530400" {
				t.Errorf("%s is still in a cluster", u)
			}
		}
	}
	if u := un["530300"]; u.Cluster != 0 || u.NearestPilotCode != "530100" || u.NearestPilotName != "昆明市" {
		t.Errorf("曲靖 after the import: cluster %d, nearest pilot %s %s; want none and 530100 昆明市", u.Cluster, u.NearestPilotCode, u.NearestPilotName)
	}
	for _, p := range after.ProvincesWithoutUnits {
		if p == "530000" {
			t.Error("云南 is still without units")
		}
	}
}

// Concurrent callers of a loader without a world share one build and get
// the same world.
func TestLoaderConcurrent(t *testing.T) {
	ctx := context.Background()
	var builds atomic.Int32
	l := world.NewLoader(world.Source{Data: openDefault(t)}, world.LoaderOptions{VersionTTL: time.Minute, OnBuild: func(*world.World, error, time.Duration) { builds.Add(1) }})
	var wg sync.WaitGroup
	out := make([]*world.World, 8)
	for i := range out {
		wg.Go(func() {
			w, err := l.Current(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			out[i] = w
		})
	}
	wg.Wait()
	for i := range out {
		if out[i] == nil || out[i] != out[0] {
			t.Fatalf("caller %d got another world", i)
		}
	}
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds, want 1", n)
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

// With a TTL, a due check answers with the current world at once and
// builds the new one in the background.
func TestLoaderRefreshesInBackground(t *testing.T) {
	ctx := context.Background()
	ds := openDefault(t)
	l := world.NewLoader(world.Source{Data: ds}, world.LoaderOptions{VersionTTL: 10 * time.Millisecond})
	w1, err := l.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单(1个)\n1. 云南省:昆明市\n")
	if _, _, err := importer.Import(ctx, ds.Store, ds.Gazetteer, raw, importer.Options{Filename: "third.txt"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if w, err := l.Current(ctx); err != nil || w != w1 {
		t.Fatalf("the call that finds the check due: err %v, same world %v; want the current world at once", err, w == w1)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		w, err := l.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if w.Version != w1.Version {
			if len(w.Units) != len(w1.Units)+1 {
				t.Errorf("new world: %d units, want %d", len(w.Units), len(w1.Units)+1)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the new world never came")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A build that panics is an error for its callers, leaves no world
// behind, and is tried again by the next call.
func TestLoaderPanicIsRetried(t *testing.T) {
	ctx := context.Background()
	good := openDefault(t)
	broken := *good
	broken.Gazetteer = nil // coverage.Compute dereferences it
	var failed int
	l := world.NewLoader(world.Source{Data: &broken}, world.LoaderOptions{VersionTTL: time.Minute, OnBuild: func(_ *world.World, err error, _ time.Duration) {
		if err != nil {
			failed++
		}
	}})
	if _, err := l.Current(ctx); err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("first build: err %v, want the panic as an error", err)
	}
	if l.Loaded() != nil {
		t.Fatal("a failed build left a world")
	}
	broken.Gazetteer = good.Gazetteer
	w, err := l.Current(ctx)
	if err != nil || w == nil || len(w.Units) == 0 {
		t.Fatalf("second build: %v", err)
	}
	if failed != 1 {
		t.Errorf("OnBuild saw %d failures, want 1 (the panic)", failed)
	}
}

// BenchmarkBuild builds the world of the default data with a kept gap
// index: what an import costs the server.
func BenchmarkBuild(b *testing.B) {
	ds := openDefault(b)
	x, err := world.NewGapIndex(ds.Boundaries)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := world.Build(ctx, world.Source{Data: ds, GapIndex: x}); err != nil {
			b.Fatal(err)
		}
	}
}

// The full-promotion provinces are a program's: a view of one program has
// those it designates, the world those of every program.
func TestSelectionHasItsProgramsPilotProvinces(t *testing.T) {
	ctx := context.Background()
	ds := openDefault(t)
	raw := []byte("关于开展健康城市试点工作的通知\n确定云南、青海作为全面推进健康城市试点工作的试点省份。\n第一批试点单位名单(1个)\n1. 云南省:昆明市\n")
	if _, _, err := importer.Import(ctx, ds.Store, ds.Gazetteer, raw, importer.Options{Filename: "health.txt"}); err != nil {
		t.Fatal(err)
	}
	w, err := world.NewLoader(world.Source{Data: ds}, world.LoaderOptions{}).Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Programs) != 2 {
		t.Fatalf("%d programs, want the seeded one and the imported one", len(w.Programs))
	}
	all := w.PilotProvinces()
	if len(all) != 14 || !slices.Contains(all, "530000") || !slices.Contains(all, "630000") {
		t.Fatalf("the world's full-promotion provinces %v, want the 12 of 2013 and 云南, 青海", all)
	}
	for _, p := range w.Programs {
		v, err := w.Select(world.Selection{ProgramID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		got := v.PilotProvinces()
		want := 12
		if p.Name != "创建幸福家庭活动" {
			want = 2
		}
		if len(got) != want || v.Stats.National.PilotProvinces != want {
			t.Errorf("%s: full-promotion provinces %v (stats %d), want %d", p.Name, got, v.Stats.National.PilotProvinces, want)
		}
		if yunnan := v.IsPilotProvince("530000"); yunnan != (want == 2) {
			t.Errorf("%s: 云南 full promotion %v", p.Name, yunnan)
		}
	}
}

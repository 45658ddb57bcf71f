package world_test

import (
	"bytes"
	"context"
	"io/fs"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

// Switching the boundary version moves the data version; the loader builds
// the next world on the new boundaries (their own topology and gap index,
// their provenance), and switching back gives the dataset's own again.
func TestLoaderFollowsBoundaryVersions(t *testing.T) {
	ctx := context.Background()
	ds := openDefault(t)
	topo, err := layer.NewTopology(ds.Boundaries)
	if err != nil {
		t.Fatal(err)
	}
	l := world.NewLoader(world.Source{Data: ds, Topology: topo}, world.LoaderOptions{})
	w0, err := l.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if w0.Provenance.License != "Apache-2.0" || w0.BoundaryCredit() != "" {
		t.Errorf("the embedded boundaries' provenance %+v, credit %q", w0.Provenance, w0.BoundaryCredit())
	}

	feats := append([]boundary.Feature(nil), ds.Boundaries.Units.Features...)
	for i, f := range feats {
		if f.Code == "220100" {
			f.Geometry = orb.MultiPolygon{{{{125, 43}, {126, 43}, {126, 44}, {125, 44}, {125, 43}}}}
			feats[i] = f
		}
	}
	var units bytes.Buffer
	if err := boundary.WriteCompact(&units, feats); err != nil {
		t.Fatal(err)
	}
	v := store.BoundaryVersion{Version: "square", Source: "a test", License: "CC0", Attribution: "the test", Format: boundary.CompactFormat,
		Layers: map[string][]byte{"units": units.Bytes()}}
	for _, name := range []string{"provinces", "nanhai"} {
		if v.Layers[name], err = fs.ReadFile(geodata.FS(), boundary.LayerFile(name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ds.Store.PutBoundaryVersion(ctx, v); err != nil {
		t.Fatal(err)
	}
	if err := ds.Store.UseBoundaryVersion(ctx, "square"); err != nil {
		t.Fatal(err)
	}
	w1, err := l.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cc, _ := w1.Boundaries.Units.Feature("220100")
	want := boundary.AreaKM2(orb.MultiPolygon{{{{125, 43}, {126, 43}, {126, 44}, {125, 44}, {125, 43}}}})
	if w1.Version == w0.Version || w1.BoundaryVersion != "square" || math.Abs(cc.AreaKM2-want) > 1e-6 {
		t.Fatalf("after the switch: version %s (was %s), boundaries %s, 长春市 %.0f km² (want %.0f)", w1.Version, w0.Version, w1.BoundaryVersion, cc.AreaKM2, want)
	}
	if w1.Topology == w0.Topology || w1.Gaps == nil || w1.BoundaryCredit() != "the test, a test (CC0)" {
		t.Errorf("after the switch: same topology %v, gaps %v, credit %q", w1.Topology == w0.Topology, w1.Gaps != nil, w1.BoundaryCredit())
	}
	if sh, ok := w1.Topology.Shape(layer.Units, "220100", layer.DataZoom); !ok || math.Abs(boundary.AreaKM2(sh.Geometry)-want) > want*0.01 {
		t.Errorf("the new topology's 长春市 is not the square (found %v)", ok)
	}
	var area0, area1 float64
	for _, p := range w0.Stats.Provinces {
		if p.Code == "220000" {
			area0 = p.AreaKM2
		}
	}
	for _, p := range w1.Stats.Provinces {
		if p.Code == "220000" {
			area1 = p.AreaKM2
		}
	}
	if area0 == area1 {
		t.Errorf("吉林省's area in the stats did not follow the boundaries (%.0f km²)", area1)
	}

	if err := ds.Store.UseBoundaryVersion(ctx, "missing"); err == nil {
		t.Fatal("an unknown version was used")
	}
	if _, err := ds.StoreEmbedded(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ds.Store.UseBoundaryVersion(ctx, ds.Embedded.Version); err != nil {
		t.Fatal(err)
	}
	w2, err := l.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if w2.Boundaries != ds.Boundaries || w2.Topology != topo || w2.Stats.National != w0.Stats.National {
		t.Errorf("after switching back: boundaries, topology or stats are not the dataset's own")
	}
}

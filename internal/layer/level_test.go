package layer

import (
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// TestLevelsKept checks which levels stay built: zooms 0..KeepZoom for
// good, the finer ones while among the FineLevels most recently used; a
// level evicted is built again, the same geometry, and what was handed out
// from it stays valid.
func TestLevelsKept(t *testing.T) {
	topo := testTopology(t)
	for z := 0; z <= KeepZoom; z++ {
		if topo.levelFor(z) != topo.levelFor(z) {
			t.Errorf("zoom %d rebuilt", z)
		}
	}
	if DataZoom-KeepZoom <= FineLevels {
		t.Fatalf("zooms %d..%d all fit in %d fine levels: nothing to evict", KeepZoom+1, DataZoom, FineLevels)
	}
	first := topo.levelFor(KeepZoom + 1)
	held, _ := topo.Shape(Units, "110101", KeepZoom+1)
	if topo.levelFor(KeepZoom+1) != first {
		t.Error("a fine level rebuilt while most recently used")
	}
	for z := KeepZoom + 2; z <= DataZoom; z++ {
		topo.levelFor(z)
	}
	want := make([]int, 0, FineLevels)
	for z := DataZoom; len(want) < FineLevels; z-- {
		want = append(want, z)
	}
	if got := fineZooms(topo.levels); !slices.Equal(got, want) {
		t.Errorf("fine levels kept %v, want %v", got, want)
	}
	for z := DataZoom + 1; z <= MaxZoom; z++ {
		if topo.levelFor(z) != topo.levelFor(DataZoom) {
			t.Errorf("zoom %d does not share zoom %d's level", z, DataZoom)
		}
	}
	again := topo.levelFor(KeepZoom + 1)
	if again == first {
		t.Fatal("an evicted level still kept")
	}
	if !reflect.DeepEqual(again.shapes, first.shapes) {
		t.Error("a level built again differs")
	}
	if s, _ := topo.Shape(Units, "110101", KeepZoom+1); !reflect.DeepEqual(s.Geometry, held.Geometry) {
		t.Error("a shape of an evicted level changed")
	}
	if got := fineZooms(topo.levels); len(got) != FineLevels || got[0] != KeepZoom+1 {
		t.Errorf("fine levels kept %v after using zoom %d", got, KeepZoom+1)
	}
}

// TestConcurrentFineLevels asks for the fine zooms from many goroutines,
// so that levels are evicted while built and used (run with -race).
func TestConcurrentFineLevels(t *testing.T) {
	topo := testTopology(t)
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			z := KeepZoom + 1 + i%(DataZoom-KeepZoom+1)
			if len(topo.Features(Provinces, z, orb.Bound{})) == 0 {
				t.Errorf("zoom %d: no provinces", z)
			}
		})
	}
	wg.Wait()
	if n := len(fineZooms(topo.levels)); n > FineLevels {
		t.Errorf("%d fine levels kept", n)
	}
}

// A level build that panics leaves nothing behind: the next request
// builds the zoom again (a sync.Once would keep it nil for good).
func TestLevelBuildPanicIsRetried(t *testing.T) {
	c := newLevelCache()
	for _, z := range []int{3, KeepZoom + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("zoom %d: the panic did not reach the caller", z)
				}
			}()
			c.get(z, func(int) *level { panic("boom") })
		}()
		want := &level{zoom: z}
		if got := c.get(z, func(int) *level { return want }); got != want {
			t.Errorf("zoom %d after a panic: %v, want the rebuilt level", z, got)
		}
	}
}

// fineZooms lists the zooms above KeepZoom whose levels are kept, most
// recently used first.
func fineZooms(c *levelCache) []int {
	zs := c.fine.Keys() // oldest first
	slices.Reverse(zs)
	return zs
}

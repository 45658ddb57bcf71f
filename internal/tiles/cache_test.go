package tiles

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func key(layer string, x uint32) Key { return Key{DataVersion: "v1", Layer: layer, Z: 4, X: x, Y: 6} }

func TestCacheLRU(t *testing.T) {
	c := NewCache(2, 0)
	c.Add(key("units", 1), []byte("a"))
	c.Add(key("units", 2), nil) // an empty tile is cached too
	if d, ok := c.Get(key("units", 2)); !ok || d != nil {
		t.Errorf("empty tile: %q, %v", d, ok)
	}
	if _, ok := c.Get(key("units", 1)); !ok { // 1 is now the most recent
		t.Error("tile 1 missing")
	}
	c.Add(key("units", 3), []byte("c")) // evicts 2, the least recent
	if _, ok := c.Get(key("units", 2)); ok {
		t.Error("tile 2 not evicted")
	}
	if _, ok := c.Get(key("units", 1)); !ok {
		t.Error("tile 1 evicted")
	}
	// Keys differ by every field.
	if _, ok := c.Get(key("provinces", 1)); ok {
		t.Error("layer ignored in the key")
	}
	k := key("units", 1)
	k.DataVersion = "v2"
	if _, ok := c.Get(k); ok {
		t.Error("data version ignored in the key")
	}
	st := c.Stats()
	if st.Hits != 3 || st.Misses != 3 || st.Entries != 2 || st.Bytes != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestCacheBytes(t *testing.T) {
	c := NewCache(0, 10)
	c.Add(key("u", 1), make([]byte, 4))
	c.Add(key("u", 2), make([]byte, 4))
	c.Add(key("u", 3), make([]byte, 4)) // 12 > 10: evicts 1
	if _, ok := c.Get(key("u", 1)); ok {
		t.Error("tile 1 not evicted")
	}
	c.Add(key("u", 4), make([]byte, 11)) // larger than the cache: not kept
	if _, ok := c.Get(key("u", 4)); ok {
		t.Error("oversized tile cached")
	}
	c.Add(key("u", 2), make([]byte, 1)) // replacing updates the size
	if st := c.Stats(); st.Bytes != 5 || st.Entries != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestCacheGetOrBuild(t *testing.T) {
	c := NewCache(10, 0)
	var builds atomic.Int32
	release := make(chan struct{})
	build := func() ([]byte, error) {
		builds.Add(1)
		<-release
		return []byte("tile"), nil
	}
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	for i := range results {
		wg.Go(func() {
			d, _, err := c.GetOrBuild(key("u", 1), build)
			if err != nil {
				t.Error(err)
			}
			results[i] = d
		})
	}
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("built %d times, want once", n)
	}
	for _, r := range results {
		if string(r) != "tile" {
			t.Errorf("result %q", r)
		}
	}
	d, hit, err := c.GetOrBuild(key("u", 1), build)
	if !hit || err != nil || string(d) != "tile" {
		t.Errorf("second request: %q, hit %v, err %v", d, hit, err)
	}
	if st := c.Stats(); st.Hits+st.Misses != 9 || st.Misses != 1 {
		t.Errorf("stats %+v", st)
	}

	boom := errors.New("boom")
	if _, hit, err := c.GetOrBuild(key("u", 2), func() ([]byte, error) { return nil, boom }); hit || !errors.Is(err, boom) {
		t.Errorf("failed build: hit %v, err %v", hit, err)
	}
	if _, ok := c.Get(key("u", 2)); ok {
		t.Error("failed build cached")
	}
}

func BenchmarkCacheHit(b *testing.B) {
	c := NewCache(1000, 0)
	data := make([]byte, 20000)
	for x := range uint32(1000) {
		c.Add(key("units", x), data)
	}
	k := key("units", 500)
	b.ReportAllocs()
	for b.Loop() {
		if _, hit, err := c.GetOrBuild(k, nil); !hit || err != nil {
			b.Fatal("miss")
		}
	}
}

package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"golang.org/x/sync/singleflight"
)

// cacheKind tells apart the kinds of cached responses.
type cacheKind uint8

const (
	kindLayer cacheKind = iota + 1
	kindTile
	kindAPI
	kindOGCItems // the features of an OGC items page (links added per request)
	kindOGCItem  // one OGC feature (links added per request)
)

// cacheKey identifies a cached response: a struct, not a joined string,
// so no part can collide with another.
type cacheKey struct {
	version string // data version the response was built from
	kind    cacheKind
	layer   string
	zoom    int
	tile    maptile.Tile
	bbox    orb.Bound
	path    string // kindAPI: the request's path
	query   string // and its canonical query
}

// flightKey is the key as singleflight takes it: every field quoted or a
// number, so no two keys share a string.
func (k cacheKey) flightKey() string {
	b := make([]byte, 0, 96)
	b = strconv.AppendQuote(b, k.version)
	b = strconv.AppendUint(append(b, ' '), uint64(k.kind), 10)
	b = strconv.AppendQuote(append(b, ' '), k.layer)
	b = strconv.AppendInt(append(b, ' '), int64(k.zoom), 10)
	b = fmt.Appendf(b, " %d/%d/%d %v ", k.tile.Z, k.tile.X, k.tile.Y, k.bbox)
	b = strconv.AppendQuote(b, k.path)
	b = strconv.AppendQuote(append(b, ' '), k.query)
	return string(b)
}

// errBusy is a build refused because the build slots stayed taken: a 503
// with Retry-After.
var errBusy = errors.New("too many responses being built")

// buildFunc builds a response on a context of its own (detached from the
// request that asked first, with the cache's build timeout).
type buildFunc func(ctx context.Context) (*representation, error)

// cacheConfig sizes the cache; zero values take the defaults.
type cacheConfig struct {
	budget       int64         // bytes of bodies kept (default 32 MiB)
	slots        int           // builds at once (default 2)
	wait         time.Duration // how long a build waits for a slot (default 2 s)
	buildTimeout time.Duration // how long one build may take (default 30 s)
}

// bodyCache is the server's one cache of built bodies: layers, tiles, API
// documents, maps, exports and OGC pages. Each key is built once however
// many requests ask at once (singleflight), on a context detached from the
// request that asked first, so a client that leaves cancels it for no one.
// Bodies are kept in an LRU weighted by their bytes within one budget.
// Builds take one of a few slots (admission): a build that finds none free
// within cacheConfig.wait is refused with errBusy, so a burst of expensive
// requests cannot hold more than slots bodies in the making at once.
type bodyCache struct {
	cfg    cacheConfig
	mu     sync.Mutex // serialises additions and the evictions they cause
	lru    *lru.Cache[cacheKey, *representation]
	bytes  atomic.Int64
	flight singleflight.Group
	slots  chan struct{}
	obs    cacheObserver
}

// cacheObserver counts what the cache does (metrics.go); nil methods are
// not called.
type cacheObserver struct {
	hit, miss, evict, refused func()
	building                  func(delta int)
}

// maxEntries bounds the LRU's count; the byte budget binds first.
const maxEntries = 1 << 16

func newBodyCache(cfg cacheConfig, obs cacheObserver) *bodyCache {
	cfg.budget = orDefault(cfg.budget, 32<<20)
	cfg.slots = orDefault(cfg.slots, 2)
	cfg.wait = orDefault(cfg.wait, 2*time.Second)
	cfg.buildTimeout = orDefault(cfg.buildTimeout, 30*time.Second)
	c := &bodyCache{cfg: cfg, slots: make(chan struct{}, cfg.slots), obs: obs}
	c.lru, _ = lru.NewWithEvict(maxEntries, func(_ cacheKey, rep *representation) { // size > 0: no error
		c.bytes.Add(-rep.size())
		call(obs.evict)
	})
	return c
}

func call(f func()) {
	if f != nil {
		f()
	}
}

// get returns the cached response for key, or builds it (once, however
// many requests ask concurrently) and keeps it. hit reports whether it was
// cached.
func (c *bodyCache) get(ctx context.Context, key cacheKey, build buildFunc) (rep *representation, hit bool, err error) {
	return c.fetch(ctx, key, build, true)
}

// transient builds the response for key like get, once for the requests
// that ask at the same time, but does not keep it: for keys from an
// unbounded space (a client's own bbox), which would evict what every
// client shares.
func (c *bodyCache) transient(ctx context.Context, key cacheKey, build buildFunc) (*representation, error) {
	rep, _, err := c.fetch(ctx, key, build, false)
	return rep, err
}

func (c *bodyCache) fetch(ctx context.Context, key cacheKey, build buildFunc, keep bool) (rep *representation, hit bool, err error) {
	if keep {
		if rep, ok := c.lru.Get(key); ok {
			call(c.obs.hit)
			return rep, true, nil
		}
	}
	call(c.obs.miss)
	bctx := context.WithoutCancel(ctx)
	ch := c.flight.DoChan(key.flightKey(), func() (any, error) {
		if rep, ok := c.lru.Peek(key); ok { // built while this caller looked
			return rep, nil
		}
		rep, err := c.build(bctx, build)
		if err != nil {
			return nil, err
		}
		if keep {
			c.add(key, rep)
		}
		return rep, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, false, r.Err
		}
		return r.Val.(*representation), false, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// build runs build in a slot, with the build timeout; a panic is an error.
func (c *bodyCache) build(ctx context.Context, build buildFunc) (rep *representation, err error) {
	t := time.NewTimer(c.cfg.wait)
	defer t.Stop()
	select {
	case c.slots <- struct{}{}:
	case <-t.C:
		call(c.obs.refused)
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if c.obs.building != nil {
		c.obs.building(1)
		defer c.obs.building(-1)
	}
	defer func() { <-c.slots }()
	ctx, cancel := context.WithTimeout(ctx, c.cfg.buildTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			rep, err = nil, fmt.Errorf("panic while building a response: %v\n%s", v, debug.Stack())
		}
	}()
	if rep, err = build(ctx); err != nil {
		return nil, err
	}
	rep.compact()
	return rep, nil
}

// add keeps rep under key and evicts the least recently used entries
// beyond the budget. A body larger than the budget is not kept.
func (c *bodyCache) add(key cacheKey, rep *representation) {
	size := rep.size()
	if size > c.cfg.budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if found, _ := c.lru.ContainsOrAdd(key, rep); found {
		return
	}
	c.bytes.Add(size)
	for c.bytes.Load() > c.cfg.budget {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			break
		}
	}
}

// stats returns the number of entries and their bytes.
func (c *bodyCache) stats() (entries int, bytes int64) { return c.lru.Len(), c.bytes.Load() }

// gzOnlyBytes is the size from which a cached body is kept only gzipped:
// the large layers (units at z=9 4 MB, z=12 12 MB), which browsers and GIS
// clients fetch gzipped; one that does not accept gzip gets the body
// inflated as it is sent (a few ms per MB).
const gzOnlyBytes = 1 << 20

// compact readies a representation to be cached: a body of gzOnlyBytes or
// more is dropped when its gzip form is at most half its size, and the
// bodies get their exact capacity — they are built by appending, and a
// buffer grown by doubling may reserve up to twice what it holds (gzip
// bodies, mostly): memory the cache would keep without counting it.
func (r *representation) compact() {
	if len(r.body) >= gzOnlyBytes && r.gz != nil && len(r.gz) <= len(r.body)/2 {
		r.plainLen, r.body = len(r.body), nil
	}
	r.body = trimmed(r.body)
	r.gz = trimmed(r.gz)
}

// gzOnly reports whether compact dropped the identity body.
func (r *representation) gzOnly() bool { return r.body == nil && r.gz != nil && r.plainLen > 0 }

// writeInflated writes the identity body of a gzOnly representation.
func (r *representation) writeInflated(w io.Writer) error {
	var src io.Reader = bytes.NewReader(r.gz)
	if r.open {
		// An open gzip stream ends with its members' last block and
		// trailer, for no tail.
		src = io.MultiReader(src, bytes.NewReader(gzipTail(r, nil)))
	}
	zr, err := gzip.NewReader(src)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, zr)
	return err
}

func trimmed(b []byte) []byte {
	if cap(b)-len(b) <= len(b)/16 {
		return b
	}
	return bytes.Clone(b)
}

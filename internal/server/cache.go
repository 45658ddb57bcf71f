package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// versionSource reads the data version (the boundary data plus the
// store's data version).
type versionSource func(ctx context.Context) (string, error)

// versionCache reads the data version at most once per ttl, so that a
// request costs no database query while an import by another process
// still shows within ttl. A ttl of 0 reads it on every call. When the
// database does not answer, the last version read is kept (and told to
// onStale), so the data of that version goes on being served while
// /readyz reports the database; the read is tried again after ttl.
type versionCache struct {
	read    versionSource
	ttl     time.Duration
	onStale func(err error) // optional
	mu      sync.Mutex      // serialises reads of the database
	cur     atomic.Pointer[versionRead]
}

type versionRead struct {
	v  string
	at time.Time
}

func (c *versionCache) get(ctx context.Context) (string, error) {
	if c.ttl > 0 {
		if r := c.cur.Load(); r != nil && time.Since(r.at) < c.ttl {
			return r.v, nil
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ttl > 0 {
		if r := c.cur.Load(); r != nil && time.Since(r.at) < c.ttl {
			return r.v, nil
		}
	}
	v, err := c.read(ctx)
	if err != nil {
		last := c.cur.Load()
		if last == nil || ctx.Err() != nil {
			return "", err
		}
		if c.onStale != nil {
			c.onStale(err)
		}
		c.cur.Store(&versionRead{v: last.v, at: time.Now()})
		return last.v, nil
	}
	c.cur.Store(&versionRead{v: v, at: time.Now()})
	return v, nil
}

// expire makes the next get read the database.
func (c *versionCache) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.cur.Load(); r != nil {
		c.cur.Store(&versionRead{v: r.v})
	}
}

// cacheKind tells apart the kinds of cached responses.
type cacheKind uint8

const (
	kindLayer cacheKind = iota + 1
	kindTile
	kindAPI
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
	query   string // and its query, as sent
}

// responseCache keeps built responses, least recently used evicted first
// once their bytes exceed maxBytes. Concurrent requests for one missing key
// wait for a single build.
type responseCache struct {
	maxBytes int64

	mu       sync.Mutex
	bytes    int64
	lru      *list.List // of *cacheItem, most recent first
	items    map[cacheKey]*list.Element
	inflight map[cacheKey]*buildCall
	hits     atomic.Int64
	misses   atomic.Int64
}

type cacheItem struct {
	key cacheKey
	rep *representation
}

type buildCall struct {
	done chan struct{}
	rep  *representation
	err  error
}

func newResponseCache(maxBytes int64) *responseCache {
	return &responseCache{maxBytes: maxBytes, lru: list.New(), items: map[cacheKey]*list.Element{}, inflight: map[cacheKey]*buildCall{}}
}

// get returns the cached response for key, or builds it with build (once,
// however many requests ask concurrently) and keeps it. hit reports
// whether it was cached.
func (c *responseCache) get(ctx context.Context, key cacheKey, build func() (*representation, error)) (rep *representation, hit bool, err error) {
	for try := 0; ; try++ {
		rep, hit, err = c.getOnce(ctx, key, build)
		// A build that failed because the request that ran it went away is
		// tried again (a few times) by a request still waiting.
		if err == nil || ctx.Err() != nil || try == 3 || !(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return rep, hit, err
		}
	}
}

func (c *responseCache) getOnce(ctx context.Context, key cacheKey, build func() (*representation, error)) (rep *representation, hit bool, err error) {
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.lru.MoveToFront(el)
		rep := el.Value.(*cacheItem).rep
		c.mu.Unlock()
		c.hits.Add(1)
		return rep, true, nil
	}
	if call, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		select {
		case <-call.done:
			return call.rep, false, call.err
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	call := &buildCall{done: make(chan struct{})}
	c.inflight[key] = call
	c.mu.Unlock()
	c.misses.Add(1)

	func() {
		defer func() {
			if v := recover(); v != nil {
				call.err = fmt.Errorf("panic while building a response: %v\n%s", v, debug.Stack())
			}
		}()
		call.rep, call.err = build()
	}()
	if call.err == nil {
		call.rep.compact() // before anyone else sees it, outside the lock
	}

	c.mu.Lock()
	delete(c.inflight, key)
	if call.err == nil {
		c.add(key, call.rep)
	}
	c.mu.Unlock()
	close(call.done)
	return call.rep, false, call.err
}

// gzOnlyBytes is the size from which a cached body is kept only gzipped:
// the large layers (units at z=9 4 MB, z=12 12 MB), which browsers and GIS
// clients fetch gzipped; one that does not accept gzip gets the body
// inflated as it is sent (a few ms per MB).
const gzOnlyBytes = 1 << 20

// compact readies a representation to be cached: a body of gzOnlyBytes or
// more is dropped when its gzip form is at most half its size, and the
// bodies get their exact capacity — they are built by
// appending, and a buffer grown by doubling may reserve up to twice what
// it holds (gzip bodies, mostly): memory the cache would keep without
// counting it.
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
	zr, err := gzip.NewReader(bytes.NewReader(r.gz))
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

// add stores rep under key and evicts the least recently used entries
// beyond maxBytes; c.mu is held.
func (c *responseCache) add(key cacheKey, rep *representation) {
	size := rep.size()
	if size > c.maxBytes {
		return
	}
	c.items[key] = c.lru.PushFront(&cacheItem{key: key, rep: rep})
	c.bytes += size
	for c.bytes > c.maxBytes {
		el := c.lru.Back()
		it := el.Value.(*cacheItem)
		c.lru.Remove(el)
		delete(c.items, it.key)
		c.bytes -= it.rep.size()
	}
}

// stats returns the number of entries and their bytes.
func (c *responseCache) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes
}

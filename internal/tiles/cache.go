package tiles

import (
	"container/list"
	"sync"
)

// Key identifies an encoded tile: the data it was made from, the layer
// as served and the tile.
type Key struct {
	DataVersion string
	Layer       string
	Z, X, Y     uint32
}

// Cache keeps encoded tiles, least recently used first out, within a
// number of entries and of bytes. Empty tiles (nil) are cached too. It is
// safe for concurrent use; concurrent requests for a missing tile build it
// once.
type Cache struct {
	maxEntries int
	maxBytes   int64

	mu       sync.Mutex
	order    *list.List // of *cacheEntry, most recent first
	items    map[Key]*list.Element
	building map[Key]*build
	bytes    int64
	hits     uint64
	misses   uint64
}

type cacheEntry struct {
	key  Key
	data []byte
}

type build struct {
	done chan struct{}
	data []byte
	err  error
}

// CacheStats counts a cache's use.
type CacheStats struct {
	Hits, Misses uint64
	Entries      int
	Bytes        int64
}

// NewCache returns a cache of at most maxEntries tiles and maxBytes bytes
// of tile data (a limit ≤ 0 is no limit).
func NewCache(maxEntries int, maxBytes int64) *Cache {
	return &Cache{
		maxEntries: maxEntries,
		maxBytes:   maxBytes,
		order:      list.New(),
		items:      make(map[Key]*list.Element),
		building:   make(map[Key]*build),
	}
}

// Get returns a cached tile (nil for a cached empty tile) and whether it
// was cached, counting a hit or a miss.
func (c *Cache) Get(k Key) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get(k)
}

func (c *Cache) get(k Key) ([]byte, bool) {
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		c.hits++
		return el.Value.(*cacheEntry).data, true
	}
	c.misses++
	return nil, false
}

// Add caches a tile, evicting the least recently used beyond the limits.
// A tile larger than the byte limit is not cached.
func (c *Cache) Add(k Key, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(k, data)
}

func (c *Cache) add(k Key, data []byte) {
	if c.maxBytes > 0 && int64(len(data)) > c.maxBytes {
		return
	}
	if el, ok := c.items[k]; ok {
		e := el.Value.(*cacheEntry)
		c.bytes += int64(len(data)) - int64(len(e.data))
		e.data = data
		c.order.MoveToFront(el)
	} else {
		c.items[k] = c.order.PushFront(&cacheEntry{key: k, data: data})
		c.bytes += int64(len(data))
	}
	for (c.maxEntries > 0 && c.order.Len() > c.maxEntries) || (c.maxBytes > 0 && c.bytes > c.maxBytes) {
		el := c.order.Back()
		e := el.Value.(*cacheEntry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.bytes -= int64(len(e.data))
	}
}

// GetOrBuild returns the cached tile for k, or builds, caches and returns
// it; hit reports whether it came from the cache (for an X-Cache: HIT/MISS
// header). A failed build is not cached. While one caller builds a tile,
// others asking for it wait for that build (and count as hits).
func (c *Cache) GetOrBuild(k Key, buildTile func() ([]byte, error)) (data []byte, hit bool, err error) {
	c.mu.Lock()
	if data, ok := c.get(k); ok {
		c.mu.Unlock()
		return data, true, nil
	}
	if b, ok := c.building[k]; ok {
		c.misses-- // counted as a hit once the build is done
		c.hits++
		c.mu.Unlock()
		<-b.done
		return b.data, b.err == nil, b.err
	}
	b := &build{done: make(chan struct{})}
	c.building[k] = b
	c.mu.Unlock()

	defer func() {
		c.mu.Lock()
		delete(c.building, k)
		if b.err == nil {
			c.add(k, b.data)
		}
		c.mu.Unlock()
		close(b.done)
	}()
	b.data, b.err = buildTile()
	return b.data, false, b.err
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits, Misses: c.misses, Entries: c.order.Len(), Bytes: c.bytes}
}

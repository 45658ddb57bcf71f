package world

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"pilotmap/internal/dataset"
	"pilotmap/internal/gaps"
	"pilotmap/internal/layer"
)

// Loader holds the current world of a dataset for a long-running process.
// Current checks the data version at most once per VersionTTL; when it
// moved, one Build runs (however many callers ask at once, on a context of
// its own, so a caller that leaves does not cancel it for the others) and
// the new world replaces the old one atomically. A build that fails or
// panics leaves the previous world in place and is tried again on the next
// call. Reload is the seam for writes made through this process: after
// one, it makes the next world now.
type Loader struct {
	src     Source
	opt     LoaderOptions
	cur     atomic.Pointer[World]
	checked atomic.Int64 // time (UnixNano) the current world's version was last confirmed
	index   atomic.Pointer[gaps.Index]
	flight  singleflight.Group
	// bounds are the boundaries of the last build with their topology and
	// gap index; only build (inside the single flight) touches it.
	bounds *loadedBoundaries
}

// loadedBoundaries is one boundary version with what is derived from it.
type loadedBoundaries struct {
	b        *dataset.Boundaries
	topology *layer.Topology
	index    *gaps.Index
}

// LoaderOptions configure a Loader; zero values take the defaults.
type LoaderOptions struct {
	// VersionTTL is how long a confirmed data version is trusted; 0 reads
	// it on every call of Current.
	VersionTTL time.Duration
	// BuildTimeout bounds one version check and build (default 2 min).
	BuildTimeout time.Duration
	// OnBuild, when set, is told of every build: the new world, or the
	// error of a failed one, and how long it took.
	OnBuild func(w *World, err error, took time.Duration)
	// OnError, when set, is told of a background check that failed (its
	// caller was already answered with the current world).
	OnError func(err error)
}

// NewLoader returns a loader of src; nothing is read until the first call.
// A nil src.GapIndex is built on the first build and kept.
func NewLoader(src Source, opt LoaderOptions) *Loader {
	if opt.BuildTimeout <= 0 {
		opt.BuildTimeout = 2 * time.Minute
	}
	l := &Loader{src: src, opt: opt}
	if src.GapIndex != nil {
		l.index.Store(src.GapIndex)
	}
	return l
}

// Current returns the world of the current data version. With a
// VersionTTL, a caller that finds the check due gets the current world at
// once while the check (and the build of a new world, if the version
// moved) runs in the background: no request waits for the database or a
// build once a first world exists. Without one, every call waits for the
// check.
func (l *Loader) Current(ctx context.Context) (*World, error) {
	w := l.cur.Load()
	if w == nil || l.opt.VersionTTL <= 0 {
		return l.refresh(ctx)
	}
	if time.Since(time.Unix(0, l.checked.Load())) >= l.opt.VersionTTL {
		bctx := context.WithoutCancel(ctx)
		ch := l.flight.DoChan("world", func() (any, error) { return l.check(bctx) })
		if l.opt.OnError != nil {
			go func() {
				if r := <-ch; r.Err != nil {
					l.opt.OnError(r.Err)
				}
			}()
		}
	}
	return w, nil
}

// Reload checks the data version now, whatever the TTL, and builds the
// world of a new version.
func (l *Loader) Reload(ctx context.Context) (*World, error) { return l.refresh(ctx) }

// Loaded returns the current world without checking the version; nil
// before the first build.
func (l *Loader) Loaded() *World { return l.cur.Load() }

func (l *Loader) refresh(ctx context.Context) (*World, error) {
	bctx := context.WithoutCancel(ctx)
	ch := l.flight.DoChan("world", func() (any, error) { return l.check(bctx) })
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*World), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("data version: %w", ctx.Err())
	}
}

// check reads the data version and builds its world when it moved.
func (l *Loader) check(ctx context.Context) (*World, error) {
	ctx, cancel := context.WithTimeout(ctx, l.opt.BuildTimeout)
	defer cancel()
	v, err := l.src.Data.Version(ctx)
	if err != nil {
		return nil, err
	}
	if cur := l.cur.Load(); cur != nil && cur.Version == v {
		l.checked.Store(time.Now().UnixNano())
		return cur, nil
	}
	start := time.Now()
	w, err := l.build(ctx)
	if l.opt.OnBuild != nil {
		l.opt.OnBuild(w, err, time.Since(start))
	}
	if err != nil {
		return nil, err
	}
	l.cur.Store(w)
	l.checked.Store(time.Now().UnixNano())
	return w, nil
}

// build builds the next world; a panic is returned as an error.
func (l *Loader) build(ctx context.Context) (w *World, err error) {
	defer func() {
		if v := recover(); v != nil {
			w, err = nil, fmt.Errorf("build world: panic: %v\n%s", v, debug.Stack())
		}
	}()
	src := l.src
	src.GapIndex = l.index.Load()
	if src.GapIndex == nil {
		x, err := NewGapIndex(src.Data.Boundaries)
		if err != nil {
			return nil, err
		}
		l.index.Store(x)
		src.GapIndex = x
	}
	// The boundaries in use may have been switched (boundaries use): a
	// new version brings its own topology and gap index.
	bv, err := src.Data.ActiveBoundaryVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("build world: %w", err)
	}
	if bv != src.Data.BoundaryVersion {
		if l.bounds == nil || l.bounds.b.Version != bv {
			lb, err := loadBoundaries(ctx, src.Data, src.Topology != nil)
			if err != nil {
				return nil, err
			}
			l.bounds = lb
		}
		src.Boundaries, src.GapIndex = l.bounds.b, l.bounds.index
		if src.Topology != nil {
			src.Topology = l.bounds.topology
		}
	}
	return Build(ctx, src)
}

// loadBoundaries reads the boundaries in use and derives their gap index
// and, when wanted, their topology.
func loadBoundaries(ctx context.Context, ds *dataset.Dataset, topology bool) (*loadedBoundaries, error) {
	b, err := ds.LoadBoundaries(ctx)
	if err != nil {
		return nil, fmt.Errorf("build world: %w", err)
	}
	lb := &loadedBoundaries{b: b}
	if lb.index, err = NewGapIndex(b.Set); err != nil {
		return nil, fmt.Errorf("build world: boundaries %s: %w", b.Version, err)
	}
	if topology {
		if lb.topology, err = layer.NewTopology(b.Set); err != nil {
			return nil, fmt.Errorf("build world: boundaries %s: %w", b.Version, err)
		}
	}
	return lb, nil
}

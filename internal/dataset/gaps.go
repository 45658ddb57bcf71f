package dataset

import (
	"context"
	"fmt"
	"sync"

	"pilotmap/internal/gaps"
)

// GapIndex builds the adjacency graph and distance index of the dataset's
// unit boundaries (about half a second for the national data). It depends
// only on the boundaries, so build it once per Dataset: GapCache does.
func (d *Dataset) GapIndex() (*gaps.Index, error) {
	x, err := gaps.NewIndex(d.Boundaries.Units, gaps.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("gap index: %w", err)
	}
	return x, nil
}

// Gaps computes the gap analysis of the stored data from scratch (index
// included). Callers that ask more than once should hold a GapCache.
func (d *Dataset) Gaps(ctx context.Context) (gaps.Report, error) {
	x, err := d.GapIndex()
	if err != nil {
		return gaps.Report{}, err
	}
	return d.gapsWith(ctx, x)
}

// gapsWith analyzes the current pilots over a prebuilt index.
func (d *Dataset) gapsWith(ctx context.Context, x *gaps.Index) (gaps.Report, error) {
	pilots, err := d.Pilots(ctx)
	if err != nil {
		return gaps.Report{}, err
	}
	pp, err := d.PilotProvinces(ctx)
	if err != nil {
		return gaps.Report{}, err
	}
	if err := ctx.Err(); err != nil {
		return gaps.Report{}, fmt.Errorf("gaps: %w", err)
	}
	rep, err := x.Analyze(gaps.Input{Gazetteer: d.Gazetteer, Pilots: pilots, PilotProvinces: pp})
	if err != nil {
		return gaps.Report{}, fmt.Errorf("gaps: %w", err)
	}
	return rep, nil
}

// GapCache serves the gap analysis of one Dataset. The index (adjacency
// and distances' geometry) is built on first use and kept for the life of
// the cache; the report is kept per data version and computed again when an
// import or a status change moves the version. It is safe for concurrent
// use: concurrent callers of a stale report wait for one computation.
type GapCache struct {
	ds *Dataset

	mu      sync.Mutex
	index   *gaps.Index
	version string // of report; "" when none
	report  gaps.Report
}

// NewGapCache returns an empty cache for the dataset (nothing is computed
// until the first Report).
func NewGapCache(d *Dataset) *GapCache { return &GapCache{ds: d} }

// Report returns the gap report of the dataset's current data, a copy the
// caller may change, and the data version it belongs to (for ETags). The
// version is read before the data, so the report is never older than the
// version it is labelled with.
func (c *GapCache) Report(ctx context.Context) (gaps.Report, string, error) {
	v, err := c.ds.Version(ctx)
	if err != nil {
		return gaps.Report{}, "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version == v {
		return c.report.Clone(), v, nil
	}
	if c.index == nil {
		x, err := c.ds.GapIndex()
		if err != nil {
			return gaps.Report{}, "", err
		}
		c.index = x
	}
	rep, err := c.ds.gapsWith(ctx, c.index)
	if err != nil {
		return gaps.Report{}, "", err
	}
	c.version, c.report = v, rep
	return rep.Clone(), v, nil
}

// Index returns the cache's index, building it on first use.
func (c *GapCache) Index() (*gaps.Index, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index == nil {
		x, err := c.ds.GapIndex()
		if err != nil {
			return nil, err
		}
		c.index = x
	}
	return c.index, nil
}

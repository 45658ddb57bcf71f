package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"pilotmap/internal/gazetteer"
)

const program = "创建幸福家庭活动"

// testClock returns a clock that starts at a fixed instant and advances one
// second per reading; safe for concurrent use.
func testClock() func() time.Time {
	start := time.Date(2013, 4, 1, 8, 0, 0, 0, time.UTC)
	var ticks atomic.Int64
	return func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * time.Second) }
}

// openTemp opens a new database in t.TempDir() with the test clock.
func openTemp(tb testing.TB) *SQLite {
	tb.Helper()
	s, err := Open(context.Background(), filepath.Join(tb.TempDir(), "pilotmap.db"))
	if err != nil {
		tb.Fatal(err)
	}
	s.now = testClock()
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// smallDivisions is a hand-made gazetteer excerpt, deliberately not in
// parent-first order.
func smallDivisions() []gazetteer.Division {
	return []gazetteer.Division{
		{Code: "110101", Name: "东城区", Level: gazetteer.County, ParentCode: "110000"},
		{Code: "110105", Name: "朝阳区", Level: gazetteer.County, ParentCode: "110000"},
		{Code: "110000", Name: "北京市", Level: gazetteer.Province},
		{Code: "130000", Name: "河北省", Level: gazetteer.Province},
		{Code: "130100", Name: "石家庄市", Level: gazetteer.Prefecture, ParentCode: "130000"},
		{Code: "130123", Name: "正定县", Level: gazetteer.County, ParentCode: "130100"},
		{Code: "130111", Name: "栾城区", Level: gazetteer.County, ParentCode: "130100"},
		{Code: "420000", Name: "湖北省", Level: gazetteer.Province},
		{Code: "420600", Name: "襄阳市", Level: gazetteer.Prefecture, ParentCode: "420000"},
		{Code: "429004", Name: "仙桃市", Level: gazetteer.County, ParentCode: "420000"},
		{Code: "460000", Name: "海南省", Level: gazetteer.Province},
		{Code: "469005", Name: "文昌市", Level: gazetteer.County, ParentCode: "460000"},
		{Code: "220000", Name: "吉林省", Level: gazetteer.Province},
		{Code: "220100", Name: "长春市", Level: gazetteer.Prefecture, ParentCode: "220000"},
		{Code: "220104", Name: "朝阳区", Level: gazetteer.County, ParentCode: "220100"},
	}
}

func smallAliases() []gazetteer.Alias {
	return []gazetteer.Alias{
		{Written: "襄樊市", ProvinceCode: "420000", Code: "420600", Kind: gazetteer.Renamed, Year: 2010, Source: "国函〔2010〕122号"},
		{Written: "石家庄", ProvinceCode: "130000", Code: "130100", Kind: gazetteer.Short, Source: "test"},
		{Written: "栾城县", ProvinceCode: "130000", OldCode: "130124", Code: "130111", Kind: gazetteer.Renamed, Year: 2014, ListedUntil: 2013, Source: "GB/T 2260 201308 → 201410"},
	}
}

// seeded opens a temp database with the small gazetteer.
func seeded(tb testing.TB) *SQLite {
	tb.Helper()
	s := openTemp(tb)
	if err := s.SeedDivisions(context.Background(), smallDivisions(), smallAliases()); err != nil {
		tb.Fatal(err)
	}
	return s
}

// batch2 is an import request in the shape of the 2013 notice, small.
func batch2() ImportRequest {
	return ImportRequest{
		Program:     program,
		BatchNumber: 2,
		BatchName:   "第二批试点单位",
		DocNumber:   "国卫家庭发〔2013〕5号",
		Title:       "关于进一步推进创建幸福家庭活动的通知",
		Filename:    "guoweijiating-2013-5.txt",
		Raw:         []byte("北京市：东城区、朝阳区\n河北省：正定县\n"),
		Units: []NewPilotUnit{
			{Code: "110101", ProvinceCode: "110000", ComparableCode: "110101", ProvinceWritten: "北京", Written: "东城区", Line: 30, Rule: "exact", Confidence: 1},
			{Code: "110105", ProvinceCode: "110000", ComparableCode: "110105", ProvinceWritten: "北京", Written: "朝阳区", Line: 30, Rule: "exact", Confidence: 1},
			{Code: "130123", ProvinceCode: "130000", ComparableCode: "130100", ProvinceWritten: "河北", Written: "正定县", Line: 31, Rule: "exact", Confidence: 1},
			{Code: "420600", ProvinceCode: "420000", ComparableCode: "420600", ProvinceWritten: "湖北", Written: "襄樊市", Line: 32, Rule: "alias:renamed", Confidence: 0.9},
			{Code: "469005", ProvinceCode: "460000", ComparableCode: "469005", ProvinceWritten: "海南", Written: "文昌市_旧", Line: 33, Rule: "exact", Confidence: 1},
		},
		Designations: []NewDesignation{
			{ProvinceCode: "110000", Written: "北京", Kind: DesignationFullPromotion},
			{ProvinceCode: "130000", Written: "河北", Kind: DesignationFullPromotion},
		},
	}
}

// snapshot is the row count of every table and the data version.
type snapshot struct {
	counts  map[string]int
	version int64
}

func takeSnapshot(tb testing.TB, s *SQLite) snapshot {
	tb.Helper()
	ctx := context.Background()
	snap := snapshot{counts: map[string]int{}}
	// The tables whose row counts prove that a failed write left nothing.
	tables := []string{"divisions", "aliases", "boundary_layers", "programs", "imports", "batches", "pilot_units", "unit_status_history", "designations"}
	for _, table := range tables {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		snap.counts[table] = n
	}
	v, err := s.DataVersion(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	snap.version = v
	return snap
}

func (a snapshot) String() string { return fmt.Sprintf("version %d, rows %v", a.version, a.counts) }

func sameSnapshot(a, b snapshot) bool {
	if a.version != b.version {
		return false
	}
	for k, v := range a.counts {
		if b.counts[k] != v {
			return false
		}
	}
	return true
}

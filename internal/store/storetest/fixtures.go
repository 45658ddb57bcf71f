package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
)

// Program is the program the fixtures import into.
const Program = "创建幸福家庭活动"

// Clock returns a clock that starts at a fixed instant and advances one
// second per reading; safe for concurrent use. Two stores given the same
// writes with their own Clock stamp the same times.
func Clock() func() time.Time {
	start := time.Date(2013, 4, 1, 8, 0, 0, 0, time.UTC)
	var ticks atomic.Int64
	return func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * time.Second) }
}

// SmallDivisions is a hand-made gazetteer excerpt, deliberately not in
// parent-first order.
func SmallDivisions() []gazetteer.Division {
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

// SmallAliases are aliases of SmallDivisions.
func SmallAliases() []gazetteer.Alias {
	return []gazetteer.Alias{
		{Written: "襄樊市", ProvinceCode: "420000", Code: "420600", Kind: gazetteer.Renamed, Year: 2010, Source: "国函〔2010〕122号"},
		{Written: "石家庄", ProvinceCode: "130000", Code: "130100", Kind: gazetteer.Short, Source: "test"},
		{Written: "栾城县", ProvinceCode: "130000", OldCode: "130124", Code: "130111", Kind: gazetteer.Renamed, Year: 2014, ListedUntil: 2013, Source: "GB/T 2260 201308 → 201410"},
	}
}

// Batch2 is an import request in the shape of the 2013 notice, small, over
// SmallDivisions.
func Batch2() store.ImportRequest {
	return store.ImportRequest{
		Program:     Program,
		BatchNumber: 2,
		BatchName:   "第二批试点单位",
		DocNumber:   "国卫家庭发〔2013〕5号",
		Title:       "关于进一步推进创建幸福家庭活动的通知",
		Filename:    "guoweijiating-2013-5.txt",
		Raw:         []byte("北京市：东城区、朝阳区\n河北省：正定县\n"),
		Units: []store.NewPilotUnit{
			{Code: "110101", ProvinceCode: "110000", ComparableCode: "110101", ProvinceWritten: "北京", Written: "东城区", Line: 30, Rule: "exact", Confidence: 1},
			{Code: "110105", ProvinceCode: "110000", ComparableCode: "110105", ProvinceWritten: "北京", Written: "朝阳区", Line: 30, Rule: "exact", Confidence: 1},
			{Code: "130123", ProvinceCode: "130000", ComparableCode: "130100", ProvinceWritten: "河北", Written: "正定县", Line: 31, Rule: "exact", Confidence: 1},
			{Code: "420600", ProvinceCode: "420000", ComparableCode: "420600", ProvinceWritten: "湖北", Written: "襄樊市", Line: 32, Rule: "alias:renamed", Confidence: 0.9},
			{Code: "469005", ProvinceCode: "460000", ComparableCode: "469005", ProvinceWritten: "海南", Written: "文昌市_旧", Line: 33, Rule: "exact", Confidence: 1},
		},
		Designations: []store.NewDesignation{
			{ProvinceCode: "110000", Written: "北京", Kind: store.DesignationFullPromotion},
			{ProvinceCode: "130000", Written: "河北", Kind: store.DesignationFullPromotion},
		},
	}
}

// SyntheticImport makes a gazetteer of n/4 provinces with 4 prefectures
// each and a request listing all n prefectures.
func SyntheticImport(n int) ([]gazetteer.Division, store.ImportRequest) {
	var divs []gazetteer.Division
	req := store.ImportRequest{Program: Program, BatchNumber: 2, Filename: "synthetic.txt", Raw: []byte("synthetic")}
	for i := range n {
		p, c := 11+i/4, 1+i%4
		pcode := fmt.Sprintf("%02d0000", p)
		if c == 1 {
			divs = append(divs, gazetteer.Division{Code: pcode, Name: fmt.Sprintf("省%d", p), Level: gazetteer.Province})
		}
		code := fmt.Sprintf("%02d%02d00", p, c)
		divs = append(divs, gazetteer.Division{Code: code, Name: fmt.Sprintf("市%d-%d", p, c), Level: gazetteer.Prefecture, ParentCode: pcode})
		req.Units = append(req.Units, store.NewPilotUnit{Code: code, ProvinceCode: pcode, ComparableCode: code,
			ProvinceWritten: fmt.Sprintf("省%d", p), Written: fmt.Sprintf("市%d-%d", p, c), Line: 30 + i, Rule: "exact", Confidence: 1})
	}
	return divs, req
}

// Dump is everything a Store gives through its interface: two stores that
// hold the same data have equal dumps.
type Dump struct {
	Version      int64
	Divisions    []gazetteer.Division
	Aliases      []gazetteer.Alias
	Programs     []store.Program
	Batches      []store.Batch
	Units        []store.PilotUnit
	History      map[int64][]store.StatusChange // by unit id
	Designations []store.Designation
	Imports      []store.Import
	Texts        map[int64]string // raw text by import id
	Layers       map[string]Layer // of the names asked for
}

// Layer is a stored boundary layer.
type Layer struct {
	Format, Version string
	Data            []byte
}

// Take dumps s, with the boundary layers of the given names.
func Take(tb testing.TB, s store.Store, layers ...string) Dump {
	tb.Helper()
	d, err := TakeDump(context.Background(), s, layers...)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TakeDump dumps s, with the boundary layers of the given names (a missing
// one is left out).
func TakeDump(ctx context.Context, s store.Store, layers ...string) (Dump, error) {
	var d Dump
	var err error
	if d.Version, err = s.DataVersion(ctx); err != nil {
		return d, err
	}
	if d.Divisions, err = s.Divisions(ctx); err != nil {
		return d, err
	}
	if d.Aliases, err = s.Aliases(ctx); err != nil {
		return d, err
	}
	if d.Programs, err = s.Programs(ctx); err != nil {
		return d, err
	}
	if d.Batches, err = s.Batches(ctx); err != nil {
		return d, err
	}
	if d.Units, err = s.PilotUnits(ctx, store.UnitFilter{}); err != nil {
		return d, err
	}
	d.History = map[int64][]store.StatusChange{}
	for _, u := range d.Units {
		if d.History[u.ID], err = s.StatusHistory(ctx, u.ID); err != nil {
			return d, err
		}
	}
	if d.Designations, err = s.Designations(ctx); err != nil {
		return d, err
	}
	if d.Imports, err = s.Imports(ctx); err != nil {
		return d, err
	}
	d.Texts = map[int64]string{}
	for _, im := range d.Imports {
		raw, err := s.ImportText(ctx, im.ID)
		if err != nil {
			return d, err
		}
		d.Texts[im.ID] = string(raw)
	}
	d.Layers = map[string]Layer{}
	for _, name := range layers {
		data, format, version, err := s.BoundaryLayer(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return d, err
		}
		d.Layers[name] = Layer{Format: format, Version: version, Data: data}
	}
	return d, nil
}

// Equal reports whether two dumps hold the same data.
func (d Dump) Equal(o Dump) bool { return reflect.DeepEqual(d, o) }

// String summarises a dump for messages.
func (d Dump) String() string {
	rows := 0
	for _, h := range d.History {
		rows += len(h)
	}
	return fmt.Sprintf("version %d, %d divisions, %d aliases, %d programs, %d batches, %d units, %d history rows, %d designations, %d imports, %d layers",
		d.Version, len(d.Divisions), len(d.Aliases), len(d.Programs), len(d.Batches), len(d.Units), rows, len(d.Designations), len(d.Imports), len(d.Layers))
}

// Package storetest is the contract every store.Store implementation
// passes: one suite of behavioural tests, run by each backend's tests
// against a real database (SQLite in a temp file, a PostgreSQL server the
// harness starts), and the fixtures they share.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"pilotmap/geodata"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
)

// Database opens handles on one database. Every call opens another handle,
// as another process would; the backend closes each when its test ends.
type Database func(opts ...store.Option) store.Store

// NewDatabase makes a new, empty database for t.
type NewDatabase func(t *testing.T) Database

// Run runs the contract suite against the backend newDB makes databases of.
func Run(t *testing.T, newDB NewDatabase) {
	tests := []struct {
		name string
		fn   func(*testing.T, NewDatabase)
	}{
		{"Import", testImport},
		{"PilotUnitsFilter", testPilotUnitsFilter},
		{"ReimportSameTextChangesNothing", testReimportSameText},
		{"ReimportDifferentTextConflicts", testReimportDifferentText},
		{"ImportFailuresRollBack", testImportFailuresRollBack},
		{"DesignationsKeepFirstImport", testDesignationsKeepFirstImport},
		{"SetUnitStatus", testSetUnitStatus},
		{"SeedDivisionsIdempotent", testSeedIdempotent},
		{"SeedDivisionsRejectsBadInputAtomically", testSeedRejects},
		{"SeedRealGazetteer", testSeedRealGazetteer},
		{"BoundaryLayer", testBoundaryLayer},
		{"CanceledContext", testCanceledContext},
		{"SameWritesSameData", testSameWritesSameData},
		{"ConcurrentReadersDuringWrites", testConcurrentReaders},
		{"ConcurrentWriters", testConcurrentWriters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newDB) })
	}
}

// open opens a new database with the test clock.
func open(t *testing.T, newDB NewDatabase) store.Store {
	return newDB(t)(store.WithClock(Clock()))
}

// seeded opens a new database holding the small gazetteer.
func seeded(t *testing.T, newDB NewDatabase) store.Store {
	t.Helper()
	s := open(t, newDB)
	if err := s.SeedDivisions(context.Background(), SmallDivisions(), SmallAliases()); err != nil {
		t.Fatal(err)
	}
	return s
}

// unchanged fails t when s no longer holds what before holds.
func unchanged(t *testing.T, s store.Store, before Dump, what string) {
	t.Helper()
	if after := Take(t, s, "provinces"); !before.Equal(after) {
		t.Errorf("%s changed the data: %v, then %v", what, before, after)
	}
}

func testImport(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	s := seeded(t, newDB)
	v0, _ := s.DataVersion(ctx)
	req := Batch2()
	res, err := s.Import(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Units != 5 || res.ImportID == 0 || res.BatchID == 0 || res.ProgramID == 0 || res.DataVersion != v0+1 {
		t.Errorf("ImportResult = %+v, want created, 5 units, data version %d", res, v0+1)
	}
	if v, _ := s.DataVersion(ctx); v != res.DataVersion {
		t.Errorf("DataVersion() = %d after the import, the import returned %d", v, res.DataVersion)
	}

	programs, err := s.Programs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(programs) != 1 || programs[0].Name != Program || programs[0].ID != res.ProgramID || programs[0].CreatedAt.IsZero() {
		t.Errorf("Programs() = %+v", programs)
	}
	batches, err := s.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantBatch := store.Batch{ID: res.BatchID, ProgramID: res.ProgramID, Program: Program, Number: 2, Name: req.BatchName,
		DocNumber: req.DocNumber, Title: req.Title, ImportID: res.ImportID, Units: 5}
	if len(batches) != 1 || batches[0] != wantBatch {
		t.Errorf("Batches() = %+v, want [%+v]", batches, wantBatch)
	}
	imports, err := s.Imports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) != 1 || imports[0].SHA256 != store.ImportHash(req.Raw) || imports[0].Filename != req.Filename ||
		imports[0].Program != Program || imports[0].BatchNumber != 2 || imports[0].Units != 5 ||
		imports[0].ImportedAt.Location() != time.UTC || imports[0].ImportedAt.IsZero() {
		t.Errorf("Imports() = %+v", imports)
	}
	text, err := s.ImportText(ctx, res.ImportID)
	if err != nil || !bytes.Equal(text, req.Raw) {
		t.Errorf("ImportText = %q, %v; want the raw bytes", text, err)
	}
	if _, err := s.ImportText(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ImportText(999): err = %v, want ErrNotFound", err)
	}
	designations, err := s.Designations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(designations) != 2 || designations[0].ProvinceCode != "110000" || designations[1].ProvinceCode != "130000" ||
		designations[0].Kind != store.DesignationFullPromotion || designations[0].ImportID != res.ImportID || designations[0].Program != Program {
		t.Errorf("Designations() = %+v", designations)
	}

	units, err := s.PilotUnits(ctx, store.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 5 {
		t.Fatalf("%d units, want 5", len(units))
	}
	zd := units[2] // 正定县: line 31, the third
	if zd.Code != "130123" || zd.Name != "正定县" || zd.Level != "county" || zd.ProvinceCode != "130000" ||
		zd.ComparableCode != "130100" || zd.ProvinceWritten != "河北" || zd.Written != "正定县" || zd.Line != 31 ||
		zd.Rule != "exact" || zd.Confidence != 1 || zd.Status != store.StatusActive || zd.Program != Program ||
		zd.BatchNumber != 2 || zd.BatchID != res.BatchID || zd.ProgramID != res.ProgramID || zd.StatusSince.IsZero() ||
		zd.StatusSince.Location() != time.UTC {
		t.Errorf("unit = %+v", zd)
	}
	if units[3].Name != "襄阳市" || units[3].Written != "襄樊市" || units[3].Confidence != 0.9 {
		t.Errorf("name defaults to the division's: %+v", units[3])
	}
	one, err := s.PilotUnit(ctx, zd.ID)
	if err != nil || one != zd {
		t.Errorf("PilotUnit(%d) = %+v, %v; want %+v", zd.ID, one, err, zd)
	}
	if _, err := s.PilotUnit(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PilotUnit(999): err = %v, want ErrNotFound", err)
	}
	d := Take(t, s)
	rows := 0
	for _, u := range units {
		h := d.History[u.ID]
		rows += len(h)
		if len(h) != 1 || h[0].Status != store.StatusActive || h[0].ImportID != res.ImportID ||
			h[0].Reason != "listed in 国卫家庭发〔2013〕5号" || !h[0].At.Equal(u.StatusSince) || h[0].UnitID != u.ID {
			t.Errorf("StatusHistory(%d) = %+v", u.ID, h)
		}
	}
	if rows != 5 {
		t.Errorf("%d history rows, want 5", rows)
	}
	if _, err := s.StatusHistory(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("StatusHistory(999): err = %v, want ErrNotFound", err)
	}
}

func testPilotUnitsFilter(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	s := seeded(t, newDB)
	res, err := s.Import(ctx, Batch2())
	if err != nil {
		t.Fatal(err)
	}
	// A second batch and a second program, to give the filters something to
	// tell apart.
	b3 := Batch2()
	b3.BatchNumber, b3.Raw = 3, []byte("batch 3")
	b3.Units = b3.Units[:1]
	b3.Units[0].Written = "东城"
	b3.Designations = nil
	if _, err := s.Import(ctx, b3); err != nil {
		t.Fatal(err)
	}
	other := Batch2()
	other.Program, other.Raw = "其他活动", []byte("other")
	other.Units = other.Units[1:2]
	other.Units[0].Written = "Chaoyang"
	other.Designations = nil
	if _, err := s.Import(ctx, other); err != nil {
		t.Fatal(err)
	}
	units, _ := s.PilotUnits(ctx, store.UnitFilter{BatchNumber: 2})
	if err := s.SetUnitStatus(ctx, units[0].ID, store.StatusRevoked, "考核不合格"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		f     store.UnitFilter
		codes []string
	}{
		{"all", store.UnitFilter{}, []string{"110101", "110105", "130123", "420600", "469005", "110101", "110105"}},
		{"province", store.UnitFilter{ProvinceCode: "110000"}, []string{"110101", "110105", "110101", "110105"}},
		{"province without units", store.UnitFilter{ProvinceCode: "220000"}, nil},
		{"batch", store.UnitFilter{BatchNumber: 3}, []string{"110101"}},
		{"program", store.UnitFilter{ProgramID: res.ProgramID}, []string{"110101", "110105", "130123", "420600", "469005", "110101"}},
		{"program and batch", store.UnitFilter{ProgramID: res.ProgramID, BatchNumber: 2, ProvinceCode: "130000"}, []string{"130123"}},
		{"revoked", store.UnitFilter{Status: store.StatusRevoked}, []string{"110101"}},
		{"active in batch 2 of any program", store.UnitFilter{Status: store.StatusActive, BatchNumber: 2}, []string{"110105", "130123", "420600", "469005", "110105"}},
		{"query name", store.UnitFilter{Query: "襄阳"}, []string{"420600"}},
		{"query written", store.UnitFilter{Query: "襄樊"}, []string{"420600"}},
		{"query code", store.UnitFilter{Query: "1301"}, []string{"130123"}},
		{"query written short form", store.UnitFilter{Query: "东城"}, []string{"110101", "110101"}},
		{"query underscore matches itself only", store.UnitFilter{Query: "_"}, []string{"469005"}},
		{"query underscore inside", store.UnitFilter{Query: "市_旧"}, []string{"469005"}},
		{"query ASCII in any case", store.UnitFilter{Query: "cHAOYANG"}, []string{"110105"}},
		{"query percent", store.UnitFilter{Query: "%"}, nil},
		{"query percent inside", store.UnitFilter{Query: "东%区"}, nil},
		{"query backslash", store.UnitFilter{Query: `\`}, nil},
		{"query quote", store.UnitFilter{Query: "'"}, nil},
		{"query injection", store.UnitFilter{Query: `"; DROP TABLE pilot_units; --`}, nil},
		{"query injection with quote", store.UnitFilter{Query: `' OR 1=1 --`}, nil},
		{"province injection", store.UnitFilter{ProvinceCode: "110000' OR '1'='1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, err := s.PilotUnits(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, u := range units {
				codes = append(codes, u.Code)
			}
			if strings.Join(codes, ",") != strings.Join(tt.codes, ",") {
				t.Errorf("PilotUnits(%+v) = %v, want %v", tt.f, codes, tt.codes)
			}
		})
	}
	if all, err := s.PilotUnits(ctx, store.UnitFilter{}); err != nil || len(all) != 7 {
		t.Errorf("after the injection attempts: %d units, %v; want 7", len(all), err)
	}
	for _, f := range []store.UnitFilter{{Status: "gone"}, {BatchNumber: -1}, {ProgramID: -1}} {
		if _, err := s.PilotUnits(ctx, f); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("PilotUnits(%+v): err = %v, want ErrInvalid", f, err)
		}
	}
}

func testReimportSameText(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	s := seeded(t, newDB)
	first, err := s.Import(ctx, Batch2())
	if err != nil {
		t.Fatal(err)
	}
	before := Take(t, s)
	// Same raw bytes, even with other units: the batch is already there.
	again := Batch2()
	again.Units = again.Units[:1]
	second, err := s.Import(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if second.Created || second.ImportID != first.ImportID || second.BatchID != first.BatchID ||
		second.ProgramID != first.ProgramID || second.Units != 5 || second.DataVersion != first.DataVersion {
		t.Errorf("re-import = %+v, first = %+v", second, first)
	}
	unchanged(t, s, before, "re-importing the same text")
}

func testReimportDifferentText(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	s := seeded(t, newDB)
	first, err := s.Import(ctx, Batch2())
	if err != nil {
		t.Fatal(err)
	}
	before := Take(t, s)
	changed := Batch2()
	changed.Raw = append(changed.Raw, "（修订）"...)
	changed.Filename = "revised.txt"
	_, err = s.Import(ctx, changed)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	conflict, ok := errors.AsType[*store.BatchConflictError](err)
	if !ok || conflict.EarlierImportID != first.ImportID || conflict.EarlierFilename != "guoweijiating-2013-5.txt" ||
		conflict.EarlierSHA256 != store.ImportHash(Batch2().Raw) || conflict.SHA256 != store.ImportHash(changed.Raw) ||
		!conflict.EarlierAt.Equal(before.Imports[0].ImportedAt) {
		t.Errorf("conflict = %+v", conflict)
	}
	for _, want := range []string{`"创建幸福家庭活动"`, "batch 2", "import 1", "guoweijiating-2013-5.txt"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	unchanged(t, s, before, "a conflicting import")
}

// testImportFailuresRollBack: every refused import changes nothing. One
// database serves all cases: a case that wrote would show in the next dump.
func testImportFailuresRollBack(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	tests := []struct {
		name   string
		modify func(*store.ImportRequest)
		want   string
	}{
		{"empty program", func(r *store.ImportRequest) { r.Program = "  " }, "empty program name"},
		{"batch zero", func(r *store.ImportRequest) { r.BatchNumber = 0 }, "batch number 0"},
		{"no raw text", func(r *store.ImportRequest) { r.Raw = nil }, "no raw text"},
		{"nothing to import", func(r *store.ImportRequest) { r.Units, r.Designations = nil, nil }, "no units and no designations"},
		{"unknown code last", func(r *store.ImportRequest) {
			r.Units = append(r.Units, store.NewPilotUnit{Code: "999999", Written: "某某市", Line: 40, Confidence: 1})
		}, `store: import "创建幸福家庭活动" batch 2: unit 999999 (written 某某市, line 40): unknown division code`},
		{"duplicate code last", func(r *store.ImportRequest) {
			r.Units = append(r.Units, store.NewPilotUnit{Code: "110101", Written: "东城区", Line: 41, Confidence: 1})
		}, "unit 110101 (written 东城区, line 41): listed twice (first on line 30)"},
		{"malformed code", func(r *store.ImportRequest) { r.Units[4].Code = "46900" }, `code "46900", want six digits`},
		{"confidence out of range", func(r *store.ImportRequest) { r.Units[4].Confidence = 1.5 }, "confidence 1.5"},
		{"province mismatch last", func(r *store.ImportRequest) { r.Units[4].ProvinceCode = "420000" }, "province 420000, but the code lies in 460000"},
		{"comparable in another province last", func(r *store.ImportRequest) { r.Units[4].ComparableCode = "420600" }, "comparable unit 420600 is not a division of province 460000"},
		{"unknown province for designation last", func(r *store.ImportRequest) {
			r.Designations = append(r.Designations, store.NewDesignation{ProvinceCode: "990000", Written: "某省", Kind: store.DesignationFullPromotion})
		}, `unknown province code "990000"`},
		{"designation of a non-province", func(r *store.ImportRequest) {
			r.Designations = append(r.Designations, store.NewDesignation{ProvinceCode: "130100", Written: "石家庄", Kind: store.DesignationFullPromotion})
		}, `unknown province code "130100"`},
		{"duplicate designation", func(r *store.ImportRequest) { r.Designations = append(r.Designations, r.Designations[0]) }, "listed twice"},
		{"designation without kind", func(r *store.ImportRequest) { r.Designations[1].Kind = "" }, "empty kind"},
	}
	for _, existing := range []bool{false, true} {
		name := "new program"
		if existing {
			name = "existing program"
		}
		t.Run(name, func(t *testing.T) {
			s := seeded(t, newDB)
			if existing {
				b1 := Batch2()
				b1.BatchNumber, b1.Raw = 1, []byte("batch 1")
				if _, err := s.Import(ctx, b1); err != nil {
					t.Fatal(err)
				}
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					before := Take(t, s)
					req := Batch2()
					tt.modify(&req)
					_, err := s.Import(ctx, req)
					if err == nil {
						t.Fatal("Import accepted a bad request")
					}
					if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
						t.Errorf("error %q: want ErrInvalid containing %q", err, tt.want)
					}
					unchanged(t, s, before, "a refused import")
				})
			}
			// The store still takes a good import afterwards.
			if _, err := s.Import(ctx, Batch2()); err != nil {
				t.Errorf("a good import after the refused ones: %v", err)
			}
		})
	}
}

func testDesignationsKeepFirstImport(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	s := seeded(t, newDB)
	first, err := s.Import(ctx, Batch2())
	if err != nil {
		t.Fatal(err)
	}
	b3 := Batch2()
	b3.BatchNumber, b3.Raw = 3, []byte("batch 3 repeats 北京")
	b3.Designations = b3.Designations[:1]
	if _, err := s.Import(ctx, b3); err != nil {
		t.Fatal(err)
	}
	ds, _ := s.Designations(ctx)
	if len(ds) != 2 || ds[0].ImportID != first.ImportID || ds[1].ImportID != first.ImportID {
		t.Errorf("Designations() = %+v, want 2 from import %d", ds, first.ImportID)
	}
}

func testSetUnitStatus(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	s := seeded(t, newDB)
	res, err := s.Import(ctx, Batch2())
	if err != nil {
		t.Fatal(err)
	}
	units, _ := s.PilotUnits(ctx, store.UnitFilter{})
	u := units[0]

	if err := s.SetUnitStatus(ctx, u.ID, store.StatusRevoked, "考核不合格，取消其试点资格"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.DataVersion(ctx); v != res.DataVersion+1 {
		t.Errorf("data version = %d, want %d", v, res.DataVersion+1)
	}
	got, _ := s.PilotUnit(ctx, u.ID)
	if got.Status != store.StatusRevoked || !got.StatusSince.After(u.StatusSince) {
		t.Errorf("after revoking: %+v (was %+v)", got, u)
	}
	history, err := s.StatusHistory(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].Status != store.StatusActive || history[1].Status != store.StatusRevoked ||
		history[1].Reason != "考核不合格，取消其试点资格" || history[1].ImportID != 0 || !history[1].At.Equal(got.StatusSince) {
		t.Errorf("history = %+v", history)
	}
	// The other units are untouched.
	if other, _ := s.PilotUnit(ctx, units[1].ID); other.Status != store.StatusActive {
		t.Errorf("another unit changed: %+v", other)
	}

	before := Take(t, s)
	if err := s.SetUnitStatus(ctx, u.ID, "suspended", "x"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("invalid status: err = %v, want ErrInvalid", err)
	}
	if err := s.SetUnitStatus(ctx, 999, store.StatusRevoked, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown unit: err = %v, want ErrNotFound", err)
	}
	unchanged(t, s, before, "refused status changes")

	if err := s.SetUnitStatus(ctx, u.ID, store.StatusActive, "整改后恢复"); err != nil {
		t.Fatal(err)
	}
	if history, _ := s.StatusHistory(ctx, u.ID); len(history) != 3 || history[2].Status != store.StatusActive {
		t.Errorf("history after reinstating: %+v", history)
	}
	// Setting the status a unit has still records the decision.
	if err := s.SetUnitStatus(ctx, u.ID, store.StatusActive, "复核"); err != nil {
		t.Fatal(err)
	}
	if history, _ := s.StatusHistory(ctx, u.ID); len(history) != 4 {
		t.Errorf("history after confirming: %+v", history)
	}
	if v, _ := s.DataVersion(ctx); v != res.DataVersion+3 {
		t.Errorf("data version after three status changes = %d, want %d", v, res.DataVersion+3)
	}
}

func testSeedIdempotent(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	s := open(t, newDB)
	if v, err := s.DataVersion(ctx); err != nil || v != 0 {
		t.Errorf("DataVersion of a new database = %d, %v; want 0", v, err)
	}
	if err := s.SeedDivisions(ctx, SmallDivisions(), SmallAliases()); err != nil {
		t.Fatal(err)
	}
	v1, _ := s.DataVersion(ctx)
	if v1 != 1 {
		t.Errorf("data version after first seed = %d, want 1", v1)
	}

	got, err := s.Divisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := SmallDivisions()
	slices.SortFunc(want, func(a, b gazetteer.Division) int { return strings.Compare(a.Code, b.Code) })
	if !slices.Equal(got, want) {
		t.Errorf("Divisions() =\n%v\nwant\n%v", got, want)
	}
	aliases, err := s.Aliases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(aliases, SmallAliases()) {
		t.Errorf("Aliases() = %v, want %v", aliases, SmallAliases())
	}

	// The same data again: nothing changes.
	before := Take(t, s)
	if err := s.SeedDivisions(ctx, SmallDivisions(), SmallAliases()); err != nil {
		t.Fatal(err)
	}
	unchanged(t, s, before, "re-seeding the same data")

	// A renamed division changes the data version, and only it.
	divs := SmallDivisions()
	divs[0].Name = "东城区（新）"
	if err := s.SeedDivisions(ctx, divs, SmallAliases()); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.DataVersion(ctx); v != v1+1 {
		t.Errorf("data version after a rename = %d, want %d", v, v1+1)
	}
	got, _ = s.Divisions(ctx)
	if i := slices.IndexFunc(got, func(d gazetteer.Division) bool { return d.Code == "110101" }); i < 0 || got[i].Name != "东城区（新）" {
		t.Errorf("rename not stored: %v", got)
	}

	// Other aliases replace the table.
	if err := s.SeedDivisions(ctx, divs, SmallAliases()[:1]); err != nil {
		t.Fatal(err)
	}
	if aliases, _ := s.Aliases(ctx); len(aliases) != 1 {
		t.Errorf("aliases after replacing with one row: %v", aliases)
	}
	if v, _ := s.DataVersion(ctx); v != v1+2 {
		t.Errorf("data version after replacing aliases = %d, want %d", v, v1+2)
	}
	// Divisions absent from a later seed are kept.
	if err := s.SeedDivisions(ctx, divs[:2], SmallAliases()[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Divisions(ctx); len(got) != len(divs) {
		t.Errorf("%d divisions after seeding a part, want %d kept", len(got), len(divs))
	}
}

// testSeedRejects: every refused seed changes nothing. One database serves
// all cases.
func testSeedRejects(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	tests := []struct {
		name    string
		divs    []gazetteer.Division
		aliases []gazetteer.Alias
		want    string
	}{
		{"unknown parent last", append(SmallDivisions(), gazetteer.Division{Code: "990101", Name: "某区", Level: gazetteer.County, ParentCode: "990100"}),
			SmallAliases(), "division 990101 (某区): unknown parent 990100"},
		{"short code", append(SmallDivisions(), gazetteer.Division{Code: "9901", Name: "某市", Level: gazetteer.Prefecture, ParentCode: "990000"}),
			SmallAliases(), `has code "9901"`},
		{"duplicate code", append(SmallDivisions(), gazetteer.Division{Code: "110101", Name: "东城区", Level: gazetteer.County, ParentCode: "110000"}),
			SmallAliases(), "110101 (东城区) listed twice"},
		{"bad level", append(SmallDivisions(), gazetteer.Division{Code: "110199", Name: "某区", Level: "district", ParentCode: "110000"}),
			SmallAliases(), `unknown level "district"`},
		{"province with parent", append(SmallDivisions(), gazetteer.Division{Code: "990000", Name: "某省", Level: gazetteer.Province, ParentCode: "110000"}),
			SmallAliases(), "only provinces have none"},
		{"no name", append(SmallDivisions(), gazetteer.Division{Code: "110199", Level: gazetteer.County, ParentCode: "110000"}),
			SmallAliases(), "110199 has no name"},
		{"alias to unknown code last", SmallDivisions(),
			append(SmallAliases(), gazetteer.Alias{Written: "某地区", ProvinceCode: "130000", Code: "139999", Kind: gazetteer.Renamed, Source: "test"}),
			`alias row 4 ("某地区"): unknown division code "139999"`},
		{"alias without kind", SmallDivisions(),
			append(SmallAliases(), gazetteer.Alias{Written: "某地区", ProvinceCode: "130000", Code: "130100", Source: "test"}),
			`alias row 4 ("某地区"): needs a written name and a kind`},
	}
	s := open(t, newDB)
	// A first, good seed with a different alias set, so that a failed
	// seed would have something to damage.
	if err := s.SeedDivisions(ctx, SmallDivisions()[:3], nil); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := Take(t, s)
			err := s.SeedDivisions(ctx, tt.divs, tt.aliases)
			if err == nil {
				t.Fatal("SeedDivisions accepted bad input")
			}
			if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q: want ErrInvalid mentioning %q", err, tt.want)
			}
			unchanged(t, s, before, "a refused seed")
		})
	}
}

func testSeedRealGazetteer(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	g, err := gazetteer.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, newDB)
	if err := s.SeedDivisions(ctx, g.Divisions(), g.Aliases()); err != nil {
		t.Fatal(err)
	}
	divs, err := s.Divisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(divs) != 3342 {
		t.Errorf("%d divisions stored, want 3342", len(divs))
	}
	if !slices.Equal(divs, g.Divisions()) {
		t.Error("stored divisions differ from the gazetteer's")
	}
	aliases, err := s.Aliases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(aliases, g.Aliases()) {
		t.Errorf("stored %d aliases differ from the gazetteer's %d", len(aliases), len(g.Aliases()))
	}
	before := Take(t, s)
	if err := s.SeedDivisions(ctx, g.Divisions(), g.Aliases()); err != nil {
		t.Fatal(err)
	}
	unchanged(t, s, before, "re-seeding the real gazetteer")
}

func testBoundaryLayer(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	s := open(t, newDB)
	if _, _, _, err := s.BoundaryLayer(ctx, "provinces"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing layer: err = %v, want ErrNotFound", err)
	}
	raw, err := fs.ReadFile(geodata.FS(), "provinces.layer.gz")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutBoundaryLayer(ctx, "provinces", "pmlayer1+gzip", "v1", raw); err != nil {
		t.Fatal(err)
	}
	data, format, version, err := s.BoundaryLayer(ctx, "provinces")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, raw) || format != "pmlayer1+gzip" || version != "v1" {
		t.Errorf("got %d bytes, %q, %q; want %d bytes, pmlayer1+gzip, v1", len(data), format, version, len(raw))
	}
	v, _ := s.DataVersion(ctx)
	if v != 1 {
		t.Errorf("data version after the first layer = %d, want 1", v)
	}

	// The same again: no change.
	if err := s.PutBoundaryLayer(ctx, "provinces", "pmlayer1+gzip", "v1", raw); err != nil {
		t.Fatal(err)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("putting the same layer again moved the data version from %d to %d", v, v2)
	}

	// A new version replaces the row; other layers stay apart.
	if err := s.PutBoundaryLayer(ctx, "provinces", "pmlayer1+gzip", "v2", []byte("other")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBoundaryLayer(ctx, "empty", "pmlayer1+gzip", "v2", nil); err != nil {
		t.Fatal(err)
	}
	d := Take(t, s, "provinces", "empty")
	if p := d.Layers["provinces"]; string(p.Data) != "other" || p.Version != "v2" {
		t.Errorf("after replacing: %q, %q", p.Data, p.Version)
	}
	if e, ok := d.Layers["empty"]; !ok || len(e.Data) != 0 {
		t.Errorf("an empty layer: %+v, %v", e, ok)
	}
	if d.Version != v+2 {
		t.Errorf("data version after replacing and adding = %d, want %d", d.Version, v+2)
	}

	for _, bad := range [][2]string{{"", "x"}, {"x", ""}} {
		if err := s.PutBoundaryLayer(ctx, bad[0], bad[1], "v", nil); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("layer %q format %q: err = %v, want ErrInvalid", bad[0], bad[1], err)
		}
	}
	unchanged(t, s, Take(t, s, "provinces"), "refused layers")
}

func testCanceledContext(t *testing.T, newDB NewDatabase) {
	s := seeded(t, newDB)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.PilotUnits(ctx, store.UnitFilter{}); err == nil {
		t.Error("PilotUnits with a canceled context succeeded")
	}
	before := Take(t, s)
	if _, err := s.Import(ctx, Batch2()); err == nil {
		t.Error("Import with a canceled context succeeded")
	}
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping with a canceled context succeeded")
	}
	unchanged(t, s, before, "a canceled import")
}

// history is a sequence of writes, with refused ones among them.
func history(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SeedDivisions(ctx, SmallDivisions(), SmallAliases()))
	must(s.PutBoundaryLayer(ctx, "provinces", "pmlayer1+gzip", "v1", []byte("layer")))
	bad := Batch2()
	bad.Units = append(bad.Units, store.NewPilotUnit{Code: "999999", Written: "某某市", Line: 40, Confidence: 1})
	if _, err := s.Import(ctx, bad); err == nil {
		t.Fatal("a bad import was accepted")
	}
	res, err := s.Import(ctx, Batch2())
	must(err)
	b3 := Batch2()
	b3.BatchNumber, b3.Raw, b3.Designations = 3, []byte("batch 3"), nil
	b3.Units = b3.Units[2:4]
	_, err = s.Import(ctx, b3)
	must(err)
	units, err := s.PilotUnits(ctx, store.UnitFilter{BatchNumber: 2})
	must(err)
	must(s.SetUnitStatus(ctx, units[1].ID, store.StatusRevoked, "考核不合格"))
	if err := s.SetUnitStatus(ctx, 999, store.StatusRevoked, "x"); err == nil {
		t.Fatal("a status change of a missing unit was accepted")
	}
	_, err = s.Import(ctx, Batch2())
	must(err)
	if res.DataVersion != 3 {
		t.Errorf("data version after seed, layer and import = %d, want 3", res.DataVersion)
	}
}

// testSameWritesSameData: the same writes with the same clock give the
// same data, ids, times and data version, in another database of the
// backend; the pgstore tests compare SQLite and PostgreSQL the same way.
func testSameWritesSameData(t *testing.T, newDB NewDatabase) {
	d := CompareHistories(t, open(t, newDB), open(t, newDB))
	if d.Version != 5 {
		t.Errorf("data version after the history = %d, want 5 (seed, layer, two imports, a status change)", d.Version)
	}
	// The clock stamps the times.
	start := time.Date(2013, 4, 1, 8, 0, 0, 0, time.UTC)
	if at := d.Imports[0].ImportedAt; !at.After(start) || at.After(start.Add(time.Minute)) {
		t.Errorf("first import stamped %v, not by the store's clock (%v on)", at, start)
	}
}

// CompareHistories runs the same writes on a and b (each with its own
// Clock) and fails t unless they hold the same data afterwards: the same
// rows, ids, times and data version. It returns the data of a.
func CompareHistories(t *testing.T, a, b store.Store) Dump {
	t.Helper()
	history(t, a)
	history(t, b)
	da, db := Take(t, a, "provinces"), Take(t, b, "provinces")
	if !da.Equal(db) {
		t.Errorf("the same writes gave\n%+v\nand\n%+v", da, db)
	}
	return da
}

// testConcurrentReaders reads from two goroutines while a second handle on
// the same database (as another process would) imports and changes
// statuses: no reader fails or sees a half-written import.
func testConcurrentReaders(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	db := newDB(t)
	reader, writer := db(), db(store.WithClock(Clock()))
	divs, req := SyntheticImport(108)
	if err := writer.SeedDivisions(ctx, divs, nil); err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	errs := make(chan error, 2)
	var started, wg sync.WaitGroup
	started.Add(2)
	for g := range 2 {
		wg.Go(func() {
			for reads := 0; ; reads++ {
				if reads == 1 {
					started.Done() // the writes begin once both readers run
				}
				select {
				case <-done:
					return
				default:
				}
				units, err := reader.PilotUnits(ctx, store.UnitFilter{})
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", g, err)
					if reads == 0 {
						started.Done()
					}
					return
				}
				if n := len(units); n != 0 && n != 108 {
					errs <- fmt.Errorf("reader %d saw a partial import: %d units", g, n)
					return
				}
				if _, err := reader.DataVersion(ctx); err != nil {
					errs <- fmt.Errorf("reader %d: %w", g, err)
					return
				}
			}
		})
	}

	started.Wait()
	res, err := writer.Import(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	units, err := writer.PilotUnits(ctx, store.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units[:50] {
		if err := writer.SetUnitStatus(ctx, u.ID, store.StatusRevoked, "test"); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if v, err := reader.DataVersion(ctx); err != nil || v != res.DataVersion+50 {
		t.Errorf("reader sees data version %d (%v), want %d", v, err, res.DataVersion+50)
	}
}

// testConcurrentWriters: two handles writing at once, as two replicas or a
// replica and the CLI would, wait for each other instead of failing, and
// every write counts once in the data version.
func testConcurrentWriters(t *testing.T, newDB NewDatabase) {
	ctx := context.Background()
	db := newDB(t)
	stores := []store.Store{db(store.WithClock(Clock())), db(store.WithClock(Clock()))}
	divs, req := SyntheticImport(108)
	if err := stores[0].SeedDivisions(ctx, divs, nil); err != nil {
		t.Fatal(err)
	}
	const perStore = 3
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*perStore)
	for i, s := range stores {
		wg.Go(func() {
			for k := range perStore {
				r := req
				r.BatchNumber = 1 + i*perStore + k
				r.Raw = fmt.Appendf(nil, "batch %d", r.BatchNumber)
				if _, err := s.Import(ctx, r); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := len(stores) * perStore
	if units, err := stores[0].PilotUnits(ctx, store.UnitFilter{}); err != nil || len(units) != 108*want {
		t.Errorf("%d units (%v), want %d", len(units), err, 108*want)
	}
	if v, err := stores[1].DataVersion(ctx); err != nil || v != int64(1+want) {
		t.Errorf("data version %d (%v), want %d: one seed and %d imports", v, err, 1+want, want)
	}
	if programs, err := stores[1].Programs(ctx); err != nil || len(programs) != 1 {
		t.Errorf("programs %+v (%v), want one created once", programs, err)
	}
}

package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestImport(t *testing.T) {
	ctx := context.Background()
	s := seeded(t)
	v0, _ := s.DataVersion(ctx)
	req := batch2()
	res, err := s.Import(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Units != 5 || res.ImportID == 0 || res.BatchID == 0 || res.ProgramID == 0 || res.DataVersion != v0+1 {
		t.Errorf("ImportResult = %+v, want created, 5 units, data version %d", res, v0+1)
	}
	snap := takeSnapshot(t, s)
	for table, want := range map[string]int{"programs": 1, "imports": 1, "batches": 1, "pilot_units": 5, "unit_status_history": 5, "designations": 2} {
		if snap.counts[table] != want {
			t.Errorf("%s has %d rows, want %d", table, snap.counts[table], want)
		}
	}

	programs, err := s.Programs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(programs) != 1 || programs[0].Name != program || programs[0].ID != res.ProgramID || programs[0].CreatedAt.IsZero() {
		t.Errorf("Programs() = %+v", programs)
	}
	batches, err := s.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantBatch := Batch{ID: res.BatchID, ProgramID: res.ProgramID, Program: program, Number: 2, Name: req.BatchName,
		DocNumber: req.DocNumber, Title: req.Title, ImportID: res.ImportID, Units: 5}
	if len(batches) != 1 || batches[0] != wantBatch {
		t.Errorf("Batches() = %+v, want [%+v]", batches, wantBatch)
	}
	imports, err := s.Imports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(req.Raw)
	if len(imports) != 1 || imports[0].SHA256 != hex.EncodeToString(sum[:]) || imports[0].Filename != req.Filename ||
		imports[0].Program != program || imports[0].BatchNumber != 2 || imports[0].Units != 5 ||
		imports[0].ImportedAt.Location() != time.UTC || imports[0].ImportedAt.IsZero() {
		t.Errorf("Imports() = %+v", imports)
	}
	text, err := s.ImportText(ctx, res.ImportID)
	if err != nil || !bytes.Equal(text, req.Raw) {
		t.Errorf("ImportText = %q, %v; want the raw bytes", text, err)
	}
	if _, err := s.ImportText(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("ImportText(999): err = %v, want ErrNotFound", err)
	}
	designations, err := s.Designations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(designations) != 2 || designations[0].ProvinceCode != "110000" || designations[1].ProvinceCode != "130000" ||
		designations[0].Kind != DesignationFullPromotion || designations[0].ImportID != res.ImportID || designations[0].Program != program {
		t.Errorf("Designations() = %+v", designations)
	}

	units, err := s.PilotUnits(ctx, UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 5 {
		t.Fatalf("%d units, want 5", len(units))
	}
	zd := units[2] // 正定县: line 31, the third
	if zd.Code != "130123" || zd.Name != "正定县" || zd.Level != "county" || zd.ProvinceCode != "130000" ||
		zd.ComparableCode != "130100" || zd.ProvinceWritten != "河北" || zd.Written != "正定县" || zd.Line != 31 ||
		zd.Rule != "exact" || zd.Confidence != 1 || zd.Status != StatusActive || zd.Program != program ||
		zd.BatchNumber != 2 || zd.BatchID != res.BatchID || zd.ProgramID != res.ProgramID || zd.StatusSince.IsZero() {
		t.Errorf("unit = %+v", zd)
	}
	if units[3].Name != "襄阳市" || units[3].Written != "襄樊市" || units[3].Confidence != 0.9 {
		t.Errorf("name defaults to the division's: %+v", units[3])
	}
	one, err := s.PilotUnit(ctx, zd.ID)
	if err != nil || one != zd {
		t.Errorf("PilotUnit(%d) = %+v, %v; want %+v", zd.ID, one, err, zd)
	}
	if _, err := s.PilotUnit(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("PilotUnit(999): err = %v, want ErrNotFound", err)
	}
	history, err := s.StatusHistory(ctx, zd.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || history[0].Status != StatusActive || history[0].ImportID != res.ImportID ||
		history[0].Reason != "listed in 国卫家庭发〔2013〕5号" || !history[0].At.Equal(zd.StatusSince) {
		t.Errorf("StatusHistory = %+v", history)
	}
	if _, err := s.StatusHistory(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("StatusHistory(999): err = %v, want ErrNotFound", err)
	}
}

func TestPilotUnitsFilter(t *testing.T) {
	ctx := context.Background()
	s := seeded(t)
	res, err := s.Import(ctx, batch2())
	if err != nil {
		t.Fatal(err)
	}
	// A second batch and a second program, to give the filters something to
	// tell apart.
	b3 := batch2()
	b3.BatchNumber, b3.Raw = 3, []byte("batch 3")
	b3.Units = b3.Units[:1]
	b3.Units[0].Written = "东城"
	b3.Designations = nil
	if _, err := s.Import(ctx, b3); err != nil {
		t.Fatal(err)
	}
	other := batch2()
	other.Program, other.Raw = "其他活动", []byte("other")
	other.Units = other.Units[1:2]
	other.Designations = nil
	if _, err := s.Import(ctx, other); err != nil {
		t.Fatal(err)
	}
	units, _ := s.PilotUnits(ctx, UnitFilter{BatchNumber: 2})
	if err := s.SetUnitStatus(ctx, units[0].ID, StatusRevoked, "考核不合格"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		f     UnitFilter
		codes []string
	}{
		{"all", UnitFilter{}, []string{"110101", "110105", "130123", "420600", "469005", "110101", "110105"}},
		{"province", UnitFilter{ProvinceCode: "110000"}, []string{"110101", "110105", "110101", "110105"}},
		{"province without units", UnitFilter{ProvinceCode: "220000"}, nil},
		{"batch", UnitFilter{BatchNumber: 3}, []string{"110101"}},
		{"program", UnitFilter{ProgramID: res.ProgramID}, []string{"110101", "110105", "130123", "420600", "469005", "110101"}},
		{"program and batch", UnitFilter{ProgramID: res.ProgramID, BatchNumber: 2, ProvinceCode: "130000"}, []string{"130123"}},
		{"revoked", UnitFilter{Status: StatusRevoked}, []string{"110101"}},
		{"active in batch 2 of any program", UnitFilter{Status: StatusActive, BatchNumber: 2}, []string{"110105", "130123", "420600", "469005", "110105"}},
		{"query name", UnitFilter{Query: "襄阳"}, []string{"420600"}},
		{"query written", UnitFilter{Query: "襄樊"}, []string{"420600"}},
		{"query code", UnitFilter{Query: "1301"}, []string{"130123"}},
		{"query written short form", UnitFilter{Query: "东城"}, []string{"110101", "110101"}},
		{"query underscore matches itself only", UnitFilter{Query: "_"}, []string{"469005"}},
		{"query underscore inside", UnitFilter{Query: "市_旧"}, []string{"469005"}},
		{"query percent", UnitFilter{Query: "%"}, nil},
		{"query percent inside", UnitFilter{Query: "东%区"}, nil},
		{"query backslash", UnitFilter{Query: `\`}, nil},
		{"query quote", UnitFilter{Query: "'"}, nil},
		{"query injection", UnitFilter{Query: `"; DROP TABLE pilot_units; --`}, nil},
		{"query injection with quote", UnitFilter{Query: `' OR 1=1 --`}, nil},
		{"province injection", UnitFilter{ProvinceCode: "110000' OR '1'='1"}, nil},
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
	if all, err := s.PilotUnits(ctx, UnitFilter{}); err != nil || len(all) != 7 {
		t.Errorf("after the injection attempts: %d units, %v; want 7", len(all), err)
	}
	if _, err := s.PilotUnits(ctx, UnitFilter{Status: "gone"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown status filter: err = %v, want ErrInvalid", err)
	}
}

func TestUnitsQueryUsesPlaceholders(t *testing.T) {
	f := UnitFilter{ProvinceCode: "110000'x", BatchNumber: 2, ProgramID: 7, Status: StatusActive, Query: `50%_\'`}
	q, args := unitsQuery(f)
	if n := strings.Count(q, "?"); n != len(args) {
		t.Errorf("%d placeholders, %d args", n, len(args))
	}
	if strings.Contains(q, "110000") || strings.Contains(q, "50%") {
		t.Errorf("a filter value is in the SQL text: %s", q)
	}
	if got := args[len(args)-1]; got != `%50\%\_\\'%` {
		t.Errorf("LIKE pattern = %q", got)
	}
	if q0, args0 := unitsQuery(UnitFilter{}); strings.Contains(q0, "WHERE") || len(args0) != 0 {
		t.Errorf("empty filter: %s %v", q0, args0)
	}
}

func TestReimportSameTextChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := seeded(t)
	first, err := s.Import(ctx, batch2())
	if err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, s)
	// Same raw bytes, even with other units: the batch is already there.
	again := batch2()
	again.Units = again.Units[:1]
	second, err := s.Import(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if second.Created || second.ImportID != first.ImportID || second.BatchID != first.BatchID ||
		second.ProgramID != first.ProgramID || second.Units != 5 || second.DataVersion != first.DataVersion {
		t.Errorf("re-import = %+v, first = %+v", second, first)
	}
	if after := takeSnapshot(t, s); !sameSnapshot(before, after) {
		t.Errorf("re-import changed %v to %v", before, after)
	}
}

func TestReimportDifferentTextConflicts(t *testing.T) {
	ctx := context.Background()
	s := seeded(t)
	first, err := s.Import(ctx, batch2())
	if err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, s)
	changed := batch2()
	changed.Raw = append(changed.Raw, "（修订）"...)
	changed.Filename = "revised.txt"
	_, err = s.Import(ctx, changed)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	conflict, ok := errors.AsType[*BatchConflictError](err)
	if !ok || conflict.EarlierImportID != first.ImportID || conflict.EarlierFilename != "guoweijiating-2013-5.txt" {
		t.Errorf("conflict = %+v", conflict)
	}
	for _, want := range []string{`"创建幸福家庭活动"`, "batch 2", "import 1", "guoweijiating-2013-5.txt"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if after := takeSnapshot(t, s); !sameSnapshot(before, after) {
		t.Errorf("conflicting import changed %v to %v", before, after)
	}
}

func TestImportFailuresRollBack(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		modify func(*ImportRequest)
		want   string
	}{
		{"empty program", func(r *ImportRequest) { r.Program = "  " }, "empty program name"},
		{"batch zero", func(r *ImportRequest) { r.BatchNumber = 0 }, "batch number 0"},
		{"no raw text", func(r *ImportRequest) { r.Raw = nil }, "no raw text"},
		{"nothing to import", func(r *ImportRequest) { r.Units, r.Designations = nil, nil }, "no units and no designations"},
		{"unknown code last", func(r *ImportRequest) {
			r.Units = append(r.Units, NewPilotUnit{Code: "999999", Written: "某某市", Line: 40, Confidence: 1})
		}, `store: import "创建幸福家庭活动" batch 2: unit 999999 (written 某某市, line 40): unknown division code`},
		{"duplicate code last", func(r *ImportRequest) {
			r.Units = append(r.Units, NewPilotUnit{Code: "110101", Written: "东城区", Line: 41, Confidence: 1})
		}, "unit 110101 (written 东城区, line 41): listed twice (first on line 30)"},
		{"malformed code", func(r *ImportRequest) { r.Units[4].Code = "46900" }, `code "46900", want six digits`},
		{"confidence out of range", func(r *ImportRequest) { r.Units[4].Confidence = 1.5 }, "confidence 1.5"},
		{"province mismatch last", func(r *ImportRequest) { r.Units[4].ProvinceCode = "420000" }, "province 420000, but the code lies in 460000"},
		{"comparable in another province last", func(r *ImportRequest) { r.Units[4].ComparableCode = "420600" }, "comparable unit 420600 is not a division of province 460000"},
		{"unknown province for designation last", func(r *ImportRequest) {
			r.Designations = append(r.Designations, NewDesignation{ProvinceCode: "990000", Written: "某省", Kind: DesignationFullPromotion})
		}, `unknown province code "990000"`},
		{"designation of a non-province", func(r *ImportRequest) {
			r.Designations = append(r.Designations, NewDesignation{ProvinceCode: "130100", Written: "石家庄", Kind: DesignationFullPromotion})
		}, `unknown province code "130100"`},
		{"duplicate designation", func(r *ImportRequest) { r.Designations = append(r.Designations, r.Designations[0]) }, "listed twice"},
		{"designation without kind", func(r *ImportRequest) { r.Designations[1].Kind = "" }, "empty kind"},
	}
	for _, tt := range tests {
		for _, existing := range []bool{false, true} {
			name := tt.name + "/new program"
			if existing {
				name = tt.name + "/existing program"
			}
			t.Run(name, func(t *testing.T) {
				s := seeded(t)
				if existing {
					b1 := batch2()
					b1.BatchNumber, b1.Raw = 1, []byte("batch 1")
					if _, err := s.Import(ctx, b1); err != nil {
						t.Fatal(err)
					}
				}
				before := takeSnapshot(t, s)
				req := batch2()
				tt.modify(&req)
				_, err := s.Import(ctx, req)
				if err == nil {
					t.Fatal("Import accepted a bad request")
				}
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %q: want ErrInvalid containing %q", err, tt.want)
				}
				if after := takeSnapshot(t, s); !sameSnapshot(before, after) {
					t.Errorf("failed import changed %v to %v", before, after)
				}
			})
		}
	}
}

func TestDesignationsKeepFirstImport(t *testing.T) {
	ctx := context.Background()
	s := seeded(t)
	first, err := s.Import(ctx, batch2())
	if err != nil {
		t.Fatal(err)
	}
	b3 := batch2()
	b3.BatchNumber, b3.Raw = 3, []byte("batch 3 repeats 北京")
	b3.Designations = b3.Designations[:1]
	if _, err := s.Import(ctx, b3); err != nil {
		t.Fatal(err)
	}
	ds, _ := s.Designations(ctx)
	if len(ds) != 2 || ds[0].ImportID != first.ImportID {
		t.Errorf("Designations() = %+v, want 2 from import %d", ds, first.ImportID)
	}
}

func TestSetUnitStatus(t *testing.T) {
	ctx := context.Background()
	s := seeded(t)
	res, err := s.Import(ctx, batch2())
	if err != nil {
		t.Fatal(err)
	}
	units, _ := s.PilotUnits(ctx, UnitFilter{})
	u := units[0]

	if err := s.SetUnitStatus(ctx, u.ID, StatusRevoked, "考核不合格，取消其试点资格"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.DataVersion(ctx); v != res.DataVersion+1 {
		t.Errorf("data version = %d, want %d", v, res.DataVersion+1)
	}
	got, _ := s.PilotUnit(ctx, u.ID)
	if got.Status != StatusRevoked || !got.StatusSince.After(u.StatusSince) {
		t.Errorf("after revoking: %+v (was %+v)", got, u)
	}
	history, err := s.StatusHistory(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].Status != StatusActive || history[1].Status != StatusRevoked ||
		history[1].Reason != "考核不合格，取消其试点资格" || history[1].ImportID != 0 || !history[1].At.Equal(got.StatusSince) {
		t.Errorf("history = %+v", history)
	}
	// The other units are untouched.
	if other, _ := s.PilotUnit(ctx, units[1].ID); other.Status != StatusActive {
		t.Errorf("another unit changed: %+v", other)
	}

	before := takeSnapshot(t, s)
	if err := s.SetUnitStatus(ctx, u.ID, "suspended", "x"); !errors.Is(err, ErrInvalid) {
		t.Errorf("invalid status: err = %v, want ErrInvalid", err)
	}
	if err := s.SetUnitStatus(ctx, 999, StatusRevoked, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown unit: err = %v, want ErrNotFound", err)
	}
	if after := takeSnapshot(t, s); !sameSnapshot(before, after) {
		t.Errorf("failed status changes changed %v to %v", before, after)
	}

	if err := s.SetUnitStatus(ctx, u.ID, StatusActive, "整改后恢复"); err != nil {
		t.Fatal(err)
	}
	if history, _ := s.StatusHistory(ctx, u.ID); len(history) != 3 || history[2].Status != StatusActive {
		t.Errorf("history after reinstating: %+v", history)
	}
}

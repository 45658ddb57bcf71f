package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pilotmap/geodata"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
)

func loadGazetteer(t testing.TB) *gazetteer.Gazetteer {
	t.Helper()
	g, err := gazetteer.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestMatchDefaultNotice(t *testing.T) {
	g := loadGazetteer(t)
	raw, err := os.ReadFile(filepath.Join("..", "..", "geodata", DefaultNotice))
	if err != nil {
		t.Fatal(err)
	}
	res, req, err := Plan(g, raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.PilotProvinces) != 12 || len(res.Units) != 108 || len(res.Unmatched) != 0 || len(res.Notes) != 0 {
		t.Fatalf("pilot provinces %d, units %d, unmatched %d, notes %v", len(res.PilotProvinces), len(res.Units), len(res.Unmatched), res.Notes)
	}
	if req.Program != "创建幸福家庭活动" || req.BatchNumber != 2 || req.DocNumber != "国卫家庭发〔2013〕5号" {
		t.Errorf("program %q batch %d doc %q", req.Program, req.BatchNumber, req.DocNumber)
	}
	if len(req.Designations) != 12 || req.Designations[0].Kind != store.DesignationFullPromotion {
		t.Errorf("designations = %+v", req.Designations)
	}
}

// A damaged province is inferred from its units only when they all point to
// one province, and the result says so.
func TestProvinceInference(t *testing.T) {
	g := loadGazetteer(t)
	text := "第二批试点单位名单\n| 序号 | 省份 | 试点单位 |\n|---|---|---|\n| 1 | 沏北 | 石家庄市、邯郸市 |\n| 2 | 沏南 | 朝阳区 |\n"
	res, err := MatchText(g, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Units) != 2 || res.Units[0].ProvinceCode != "130000" {
		t.Fatalf("units = %+v", res.Units)
	}
	if len(res.Unmatched) != 1 || res.Unmatched[0].Written != "朝阳区" {
		t.Errorf("朝阳区 (北京 or 长春) under an unreadable province must stay unmatched: %+v", res.Unmatched)
	}
	notes := strings.Join(res.Notes, "\n")
	if !strings.Contains(notes, "inferred 河北省") || !strings.Contains(notes, "do not point to one province") {
		t.Errorf("notes should explain the inference and the failure:\n%s", notes)
	}
}

func TestProgramName(t *testing.T) {
	for title, want := range map[string]string{
		"国家卫生计生委关于深入开展创建幸福家庭活动的通知": "创建幸福家庭活动",
		"关于开展全国婚育新风进万家活动的通知":       "全国婚育新风进万家活动",
		"关于公布第三批创建幸福家庭活动试点单位名单的通知": "创建幸福家庭活动",
		"关于确定第十二批全国创建幸福家庭活动试点的通知":  "全国创建幸福家庭活动", // a stored 创建幸福家庭活动 is preferred: see TestLaterBatchJoinsItsProgram
		"某某通知": "",
	} {
		if got := ProgramName(title); got != want {
			t.Errorf("ProgramName(%q) = %q, want %q", title, got, want)
		}
	}
}

// seeded opens a new database in a temporary folder, seeded with the
// embedded default data; it is closed when the test ends.
func seeded(t *testing.T) (store.Store, *gazetteer.Gazetteer) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "pm.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, err := geodata.Version()
	if err != nil {
		t.Fatal(err)
	}
	g, err := Seed(context.Background(), st, geodata.FS(), v)
	if err != nil {
		t.Fatal(err)
	}
	return st, g
}

// A later notice of the same program joins it, whatever the title's wording.
func TestLaterBatchJoinsItsProgram(t *testing.T) {
	ctx := context.Background()
	st, g := seeded(t)
	third := []byte("国家卫生计生委办公厅关于公布第三批“创建幸福家庭活动”示范单位名单的通知\n第三批试点单位名单\n1. 云南省:昆明市\n")
	res, ir, err := Import(ctx, st, g, third, Options{})
	if err != nil || !ir.Created {
		t.Fatalf("import: %+v %v", ir, err)
	}
	if res.Program != "创建幸福家庭活动" || res.Batch != 3 {
		t.Errorf("stored under program %q batch %d, want 创建幸福家庭活动 batch 3", res.Program, res.Batch)
	}
	programs, _ := st.Programs(ctx)
	if len(programs) != 1 {
		t.Errorf("programs = %+v, want the one program", programs)
	}
}

func TestImportRefusesUnmatchedAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st, g := seeded(t)
	before, _ := st.DataVersion(ctx)
	v, _ := geodata.Version()
	if _, err := Seed(ctx, st, geodata.FS(), v); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.DataVersion(ctx); after != before {
		t.Errorf("seeding again changed the data version %d → %d", before, after)
	}
	bad := []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单\n1. 河北省:保定市、杭州市\n")
	_, _, err := Import(ctx, st, g, bad, Options{})
	if !errors.Is(err, ErrUnmatched) {
		t.Fatalf("err = %v, want ErrUnmatched", err)
	}
	if after, _ := st.DataVersion(ctx); after != before {
		t.Error("a refused import changed the data")
	}
	if _, _, err := Import(ctx, st, g, bad, Options{Batch: 3, Program: ""}); err == nil {
		t.Error("still unmatched with an explicit batch")
	}
	_, ir, err := Import(ctx, st, g, bad, Options{AllowUnmatched: true})
	if err != nil || !ir.Created || ir.Units != 1 {
		t.Fatalf("allow unmatched: %+v %v", ir, err)
	}
	units, _ := st.PilotUnits(ctx, store.UnitFilter{BatchNumber: 3})
	if len(units) != 1 || units[0].Code != "130600" {
		t.Errorf("batch 3 = %+v, want 保定市 130600", units)
	}
}

// An import whose list has an unreadable part stores nothing unless told
// to, and then stores only what was read.
func TestImportRefusesUnreadable(t *testing.T) {
	ctx := context.Background()
	st, g := seeded(t)
	before, _ := st.DataVersion(ctx)
	bad := []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单\n1. 黑龙江省:大庆市\n2. 黑龍江?。汗枮I市\n")
	res, _, err := Import(ctx, st, g, bad, Options{})
	if !errors.Is(err, ErrUnreadable) || res == nil || len(res.Unreadable) != 1 || res.Unreadable[0].Line != 4 {
		t.Fatalf("err = %v, result %+v; want ErrUnreadable with the text on line 4", err, res)
	}
	if after, _ := st.DataVersion(ctx); after != before {
		t.Error("a refused import changed the data")
	}
	_, ir, err := Import(ctx, st, g, bad, Options{AllowUnmatched: true})
	if err != nil || !ir.Created || ir.Units != 1 {
		t.Fatalf("allow unmatched: %+v %v", ir, err)
	}
}

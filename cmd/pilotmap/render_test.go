package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenderCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pm.db")
	out := filepath.Join(dir, "map.svg")
	code, stdout, stderr := runCmd(t, map[string]string{"PILOTMAP_APPROVAL_NUMBER": "GS（2024）0000号"},
		"render", "--out", out, "--layout", "4:3", "--title", "试点覆盖", "--date", "2026-01-02", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("stdout %q", stdout)
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var root struct {
		Width  string `xml:"width,attr"`
		Height string `xml:"height,attr"`
	}
	if err := xml.Unmarshal(doc, &root); err != nil || root.Width != "1600" || root.Height != "1200" {
		t.Fatalf("svg root %+v, %v", root, err)
	}
	for _, s := range []string{">试点覆盖<", "2026-01-02", "审图号：GS（2024）0000号", `id="unit-110101"`, `id="inset-frame"`} {
		if !strings.Contains(string(doc), s) {
			t.Errorf("document lacks %q", s)
		}
	}
	if n := strings.Count(string(doc), `id="unit-`); n != 108 {
		t.Errorf("%d pilot units, want 108", n)
	}

	// A province, the gaps view, to stdout.
	code, stdout, stderr = runCmd(t, nil, "render", "--out", "-", "--view", "gaps", "--province", "110000", "--lang", "en", "--db", db)
	if code != 0 || !strings.HasPrefix(stdout, "<?xml") || !strings.Contains(stdout, `data-province="110000"`) || !strings.Contains(stdout, `data-view="gaps"`) {
		t.Errorf("gaps to stdout: exit %d, stderr %s, start %.80q", code, stderr, stdout)
	}

	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--out", filepath.Join(dir, "map.png")}, "PNG is not made offline"},
		{[]string{}, "--out is required"},
		{[]string{"--out", filepath.Join(dir, "map.pdf")}, "the only format is SVG"},
		{[]string{"--out", out, "--layout", "3:2"}, "invalid --layout"},
		{[]string{"--out", out, "--province", "710000"}, "invalid --province"},
		{[]string{"--out", out, "--view", "heat"}, "invalid --view"},
		{[]string{"--out", out, "--date", "2.1.2026"}, "--date"},
	} {
		code, _, stderr := runCmd(t, nil, append([]string{"render", "--db", db}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "map.png")); !os.IsNotExist(err) {
		t.Errorf("a PNG was written")
	}
	// A failed render leaves no temporary file behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".render-") {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
}

// render --batch draws a selection of batches: with a batch 3 imported
// (four units of batch 2 again and three new ones), its seven pilot units,
// the three new ones striped, the legend entry and 第3批 in the subtitle;
// a selection the data does not have is exit 2 naming the flag.
func TestRenderBatchSelection(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pm.db")
	notice := filepath.Join(dir, "batch3.txt")
	text := "全国创建幸福家庭活动第三批试点单位名单\n\n1. 北京市:东城区、西城区\n2. 海南省:文昌市、三亚市\n3. 云南省:昆明市\n4. 西藏自治区:拉萨市、日喀则市\n"
	if err := os.WriteFile(notice, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd(t, nil, "import", "--db", db, "--program", "创建幸福家庭活动", "--batch", "3", notice); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	code, doc, errs := runCmd(t, nil, "render", "--out", "-", "--batch", "3", "--date", "2026-12-01", "--db", db)
	if code != 0 {
		t.Fatalf("render --batch 3: exit %d: %s", code, errs)
	}
	var fresh []string
	for _, code := range []string{"460200", "530100", "540200", "110101"} {
		if strings.Contains(doc, `id="unit-`+code+`" data-code="`+code+`" fill="url(#hatch-new) #e8710a"`) {
			fresh = append(fresh, code)
		}
	}
	if strings.Join(fresh, " ") != "460200 530100 540200" || strings.Count(doc, `data-new="true"`) != 3 {
		t.Errorf("drawn new: %v (%d in all), want 460200 530100 540200", fresh, strings.Count(doc, `data-new="true"`))
	}
	for _, s := range []string{">本批新增（3 个单位）</text>", ">试点单位（7 个）</text>", ">第3批</text>"} {
		if !strings.Contains(doc, s) {
			t.Errorf("document lacks %q", s)
		}
	}
	if n := strings.Count(doc, `id="unit-`); n != 7 {
		t.Errorf("%d pilot units, want 7", n)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--batch", "9"}, `invalid --batch "9": the program has no batch 9`},
		{[]string{"--batch", "3,x"}, "invalid --batch"},
		{[]string{"--batch", ""}, "invalid --batch"},
		{[]string{"--program", "x"}, `invalid --program "x"`},
		{[]string{"--batch", "3", "--view", "gaps"}, "--view gaps shows every stored batch"},
	} {
		code, _, stderr := runCmd(t, nil, append([]string{"render", "--out", "-", "--db", db}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}

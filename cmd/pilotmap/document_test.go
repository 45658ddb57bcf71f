package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pilotmap/internal/document/documenttest"
)

// matchCodes runs match --json on path and returns the pilot provinces'
// and the units' codes in order.
func matchCodes(t *testing.T, path string) (provinces, units []string, stderr string) {
	t.Helper()
	code, out, errs := runCmd(t, nil, "match", "--json", path)
	if code != 0 {
		t.Fatalf("match %s: exit %d, stderr %s", path, code, errs)
	}
	var res struct {
		PilotProvinces []struct{ Code string } `json:"pilot_provinces"`
		Units          []struct{ Code string } `json:"units"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("decode: %v", err)
	}
	for _, p := range res.PilotProvinces {
		provinces = append(provinces, p.Code)
	}
	for _, u := range res.Units {
		units = append(units, u.Code)
	}
	return provinces, units, errs
}

// The 2013 notice as a saved page, a Word document and a printed PDF gives
// the units and pilot provinces the .txt gives, code for code.
func TestMatchReadsEveryFormat(t *testing.T) {
	txt, err := os.ReadFile(noticePath)
	if err != nil {
		t.Fatal(err)
	}
	wantProv, wantUnits, _ := matchCodes(t, noticePath)
	if len(wantProv) != 12 || len(wantUnits) != 108 {
		t.Fatalf("the .txt gives %d pilot provinces and %d units", len(wantProv), len(wantUnits))
	}
	lines := documenttest.Lines(string(txt))
	docx, err := documenttest.DOCX(lines)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"notice.html":      documenttest.HTML(lines, documenttest.Paragraphs),
		"notice-table.htm": documenttest.HTML(lines, documenttest.RowSpans),
		"notice.docx":      docx,
	}
	if _, err := os.Stat(documenttest.Chromium); err == nil {
		pdf, err := documenttest.PrintPDF(context.Background(), files["notice.html"], true)
		if err != nil {
			t.Fatal(err)
		}
		files["notice.pdf"] = pdf
		if files["notice-table.pdf"], err = documenttest.PrintPDF(context.Background(), files["notice-table.htm"], true); err != nil {
			t.Fatal(err)
		}
	} else if os.Getenv("PILOTMAP_REQUIRE_BROWSER") == "1" {
		t.Fatalf("PILOTMAP_REQUIRE_BROWSER=1 but %s is missing", documenttest.Chromium)
	} else {
		t.Logf("%s is missing: the PDF is not tested", documenttest.Chromium)
	}
	dir := t.TempDir()
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			prov, units, errs := matchCodes(t, path)
			if strings.Join(prov, " ") != strings.Join(wantProv, " ") || strings.Join(units, " ") != strings.Join(wantUnits, " ") {
				t.Errorf("pilot provinces %v\nunits %v\nwant %v\n%v", prov, units, wantProv, wantUnits)
			}
			if !strings.Contains(errs, "note: "+path+" read as "+strings.TrimPrefix(filepath.Ext(name), ".")[:3]) {
				t.Errorf("stderr does not say how the file was read: %q", errs)
			}
		})
	}
	// stdin takes every format: here the Word document
	t.Run("stdin", func(t *testing.T) {
		path := filepath.Join(dir, "stdin.docx")
		if err := os.WriteFile(path, docx, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		stdin := os.Stdin
		os.Stdin = f
		defer func() { os.Stdin = stdin }()
		_, units, errs := matchCodes(t, "-")
		if len(units) != 108 || !strings.Contains(errs, "note: - read as docx") {
			t.Errorf("%d units from stdin, stderr %q", len(units), errs)
		}
	})
}

func TestMatchRefusesLargeAndUnknownInput(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(21 << 20); err != nil { // sparse: 21 MB that take no disk
		t.Fatal(err)
	}
	f.Close()
	random := filepath.Join(dir, "random.bin")
	os.WriteFile(random, []byte("\x00\x01\x02\x03\xff\xfe\x00\x10binary\x00\x07\x08"), 0o644)
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"21 MB file", []string{"match", big}, "21.0 MB (22020096 bytes); notices over 20 MB are refused"},
		{"import of 21 MB", []string{"import", "--db", filepath.Join(dir, "x.db"), big}, "notices over 20 MB are refused"},
		{"random bytes", []string{"match", random}, "not a format that is read (text, HTML, DOCX, PDF)"},
		{"directory", []string{"match", dir}, "is a directory"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases = append(cases, struct {
			name string
			args []string
			msg  string
		}{"endless device", []string{"match", "/dev/zero"}, "more than 20 MB; notices over 20 MB are refused"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, nil, tc.args...)
			if code != 2 || !strings.Contains(errs, tc.msg) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errs, tc.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("import of a refused file created the database")
	}
}

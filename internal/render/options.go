package render

import (
	"fmt"
	"net/url"
	"time"
)

// View is what a map shows.
type View string

// The views.
const (
	// ViewCoverage: provinces coloured by coverage class, pilot units on top.
	ViewCoverage View = "coverage"
	// ViewGaps: comparable units without a pilot shaded by their distance to
	// the nearest pilot unit, the largest clusters outlined and numbered.
	ViewGaps View = "gaps"
)

// Lang is the language of the map's words.
type Lang string

// The languages.
const (
	LangZH Lang = "zh"
	LangEN Lang = "en"
)

// Layout is a fixed page size. The SVG's viewBox is Width×Height user
// units (pixels at 96 dpi for the screen layouts); WidthAttr and
// HeightAttr are the root element's width and height.
type Layout struct {
	Name                  string // "16:9", "4:3" or "a4"
	Width, Height         float64
	WidthAttr, HeightAttr string
}

// Layouts returns the layouts, the default (16:9) first: 16:9 1920×1080
// and 4:3 1600×1200 pixels for slides, A4 landscape (297×210 mm) with a
// 3508×2480 viewBox (300 dpi).
func Layouts() []Layout {
	return []Layout{
		{Name: "16:9", Width: 1920, Height: 1080, WidthAttr: "1920", HeightAttr: "1080"},
		{Name: "4:3", Width: 1600, Height: 1200, WidthAttr: "1600", HeightAttr: "1200"},
		{Name: "a4", Width: 3508, Height: 2480, WidthAttr: "297mm", HeightAttr: "210mm"},
	}
}

// ParseLayout returns the layout named s ("16:9", "4:3", "a4"; "" is
// 16:9; "16x9", "4x3" and "A4" are accepted too).
func ParseLayout(s string) (Layout, error) {
	switch s {
	case "", "16:9", "16x9":
		return Layouts()[0], nil
	case "4:3", "4x3":
		return Layouts()[1], nil
	case "a4", "A4":
		return Layouts()[2], nil
	}
	return Layout{}, &ParamError{Param: "layout", Value: s, Reason: "use 16:9, 4:3 or a4"}
}

// Options choose what SVG draws and how. The zero value is the national
// coverage map, 16:9, in Chinese, dated today.
type Options struct {
	View View
	// Province is a mainland province's code for a province map; "" for
	// the national map.
	Province string
	Layout   Layout // zero: 16:9
	Lang     Lang   // "": zh
	// Title replaces the default title (创建幸福家庭活动试点覆盖图; in the
	// gaps view 创建幸福家庭活动试点空白区域图).
	Title string
	// Subtitle replaces the default subtitle (依据 + the notices' numbers).
	Subtitle string
	// Approval is the map approval number (审图号) a deployment may print,
	// e.g. GS（2024）1234号; "" prints no approval line. A value that
	// already contains 审图号 is printed as it is.
	Approval string
	// Unapproved is printed instead of the approval line when Approval is
	// "": the deployment's own words; "" prints the default
	// (DefaultUnapproved, in English "No map approval number configured:
	// for internal reference only").
	Unapproved string
	// Date is the map's date (制图日期); zero: today.
	Date time.Time
}

// ParamError is an invalid option, named after its query parameter, so
// the HTTP layer can answer 400 with problem details naming it.
type ParamError struct {
	Param, Value, Reason string
}

// Error says which parameter is wrong and why.
func (e *ParamError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Param, e.Value, e.Reason)
}

// ParseQuery reads Options from the query of GET /api/v1/map.svg:
// view=coverage|gaps, province=CODE, layout=16:9|4:3|a4, title=, subtitle=,
// lang=zh|en. An empty or absent value is the default; a parameter given
// more than once or an invalid value gives a *ParamError. Other parameters
// are not looked at (the HTTP server rejects them, and empty values,
// before). The approval number and the date are not taken from the query:
// the server sets them (Approval from its configuration).
func ParseQuery(q url.Values) (Options, error) {
	var o Options
	for _, name := range []string{"view", "province", "layout", "lang", "title", "subtitle"} {
		if n := len(q[name]); n > 1 {
			return Options{}, &ParamError{Param: name, Value: q.Get(name), Reason: fmt.Sprintf("given %d times, want at most once", n)}
		}
	}
	switch v := q.Get("view"); v {
	case "", "coverage":
		o.View = ViewCoverage
	case "gaps":
		o.View = ViewGaps
	default:
		return Options{}, &ParamError{Param: "view", Value: v, Reason: "use coverage or gaps"}
	}
	if p := q.Get("province"); p != "" {
		if !isProvinceCode(p) {
			return Options{}, &ParamError{Param: "province", Value: p, Reason: "not a province code (six digits ending in 0000, such as 110000)"}
		}
		o.Province = p
	}
	l, err := ParseLayout(q.Get("layout"))
	if err != nil {
		return Options{}, err
	}
	o.Layout = l
	switch v := q.Get("lang"); v {
	case "", "zh", "zh-CN":
		o.Lang = LangZH
	case "en":
		o.Lang = LangEN
	default:
		return Options{}, &ParamError{Param: "lang", Value: v, Reason: "use zh or en"}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"title", &o.Title}, {"subtitle", &o.Subtitle}} {
		v := q.Get(f.name)
		if len([]rune(v)) > 120 {
			return Options{}, &ParamError{Param: f.name, Value: v, Reason: "at most 120 characters"}
		}
		*f.dst = v
	}
	return o, nil
}

// normalize fills defaults and checks the options against the map.
func (o Options) normalize(m *Map) (Options, error) {
	if o.View == "" {
		o.View = ViewCoverage
	}
	if o.View != ViewCoverage && o.View != ViewGaps {
		return o, &ParamError{Param: "view", Value: string(o.View), Reason: "use coverage or gaps"}
	}
	if o.View == ViewGaps && m.Gaps == nil {
		return o, &ParamError{Param: "view", Value: string(o.View), Reason: "the gap analysis is not available"}
	}
	if o.Layout.Width == 0 {
		o.Layout = Layouts()[0]
	}
	if o.Layout.Width < 100 || o.Layout.Height < 100 {
		return o, &ParamError{Param: "layout", Value: o.Layout.Name, Reason: "page smaller than 100×100"}
	}
	switch o.Lang {
	case "":
		o.Lang = LangZH
	case LangZH, LangEN:
	default:
		return o, &ParamError{Param: "lang", Value: string(o.Lang), Reason: "use zh or en"}
	}
	if o.Province != "" {
		p, ok := m.province(o.Province)
		if !ok {
			return o, &ParamError{Param: "province", Value: o.Province, Reason: "no such province"}
		}
		if !p.InProgram {
			return o, &ParamError{Param: "province", Value: o.Province, Reason: "outside the program (台湾, 香港 and 澳门 have no comparable units)"}
		}
	}
	if o.Date.IsZero() {
		o.Date = time.Now()
	}
	return o, nil
}

// isProvinceCode reports whether s looks like a province-level code
// (PP0000 with PP from 11 to 82).
func isProvinceCode(s string) bool {
	if len(s) != 6 || s[0] < '1' || s[0] > '8' || s[2:] != "0000" {
		return false
	}
	return s[1] >= '0' && s[1] <= '9'
}

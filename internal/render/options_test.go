package render

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParseQueryRepeatedAndProvince(t *testing.T) {
	for q, param := range map[string]string{
		"view=coverage&view=gaps":         "view",
		"province=110000&province=110000": "province",
		"layout=a4&layout=4:3":            "layout",
		"lang=zh&lang=en":                 "lang",
		"title=a&title=b":                 "title",
		"subtitle=a&subtitle=a":           "subtitle",
	} {
		v, _ := url.ParseQuery(q)
		_, err := ParseQuery(v)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != param || !strings.Contains(pe.Reason, "given 2 times") {
			t.Errorf("ParseQuery(%s): %v, want a ParamError on %s", q, err, param)
		}
	}
	for _, code := range []string{"130100", "999999", "13000", "abcdef"} {
		_, err := ParseQuery(url.Values{"province": {code}})
		want := `invalid province "` + code + `": not a province code (six digits ending in 0000, such as 110000)`
		if err == nil || err.Error() != want {
			t.Errorf("province=%s: %v, want %s", code, err, want)
		}
	}
	// Empty values are the defaults (pilotmap render passes every flag).
	o, err := ParseQuery(url.Values{"view": {""}, "province": {""}, "layout": {""}, "lang": {""}, "title": {""}, "subtitle": {""}})
	if err != nil || o.View != ViewCoverage || o.Province != "" || o.Layout.Name != "16:9" || o.Lang != LangZH {
		t.Errorf("empty values: %+v, %v", o, err)
	}
}

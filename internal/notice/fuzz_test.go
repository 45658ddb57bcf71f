package notice

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics and that a success always
// carries units with text and a line number inside the text. The seed corpus
// is under testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte("1. 北京市:东城区、西城区\n2. 天津市：河西区"))
	f.Add([]byte("| 区域 | 省份 | 试点单位 |\n| --- | --- | --- |\n| 东部地区 | 北京市 | 东城区 |\n| | | 海淀区 |"))
	f.Add([]byte("省份\t试点单位\n北京市\t东城区\n\t西城区"))
	f.Add([]byte("試點省份名單（2個）\n廣東省、臺灣省\n廣東省：廣州市"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse(data)
		if err != nil {
			if n != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		text, _, derr := decode(data)
		if derr != nil {
			t.Fatalf("Parse succeeded but decode failed: %v", derr)
		}
		lines := len(splitLines(text, newSimplifier("")))
		inside := func(what string, nm Name) {
			if nm.Line < 1 || nm.Line > lines {
				t.Fatalf("%s %+v: line outside 1..%d", what, nm, lines)
			}
			if !utf8.ValidString(nm.Text) || !utf8.ValidString(nm.Written) {
				t.Fatalf("%s %+v: invalid UTF-8", what, nm)
			}
		}
		if n.UnitCount() == 0 {
			t.Fatal("success without units")
		}
		for _, g := range n.Groups {
			inside("province", g.Province)
			if len(g.Units) == 0 {
				t.Fatalf("group %+v without units", g.Province)
			}
			for _, u := range g.Units {
				if u.Text == "" || u.Written == "" {
					t.Fatalf("unit %+v without text", u)
				}
				inside("unit", u)
			}
		}
		if len(n.PilotProvinces) != len(n.PilotProvinceNames) {
			t.Fatalf("%d pilot provinces, %d names", len(n.PilotProvinces), len(n.PilotProvinceNames))
		}
		for _, p := range n.PilotProvinces {
			if p.Text == "" {
				t.Fatalf("pilot province %+v without text", p)
			}
			inside("pilot province", p)
		}
	})
}

package importer

import (
	"testing"
)

// FuzzMatchText checks that reading and matching never panics and never
// gives a code outside the province the unit is matched in, or a division
// the gazetteer does not hold.
func FuzzMatchText(f *testing.F) {
	for _, s := range []string{
		"1. 北京市:东城区、西城区\n2. 天津市：河东区",
		"河北省承德市、上海市、江苏省南通市、浙江省杭州市西湖区",
		"1. 北京市：东城区\n2. 太原市\n3. 河东区",
		"沏北：石家庄市、邯郸市\n大兴安岭地区漠河县、湖北省襄樊市、南昌市湾里区",
	} {
		f.Add([]byte(s))
	}
	g := loadGazetteer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := MatchText(g, data)
		if err != nil {
			return
		}
		for _, u := range res.Units {
			d, ok := g.Division(u.Code)
			if !ok || d.ProvinceCode() != u.ProvinceCode {
				t.Fatalf("unit %+v: division %+v (known %v) outside its province", u, d, ok)
			}
		}
	})
}

package notice

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// summary renders the groups of n one per string:
// "Province.Text[ProvinceName]{Region}#DeclaredCount: unit,unit".
func summary(n *Notice) []string {
	var out []string
	for _, g := range n.Groups {
		var us []string
		for _, u := range g.Units {
			us = append(us, u.Text)
		}
		s := g.Province.Text + "[" + g.ProvinceName + "]"
		if g.Region != "" {
			s += "{" + g.Region + "}"
		}
		if g.DeclaredCount != 0 {
			s += "#" + itoa(g.DeclaredCount)
		}
		out = append(out, s+": "+strings.Join(us, ","))
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestShapes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"numbered with half-width colon",
			"1. 北京市:东城区、西城区\n2. 天津市:河西区",
			[]string{"北京市[北京市]: 东城区,西城区", "天津市[天津市]: 河西区"}},
		{"1、 marker, full-width colon and commas",
			"1、北京市：东城区，西城区\n2、河北省：石家庄市，邯郸市。",
			[]string{"北京市[北京市]: 东城区,西城区", "河北省[河北省]: 石家庄市,邯郸市"}},
		{"一、 marker and a count",
			"一、北京市（4个）：东城区、西城区、海淀区、怀柔区",
			[]string{"北京市[北京市]#4: 东城区,西城区,海淀区,怀柔区"}},
		{"（一） and (1) markers, half-width count, semicolons",
			"（一）北京市(2个):东城区;西城区\n(1)天津市：河西区；津南区",
			[]string{"北京市[北京市]#2: 东城区,西城区", "天津市[天津市]: 河西区,津南区"}},
		{"full-width digits, colon and commas",
			"１．北京市（２个）：东城区，西城区\n１０．河北省：石家庄市",
			[]string{"北京市[北京市]#2: 东城区,西城区", "河北省[河北省]: 石家庄市"}},
		{"count without parentheses",
			"北京市2个：东城区、西城区\n天津市共1个：河西区",
			[]string{"北京市[北京市]#2: 东城区,西城区", "天津市[天津市]#1: 河西区"}},
		{"count after the units",
			"北京市：东城区、西城区（共2个）",
			[]string{"北京市[北京市]#2: 东城区,西城区"}},
		{"several provinces on one line",
			"北京市（2个）：东城区、西城区；天津市：河西区 河北省：石家庄市",
			[]string{"北京市[北京市]#2: 东城区,西城区", "天津市[天津市]: 河西区", "河北省[河北省]: 石家庄市"}},
		{"province and units separated by a dash",
			"北京市——东城区、西城区\n天津市 - 河西区",
			[]string{"北京市[北京市]: 东城区,西城区", "天津市[天津市]: 河西区"}},
		{"a line with another, non-province colon is prose",
			"北京市：东城区、西城区；备注：以上为试点。\n天津市：河西区",
			[]string{"天津市[天津市]: 河西区"}},
		{"circled numbers",
			"①北京市：东城区\n⑩天津市：河西区",
			[]string{"北京市[北京市]: 东城区", "天津市[天津市]: 河西区"}},
		{"Chinese numeral count",
			"北京市（二个）：东城区、西城区",
			[]string{"北京市[北京市]#2: 东城区,西城区"}},
		{"unnumbered lines",
			"北京市：东城区、西城区\n天津市：河西区",
			[]string{"北京市[北京市]: 东城区,西城区", "天津市[天津市]: 河西区"}},
		{"short province names",
			"浙江：杭州市、湖州市\n内蒙古：呼和浩特市\n广西：南宁市\n新疆：乌鲁木齐市",
			[]string{"浙江[浙江省]: 杭州市,湖州市", "内蒙古[内蒙古自治区]: 呼和浩特市", "广西[广西壮族自治区]: 南宁市", "新疆[新疆维吾尔自治区]: 乌鲁木齐市"}},
		{"runs of spaces between names",
			"北京市：东城区  西城区\u3000\u3000海淀区\t怀柔区",
			[]string{"北京市[北京市]: 东城区,西城区,海淀区,怀柔区"}},
		{"single spaces between names that end like divisions",
			"北京市：东城区 西城区 海淀区",
			[]string{"北京市[北京市]: 东城区,西城区,海淀区"}},
		{"province and units without a colon",
			"北京市 东城区、西城区\n河北省（1个） 石家庄市",
			[]string{"北京市[北京市]: 东城区,西城区", "河北省[河北省]#1: 石家庄市"}},
		{"stray spaces inside names",
			"河北 省：石 家庄市、邯 郸市、巴音郭楞 蒙古族自治州",
			[]string{"河北省[河北省]: 石家庄市,邯郸市,巴音郭楞蒙古族自治州"}},
		{"region headings",
			"（一）东部地区\n北京市：东城区\n（二）中部地区\n1. 山西省：阳泉市\n## 西部\n重庆市：北碚区",
			[]string{"北京市[北京市]{东部地区}: 东城区", "山西省[山西省]{中部地区}: 阳泉市", "重庆市[重庆市]{西部}: 北碚区"}},
		{"province heading, then one unit per line",
			"北京市（3个）：\n1. 东城区\n2. 西城区\n\n海淀区\n天津市：\n河西区",
			[]string{"北京市[北京市]#3: 东城区,西城区,海淀区", "天津市[天津市]: 河西区"}},
		{"markdown province heading",
			"### 北京市（2个）\n- 东城区\n- 西城区",
			[]string{"北京市[北京市]#2: 东城区,西城区"}},
		{"list continued on the next lines",
			"北京市：东城区、西城区、\n海淀区、\n\n怀柔区\n河北省：石家庄市",
			[]string{"北京市[北京市]: 东城区,西城区,海淀区,怀柔区", "河北省[河北省]: 石家庄市"}},
		{"name broken at the end of a long line",
			"浙江省：杭州市、湖州市、温州市、衢州市、绍兴市、台\n州市、嘉兴市",
			[]string{"浙江省[浙江省]: 杭州市,湖州市,温州市,衢州市,绍兴市,台州市,嘉兴市"}},
		{"page breaks",
			"北京市：东城区、\n— 3 —\n西城区、\n- 4 -\n海淀区\n\f\n第5页\n怀柔区、\n第 6 页 共 9 页\n\f朝阳区\n7/9\n丰台区",
			[]string{"北京市[北京市]: 东城区,西城区,海淀区,怀柔区,朝阳区,丰台区"}},
		{"prose is not a list",
			"各省、自治区、直辖市卫生计生委：\n扎实开展“宣传倡导、健康促进、致富发展”三大活动，因地制宜。\n北京市：东城区、西城区\n宣传倡导、健康促进、致富发展\n石家庄市、邯郸市\n注：以上排名不分先后。\n唐山市",
			[]string{"北京市[北京市]: 东城区,西城区"}},
		{"short prose lines after a list are not units",
			"北京市：东城区、西城区\n以上地区\n各试点市区\n天津市：河西区\n上述城市要加强工作",
			[]string{"北京市[北京市]: 东城区,西城区", "天津市[天津市]: 河西区"}},
		{"province line with prose after the colon",
			"北京市：要加强领导，确保各项任务落到实处。\n河北省：石家庄市",
			[]string{"河北省[河北省]: 石家庄市"}},
		{"Traditional characters",
			"試點單位名單（3個）\n廣東省：廣州市、深圳市\n臺灣省：臺北市",
			[]string{"广东省[广东省]: 广州市,深圳市", "台湾省[台湾省]: 台北市"}},
		{"Traditional units under a Simplified province",
			"陝西省：乾縣、鹹陽市、後山區",
			[]string{"陕西省[陕西省]: 乾县,咸阳市,后山区"}},
		{"Simplified text is left as it is",
			"陕西省：乾县、于都县、著名县",
			[]string{"陕西省[陕西省]: 乾县,于都县,著名县"}},
		{"damaged province under a units heading",
			"二、第二批试点单位名单\n沏北：石家庄市、邯郸市\n河北省：唐山市",
			[]string{"沏北[]: 石家庄市,邯郸市", "河北省[河北省]: 唐山市"}},
		{"damaged provinces inside a list without headings",
			"河北省：唐山市\n沏北：石家庄市、邯郸市\n\n山酉省：阳泉市",
			[]string{"河北省[河北省]: 唐山市", "沏北[]: 石家庄市,邯郸市", "山酉省[]: 阳泉市"}},
		{"damaged province without a list context is not a list",
			"沏北：石家庄市\n北京市：东城区",
			[]string{"北京市[北京市]: 东城区"}},
		{"province, a separator and prose",
			"北京、上海等市\n北京市：东城区",
			[]string{"北京市[北京市]: 东城区"}},
		{"damaged unit names pass through",
			"河北省：石家庄巿、邯鄲市、唐山",
			[]string{"河北省[河北省]: 石家庄巿,邯郸市,唐山"}},
		{"compatibility ideographs are folded",
			"浙江省：⾦华市",
			[]string{"浙江省[浙江省]: 金华市"}},
		{"province with no unit",
			"北京市：东城区\n云南省：无\n上海市：（暂无）",
			[]string{"北京市[北京市]: 东城区"}},
		{"兵团",
			"新疆生产建设兵团：第八师石河子市",
			[]string{"新疆生产建设兵团[新疆维吾尔自治区]: 第八师石河子市"}},
		{"markdown table with region column and an empty province cell",
			"| 区域 | 省份 | 试点单位 |\n| --- | --- | --- |\n| 东部地区 | 北京市 | 东城区、西城区 |\n| | | 海淀区 |\n| | 浙江 | 杭州市<br>湖州市 |\n| 西部地区 | 沏北 | 石家庄市 |\n| | 甘肃省（2个） | 兰州市 |\n|  |  | 张掖市 |",
			[]string{"北京市[北京市]{东部地区}: 东城区,西城区,海淀区", "浙江[浙江省]{东部地区}: 杭州市,湖州市", "沏北[]{西部地区}: 石家庄市", "甘肃省[甘肃省]{西部地区}#2: 兰州市,张掖市"}},
		{"markdown table with index and count columns, one unit per row",
			"|序号|省（区、市）|数量|试点单位|\n|:-:|:--|--:|:--|\n|1|北京市|2|东城区|\n|2||| 西城区 |\n|3|天津市|1|河西区|\n|合计||3||",
			[]string{"北京市[北京市]#2: 东城区,西城区", "天津市[天津市]#1: 河西区"}},
		{"markdown table starting with an empty province cell",
			"| 省份 | 单位 |\n|---|---|\n| | 东城区 |\n| 河北省 | 石家庄市 |",
			[]string{"[]: 东城区", "河北省[河北省]: 石家庄市"}},
		{"table without a header",
			"| 北京市 | 东城区、西城区 |\n| 河北省 | 石家庄市 |",
			[]string{"北京市[北京市]: 东城区,西城区", "河北省[河北省]: 石家庄市"}},
		{"TSV with header, carried province and a damaged one",
			"省份\t试点单位\n北京市\t东城区、西城区\n\t海淀区\n沏北\t石家庄市\n浙江\t杭州市",
			[]string{"北京市[北京市]: 东城区,西城区,海淀区", "沏北[]: 石家庄市", "浙江[浙江省]: 杭州市"}},
		{"TSV without header, with index and region columns",
			"1\t东部地区\t北京市\t东城区\n2\t\t\t西城区\n3\t西部地区\t重庆市\t北碚区",
			[]string{"北京市[北京市]{东部地区}: 东城区,西城区", "重庆市[重庆市]{西部地区}: 北碚区"}},
		{"table region rows spanning the table",
			"| 省份 | 单位 |\n|---|---|\n| 东部地区 | |\n| 北京市 | 东城区 |\n| 中部地区 | |\n| 山西省 | 阳泉市 |",
			[]string{"北京市[北京市]{东部地区}: 东城区", "山西省[山西省]{中部地区}: 阳泉市"}},
		{"Traditional table",
			"| 省份 | 試點單位 |\n|---|---|\n| 廣東 | 廣州市、深圳市 |",
			[]string{"广东[广东省]: 广州市,深圳市"}},
		{"text list after a table",
			"| 省份 | 单位 |\n|---|---|\n| 北京市 | 东城区 |\n\n河北省：石家庄市",
			[]string{"北京市[北京市]: 东城区", "河北省[河北省]: 石家庄市"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := mustParse(t, []byte(tc.in))
			got := summary(n)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// TestWrittenAndLine checks that Written keeps the text as written and Line
// counts lines of the decoded text.
func TestWrittenAndLine(t *testing.T) {
	in := "\n廣東省（2個）：廣州市、石 家庄市\r\n\r\n北京市：东城区、\r\n\r\n西城区"
	n := mustParse(t, []byte(in))
	want := []Name{
		{"广东省", "廣東省", 2, false}, {"广州市", "廣州市", 2, false}, {"石家庄市", "石 家庄市", 2, false},
		{"北京市", "北京市", 4, false}, {"东城区", "东城区", 4, false}, {"西城区", "西城区", 6, false},
	}
	var got []Name
	for _, g := range n.Groups {
		got = append(got, g.Province)
		got = append(got, g.Units...)
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("name %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if n.Groups[0].DeclaredCount != 2 {
		t.Errorf("DeclaredCount = %d, want 2", n.Groups[0].DeclaredCount)
	}
}

func TestLineEnds(t *testing.T) {
	for name, in := range map[string]string{
		"lf": "x\n北京市：东城区", "crlf": "x\r\n北京市：东城区", "cr": "x\r北京市：东城区",
	} {
		n := mustParse(t, []byte(in))
		if u := n.Groups[0].Units[0]; u.Line != 2 {
			t.Errorf("%s: unit on line %d, want 2", name, u.Line)
		}
	}
}

func TestAllGB2312(t *testing.T) {
	for in, want := range map[string]bool{
		"": true, "abc": true, "北京市东城区乾县綦江区": true, "廣東": false, "台灣": false, "𠀀": false,
	} {
		if got := allGB2312(in); got != want {
			t.Errorf("allGB2312(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEncodings(t *testing.T) {
	text := "试点单位名单（2个）\n廣東省：廣州市、深圳市"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	u16le, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	u16be, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, enc string }{
		{text, "utf-8"}, {"\xEF\xBB\xBF" + text, "utf-8-bom"}, {gb, "gb18030"},
		{u16le, "utf-16le"}, {u16be, "utf-16be"},
	} {
		n, err := Parse([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.enc, err)
			continue
		}
		if n.Encoding != tc.enc || n.DeclaredUnits != 2 || strings.Join(summary(n), "|") != "广东省[广东省]: 广州市,深圳市" {
			t.Errorf("%s: encoding %q, declared %d, %v", tc.enc, n.Encoding, n.DeclaredUnits, summary(n))
		}
		if w := n.Groups[0].Province.Written; w != "廣東省" {
			t.Errorf("%s: Written = %q", tc.enc, w)
		}
	}
}

func TestPilotProvinces(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      string // Text=canonical, space-separated
		declared  int
		wantLines []int
	}{
		{"list under a heading",
			"# 试点省份名单（3个）\n北京市、河北省、内蒙古自治区\n# 试点单位名单\n北京市：东城区",
			"北京市=北京市 河北省=河北省 内蒙古自治区=内蒙古自治区", 3, []int{2, 2, 2}},
		{"one per line, numbered, with a damaged one",
			"一、试点省份名单(十二个)\n1. 北京\n2. 沏北省\n3. 浙江\n二、试点单位名单\n北京市：东城区",
			"北京=北京市 沏北省= 浙江=浙江省", 12, []int{2, 3, 4}},
		{"from the prose sentence when there is no list",
			"经研究，确定北京、河北、内蒙古作为全面推进创建活动的试点省份，批准108个市为试点单位。\n北京市：东城区",
			"北京=北京市 河北=河北省 内蒙古=内蒙古自治区", 0, []int{1, 1, 1}},
		{"a list under a heading wins over the prose",
			"确定北京、河北作为试点省份。\n试点省份名单\n浙江省、福建省\n试点单位名单\n北京市：东城区",
			"浙江省=浙江省 福建省=福建省", 0, []int{3, 3}},
		{"Traditional heading and list",
			"試點省份名單（2個）\n廣東省、臺灣省\n試點單位名單\n廣東省：廣州市",
			"广东省=广东省 台湾省=台湾省", 2, []int{2, 2}},
		{"no province list",
			"北京市：东城区",
			"", 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := mustParse(t, []byte(tc.in))
			var got []string
			var lines []int
			for i, p := range n.PilotProvinces {
				got = append(got, p.Text+"="+n.PilotProvinceNames[i])
				lines = append(lines, p.Line)
			}
			if strings.Join(got, " ") != tc.want || n.DeclaredPilotProvinces != tc.declared {
				t.Errorf("got %q declared %d, want %q declared %d", strings.Join(got, " "), n.DeclaredPilotProvinces, tc.want, tc.declared)
			}
			if len(lines) != len(tc.wantLines) {
				t.Fatalf("lines %v, want %v", lines, tc.wantLines)
			}
			for i := range lines {
				if lines[i] != tc.wantLines[i] {
					t.Errorf("lines %v, want %v", lines, tc.wantLines)
				}
			}
		})
	}
}

func TestMeta(t *testing.T) {
	tests := []struct {
		name, in, doc, title string
	}{
		{"on lines of their own",
			"国卫家庭发〔2013〕5号\n## 国家卫生计生委关于深入开展创建 幸福家庭活动的通知\n北京市：东城区",
			"国卫家庭发〔2013〕5号", "国家卫生计生委关于深入开展创建幸福家庭活动的通知"},
		{"title broken over two lines, number with spaces and brackets",
			"国卫家庭发 [2013] 5 号\n国家卫生计生委关于深入开展创建\n幸福家庭活动的通知\n北京市：东城区",
			"国卫家庭发[2013]5号", "国家卫生计生委关于深入开展创建幸福家庭活动的通知"},
		{"number quoted in prose",
			"根据《关于开展试点的通知》（国人口发〔2011〕12号）要求。\n北京市：东城区",
			"国人口发〔2011〕12号", ""},
		{"Traditional title kept as written",
			"《國家衛生計生委關於開展試點的通知》\n北京市：東城區",
			"", "國家衛生計生委關於開展試點的通知"},
		{"none",
			"北京市：东城区", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := mustParse(t, []byte(tc.in))
			if n.DocNumber != tc.doc || n.Title != tc.title {
				t.Errorf("doc %q title %q, want doc %q title %q", n.DocNumber, n.Title, tc.doc, tc.title)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	junk := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
	noNUL := make([]byte, 600)
	for i := range noNUL {
		noNUL[i] = byte(i*7 + 1) // every byte value but NUL, in a scrambled order
		if noNUL[i] == 0 {
			noNUL[i] = 1
		}
	}
	tests := []struct {
		name string
		in   []byte
		want error
		says string
	}{
		{"nil", nil, ErrEmpty, "empty"},
		{"spaces and line ends", []byte(" \r\n\t\n "), ErrEmpty, "empty"},
		{"byte-order mark only", []byte("\xEF\xBB\xBF\n"), ErrEmpty, "empty"},
		{"prose only", []byte("各省、自治区、直辖市：\n扎实开展宣传倡导、健康促进、致富发展三大活动。\n"), ErrNoList, "no list of pilot units"},
		{"provinces but no units", []byte("试点省份名单\n北京市、河北省\n"), ErrNoList, "2 pilot provinces found"},
		{"binary with NUL", junk, ErrNotText, "NUL"},
		{"binary without NUL", noNUL, ErrNotText, "control characters"},
		{"UTF-16 without a byte-order mark", []byte("北\x00京\x00"), ErrNotText, "UTF-16"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("no error, got %+v", n)
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q, want %v saying %q", err, tc.want, tc.says)
			}
			if !strings.HasPrefix(err.Error(), "notice: ") {
				t.Errorf("error %q does not name the package", err)
			}
		})
	}
}

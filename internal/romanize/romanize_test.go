package romanize

import (
	"os"
	"strings"
	"testing"
)

func table(t *testing.T) *Table {
	t.Helper()
	f, err := os.Open("../../geodata/romanization.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := ReadTable(f)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// TestKnownNames checks names whose English is published (the place-name
// readings of polyphonic characters, the official forms of autonomous
// regions and prefectures, the suffixes).
func TestKnownNames(t *testing.T) {
	tab := table(t)
	for _, c := range []struct {
		name     string
		province bool
		want     string
	}{
		{"重庆市", true, "Chongqing"},
		{"四川省", true, "Sichuan"},
		{"陕西省", true, "Shaanxi"},
		{"山西省", true, "Shanxi"},
		{"内蒙古自治区", true, "Inner Mongolia"},
		{"广西壮族自治区", true, "Guangxi"},
		{"西藏自治区", true, "Xizang"},
		{"宁夏回族自治区", true, "Ningxia"},
		{"新疆维吾尔自治区", true, "Xinjiang"},
		{"香港特别行政区", true, "Hong Kong"},
		{"澳门特别行政区", true, "Macao"},
		{"长沙市", false, "Changsha City"},
		{"厦门市", false, "Xiamen City"},
		{"六安市", false, "Lu'an City"},
		{"蚌埠市", false, "Bengbu City"},
		{"番禺区", false, "Panyu District"},
		{"长治市", false, "Changzhi City"},
		{"长子县", false, "Zhangzi County"},
		{"成都市", false, "Chengdu City"},
		{"西安市", false, "Xi'an City"},
		{"海东市", false, "Haidong City"},
		{"佛山市", false, "Foshan City"},
		{"单县", false, "Shan County"},
		{"蔚县", false, "Yu County"},
		{"铅山县", false, "Yanshan County"},
		{"吕梁市", false, "Lüliang City"},
		{"黄南藏族自治州", false, "Huangnan Tibetan Autonomous Prefecture"},
		{"延边朝鲜族自治州", false, "Yanbian Korean Autonomous Prefecture"},
		{"恩施土家族苗族自治州", false, "Enshi Tujia and Miao Autonomous Prefecture"},
		{"伊犁哈萨克自治州", false, "Ili Kazak Autonomous Prefecture"},
		{"积石山保安族东乡族撒拉族自治县", false, "Jishishan Bonan, Dongxiang and Salar Autonomous County"},
		{"东乡族自治县", false, "Dongxiang Autonomous County"},
		{"锡林郭勒盟", false, "Xilingol League"},
		{"鄂温克族自治旗", false, "Ewenki Autonomous Banner"},
		{"大兴安岭地区", false, "Daxing'anling Prefecture"},
		{"神农架林区", false, "Shennongjia Forestry District"},
		{"六枝特区", false, "Liuzhi Special District"},
		{"乌鲁木齐市", false, "Urumqi City"},
		{"拉萨市", false, "Lhasa City"},
		{"沙县区", false, "Shaxian District"},
		{"巴音郭楞蒙古自治州", false, "Bayingolin Mongol Autonomous Prefecture"},
		{"阿坝藏族羌族自治州", false, "Ngawa Tibetan and Qiang Autonomous Prefecture"},
		{"兴安盟", false, "Hinggan League"},
	} {
		got, err := tab.English(c.name, c.province)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("English(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestReadTableRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"header":    "kind,written,english\n",
		"kind":      Header + "\nplace,长,chang,x\n",
		"no source": Header + "\nreading,长,chang,\n",
		"two chars": Header + "\nreading,长沙,changsha,x\n",
		"twice":     Header + "\nreading,长,chang,x\nreading,长,zhang,y\n",
	} {
		if _, err := ReadTable(strings.NewReader(text)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

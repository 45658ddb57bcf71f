// Package romanize gives every division an English name: the Hanyu Pinyin
// of its name's stem (from github.com/mozillazg/go-pinyin, with the
// place-name readings of polyphonic characters fixed by a curated table)
// followed by the English of its suffix (市 City, 区 District, 县 County,
// 自治州 Autonomous Prefecture …) and, for an autonomous division, of its
// ethnic groups ("Huangnan Tibetan Autonomous Prefecture"). Province-level
// names carry no suffix ("Sichuan", "Beijing", "Guangxi", "Xizang").
//
// Only the geodata generator uses this package: the English names are
// committed in divisions.csv, so the server never links the pinyin
// dictionary.
package romanize

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// Header is the header row of the curated table (geodata/romanization.csv).
const Header = "kind,written,english,source"

// The kinds of rows of the curated table.
const (
	kindReading = "reading" // one character and its reading in place names
	kindName    = "name"    // a whole name or a stem and its English
	kindEthnic  = "ethnic"  // an ethnic group (without 族) and its English
)

// Table is the curated part: readings of polyphonic characters in place
// names, names whose English is not their pinyin, and the English of the
// ethnic groups.
type Table struct {
	readings map[rune]string
	names    map[string]string
	ethnic   map[string]string
}

// ReadTable reads the curated table. Every row needs a source; an unknown
// kind, a reading of more than one character or a written form given twice
// is an error naming its line.
func ReadTable(r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 4
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("romanization table: header: %w", err)
	}
	if strings.Join(head, ",") != Header {
		return nil, fmt.Errorf("romanization table: header %q, want %q", strings.Join(head, ","), Header)
	}
	t := &Table{readings: map[rune]string{}, names: map[string]string{}, ethnic: map[string]string{}}
	for line := 2; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("romanization table: %w", err)
		}
		kind, written, english, source := row[0], row[1], row[2], row[3]
		if written == "" || english == "" || source == "" {
			return nil, fmt.Errorf("romanization table line %d: written, english and source are all needed", line)
		}
		var dup bool
		switch kind {
		case kindReading:
			r, n := utf8.DecodeRuneInString(written)
			if n != len(written) || !unicode.Is(unicode.Han, r) {
				return nil, fmt.Errorf("romanization table line %d: a reading is for one Chinese character, not %q", line, written)
			}
			_, dup = t.readings[r]
			t.readings[r] = english
		case kindName:
			_, dup = t.names[written]
			t.names[written] = english
		case kindEthnic:
			_, dup = t.ethnic[written]
			t.ethnic[written] = english
		default:
			return nil, fmt.Errorf("romanization table line %d: kind %q is not reading, name or ethnic", line, kind)
		}
		if dup {
			return nil, fmt.Errorf("romanization table line %d: %s %q given twice", line, kind, written)
		}
	}
}

// suffixes are the English of the endings of division names, longest
// first where one ends another (自治县 before 县).
var suffixes = []struct{ zh, en string }{
	{"高新技术产业开发区", "High-tech Industrial Development Zone"},
	{"经济技术开发区", "Economic and Technological Development Zone"},
	{"高新技术开发区", "High-tech Development Zone"},
	{"经济开发区", "Economic Development Zone"},
	{"开发区", "Development Zone"},
	{"工业园区", "Industrial Park"},
	{"园区", "Park"},
	{"管理区管委会", "Administrative Zone"},
	{"管理区", "Administrative Zone"},
	{"示范区", "Demonstration Zone"},
	{"实验区", "Experimental Zone"},
	{"行政委员会", "Administrative Committee"},
	{"自治州", "Autonomous Prefecture"},
	{"自治县", "Autonomous County"},
	{"自治旗", "Autonomous Banner"},
	{"林区", "Forestry District"},
	{"特区", "Special District"},
	{"矿区", "Mining District"},
	{"新区", "New District"},
	{"地区", "Prefecture"},
	{"市", "City"},
	{"区", "District"},
	{"县", "County"},
	{"旗", "Banner"},
	{"盟", "League"},
	{"州", "Prefecture"},
}

// provinceSuffixes end province-level names; their English is dropped.
var provinceSuffixes = []string{"特别行政区", "自治区", "省", "市"}

// English returns the English name of a division; province says whether
// it is province-level. A name with a character the pinyin dictionary does
// not know is an error.
func (t *Table) English(name string, province bool) (string, error) {
	if en, ok := t.names[name]; ok {
		return en, nil
	}
	stem, suffixEN, autonomous := name, "", false
	if province {
		for _, s := range provinceSuffixes {
			if strings.HasSuffix(name, s) && len(name) > len(s) {
				stem, autonomous = strings.TrimSuffix(name, s), s == "自治区"
				break
			}
		}
	} else {
		for _, s := range suffixes {
			if strings.HasSuffix(name, s.zh) && len(name) > len(s.zh) {
				stem, suffixEN, autonomous = strings.TrimSuffix(name, s.zh), s.en, strings.HasPrefix(s.zh, "自治")
				break
			}
		}
	}
	var groups []string
	if autonomous {
		stem, groups = t.stripEthnic(stem)
	}
	base, err := t.stemEnglish(stem)
	if en, ok := t.ethnic[stem]; ok && autonomous && len(groups) == 0 {
		base, err = en, nil // the division is named after its group: 鄂温克族自治旗 Ewenki
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	parts := []string{base}
	if !province && len(groups) > 0 {
		parts = append(parts, joinGroups(groups))
	}
	if suffixEN != "" {
		parts = append(parts, suffixEN)
	}
	return strings.Join(parts, " "), nil
}

// stripEthnic drops the ethnic groups that end an autonomous division's
// stem (恩施土家族苗族 → 恩施, [Tujia Miao]), in the order written. At least
// two characters of the stem stay; a stem that is itself a group keeps its
// name without 族 (东乡族 → 东乡).
func (t *Table) stripEthnic(stem string) (string, []string) {
	var groups []string
	for {
		g, n := t.trailingGroup(stem)
		if n == 0 || utf8.RuneCountInString(stem[:len(stem)-n]) < 2 {
			break
		}
		groups = append([]string{g}, groups...)
		stem = stem[:len(stem)-n]
	}
	if strings.HasSuffix(stem, "族") && utf8.RuneCountInString(stem) > 2 {
		stem = strings.TrimSuffix(stem, "族")
	}
	return stem, groups
}

// trailingGroup returns the English of the ethnic group s ends with and
// its length in bytes: with 族, or without it for a name of two or more
// characters (伊犁哈萨克); the longest match wins.
func (t *Table) trailingGroup(s string) (string, int) {
	best, en := 0, ""
	for zh, e := range t.ethnic {
		if n := len(zh) + len("族"); strings.HasSuffix(s, zh+"族") && n > best {
			best, en = n, e
		}
		if n := len(zh); utf8.RuneCountInString(zh) >= 2 && strings.HasSuffix(s, zh) && n > best {
			best, en = n, e
		}
	}
	return en, best
}

// joinGroups writes "A", "A and B", "A, B and C".
func joinGroups(g []string) string {
	if len(g) <= 2 {
		return strings.Join(g, " and ")
	}
	return strings.Join(g[:len(g)-1], ", ") + " and " + g[len(g)-1]
}

// stemEnglish returns the curated English of a stem, or its pinyin with
// the first letter capital and an apostrophe before a syllable that starts
// with a, o or e (Xi'an, Lu'an).
func (t *Table) stemEnglish(stem string) (string, error) {
	if en, ok := t.names[stem]; ok {
		return en, nil
	}
	args := pinyin.NewArgs()
	var b strings.Builder
	for _, r := range stem {
		syl, ok := t.readings[r]
		if !ok {
			p := pinyin.SinglePinyin(r, args)
			if len(p) == 0 {
				return "", fmt.Errorf("no pinyin for %q", r)
			}
			syl = strings.ReplaceAll(p[0], "v", "ü")
		}
		if b.Len() > 0 && strings.ContainsRune("aoe", rune(syl[0])) {
			b.WriteByte('\'')
		}
		b.WriteString(syl)
	}
	s := b.String()
	if s == "" {
		return "", errors.New("empty stem")
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:], nil
}

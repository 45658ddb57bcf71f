package gazetteer

import (
	"sort"
	"unicode/utf8"
)

// Spot is a known name that starts at a position of a text: what a reader
// of a notice anchors on. The same written form can stand for several
// divisions (朝阳区 in 北京 and in 长春; 吉林 the province and the city).
type Spot struct {
	// Len is the length of the name in characters (runes).
	Len int
	// Province is the code of the province when the name is a province's own
	// (北京市, 北京, 内蒙古, 新疆生产建设兵团), "" otherwise.
	Province string
	// Provinces are the codes of the provinces in which a division (not a
	// province itself) of this name lies, sorted; empty for a name that only
	// a province has.
	Provinces []string
	// Codes are the divisions below province level the name can stand for,
	// sorted.
	Codes []string
	// Bare reports a form without its administrative suffix (石家庄 for
	// 石家庄市, 延边 for 延边朝鲜族自治州) for every division it names: in
	// running text such a form is a name only where it stands on its own.
	Bare bool
	// Suffixed reports a form that ends in an administrative suffix.
	Suffixed bool
}

// lexicon is a trie over every form of every division's name: official,
// without its suffix, the generic short forms, and the rows of the alias and
// history table. It is built once, with the gazetteer, and never changes.
type lexicon struct {
	next  map[lexEdge]int32
	spots map[int32]*Spot
}

type lexEdge struct {
	node int32
	r    rune
}

// lexTerm is one form under construction.
type lexTerm struct {
	province bool
	code     string
	bare     bool
}

func (g *Gazetteer) buildLexicon() {
	terms := map[string][]lexTerm{}
	add := func(form string, t lexTerm) {
		if utf8.RuneCountInString(form) < 2 {
			return
		}
		terms[form] = append(terms[form], t)
	}
	var buf [8]nameForm
	for _, d := range g.divisions {
		for _, f := range divisionForms(d, buf[:0]) {
			add(f.text(), lexTerm{province: d.Level == Province, code: d.Code, bare: f.suffix == ""})
		}
	}
	for i, a := range g.aliases {
		for _, f := range aliasForms(a, i, buf[:0]) {
			add(f.text(), lexTerm{province: false, code: a.Code, bare: f.omitted != ""})
		}
	}
	// names of a province that its official name does not give: 内蒙, and
	// the production and construction corps, whose cities (659xxx) lie in 新疆
	for form, code := range map[string]string{"内蒙": "150000", "新疆生产建设兵团": "650000", "新疆兵团": "650000"} {
		add(form, lexTerm{province: true, code: code})
	}
	lx := lexicon{next: map[lexEdge]int32{}, spots: map[int32]*Spot{}}
	nodes := int32(1)
	for form, ts := range terms {
		n := int32(0)
		for _, r := range form {
			e := lexEdge{n, r}
			c, ok := lx.next[e]
			if !ok {
				c = nodes
				nodes++
				lx.next[e] = c
			}
			n = c
		}
		lx.spots[n] = newSpot(form, ts)
	}
	g.lex = lx
}

func newSpot(form string, ts []lexTerm) *Spot {
	s := &Spot{Len: utf8.RuneCountInString(form), Bare: true}
	last, _ := utf8.DecodeLastRuneInString(form)
	s.Suffixed = isSuffixRune(last) // also 易县, 矿区: a name of one character and its suffix
	provs := map[string]bool{}
	codes := map[string]bool{}
	for _, t := range ts {
		if t.province {
			s.Province = t.code
			continue
		}
		codes[t.code] = true
		provs[ProvinceOf(t.code)] = true
		s.Bare = s.Bare && t.bare
	}
	if len(codes) == 0 {
		s.Bare = false
	}
	for c := range codes {
		s.Codes = append(s.Codes, c)
	}
	for p := range provs {
		s.Provinces = append(s.Provinces, p)
	}
	sort.Strings(s.Codes)
	sort.Strings(s.Provinces)
	return s
}

// NamesAt appends to buf the known names that start at text[i], shortest
// first, and returns it. The text must be in Simplified characters, without
// spaces inside names.
func (g *Gazetteer) NamesAt(text []rune, i int, buf []Spot) []Spot {
	n := int32(0)
	for j := i; j < len(text); j++ {
		c, ok := g.lex.next[lexEdge{n, text[j]}]
		if !ok {
			break
		}
		n = c
		if s, ok := g.lex.spots[n]; ok {
			buf = append(buf, *s)
		}
	}
	return buf
}

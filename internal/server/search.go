package server

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"pilotmap/internal/coverage"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

// searchHit is one result of /api/v1/search.
type searchHit struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	NameEN         string `json:"name_en"`
	Level          string `json:"level"`
	ProvinceCode   string `json:"province_code"`
	ComparableCode string `json:"comparable_code"`
	Pilot          bool   `json:"pilot"`
	MatchedBy      string `json:"matched_by"`

	rank int // lower is better
}

// How a hit matched, best first.
const (
	rankCodeExact = iota
	rankNameExact
	rankWrittenExact
	rankShortForm
	rankNamePrefix
	rankCodePrefix
	rankNameSubstring
	rankWrittenSubstring
)

// levelRank orders levels: provinces, prefectures, counties.
func levelRank(level string) int {
	switch gazetteer.Level(level) {
	case gazetteer.Province:
		return 0
	case gazetteer.Prefecture:
		return 1
	}
	return 2
}

// GET /api/v1/search?q=&limit=
func (s *server) getSearch(w http.ResponseWriter, r *http.Request) error {
	p := queryParams(r.URL)
	q, err := p.text("q", true)
	if err != nil {
		return err
	}
	limit, err := p.int("limit", defaultSearch, 1, maxSearchLimit)
	if err != nil {
		return err
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, wd, func() (any, error) { return search(wd, q, limit), nil })
}

// search finds the divisions a user may mean by q: provinces, comparable
// units and pilot units below that level, by official name, by English
// name (pinyin with or without tones or spaces, see foldPinyin), by the forms
// the gazetteer's matcher reads (short forms, names without suffix,
// aliases, old names), by the names the notices wrote, and by code (also a
// code no longer in use). Best first: exact code or name, a notice's exact
// spelling, the matcher's forms, then prefixes, then substrings; within a
// rank provinces before prefectures before counties, pilots first, then by
// code.
func search(wd *world.World, q string, limit int) []searchHit {
	g := wd.Gazetteer
	hits := map[string]*searchHit{}
	add := func(d gazetteer.Division, rank int, by string) {
		if h, ok := hits[d.Code]; ok {
			if rank < h.rank {
				h.rank, h.MatchedBy = rank, by
			}
			return
		}
		h := &searchHit{Code: d.Code, Name: d.Name, NameEN: d.NameEN, Level: string(d.Level), ProvinceCode: d.ProvinceCode(), MatchedBy: by, rank: rank}
		if d.Level == gazetteer.Province {
			h.Pilot = wd.IsPilotProvince(d.Code)
		} else {
			if c, ok := g.ComparableOf(d.Code); ok {
				h.ComparableCode = c.Code
			}
			h.Pilot = wd.Comparable(d.Code).Pilot() || hasActive(wd, d.Code)
		}
		hits[d.Code] = h
	}

	// The divisions searched by name: provinces, comparable units and the
	// pilot units below them.
	candidates := g.Provinces()
	candidates = append(candidates, g.ComparableUnits("")...)
	seen := map[string]bool{}
	for _, u := range wd.Units {
		if seen[u.Code] {
			continue
		}
		seen[u.Code] = true
		if d, ok := g.Division(u.Code); ok && d.Level != gazetteer.Province && !g.IsComparable(u.Code) {
			candidates = append(candidates, d)
		}
	}
	lq := strings.ToLower(q)
	digits := strings.Trim(q, "0123456789") == ""
	pq := foldPinyin(q) // "" unless q is written in Latin letters
	for _, d := range candidates {
		switch {
		case d.Name == q:
			add(d, rankNameExact, "name")
		case strings.HasPrefix(d.Name, q):
			add(d, rankNamePrefix, "name")
		case strings.Contains(strings.ToLower(d.Name), lq):
			add(d, rankNameSubstring, "name")
		}
		if pq != "" {
			if rank, ok := matchEnglish(d, pq); ok {
				add(d, rank, "name_en")
			}
		}
		if digits && len(q) < 6 && strings.HasPrefix(d.Code, q) {
			add(d, rankCodePrefix, "code")
		}
	}
	if digits && len(q) == 6 {
		if d, ok := g.Division(q); ok {
			add(d, rankCodeExact, "code")
		} else if a, ok := g.ByOldCode(q); ok {
			if d, ok := g.Division(a.Code); ok {
				add(d, rankCodeExact, "code")
			}
		}
	}
	if !digits {
		// The matcher's forms, in every province; approximate matches are
		// left to the notices' import, where a person reviews them.
		if m, _, ok := g.ResolveProvince(q); ok && m.Rule != gazetteer.RuleExact && m.Rule != gazetteer.RuleApproximate {
			add(m.Division, rankShortForm, "short_form")
		}
		for _, p := range g.Provinces() {
			if !coverage.InProgram(p.Code) {
				continue
			}
			if m, _, ok := g.MatchUnit(p.Code, q); ok && m.Rule != gazetteer.RuleExact && m.Rule != gazetteer.RuleApproximate {
				add(m.Division, rankShortForm, "short_form")
			}
		}
		// The names as the notices wrote them.
		for _, u := range wd.Units {
			d, ok := g.Division(u.Code)
			if !ok {
				continue
			}
			switch {
			case u.Written == q:
				add(d, rankWrittenExact, "written")
			case strings.Contains(u.Written, q):
				add(d, rankWrittenSubstring, "written")
			}
		}
	}

	out := make([]searchHit, 0, len(hits))
	for _, h := range hits {
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b searchHit) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if c := cmp.Compare(levelRank(a.Level), levelRank(b.Level)); c != 0 {
			return c
		}
		if a.Pilot != b.Pilot {
			if a.Pilot {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Code, b.Code)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// foldPinyin folds a query or an English name for matching by pinyin:
// lower case, without tone marks (ǐ → i, ü → u), tone numbers, spaces,
// apostrophes and hyphens, so "Sìchuān", "Si Chuan", "si4chuan1" and
// "Sichuan" are all "sichuan" and "Xi'an" is "xian". A string with no
// Latin letter folds to "".
func foldPinyin(s string) string {
	var b strings.Builder
	latin := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a tone mark or the diaeresis of ü
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			latin = true
			b.WriteRune(unicode.ToLower(r))
		case r >= '0' && r <= '9', unicode.IsSpace(r), r == '\'', r == '’', r == '-':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	if !latin {
		return ""
	}
	return strings.ReplaceAll(b.String(), "v", "u") // lv is a common typing of lü
}

// matchEnglish matches a folded query against a division's English name:
// the whole name or its first word (the pinyin stem of "Haidong City")
// exactly, then as prefixes, then anywhere.
func matchEnglish(d gazetteer.Division, pq string) (int, bool) {
	if d.NameEN == "" {
		return 0, false
	}
	full := foldPinyin(d.NameEN)
	stem := full
	if d.Level != gazetteer.Province {
		first, _, _ := strings.Cut(d.NameEN, " ")
		stem = foldPinyin(first)
	}
	switch {
	case pq == full || pq == stem:
		return rankNameExact, true
	case strings.HasPrefix(full, pq):
		return rankNamePrefix, true
	case strings.Contains(full, pq):
		return rankNameSubstring, true
	}
	return 0, false
}

// hasActive reports whether the division is itself an active pilot unit.
func hasActive(wd *world.World, code string) bool {
	for _, u := range wd.PilotUnitsOf(code) {
		if u.Status == store.StatusActive {
			return true
		}
	}
	return false
}

package notice

import (
	"strings"
	"unicode/utf8"
)

// docNumber returns the document number (发文字号), e.g. 国卫家庭发〔2013〕5号:
// preferably one on a line of its own, else the first one in the text.
func (p *parser) docNumber() string {
	first := ""
	for i := range p.lines {
		l := &p.lines[i]
		a, b := l.bounds()
		if a == b {
			continue
		}
		s := string(l.norm[a:b])
		loc := p.re.docNum.FindStringIndex(s)
		if loc == nil {
			continue
		}
		ra := a + utf8.RuneCountInString(s[:loc[0]])
		rb := a + utf8.RuneCountInString(s[:loc[1]])
		w := removeSpaces(l.written(ra, rb))
		if ra == a && rb == b {
			return w
		}
		if first == "" {
			first = w
		}
	}
	return first
}

// titleEndings end the titles of official documents.
var titleEndings = [...]string{"通知", "意见", "决定", "通报", "批复", "函", "公告", "通告", "办法", "规定", "方案", "规划", "报告", "决议", "命令", "公示"}

func isTitleEnd(simp string) bool {
	for _, e := range titleEndings {
		if strings.HasSuffix(simp, e) {
			return true
		}
	}
	return false
}

// title returns the notice's title: the first short line, without sentence
// punctuation, that reads 关于……的通知 (or 意见, 决定 ...). A title broken over
// two lines is joined.
func (p *parser) title() string {
	for i := range p.lines {
		l := &p.lines[i]
		if !strings.Contains(l.simp, "关于") || l.blank {
			continue
		}
		simp := titleText(l.simp)
		if utf8.RuneCountInString(simp) > 100 || strings.ContainsAny(simp, "。;:") {
			continue
		}
		a, b := l.bounds()
		a, _ = skipHashes(l.norm, a, b)
		written := titleText(l.written(a, b))
		if isTitleEnd(simp) {
			return written
		}
		// the title may continue on the next non-blank line
		for j := i + 1; j < len(p.lines) && j <= i+2; j++ {
			m := &p.lines[j]
			if m.blank {
				continue
			}
			next := titleText(m.simp)
			if utf8.RuneCountInString(next) <= 40 && !strings.ContainsAny(next, "。;:") && isTitleEnd(next) {
				ma, mb := m.bounds()
				ma, _ = skipHashes(m.norm, ma, mb)
				return written + titleText(m.written(ma, mb))
			}
			break
		}
	}
	return ""
}

// titleText removes markdown marks, stray spaces and enclosing book-title
// marks from a title.
func titleText(s string) string {
	s = strings.TrimLeft(strings.TrimSpace(s), "# ")
	s = strings.Trim(s, "*_ ")
	s = removeSpaces(s)
	if strings.HasPrefix(s, "《") && strings.HasSuffix(s, "》") {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "《"), "》")
	}
	return s
}

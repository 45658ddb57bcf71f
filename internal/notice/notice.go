package notice

import (
	"errors"
	"fmt"
)

// Errors returned by Parse. They are wrapped with details; test for them with
// errors.Is.
var (
	// ErrEmpty reports an input with no text at all.
	ErrEmpty = errors.New("notice: empty input")
	// ErrNotText reports an input that does not decode to text (binary data).
	ErrNotText = errors.New("notice: input is not text")
	// ErrNoList reports a text in which no list of pilot units was found.
	ErrNoList = errors.New("notice: no list of pilot units found")
)

// Notice is what a notice lists, as read by Parse.
type Notice struct {
	// DocNumber is the document number, e.g. "国卫家庭发〔2013〕5号", as
	// written with spaces removed; "" if none was found.
	DocNumber string
	// Title is the notice title as written, e.g.
	// "国家卫生计生委关于深入开展创建幸福家庭活动的通知", with stray spaces and
	// markdown marks removed; "" if none was found.
	Title string
	// Encoding is the encoding that was detected: "utf-8", "utf-8-bom",
	// "utf-16le", "utf-16be" (both only with a byte-order mark) or "gb18030"
	// (which includes GBK and GB2312).
	Encoding string
	// PilotProvinces are the provinces designated as (full-promotion) pilot
	// provinces, in document order: from the list under a heading such as
	// "试点省份名单", or, when there is no such list, from the sentence of
	// the body that names them (确定北京、河北……作为……试点省份).
	PilotProvinces []Name
	// PilotProvinceNames holds, for each entry of PilotProvinces at the same
	// index, its canonical full name (e.g. "北京市", "内蒙古自治区"), or ""
	// when the written name is not recognized.
	PilotProvinceNames []string
	// DeclaredPilotProvinces is the count given in the heading of the
	// province list, e.g. 12 from "(12个)"; 0 if none.
	DeclaredPilotProvinces int
	// Groups are, per province, the units listed under it, in document
	// order. Groups with no unit are left out.
	Groups []Group
	// DeclaredUnits is the count given in the heading of the unit list,
	// e.g. 108 from "(108个)"; 0 if none.
	DeclaredUnits int
	// Batch is the batch number the heading of the unit list names, e.g. 2
	// from "第二批试点单位名单"; 0 if none.
	Batch int
	// Unreadable are the runs of text inside the list that may be names but
	// could not be read (Read only).
	Unreadable []Unreadable
	// Counts are the counts the list declares (in total, per province, per
	// region) with what was read under each (Read only).
	Counts []Count
}

// Name is one name as it appears in the text.
type Name struct {
	// Text is the name normalized: full-width forms folded, Traditional
	// characters converted to Simplified, spaces and stray punctuation
	// removed. It is "" only for the province of a Group whose table cell
	// was empty and could not be carried down.
	Text string
	// Written is the name exactly as written in the document (after
	// decoding), trimmed. A name broken over two lines is joined.
	Written string
	// Line is the 1-based number of the line, in the decoded text, on which
	// the name starts.
	Line int
	// Joined reports a unit written right after the one before it, with no
	// separator (杭州市西湖区): the two may be one unit and its parent.
	Joined bool
}

// Group is one province of the unit list with the units listed under it.
type Group struct {
	// Province is the province as written. Its Text may be "" when a table's
	// province cell was empty and could not be carried down, or a damaged
	// form such as "沏北": the parser does not guess.
	Province Name
	// ProvinceName is the canonical full province name (e.g. "河北省",
	// "内蒙古自治区", "北京市") when the written province is recognized
	// exactly or by a known short form (河北, 内蒙古, 广西 ...); "" when it
	// is not recognized, and the caller has to infer it from the units.
	ProvinceName string
	// Region is the region heading or table column the group falls under,
	// e.g. "东部地区", normalized; "" if none.
	Region string
	// ProvinceCode is the province's code as the lexicon gave it (Read only).
	ProvinceCode string
	// ProvinceFrom says where the province came from (Read only): FromRow,
	// FromHeading, FromOnly, or "" when no province could be found.
	ProvinceFrom string
	// DeclaredCount is the count written with the province, e.g. 4 from
	// "北京市（4个）：", or from a table's count column; 0 if none.
	DeclaredCount int
	// Units are the units listed under the province, in document order.
	Units []Name
}

// UnitCount returns the number of units over all groups.
func (n *Notice) UnitCount() int {
	total := 0
	for _, g := range n.Groups {
		total += len(g.Units)
	}
	return total
}

// Parse reads a notice and returns what it lists. The input may be UTF-8
// (with or without a byte-order mark), UTF-16 with a byte-order mark, or
// GB18030/GBK. It returns an error wrapping ErrEmpty, ErrNotText or ErrNoList
// when the input is empty, is not text, or lists no pilot unit.
func Parse(data []byte) (*Notice, error) {
	text, enc, err := decode(data)
	if err != nil {
		return nil, err
	}
	s := newSimplifier(text)
	p := newParser(splitLines(text, s), s)
	p.n.Encoding = enc
	p.run()
	if s.err != nil {
		return nil, fmt.Errorf("notice: convert Traditional characters: %w", s.err)
	}
	n := p.n
	for _, g := range p.groups {
		if len(g.Units) > 0 {
			n.Groups = append(n.Groups, *g)
		}
	}
	if len(n.Groups) == 0 {
		return nil, p.noListError()
	}
	return n, nil
}

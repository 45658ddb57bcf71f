package notice

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// decode turns the input into text and names the encoding it detected:
// a UTF-8 or UTF-16 byte-order mark decides; else valid UTF-8 is UTF-8, and
// anything else is decoded as GB18030 (a superset of GBK and GB2312).
func decode(data []byte) (text, encoding string, err error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return "", "", fmt.Errorf("%w (%d bytes, no text)", ErrEmpty, len(data))
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		text, encoding = strings.ToValidUTF8(string(data[3:]), "\uFFFD"), "utf-8-bom"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order, name := xunicode.LittleEndian, "utf-16le"
		if data[0] == 0xFE {
			order, name = xunicode.BigEndian, "utf-16be"
		}
		b, err := xunicode.UTF16(order, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("notice: decode %s: %w", name, err)
		}
		text, encoding = string(b), name
	case mostlyUTF8(data):
		text, encoding = strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8"
	default:
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("notice: decode gb18030: %w", err)
		}
		text, encoding = string(b), "gb18030"
	}
	if strings.TrimSpace(text) == "" {
		return "", "", fmt.Errorf("%w (%s, %d bytes, no text)", ErrEmpty, encoding, len(data))
	}
	return checkText(text, encoding)
}

// mostlyUTF8 reports whether data is UTF-8: valid, or with a few invalid
// bytes (a file cut in the middle of a character) among many multi-byte
// characters. GBK text is almost never valid UTF-8 for more than a few
// characters in a row, so its invalid bytes outnumber its valid ones.
func mostlyUTF8(data []byte) bool {
	if utf8.Valid(data) {
		return true
	}
	multi, invalid := 0, 0
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && n == 1:
			invalid++
		case n > 1:
			multi++
		}
		data = data[n:]
	}
	return invalid*50 < multi
}

// checkText rejects binary data and replaces stray control characters with
// spaces. Text has no NUL and few control or undecodable characters.
func checkText(text, encoding string) (string, string, error) {
	if strings.IndexByte(text, 0) >= 0 {
		return "", "", fmt.Errorf("%w: it contains NUL bytes (binary data, or UTF-16 without a byte-order mark; save it as UTF-8)", ErrNotText)
	}
	total, bad := 0, 0
	for _, r := range text {
		if unicode.IsSpace(r) {
			continue
		}
		total++
		if r == utf8.RuneError || unicode.IsControl(r) {
			bad++
		}
	}
	if bad*10 > total {
		return "", "", fmt.Errorf("%w: %d of %d characters are control characters or not decodable as %s (binary data?)", ErrNotText, bad, total, encoding)
	}
	if bad == 0 {
		return text, encoding, nil
	}
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, text)
	return clean, encoding, nil
}

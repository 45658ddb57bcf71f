package gazetteer

// editDistance returns the Levenshtein distance between a and b (one
// character inserted, removed or replaced counts 1), or max+1 when it is
// larger than max. Names are short, so the plain dynamic programme is fine.
func editDistance(a, b []rune, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	if prev[len(b)] > max {
		return max + 1
	}
	return prev[len(b)]
}

// editKind says how a written name differs from a name by one character.
type editKind int

const (
	editReplaced editKind = iota + 1 // one character written instead of another
	editInserted                     // one character written that the name does not have
	editRemoved                      // one character of the name not written
)

// oneEdit describes how written differs from name when their edit distance
// is 1: the kind of edit, the position in name where it happens, the
// character written (for a replacement or an insertion) and the character
// of the name (for a replacement or a removal). ok is false when the two do
// not differ by exactly one edit.
func oneEdit(written, name []rune) (kind editKind, pos int, w, n rune, ok bool) {
	i := 0
	for i < len(written) && i < len(name) && written[i] == name[i] {
		i++
	}
	switch len(written) - len(name) {
	case 0:
		if i == len(name) || string(written[i+1:]) != string(name[i+1:]) {
			return 0, 0, 0, 0, false
		}
		return editReplaced, i, written[i], name[i], true
	case 1:
		if string(written[i+1:]) != string(name[i:]) {
			return 0, 0, 0, 0, false
		}
		return editInserted, i, written[i], 0, true
	case -1:
		if string(written[i:]) != string(name[i+1:]) {
			return 0, 0, 0, 0, false
		}
		return editRemoved, i, 0, name[i], true
	}
	return 0, 0, 0, 0, false
}

package world

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"pilotmap/internal/coverage"
	"pilotmap/internal/dataset"
	"pilotmap/internal/store"
)

// Selection picks the pilot units a view of the world shows: those of one
// program, of some of its batches (none: all its batches).
type Selection struct {
	ProgramID int64
	Batches   []int // sorted, distinct
}

// IsZero reports the selection of everything.
func (s Selection) IsZero() bool { return s.ProgramID == 0 && len(s.Batches) == 0 }

// Key is a canonical text of the selection, for cache keys ("" for
// everything).
func (s Selection) Key() string {
	if s.IsZero() {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.FormatInt(s.ProgramID, 10))
	for _, n := range s.Batches {
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// Select returns the world restricted to the selected pilot units: its
// units, statistics and comparable units are those of the selection (the
// gap analysis is left out: Gaps is nil). A comparable unit of the view is
// New when no earlier batch of the program holds a pilot unit under it.
// Programs and Batches stay the full lists. sel must name a stored program
// and batches of it.
func (w *World) Select(sel Selection) (*World, error) {
	if sel.IsZero() {
		return w, nil
	}
	if sel.ProgramID == 0 {
		return nil, fmt.Errorf("select: batches without a program")
	}
	known := map[int]bool{}
	for _, b := range w.Batches {
		if b.ProgramID == sel.ProgramID {
			known[b.Number] = true
		}
	}
	if len(known) == 0 {
		return nil, fmt.Errorf("select: program %d has no batch", sel.ProgramID)
	}
	for _, n := range sel.Batches {
		if !known[n] {
			return nil, fmt.Errorf("select: program %d has no batch %d", sel.ProgramID, n)
		}
	}
	v := &World{
		Version: w.Version, Gazetteer: w.Gazetteer, Boundaries: w.Boundaries, Topology: w.Topology,
		Programs: w.Programs, Batches: w.Batches, Selection: sel,
		// The full-promotion provinces the selected program designates
		// (a designation is the program's, not a batch's).
		designations: w.designations, pilotProvinces: dataset.FullPromotion(w.designations, sel.ProgramID),
		provinceStats: map[string]coverage.Province{}, byCode: map[string][]store.PilotUnit{}, comparable: map[string]*Comparable{},
	}
	first := map[string]int{} // comparable code → the program's first batch under it
	for _, u := range w.Units {
		if u.ProgramID != sel.ProgramID {
			continue
		}
		if b, ok := first[u.ComparableCode]; !ok || u.BatchNumber < b {
			first[u.ComparableCode] = u.BatchNumber
		}
		if len(sel.Batches) == 0 || slices.Contains(sel.Batches, u.BatchNumber) {
			v.Units = append(v.Units, u)
		}
	}
	v.isPilotProv = provinceSet(v.pilotProvinces)
	v.Stats = coverage.Compute(coverage.Input{Gazetteer: w.Gazetteer, Units: w.Boundaries.Units, Pilots: v.ActivePilots(), PilotProvinces: v.pilotProvinces})
	for _, p := range v.Stats.Provinces {
		v.provinceStats[p.Code] = p
	}
	v.indexUnits()
	for code, ci := range v.comparable {
		b := first[code]
		ci.New = len(sel.Batches) > 0 && slices.Contains(sel.Batches, b)
	}
	return v, nil
}

// SelectionError is a selection the world does not have or a malformed
// one, named after its parameter ("program" or "batch") with the value
// given ("" when none was).
type SelectionError struct {
	Param, Value, Reason string
}

func (e *SelectionError) Error() string {
	if e.Value == "" {
		return e.Param + ": " + e.Reason
	}
	return fmt.Sprintf("%s %q: %s", e.Param, e.Value, e.Reason)
}

// ParseSelection reads a selection as the API and the render command
// take it: program is a stored program's name ("" may be left out when
// one program is stored, with a batch); batches, when given, is a list of
// its batch numbers separated by commas (2,3; no leading zeros), sorted
// and made distinct. Nothing given is the zero Selection (everything).
// What the world does not have is a *SelectionError.
func (w *World) ParseSelection(program, batches string, hasBatches bool) (Selection, error) {
	var sel Selection
	if program == "" && !hasBatches {
		return sel, nil
	}
	switch {
	case program != "":
		for _, p := range w.Programs {
			if p.Name == program {
				sel.ProgramID = p.ID
			}
		}
		if sel.ProgramID == 0 {
			return Selection{}, &SelectionError{"program", program, "not a stored program"}
		}
	case len(w.Programs) == 1:
		sel.ProgramID = w.Programs[0].ID
	default:
		return Selection{}, &SelectionError{"program", "", fmt.Sprintf("required with batch: %d programs are stored", len(w.Programs))}
	}
	if !hasBatches {
		return sel, nil
	}
	for part := range strings.SplitSeq(batches, ",") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || strconv.Itoa(n) != part {
			return Selection{}, &SelectionError{"batch", batches, "want batch numbers separated by commas"}
		}
		if !slices.Contains(sel.Batches, n) {
			sel.Batches = append(sel.Batches, n)
		}
	}
	slices.Sort(sel.Batches)
	for _, n := range sel.Batches {
		if !slices.ContainsFunc(w.Batches, func(b store.Batch) bool { return b.ProgramID == sel.ProgramID && b.Number == n }) {
			return Selection{}, &SelectionError{"batch", batches, fmt.Sprintf("the program has no batch %d", n)}
		}
	}
	return sel, nil
}

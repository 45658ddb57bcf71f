package server

import (
	"net/http"
	"slices"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"

	"pilotmap/internal/world"
)

// selectionParams are the parameters of the routes that show a selection
// of programs and batches (docs/api.md, "Programs and batches").
var selectionParams = []string{"program", "batch"}

// views keeps the views of selected batches of recent worlds (a view is
// the statistics of its units, computed in a few milliseconds; kept so
// that a cached answer does not recompute them).
type views struct {
	c *lru.Cache[string, *world.World]
}

func newViews() *views {
	c, _ := lru.New[string, *world.World](32) // cannot fail: size > 0
	return &views{c: c}
}

// selectedWorld returns the world of the current data version, restricted
// to ?program=NAME&batch=N[,M…] when given. program may be left out when
// one program is stored; batch may be left out (all of the program's).
func (s *server) selectedWorld(r *http.Request) (*world.World, error) {
	wd, err := s.world(r.Context())
	if err != nil {
		return nil, err
	}
	q := queryParams(r.URL)
	name, err := q.text("program", false)
	if err != nil {
		return nil, err
	}
	batchText, hasBatch, err := q.given("batch")
	if err != nil {
		return nil, err
	}
	if name == "" && !hasBatch {
		return wd, nil
	}
	var sel world.Selection
	switch {
	case name != "":
		for _, p := range wd.Programs {
			if p.Name == name {
				sel.ProgramID = p.ID
			}
		}
		if sel.ProgramID == 0 {
			return nil, badParam("program", "%q is not a stored program (GET /api/v1/programs)", clip(name))
		}
	case len(wd.Programs) == 1:
		sel.ProgramID = wd.Programs[0].ID
	default:
		return nil, badParam("program", "required with batch: %d programs are stored", len(wd.Programs))
	}
	if hasBatch {
		for part := range strings.SplitSeq(batchText, ",") {
			n, err := canonicalInt(part)
			if err != nil || n < 1 {
				return nil, badParam("batch", "want batch numbers separated by commas, got %q", clip(batchText))
			}
			if !slices.Contains(sel.Batches, n) {
				sel.Batches = append(sel.Batches, n)
			}
		}
		slices.Sort(sel.Batches)
		for _, n := range sel.Batches {
			if !hasBatchNumber(wd, sel.ProgramID, n) {
				return nil, badParam("batch", "the program has no batch %d (GET /api/v1/batches)", n)
			}
		}
	}
	key := wd.Version + "|" + sel.Key()
	if v, ok := s.views.c.Get(key); ok {
		return v, nil
	}
	v, err := wd.Select(sel)
	if err != nil {
		return nil, err
	}
	s.views.c.Add(key, v)
	return v, nil
}

func hasBatchNumber(wd *world.World, programID int64, n int) bool {
	for _, b := range wd.Batches {
		if b.ProgramID == programID && b.Number == n {
			return true
		}
	}
	return false
}

package server

import (
	"errors"
	"net/http"

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
	sel, err := wd.ParseSelection(name, batchText, hasBatch)
	var se *world.SelectionError
	if errors.As(err, &se) {
		hint := map[string]string{"program": " (GET /api/v1/programs)", "batch": " (GET /api/v1/batches)"}[se.Param]
		if se.Value == "" {
			return nil, badParam(se.Param, "%s%s", se.Reason, hint)
		}
		return nil, badParam(se.Param, "%q: %s%s", clip(se.Value), se.Reason, hint)
	}
	if err != nil {
		return nil, err
	}
	if sel.IsZero() {
		return wd, nil
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

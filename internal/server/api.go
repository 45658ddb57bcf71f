package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"pilotmap/internal/coverage"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/render"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

// pilotUnitDoc is a PilotUnit of docs/api.md.
type pilotUnitDoc struct {
	ID               int64   `json:"id"`
	Code             string  `json:"code"`
	Name             string  `json:"name"`
	NameEN           string  `json:"name_en"`
	Level            string  `json:"level"`
	ProvinceCode     string  `json:"province_code"`
	ProvinceName     string  `json:"province_name"`
	ProvinceNameEN   string  `json:"province_name_en"`
	ComparableCode   string  `json:"comparable_code"`
	ComparableName   string  `json:"comparable_name"`
	ComparableNameEN string  `json:"comparable_name_en"`
	Written          string  `json:"written"`
	ProvinceWritten  string  `json:"province_written"`
	Line             int     `json:"line"`
	Rule             string  `json:"rule"`
	Confidence       float64 `json:"confidence"`
	Status           string  `json:"status"`
	StatusSince      string  `json:"status_since"`
	Program          string  `json:"program"`
	Batch            int     `json:"batch"`
	// History is the status history, on /api/v1/units/{code} only.
	History []historyDoc `json:"history,omitempty"`
}

func pilotUnitJSON(wd *world.World, u store.PilotUnit) pilotUnitDoc {
	g := wd.Gazetteer
	p, _ := g.Division(u.ProvinceCode)
	c, _ := g.Division(u.ComparableCode)
	return pilotUnitDoc{
		ID: u.ID, Code: u.Code, Name: u.Name, NameEN: englishName(g, u.Code), Level: u.Level,
		ProvinceCode: u.ProvinceCode, ProvinceName: p.Name, ProvinceNameEN: p.NameEN,
		ComparableCode: u.ComparableCode, ComparableName: c.Name, ComparableNameEN: c.NameEN,
		Written: u.Written, ProvinceWritten: u.ProvinceWritten, Line: u.Line,
		Rule: u.Rule, Confidence: u.Confidence,
		Status: string(u.Status), StatusSince: u.StatusSince.UTC().Format(time.RFC3339),
		Program: u.Program, Batch: u.BatchNumber,
	}
}

func pilotUnitsJSON(wd *world.World, units []store.PilotUnit) []pilotUnitDoc {
	out := make([]pilotUnitDoc, len(units))
	for i, u := range units {
		out[i] = pilotUnitJSON(wd, u)
	}
	return out
}

// GET /api/v1/config
func (s *server) getConfig(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, wd, func() (any, error) {
		type notice struct {
			DocNumber string `json:"doc_number"`
			Title     string `json:"title"`
		}
		var n notice
		// The notice of the latest import.
		var latest int64 = -1
		for _, b := range wd.Batches {
			if b.ImportID > latest {
				latest, n = b.ImportID, notice{DocNumber: b.DocNumber, Title: b.Title}
			}
		}
		f := s.frontend
		return struct {
			Attribution      string            `json:"attribution"`  // both languages (the line before the web map had one per language)
			Attributions     map[string]string `json:"attributions"` // the line of each language of the web map: zh, en
			ApprovalNumber   string            `json:"approval_number"`
			UnapprovedNote   string            `json:"unapproved_note"` // shown instead of the approval line while there is none
			TilesURL         string            `json:"tiles_url"`
			TilesAttribution string            `json:"tiles_attribution"`
			DataVersion      string            `json:"data_version"`
			Notice           notice            `json:"notice"`
		}{s.attribution(wd), map[string]string{"zh": s.attributionIn(wd, "zh"), "en": s.attributionIn(wd, "en")}, f.ApprovalNumber, unapprovedNote(f), f.TilesURL, f.TilesAttribution, wd.Version, n}, nil
	})
}

// unapprovedNote is the line shown instead of the approval line ("" when
// the deployment has an approval number).
func unapprovedNote(f FrontendConfig) string {
	switch {
	case strings.TrimSpace(f.ApprovalNumber) != "":
		return ""
	case strings.TrimSpace(f.UnapprovedNote) != "":
		return f.UnapprovedNote
	}
	return render.DefaultUnapproved
}

// GET /api/v1/stats
func (s *server) getStats(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.selectedWorld(r)
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, wd, func() (any, error) { return wd.Stats.National, nil })
}

// GET /api/v1/stats/provinces
func (s *server) getProvinceStats(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.selectedWorld(r)
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, wd, func() (any, error) { return nonNil(wd.Stats.Provinces), nil })
}

// GET /api/v1/stats/regions
func (s *server) getRegionStats(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.selectedWorld(r)
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, wd, func() (any, error) { return nonNil(wd.Stats.Regions), nil })
}

// GET /api/v1/provinces
func (s *server) getProvinces(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.selectedWorld(r)
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, wd, func() (any, error) {
		provs := wd.Gazetteer.Provinces()
		out := make([]provinceEntry, len(provs))
		for i, d := range provs {
			out[i] = newProvinceEntry(wd, d)
		}
		return out, nil
	})
}

// comparableJSON is a comparable unit in /api/v1/provinces/{code}'s
// comparable_unit_list.
type comparableJSON struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	NameEN     string      `json:"name_en"`
	Level      string      `json:"level"`
	Pilot      bool        `json:"pilot"`
	PilotCodes []string    `json:"pilot_codes"`
	AreaKM2    float64     `json:"area_km2"`
	Label      *[2]float64 `json:"label"`
	BBox       *[4]float64 `json:"bbox"`
}

// GET /api/v1/provinces/{code}
func (s *server) getProvince(w http.ResponseWriter, r *http.Request) error {
	code, err := pathCode("code", mux.Vars(r)["code"])
	if err != nil {
		return err
	}
	wd, err := s.selectedWorld(r)
	if err != nil {
		return err
	}
	d, ok := wd.Gazetteer.Division(code)
	if !ok || d.Level != gazetteer.Province {
		return notFoundParam("code", "%s is not a province-level division", code)
	}
	return s.cachedJSON(w, r, wd, func() (any, error) { return provinceDoc(wd, d), nil })
}

// province is the document of /api/v1/provinces/{code}: the province's
// entry of /api/v1/provinces, its pilot units and its comparable units.
func provinceDoc(wd *world.World, d gazetteer.Division) any {
	code := d.Code
	units := wd.FilterUnits(store.UnitFilter{ProvinceCode: code})
	var comps []comparableJSON
	if coverage.InProgram(code) {
		for _, c := range wd.Gazetteer.ComparableUnits(code) {
			ci := wd.Comparable(c.Code)
			cj := comparableJSON{Code: c.Code, Name: c.Name, NameEN: c.NameEN, Level: string(c.Level), Pilot: ci.Pilot(), PilotCodes: []string{}}
			if ci != nil && ci.PilotCodes != nil {
				cj.PilotCodes = ci.PilotCodes
			}
			if f, ok := wd.Boundaries.Units.Feature(c.Code); ok {
				cj.AreaKM2 = f.AreaKM2
				l := [2]float64(f.Label)
				b := f.Geometry.Bound()
				cj.Label, cj.BBox = &l, &[4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
			}
			comps = append(comps, cj)
		}
	}
	// comparable_units stays the entry's count, as on /api/v1/provinces.
	return struct {
		provinceEntry
		PilotUnits         []pilotUnitDoc   `json:"pilot_units"`
		ComparableUnitList []comparableJSON `json:"comparable_unit_list"`
	}{newProvinceEntry(wd, d), pilotUnitsJSON(wd, units), nonNil(comps)}
}

// GET /api/v1/units?province=&batch=&status=&q=
func (s *server) getUnits(w http.ResponseWriter, r *http.Request) error {
	p := queryParams(r.URL)
	var f store.UnitFilter
	var err error
	if f.ProvinceCode, err = p.provinceCode("province"); err != nil {
		return err
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	if f.ProvinceCode != "" {
		if d, ok := wd.Gazetteer.Division(f.ProvinceCode); !ok || d.Level != gazetteer.Province {
			return badParam("province", "%s is not a province-level division", f.ProvinceCode)
		}
	}
	if f.BatchNumber, err = p.int("batch", 0, 1, 1<<20); err != nil {
		return err
	}
	if f.Status, err = p.status(); err != nil {
		return err
	}
	if f.Query, err = p.text("q", false); err != nil {
		return err
	}
	return s.cachedJSON(w, r, wd, func() (any, error) { return pilotUnitsJSON(wd, wd.FilterUnits(f)), nil })
}

// GET /api/v1/units/{code}
func (s *server) getUnit(w http.ResponseWriter, r *http.Request) error {
	code, err := pathCode("code", mux.Vars(r)["code"])
	if err != nil {
		return err
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	units := wd.PilotUnitsOf(code)
	if len(units) == 0 {
		return notFoundParam("code", "%s is not a pilot unit", code)
	}
	u := pilotUnitJSON(wd, units[0])
	return s.cachedJSON(w, r, wd, func() (any, error) {
		pilots := pilotUnitsJSON(wd, units)
		if hs, ok := s.data.Store.(store.Admin); ok {
			for i := range pilots {
				h, err := hs.UnitHistory(r.Context(), pilots[i].ID)
				if err != nil {
					return nil, err
				}
				pilots[i].History = historyJSON(h)
			}
		}
		return struct {
			Code             string         `json:"code"`
			Name             string         `json:"name"`
			NameEN           string         `json:"name_en"`
			Level            string         `json:"level"`
			ProvinceCode     string         `json:"province_code"`
			ProvinceName     string         `json:"province_name"`
			ProvinceNameEN   string         `json:"province_name_en"`
			ComparableCode   string         `json:"comparable_code"`
			ComparableName   string         `json:"comparable_name"`
			ComparableNameEN string         `json:"comparable_name_en"`
			Pilots           []pilotUnitDoc `json:"pilots"`
		}{u.Code, u.Name, u.NameEN, u.Level, u.ProvinceCode, u.ProvinceName, u.ProvinceNameEN, u.ComparableCode, u.ComparableName, u.ComparableNameEN, pilots}, nil
	})
}

// GET /api/v1/programs
func (s *server) getPrograms(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	type program struct {
		ID        int64  `json:"id"`
		Name      string `json:"name"`
		CreatedAt string `json:"created_at"`
	}
	return s.cachedJSON(w, r, wd, func() (any, error) {
		out := make([]program, len(wd.Programs))
		for i, p := range wd.Programs {
			out[i] = program{p.ID, p.Name, p.CreatedAt.UTC().Format(time.RFC3339)}
		}
		return out, nil
	})
}

// GET /api/v1/batches
func (s *server) getBatches(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	type batch struct {
		ID        int64  `json:"id"`
		ProgramID int64  `json:"program_id"`
		Program   string `json:"program"`
		Number    int    `json:"number"`
		Name      string `json:"name"`
		DocNumber string `json:"doc_number"`
		Title     string `json:"title"`
		Units     int    `json:"units"`
	}
	return s.cachedJSON(w, r, wd, func() (any, error) {
		out := make([]batch, len(wd.Batches))
		for i, b := range wd.Batches {
			out[i] = batch{b.ID, b.ProgramID, b.Program, b.Number, b.Name, b.DocNumber, b.Title, b.Units}
		}
		return out, nil
	})
}

// englishName is the English name of a division, "" for a code the
// gazetteer does not hold.
func englishName(g *gazetteer.Gazetteer, code string) string {
	d, _ := g.Division(code)
	return d.NameEN
}

// nonNil turns a nil slice into an empty one, so JSON says [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// provinceEntry is one element of /api/v1/provinces: the coverage figures
// of `pilotmap stats` (zero for 台湾, 香港, 澳门) with where to draw it.
type provinceEntry struct {
	coverage.Province
	InProgram bool       `json:"in_program"`
	Label     [2]float64 `json:"label"`
	BBox      [4]float64 `json:"bbox"`
}

// newProvinceEntry returns a province's entry.
func newProvinceEntry(wd *world.World, d gazetteer.Division) provinceEntry {
	e := provinceEntry{InProgram: coverage.InProgram(d.Code)}
	if p, ok := wd.ProvinceStats(d.Code); ok {
		e.Province = p
	}
	e.Code, e.Name, e.NameEN, e.Region, e.PilotProvince = d.Code, d.Name, d.NameEN, coverage.RegionOf(d.Code), wd.IsPilotProvince(d.Code)
	if f, ok := wd.Boundaries.Provinces.Feature(d.Code); ok {
		e.Label = [2]float64(f.Label)
		b := f.Geometry.Bound()
		e.BBox = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		if e.AreaKM2 == 0 {
			e.AreaKM2 = f.AreaKM2
		}
	}
	return e
}

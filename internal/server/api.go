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
)

// pilotUnitJSON is a PilotUnit of docs/api.md.
type pilotUnitJSON struct {
	ID              int64   `json:"id"`
	Code            string  `json:"code"`
	Name            string  `json:"name"`
	Level           string  `json:"level"`
	ProvinceCode    string  `json:"province_code"`
	ProvinceName    string  `json:"province_name"`
	ComparableCode  string  `json:"comparable_code"`
	ComparableName  string  `json:"comparable_name"`
	Written         string  `json:"written"`
	ProvinceWritten string  `json:"province_written"`
	Line            int     `json:"line"`
	Rule            string  `json:"rule"`
	Confidence      float64 `json:"confidence"`
	Status          string  `json:"status"`
	StatusSince     string  `json:"status_since"`
	Program         string  `json:"program"`
	Batch           int     `json:"batch"`
}

func (s *server) pilotUnitJSON(u store.PilotUnit) pilotUnitJSON {
	g := s.data.Gazetteer
	p, _ := g.Division(u.ProvinceCode)
	c, _ := g.Division(u.ComparableCode)
	return pilotUnitJSON{
		ID: u.ID, Code: u.Code, Name: u.Name, Level: u.Level,
		ProvinceCode: u.ProvinceCode, ProvinceName: p.Name,
		ComparableCode: u.ComparableCode, ComparableName: c.Name,
		Written: u.Written, ProvinceWritten: u.ProvinceWritten, Line: u.Line,
		Rule: u.Rule, Confidence: u.Confidence,
		Status: string(u.Status), StatusSince: u.StatusSince.UTC().Format(time.RFC3339),
		Program: u.Program, Batch: u.BatchNumber,
	}
}

func (s *server) pilotUnitsJSON(units []store.PilotUnit) []pilotUnitJSON {
	out := make([]pilotUnitJSON, len(units))
	for i, u := range units {
		out[i] = s.pilotUnitJSON(u)
	}
	return out
}

// GET /api/v1/config
func (s *server) getConfig(w http.ResponseWriter, r *http.Request) error {
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, sn, func() (any, error) {
		type notice struct {
			DocNumber string `json:"doc_number"`
			Title     string `json:"title"`
		}
		var n notice
		// The notice of the latest import.
		var latest int64 = -1
		for _, b := range sn.batches {
			if b.ImportID > latest {
				latest, n = b.ImportID, notice{DocNumber: b.DocNumber, Title: b.Title}
			}
		}
		f := s.frontend
		return struct {
			Attribution      string `json:"attribution"`
			ApprovalNumber   string `json:"approval_number"`
			UnapprovedNote   string `json:"unapproved_note"` // shown instead of the approval line while there is none
			TilesURL         string `json:"tiles_url"`
			TilesAttribution string `json:"tiles_attribution"`
			DataVersion      string `json:"data_version"`
			Notice           notice `json:"notice"`
		}{f.Attribution, f.ApprovalNumber, unapprovedNote(f), f.TilesURL, f.TilesAttribution, sn.version, n}, nil
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
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, sn, func() (any, error) { return sn.stats.National, nil })
}

// GET /api/v1/stats/provinces
func (s *server) getProvinceStats(w http.ResponseWriter, r *http.Request) error {
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, sn, func() (any, error) { return nonNil(sn.stats.Provinces), nil })
}

// GET /api/v1/stats/regions
func (s *server) getRegionStats(w http.ResponseWriter, r *http.Request) error {
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, sn, func() (any, error) { return nonNil(sn.stats.Regions), nil })
}

// GET /api/v1/provinces
func (s *server) getProvinces(w http.ResponseWriter, r *http.Request) error {
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, sn, func() (any, error) {
		provs := s.data.Gazetteer.Provinces()
		out := make([]provinceEntry, len(provs))
		for i, d := range provs {
			out[i] = s.provinceEntry(sn, d)
		}
		return out, nil
	})
}

// comparableJSON is a comparable unit in /api/v1/provinces/{code}'s
// comparable_unit_list.
type comparableJSON struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
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
	d, ok := s.data.Gazetteer.Division(code)
	if !ok || d.Level != gazetteer.Province {
		return notFoundParam("code", "%s is not a province-level division", code)
	}
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, sn, func() (any, error) { return s.province(sn, d), nil })
}

// province is the document of /api/v1/provinces/{code}: the province's
// entry of /api/v1/provinces, its pilot units and its comparable units.
func (s *server) province(sn *snapshot, d gazetteer.Division) any {
	code := d.Code
	var units []store.PilotUnit
	for _, u := range sn.units {
		if u.ProvinceCode == code {
			units = append(units, u)
		}
	}
	var comps []comparableJSON
	if coverage.InProgram(code) {
		for _, c := range s.data.Gazetteer.ComparableUnits(code) {
			ci := sn.comparable[c.Code]
			cj := comparableJSON{Code: c.Code, Name: c.Name, Level: string(c.Level), Pilot: ci.pilot(), PilotCodes: []string{}}
			if ci != nil && ci.pilotCodes != nil {
				cj.PilotCodes = ci.pilotCodes
			}
			if f, ok := s.data.Boundaries.Units.Feature(c.Code); ok {
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
		PilotUnits         []pilotUnitJSON  `json:"pilot_units"`
		ComparableUnitList []comparableJSON `json:"comparable_unit_list"`
	}{s.provinceEntry(sn, d), s.pilotUnitsJSON(units), nonNil(comps)}
}

// GET /api/v1/units?province=&batch=&status=&q=
func (s *server) getUnits(w http.ResponseWriter, r *http.Request) error {
	p := queryParams(r.URL)
	var f store.UnitFilter
	var err error
	if f.ProvinceCode, err = p.provinceCode("province"); err != nil {
		return err
	}
	if f.ProvinceCode != "" {
		if d, ok := s.data.Gazetteer.Division(f.ProvinceCode); !ok || d.Level != gazetteer.Province {
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
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, sn, func() (any, error) {
		units, err := s.data.Store.PilotUnits(r.Context(), f)
		if err != nil {
			return nil, err
		}
		return s.pilotUnitsJSON(units), nil
	})
}

// GET /api/v1/units/{code}
func (s *server) getUnit(w http.ResponseWriter, r *http.Request) error {
	code, err := pathCode("code", mux.Vars(r)["code"])
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	units := sn.byCode[code]
	if len(units) == 0 {
		return notFoundParam("code", "%s is not a pilot unit", code)
	}
	u := s.pilotUnitJSON(units[0])
	return s.cachedJSON(w, r, sn, func() (any, error) {
		return struct {
			Code           string          `json:"code"`
			Name           string          `json:"name"`
			Level          string          `json:"level"`
			ProvinceCode   string          `json:"province_code"`
			ProvinceName   string          `json:"province_name"`
			ComparableCode string          `json:"comparable_code"`
			ComparableName string          `json:"comparable_name"`
			Pilots         []pilotUnitJSON `json:"pilots"`
		}{u.Code, u.Name, u.Level, u.ProvinceCode, u.ProvinceName, u.ComparableCode, u.ComparableName, s.pilotUnitsJSON(units)}, nil
	})
}

// GET /api/v1/programs
func (s *server) getPrograms(w http.ResponseWriter, r *http.Request) error {
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	type program struct {
		ID        int64  `json:"id"`
		Name      string `json:"name"`
		CreatedAt string `json:"created_at"`
	}
	return s.cachedJSON(w, r, sn, func() (any, error) {
		out := make([]program, len(sn.programs))
		for i, p := range sn.programs {
			out[i] = program{p.ID, p.Name, p.CreatedAt.UTC().Format(time.RFC3339)}
		}
		return out, nil
	})
}

// GET /api/v1/batches
func (s *server) getBatches(w http.ResponseWriter, r *http.Request) error {
	sn, err := s.snapshot(r.Context())
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
	return s.cachedJSON(w, r, sn, func() (any, error) {
		out := make([]batch, len(sn.batches))
		for i, b := range sn.batches {
			out[i] = batch{b.ID, b.ProgramID, b.Program, b.Number, b.Name, b.DocNumber, b.Title, b.Units}
		}
		return out, nil
	})
}

// nonNil turns a nil slice into an empty one, so JSON says [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"pilotmap/internal/boundary"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/notice"
	"pilotmap/internal/store"
)

// ErrUnmatched is returned when an import would store a notice some of whose
// units matched no division (see Options.AllowUnmatched).
var ErrUnmatched = errors.New("some units are unmatched")

// ErrUnreadable is returned when an import would store a notice some of
// whose list could not be read (see Options.AllowUnmatched).
var ErrUnreadable = errors.New("some of the list is unreadable")

// Options steer an import.
type Options struct {
	Program        string   // program name; when "": a known program named in the title, else derived from the title
	KnownPrograms  []string // names of the programs already stored (Import fills it)
	Batch          int      // batch number; taken from the notice (第二批 → 2) when 0
	Filename       string   // recorded with the import
	AllowUnmatched bool     // store the matched units even when some are unmatched or unreadable
	DryRun         bool     // match and check, store nothing
}

// Plan parses and matches a notice and builds the store request, without
// storing anything. The error names what is missing (program, batch) or
// unreadable; unmatched units are in the result, not an error.
func Plan(g *gazetteer.Gazetteer, raw []byte, opt Options) (*Result, store.ImportRequest, error) {
	res, err := MatchText(g, raw)
	if err != nil {
		return nil, store.ImportRequest{}, err
	}
	n := res.Notice
	program := opt.Program
	if program == "" {
		program = knownProgram(n.Title, opt.KnownPrograms)
	}
	if program == "" {
		program = ProgramName(n.Title)
	}
	if program == "" {
		return res, store.ImportRequest{}, errors.New("the program's name is not in the notice's title: give it with --program")
	}
	batch := opt.Batch
	if batch == 0 {
		batch = n.Batch
	}
	if batch <= 0 {
		return res, store.ImportRequest{}, errors.New("the notice names no batch (第…批): give it with --batch")
	}
	res.Program, res.Batch = program, batch
	req := store.ImportRequest{
		Program: program, BatchNumber: batch, BatchName: fmt.Sprintf("第%d批", batch),
		DocNumber: n.DocNumber, Title: n.Title, Filename: opt.Filename, Raw: raw,
	}
	for _, u := range res.Units {
		req.Units = append(req.Units, store.NewPilotUnit{
			Code: u.Code, Name: u.Name, Level: u.Level, ProvinceCode: u.ProvinceCode, ComparableCode: u.ComparableCode,
			ProvinceWritten: u.Province, Written: u.Written, Line: u.Line, Rule: u.Rule, Confidence: u.Confidence,
		})
	}
	for _, p := range res.PilotProvinces {
		req.Designations = append(req.Designations, store.NewDesignation{ProvinceCode: p.Code, Written: p.Written, Kind: "full_promotion"})
	}
	return res, req, nil
}

// MatchText parses a notice and matches its units. The error (wrapping
// notice.ErrEmpty, ErrNotText or ErrNoList) says why the text could not be read.
func MatchText(g *gazetteer.Gazetteer, raw []byte) (*Result, error) {
	n, err := notice.Read(raw, Lexicon(g))
	if err != nil {
		return nil, err
	}
	return Match(g, n), nil
}

// Import plans a notice and stores it in one transaction. Nothing is stored
// when a unit is unmatched (unless opt.AllowUnmatched), on a dry run, or on
// any error.
func Import(ctx context.Context, st store.Store, g *gazetteer.Gazetteer, raw []byte, opt Options) (*Result, store.ImportResult, error) {
	if opt.Program == "" {
		programs, err := st.Programs(ctx)
		if err != nil {
			return nil, store.ImportResult{}, fmt.Errorf("import: %w", err)
		}
		for _, p := range programs {
			opt.KnownPrograms = append(opt.KnownPrograms, p.Name)
		}
	}
	res, req, err := Plan(g, raw, opt)
	if err != nil {
		return res, store.ImportResult{}, err
	}
	if len(res.Unmatched) > 0 && !opt.AllowUnmatched {
		return res, store.ImportResult{}, fmt.Errorf("%w: %d of %d units; nothing was stored", ErrUnmatched, len(res.Unmatched), len(res.Unmatched)+len(res.Units))
	}
	if len(res.Unreadable) > 0 && !opt.AllowUnmatched {
		return res, store.ImportResult{}, fmt.Errorf("%w: %d parts of the list are unreadable; nothing was stored", ErrUnreadable, len(res.Unreadable))
	}
	if len(req.Units) == 0 {
		return res, store.ImportResult{}, errors.New("no unit matched; nothing was stored")
	}
	if opt.DryRun {
		return res, store.ImportResult{}, nil
	}
	ir, err := st.Import(ctx, req)
	if err != nil {
		return res, ir, fmt.Errorf("import: %w", err)
	}
	return res, ir, nil
}

// DefaultNotice is the path of the default notice inside the embedded geodata.
const DefaultNotice = "notices/guoweijiating-2013-5.txt"

// Seed fills a database with the embedded default data: the gazetteer, the
// boundary layers and the default notice. Every step is idempotent, so
// seeding an already seeded database changes nothing.
func Seed(ctx context.Context, st store.Store, data fs.FS, version string) (*gazetteer.Gazetteer, error) {
	g, err := gazetteer.Load(data)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := st.SeedDivisions(ctx, g.Divisions(), g.Aliases()); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	for _, layer := range boundary.LayerNames() {
		blob, err := fs.ReadFile(data, boundary.LayerFile(layer))
		if err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		if _, _, v, err := st.BoundaryLayer(ctx, layer); err == nil && v == version {
			continue
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("seed: %w", err)
		}
		if err := st.PutBoundaryLayer(ctx, layer, boundary.CompactFormat, version, blob); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	raw, err := fs.ReadFile(data, DefaultNotice)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if _, _, err := Import(ctx, st, g, raw, Options{Filename: path.Base(DefaultNotice)}); err != nil {
		return nil, fmt.Errorf("seed: default notice: %w", err)
	}
	return g, nil
}

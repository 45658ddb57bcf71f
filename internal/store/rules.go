package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"pilotmap/internal/gazetteer"
)

// This file holds the rules every backend follows, written once: what a
// valid request is, how an import unfolds, which stored facts it checks.
// A backend supplies the SQL (ImportTx, the exists and lookup functions);
// the rules and their error messages are the same whatever stores the data.

// CheckImport trims the program name and checks what can be checked
// without the database. The error names the program and the batch and wraps
// ErrInvalid.
func CheckImport(req ImportRequest) (ImportRequest, error) {
	req.Program = strings.TrimSpace(req.Program)
	if err := validateImport(req); err != nil {
		return req, fmt.Errorf("%s: %w", importPrefix(req), err)
	}
	return req, nil
}

// WrapImportError gives an error of an import the program and batch it is
// about; a *BatchConflictError names them already and is returned as is.
func WrapImportError(req ImportRequest, err error) error {
	if _, ok := errors.AsType[*BatchConflictError](err); ok {
		return err
	}
	return fmt.Errorf("%s: %w", importPrefix(req), err)
}

func importPrefix(req ImportRequest) string {
	return fmt.Sprintf("store: import %q batch %d", req.Program, req.BatchNumber)
}

// validateImport checks what can be checked without the database.
func validateImport(req ImportRequest) error {
	if req.Program == "" {
		return fmt.Errorf("empty program name: %w", ErrInvalid)
	}
	if req.BatchNumber < 1 {
		return fmt.Errorf("batch number %d, want 1 or more: %w", req.BatchNumber, ErrInvalid)
	}
	if len(req.Raw) == 0 {
		return fmt.Errorf("no raw text: %w", ErrInvalid)
	}
	if len(req.Units) == 0 && len(req.Designations) == 0 {
		return fmt.Errorf("no units and no designations: %w", ErrInvalid)
	}
	firstLine := make(map[string]int, len(req.Units))
	for _, u := range req.Units {
		if !isDivisionCode(u.Code) {
			return fmt.Errorf("%s: code %q, want six digits: %w", describeUnit(u), u.Code, ErrInvalid)
		}
		if line, dup := firstLine[u.Code]; dup {
			return fmt.Errorf("%s: listed twice (first on line %d): %w", describeUnit(u), line, ErrInvalid)
		}
		firstLine[u.Code] = u.Line
		if math.IsNaN(u.Confidence) || u.Confidence < 0 || u.Confidence > 1 {
			return fmt.Errorf("%s: confidence %v, want 0..1: %w", describeUnit(u), u.Confidence, ErrInvalid)
		}
		if u.Line < 0 {
			return fmt.Errorf("%s: negative line: %w", describeUnit(u), ErrInvalid)
		}
	}
	type key struct{ province, kind string }
	seen := make(map[key]bool, len(req.Designations))
	for _, d := range req.Designations {
		if d.Kind == "" {
			return fmt.Errorf("designation of %s (written %s): empty kind: %w", d.ProvinceCode, d.Written, ErrInvalid)
		}
		k := key{d.ProvinceCode, d.Kind}
		if seen[k] {
			return fmt.Errorf("designation %s of %s (written %s): listed twice: %w", d.Kind, d.ProvinceCode, d.Written, ErrInvalid)
		}
		seen[k] = true
	}
	return nil
}

func describeUnit(u NewPilotUnit) string {
	return fmt.Sprintf("unit %s (written %s, line %d)", u.Code, u.Written, u.Line)
}

// ImportHash is the hex sha256 of an import's raw bytes.
func ImportHash(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// StoredDivision is what a write needs to know about a stored division.
type StoredDivision struct {
	Name  string
	Level gazetteer.Level
}

// EarlierBatch is a batch already stored, with the import that created it.
type EarlierBatch struct {
	BatchID, ImportID int64
	SHA256, Filename  string
	ImportedAt        time.Time
	Units             int
}

// NewImport is the import row Import records.
type NewImport struct {
	SHA256, Filename, Program string
	Raw                       []byte
	BatchNumber, Units        int
	At                        time.Time
}

// ImportTx is what Import needs from a backend's write transaction. Every
// method reads or writes inside that one transaction.
type ImportTx interface {
	// Division returns a stored division; found is false when there is none.
	Division(ctx context.Context, code string) (d StoredDivision, found bool, err error)
	// Program returns a program's id, 0 when there is none.
	Program(ctx context.Context, name string) (int64, error)
	// Batch returns a program's batch; found is false when there is none.
	Batch(ctx context.Context, programID int64, number int) (b EarlierBatch, found bool, err error)
	CreateProgram(ctx context.Context, name string, at time.Time) (int64, error)
	CreateImport(ctx context.Context, im NewImport) (int64, error)
	CreateBatch(ctx context.Context, programID, importID int64, req ImportRequest) (int64, error)
	// AddUnit stores an active pilot unit of the batch and the first row of
	// its status history.
	AddUnit(ctx context.Context, batchID, importID int64, u NewPilotUnit, reason string, at time.Time) error
	// AddDesignation stores a designation unless the program has it
	// already (it keeps its first import).
	AddDesignation(ctx context.Context, programID, importID int64, d NewDesignation) error
}

// RunImport does the work of Import inside tx: the program (created when
// new), the import with its raw bytes and their sha256, the batch, its pilot
// units (status active, with a first history row pointing at the import)
// and the designations. Created is false when the batch already holds the
// same text; other text in an existing batch is a *BatchConflictError. req
// must have passed CheckImport.
func RunImport(ctx context.Context, tx ImportTx, req ImportRequest, now time.Time) (ImportResult, error) {
	at := Stamp(now)
	hash := ImportHash(req.Raw)
	programID, err := tx.Program(ctx, req.Program)
	if err != nil {
		return ImportResult{}, fmt.Errorf("look up program: %w", err)
	}
	if programID != 0 {
		earlier, found, err := tx.Batch(ctx, programID, req.BatchNumber)
		if err != nil {
			return ImportResult{}, fmt.Errorf("look up batch: %w", err)
		}
		if found {
			if earlier.SHA256 != hash {
				return ImportResult{}, &BatchConflictError{
					Program: req.Program, BatchNumber: req.BatchNumber, SHA256: hash,
					EarlierImportID: earlier.ImportID, EarlierFilename: earlier.Filename,
					EarlierSHA256: earlier.SHA256, EarlierAt: earlier.ImportedAt,
				}
			}
			return ImportResult{ImportID: earlier.ImportID, ProgramID: programID, BatchID: earlier.BatchID, Units: earlier.Units}, nil
		}
	} else if programID, err = tx.CreateProgram(ctx, req.Program, at); err != nil {
		return ImportResult{}, fmt.Errorf("create program: %w", err)
	}
	importID, err := tx.CreateImport(ctx, NewImport{SHA256: hash, Raw: req.Raw, Filename: req.Filename, Program: req.Program,
		BatchNumber: req.BatchNumber, Units: len(req.Units), At: at})
	if err != nil {
		return ImportResult{}, fmt.Errorf("record import: %w", err)
	}
	batchID, err := tx.CreateBatch(ctx, programID, importID, req)
	if err != nil {
		return ImportResult{}, fmt.Errorf("create batch: %w", err)
	}
	reason := "imported"
	if req.DocNumber != "" {
		reason = "listed in " + req.DocNumber
	}
	for _, u := range req.Units {
		u, err := resolveUnit(ctx, tx, u)
		if err != nil {
			return ImportResult{}, err
		}
		if err := tx.AddUnit(ctx, batchID, importID, u, reason, at); err != nil {
			return ImportResult{}, fmt.Errorf("%s: %w", describeUnit(u), err)
		}
	}
	for _, d := range req.Designations {
		if err := checkProvince(ctx, tx, d.ProvinceCode); err != nil {
			return ImportResult{}, fmt.Errorf("designation %s of %q: %w", d.Kind, d.Written, err)
		}
		if err := tx.AddDesignation(ctx, programID, importID, d); err != nil {
			return ImportResult{}, fmt.Errorf("designation %s of %q: %w", d.Kind, d.Written, err)
		}
	}
	return ImportResult{ImportID: importID, ProgramID: programID, BatchID: batchID, Created: true, Units: len(req.Units)}, nil
}

// resolveUnit fills a unit's name, level and province from its stored
// division and checks its province and comparable unit against the stored
// divisions.
func resolveUnit(ctx context.Context, tx ImportTx, u NewPilotUnit) (NewPilotUnit, error) {
	d, ok, err := tx.Division(ctx, u.Code)
	if err != nil {
		return u, fmt.Errorf("%s: look up division: %w", describeUnit(u), err)
	}
	if !ok {
		return u, fmt.Errorf("%s: unknown division code: %w", describeUnit(u), ErrInvalid)
	}
	if u.Name == "" {
		u.Name = d.Name
	}
	if u.Level == "" {
		u.Level = string(d.Level)
	}
	province := gazetteer.ProvinceOf(u.Code)
	if u.ProvinceCode == "" {
		u.ProvinceCode = province
	}
	if u.ProvinceCode != province {
		return u, fmt.Errorf("%s: province %s, but the code lies in %s: %w", describeUnit(u), u.ProvinceCode, province, ErrInvalid)
	}
	if p, ok, err := tx.Division(ctx, u.ProvinceCode); err != nil {
		return u, fmt.Errorf("%s: look up province: %w", describeUnit(u), err)
	} else if !ok || p.Level != gazetteer.Province {
		return u, fmt.Errorf("%s: unknown province %s: %w", describeUnit(u), u.ProvinceCode, ErrInvalid)
	}
	if u.ComparableCode != "" {
		if _, ok, err := tx.Division(ctx, u.ComparableCode); err != nil {
			return u, fmt.Errorf("%s: look up comparable unit: %w", describeUnit(u), err)
		} else if !ok || gazetteer.ProvinceOf(u.ComparableCode) != u.ProvinceCode {
			return u, fmt.Errorf("%s: comparable unit %s is not a division of province %s: %w", describeUnit(u), u.ComparableCode, u.ProvinceCode, ErrInvalid)
		}
	}
	return u, nil
}

func checkProvince(ctx context.Context, tx ImportTx, code string) error {
	p, ok, err := tx.Division(ctx, code)
	if err != nil {
		return fmt.Errorf("look up province: %w", err)
	}
	if !ok || p.Level != gazetteer.Province {
		return fmt.Errorf("unknown province code %q: %w", code, ErrInvalid)
	}
	return nil
}

// CheckStatusChange checks a status change before the database is asked and
// returns the prefix of its errors.
func CheckStatusChange(unitID int64, status Status) (prefix string, err error) {
	prefix = fmt.Sprintf("store: set status of pilot unit %d to %q", unitID, status)
	if !status.Valid() {
		return prefix, fmt.Errorf("%s: unknown status: %w", prefix, ErrInvalid)
	}
	return prefix, nil
}

// ValidateDivisions checks a gazetteer to seed without the database.
func ValidateDivisions(divisions []gazetteer.Division) error {
	seen := make(map[string]bool, len(divisions))
	for _, d := range divisions {
		if !isDivisionCode(d.Code) {
			return fmt.Errorf("division %q has code %q, want six digits: %w", d.Name, d.Code, ErrInvalid)
		}
		if seen[d.Code] {
			return fmt.Errorf("division %s (%s) listed twice: %w", d.Code, d.Name, ErrInvalid)
		}
		seen[d.Code] = true
		if d.Name == "" {
			return fmt.Errorf("division %s has no name: %w", d.Code, ErrInvalid)
		}
		if !d.Level.Valid() {
			return fmt.Errorf("division %s (%s) has unknown level %q: %w", d.Code, d.Name, d.Level, ErrInvalid)
		}
		if (d.Level == gazetteer.Province) != (d.ParentCode == "") {
			return fmt.Errorf("division %s (%s, %s) has parent %q: only provinces have none: %w", d.Code, d.Name, d.Level, d.ParentCode, ErrInvalid)
		}
	}
	return nil
}

// DivisionExists reports whether a division is stored.
type DivisionExists func(ctx context.Context, code string) (bool, error)

// CheckParents checks, after the divisions were written, that every parent
// is stored: the parent key is checked at commit (a list need not be in
// parent-first order), and this names the culprit instead.
func CheckParents(ctx context.Context, divisions []gazetteer.Division, exists DivisionExists) error {
	for _, d := range divisions {
		if d.ParentCode == "" {
			continue
		}
		if ok, err := exists(ctx, d.ParentCode); err != nil {
			return fmt.Errorf("division %s (%s): look up parent: %w", d.Code, d.Name, err)
		} else if !ok {
			return fmt.Errorf("division %s (%s): unknown parent %s: %w", d.Code, d.Name, d.ParentCode, ErrInvalid)
		}
	}
	return nil
}

// CheckAlias checks alias row seq (1-based) against the stored divisions.
func CheckAlias(ctx context.Context, seq int, a gazetteer.Alias, exists DivisionExists) error {
	if a.Written == "" || a.Kind == "" {
		return fmt.Errorf("alias row %d (%q): needs a written name and a kind: %w", seq, a.Written, ErrInvalid)
	}
	for _, code := range []string{a.ProvinceCode, a.Code} {
		if ok, err := exists(ctx, code); err != nil {
			return fmt.Errorf("alias row %d (%q): look up division: %w", seq, a.Written, err)
		} else if !ok {
			return fmt.Errorf("alias row %d (%q): unknown division code %q: %w", seq, a.Written, code, ErrInvalid)
		}
	}
	return nil
}

// CheckBoundaryLayer checks a layer to put.
func CheckBoundaryLayer(layer, format string) error {
	if layer == "" || format == "" {
		return fmt.Errorf("store: put boundary layer %q: needs a layer name and a format: %w", layer, ErrInvalid)
	}
	return nil
}

func isDivisionCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, c := range []byte(code) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ValidateFilter rejects filters that cannot select anything meaningful.
func ValidateFilter(f UnitFilter) error {
	if f.Status != "" && !f.Status.Valid() {
		return fmt.Errorf("store: pilot units: unknown status %q: %w", f.Status, ErrInvalid)
	}
	if f.BatchNumber < 0 {
		return fmt.Errorf("store: pilot units: batch number %d: %w", f.BatchNumber, ErrInvalid)
	}
	if f.ProgramID < 0 {
		return fmt.Errorf("store: pilot units: program id %d: %w", f.ProgramID, ErrInvalid)
	}
	return nil
}

// UnitColumns is the select list and joins every pilot-unit query shares,
// in the order ScanUnit reads them.
const UnitColumns = `SELECT u.id, b.program_id, u.batch_id, p.name, b.number,
       u.code, u.name, u.level, u.province_code, coalesce(u.comparable_code, ''),
       u.province_written, u.written, u.line, u.rule, u.confidence, u.status, u.status_since
FROM pilot_units u
JOIN batches b ON b.id = u.batch_id
JOIN programs p ON p.id = b.program_id`

// UnitsOrder sorts units by program, batch, position in the notice and code.
const UnitsOrder = " ORDER BY b.program_id, b.number, u.line, u.code"

// Dialect is how a backend's SQL differs where a shared query is built.
type Dialect struct {
	// Placeholder returns the n-th (1-based) placeholder: ? or $n.
	Placeholder func(n int) string
	// Like is the operator that matches a pattern case-insensitively for
	// ASCII letters (SQLite's LIKE; ILIKE on PostgreSQL's "C" collation).
	Like string
}

// UnitsQuery builds the query for a filter. Every value is a placeholder;
// only fixed fragments are joined into the SQL text.
func UnitsQuery(f UnitFilter, d Dialect) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", d.Placeholder(len(args))))
	}
	if f.ProvinceCode != "" {
		add("u.province_code = ?", f.ProvinceCode)
	}
	if f.BatchNumber != 0 {
		add("b.number = ?", f.BatchNumber)
	}
	if f.ProgramID != 0 {
		add("b.program_id = ?", f.ProgramID)
	}
	if f.Status != "" {
		add("u.status = ?", string(f.Status))
	}
	if f.Query != "" {
		// One placeholder per column, the same pattern in each.
		pattern := "%" + escapeLike(f.Query) + "%"
		var ors []string
		for _, col := range []string{"u.name", "u.written", "u.code"} {
			args = append(args, pattern)
			ors = append(ors, fmt.Sprintf(`%s %s %s ESCAPE '\'`, col, d.Like, d.Placeholder(len(args))))
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	q := UnitColumns
	if len(where) > 0 {
		q += "\nWHERE " + strings.Join(where, " AND ")
	}
	return q + UnitsOrder, args
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// RowScanner is what a row of either backend's driver offers.
type RowScanner interface{ Scan(dest ...any) error }

// ScanUnit reads a row of UnitColumns. The status time is scanned into
// sinceDest (each backend stores times its own way) and read with since.
func ScanUnit(r RowScanner, sinceDest any, since func() time.Time) (PilotUnit, error) {
	var u PilotUnit
	var status string
	err := r.Scan(&u.ID, &u.ProgramID, &u.BatchID, &u.Program, &u.BatchNumber,
		&u.Code, &u.Name, &u.Level, &u.ProvinceCode, &u.ComparableCode,
		&u.ProvinceWritten, &u.Written, &u.Line, &u.Rule, &u.Confidence, &status, sinceDest)
	if err != nil {
		return PilotUnit{}, err
	}
	u.Status, u.StatusSince = Status(status), since()
	return u, nil
}

// NewerSchemaError is the refusal of a database whose schema is newer than
// the program's.
func NewerSchemaError(current, known int) error {
	return fmt.Errorf("database schema version %d is newer than this program knows (%d): use a newer pilotmap", current, known)
}

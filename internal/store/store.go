package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"pilotmap/internal/gazetteer"
)

// Store is what the rest of pilotmap needs from persistence.
type Store interface {
	// SeedDivisions upserts the divisions and replaces the alias table, in
	// one transaction. Seeding the same data again changes nothing.
	SeedDivisions(ctx context.Context, divisions []gazetteer.Division, aliases []gazetteer.Alias) error
	// PutBoundaryLayer replaces the layer's row. Putting the same bytes,
	// format and version again changes nothing.
	PutBoundaryLayer(ctx context.Context, layer, format, version string, data []byte) error
	// BoundaryLayer returns a layer's bytes, format and version, or an error
	// wrapping ErrNotFound.
	BoundaryLayer(ctx context.Context, layer string) (data []byte, format, version string, err error)
	// Divisions returns every division, sorted by code.
	Divisions(ctx context.Context) ([]gazetteer.Division, error)
	// Aliases returns the alias table in the order it was seeded.
	Aliases(ctx context.Context) ([]gazetteer.Alias, error)

	// Import stores one notice's batch in one transaction, all or nothing.
	Import(ctx context.Context, req ImportRequest) (ImportResult, error)
	// SetUnitStatus changes a pilot unit's status and appends to its history.
	SetUnitStatus(ctx context.Context, unitID int64, status Status, reason string) error

	// Programs returns every program, sorted by id.
	Programs(ctx context.Context) ([]Program, error)
	// Batches returns every batch, sorted by program and number.
	Batches(ctx context.Context) ([]Batch, error)
	// PilotUnits returns the pilot units the filter selects, sorted by
	// program, batch, line in the notice and code.
	PilotUnits(ctx context.Context, f UnitFilter) ([]PilotUnit, error)
	// PilotUnit returns one pilot unit, or an error wrapping ErrNotFound.
	PilotUnit(ctx context.Context, id int64) (PilotUnit, error)
	// StatusHistory returns a unit's status changes, oldest first, or an
	// error wrapping ErrNotFound when the unit does not exist.
	StatusHistory(ctx context.Context, unitID int64) ([]StatusChange, error)
	// Designations returns every province designation (e.g. the 12
	// full-promotion provinces), sorted by program, kind and province.
	Designations(ctx context.Context) ([]Designation, error)
	// Imports returns every import without its raw text, sorted by id.
	Imports(ctx context.Context) ([]Import, error)
	// ImportText returns an import's raw bytes, or an error wrapping
	// ErrNotFound.
	ImportText(ctx context.Context, id int64) ([]byte, error)
	// DataVersion returns a number that every write transaction which
	// changes something increments.
	DataVersion(ctx context.Context) (int64, error)
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// VersionWatcher is a Store that tells when the data version may have
// moved by a write of any process (pgstore: LISTEN/NOTIFY), so a replica
// need not poll. WatchDataVersion sends each new data version until ctx
// ends, then closes the channel; it logs lost connections on log.
type VersionWatcher interface {
	WatchDataVersion(ctx context.Context, log *slog.Logger) <-chan int64
}

// ErrNotFound is wrapped by errors about a record that does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped by errors about a write that contradicts what is
// stored, such as importing a different notice into an existing batch.
var ErrConflict = errors.New("conflict")

// ErrInvalid is wrapped by errors about a request that is malformed in
// itself (empty program name, unknown division code, invalid status...).
var ErrInvalid = errors.New("invalid")

// BatchConflictError reports an import into a batch that an earlier import
// with different raw text created. It wraps ErrConflict.
type BatchConflictError struct {
	Program         string
	BatchNumber     int
	SHA256          string // of the rejected import's raw text
	EarlierImportID int64
	EarlierFilename string
	EarlierSHA256   string
	EarlierAt       time.Time
}

// Error names the program, the batch and the earlier import.
func (e *BatchConflictError) Error() string {
	return fmt.Sprintf("store: import %q batch %d: batch already imported from a different text by import %d (%s, sha256 %s, %s); this text has sha256 %s",
		e.Program, e.BatchNumber, e.EarlierImportID, e.EarlierFilename, shortHash(e.EarlierSHA256),
		e.EarlierAt.Format(time.RFC3339), shortHash(e.SHA256))
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *BatchConflictError) Unwrap() error { return ErrConflict }

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// Status is the standing of a pilot unit.
type Status string

// The statuses a pilot unit can have.
const (
	// StatusActive: the unit is a pilot unit.
	StatusActive Status = "active"
	// StatusRevoked: the unit lost its pilot status (取消试点资格).
	StatusRevoked Status = "revoked"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == StatusActive || s == StatusRevoked }

// DesignationFullPromotion is the kind of designation of a full-promotion
// pilot province (全面推进创建活动的试点省份).
const DesignationFullPromotion = "full_promotion"

// Program is a program pilots belong to, e.g. 创建幸福家庭活动.
type Program struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// Batch is one batch of pilot units of a program, created by one import.
type Batch struct {
	ID, ProgramID int64
	Program       string
	Number        int
	Name          string // e.g. 第二批试点单位
	DocNumber     string // e.g. 国卫家庭发〔2013〕5号
	Title         string
	ImportID      int64
	Units         int
}

// PilotUnit is one division listed as a pilot unit in a batch.
type PilotUnit struct {
	ID, ProgramID, BatchID int64
	Program                string
	BatchNumber            int
	// The matched division and the comparable unit it counts under.
	Code, Name, Level, ProvinceCode, ComparableCode string
	// As written in the notice.
	ProvinceWritten, Written string
	Line                     int
	// How it was matched.
	Rule        string
	Confidence  float64
	Status      Status
	StatusSince time.Time
}

// StatusChange is one row of a pilot unit's status history.
type StatusChange struct {
	UnitID   int64
	Status   Status
	Reason   string
	At       time.Time
	ImportID int64 // 0 when not from an import
}

// Designation marks a province in a program, e.g. as a full-promotion
// province.
type Designation struct {
	ID, ProgramID int64
	Program       string
	ProvinceCode  string
	Written       string
	Kind          string // e.g. DesignationFullPromotion
	ImportID      int64
}

// Import describes one imported notice (without its raw text).
type Import struct {
	ID          int64
	SHA256      string // hex of the raw bytes
	Filename    string
	Program     string
	BatchNumber int
	Units       int
	ImportedAt  time.Time
}

// UnitFilter selects pilot units; zero fields select everything.
type UnitFilter struct {
	ProvinceCode string // "" = all
	BatchNumber  int    // 0 = all
	ProgramID    int64  // 0 = all
	Status       Status // "" = all
	// Query matches the division name, the written name or the code as a
	// substring, case-insensitively (ASCII); LIKE metacharacters match
	// themselves.
	Query string
}

// ImportRequest is one notice's batch to store.
type ImportRequest struct {
	Program      string
	BatchNumber  int
	BatchName    string
	DocNumber    string
	Title        string
	Filename     string
	Raw          []byte // the notice's raw bytes, stored with their sha256
	Units        []NewPilotUnit
	Designations []NewDesignation
}

// NewPilotUnit is a pilot unit to import. Code must be a stored division;
// Name and Level default to the division's, ProvinceCode to its province.
type NewPilotUnit struct {
	Code, Name, Level, ProvinceCode, ComparableCode, ProvinceWritten, Written string
	Line                                                                      int
	Rule                                                                      string
	Confidence                                                                float64 // 0..1
}

// NewDesignation is a province designation to import.
type NewDesignation struct {
	ProvinceCode, Written, Kind string
}

// ImportResult says what Import did.
type ImportResult struct {
	ImportID, ProgramID, BatchID int64
	Created                      bool // false when the same text was already imported for this batch
	Units                        int
	DataVersion                  int64
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migration is one step of the schema. Steps are applied in order, each in
// its own transaction; a step once released is never edited, only followed
// by new steps.
type migration struct {
	name string
	sql  string
}

// migrations returns the schema's history; the version of step i is i+1.
func migrations() []migration {
	return []migration{
		{name: "initial schema", sql: schemaV1},
		{name: "aliases: listed_until of a row derived from code tables", sql: schemaV2},
		{name: "admin: reviewer decisions, effective dates of status changes, append-only audit log", sql: schemaV3},
		{name: "divisions: English name", sql: schemaV4},
		{name: "boundary versions with provenance", sql: schemaV5},
	}
}

// schemaV4 stores Division.NameEN, the English name the geodata generator
// derives (divisions.csv's name_en); "" until the next seed fills it.
const schemaV4 = `
ALTER TABLE divisions ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
`

// schemaV2 stores Alias.ListedUntil: for a history row derived from the
// GB/T 2260 code tables, the year of the last table that lists the old name.
const schemaV2 = `
ALTER TABLE aliases ADD COLUMN listed_until INTEGER NOT NULL DEFAULT 0;
`

// schemaV3 is in sqlite_admin.go, with the code that uses it.

// schemaV5 keeps every boundary version (an imported boundary file, the
// embedded default) with its provenance; boundary_layers stays the copy in
// use, whose version column names the active version.
const schemaV5 = `
CREATE TABLE boundary_versions (
	version     TEXT PRIMARY KEY CHECK (version <> ''),
	source      TEXT NOT NULL,
	license     TEXT NOT NULL,
	attribution TEXT NOT NULL,
	filename    TEXT NOT NULL,
	sha256      TEXT NOT NULL,
	report      TEXT NOT NULL,
	format      TEXT NOT NULL CHECK (format <> ''),
	created_at  TEXT NOT NULL
) STRICT;
CREATE TABLE boundary_version_layers (
	version TEXT NOT NULL REFERENCES boundary_versions (version),
	layer   TEXT NOT NULL CHECK (layer <> ''),
	data    BLOB NOT NULL,
	PRIMARY KEY (version, layer)
) STRICT;
`

const schemaV1 = `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('data_version', 0);

CREATE TABLE divisions (
	code        TEXT PRIMARY KEY CHECK (length(code) = 6),
	name        TEXT NOT NULL CHECK (name <> ''),
	level       TEXT NOT NULL CHECK (level IN ('province', 'prefecture', 'county')),
	parent_code TEXT REFERENCES divisions (code) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX divisions_parent ON divisions (parent_code);

CREATE TABLE aliases (
	seq           INTEGER PRIMARY KEY,
	written       TEXT NOT NULL,
	province_code TEXT NOT NULL REFERENCES divisions (code),
	old_code      TEXT NOT NULL,
	code          TEXT NOT NULL REFERENCES divisions (code),
	kind          TEXT NOT NULL,
	year          INTEGER NOT NULL,
	source        TEXT NOT NULL,
	note          TEXT NOT NULL
) STRICT;
CREATE INDEX aliases_code ON aliases (code);

CREATE TABLE boundary_layers (
	layer      TEXT PRIMARY KEY,
	format     TEXT NOT NULL,
	version    TEXT NOT NULL,
	data       BLOB NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE unit_statuses (
	status TEXT PRIMARY KEY
) STRICT;
INSERT INTO unit_statuses (status) VALUES ('active'), ('revoked');

CREATE TABLE programs (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
	created_at TEXT NOT NULL
) STRICT;

CREATE TABLE imports (
	id           INTEGER PRIMARY KEY,
	sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
	raw          BLOB NOT NULL,
	filename     TEXT NOT NULL,
	program      TEXT NOT NULL,
	batch_number INTEGER NOT NULL,
	units        INTEGER NOT NULL,
	imported_at  TEXT NOT NULL
) STRICT;
CREATE INDEX imports_sha256 ON imports (sha256);

CREATE TABLE batches (
	id         INTEGER PRIMARY KEY,
	program_id INTEGER NOT NULL REFERENCES programs (id),
	number     INTEGER NOT NULL CHECK (number >= 1),
	name       TEXT NOT NULL,
	doc_number TEXT NOT NULL,
	title      TEXT NOT NULL,
	import_id  INTEGER NOT NULL REFERENCES imports (id),
	UNIQUE (program_id, number)
) STRICT;
CREATE INDEX batches_import ON batches (import_id);

CREATE TABLE pilot_units (
	id               INTEGER PRIMARY KEY,
	batch_id         INTEGER NOT NULL REFERENCES batches (id),
	code             TEXT NOT NULL REFERENCES divisions (code),
	name             TEXT NOT NULL,
	level            TEXT NOT NULL,
	province_code    TEXT NOT NULL REFERENCES divisions (code),
	comparable_code  TEXT REFERENCES divisions (code),
	province_written TEXT NOT NULL,
	written          TEXT NOT NULL,
	line             INTEGER NOT NULL,
	rule             TEXT NOT NULL,
	confidence       REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
	status           TEXT NOT NULL REFERENCES unit_statuses (status),
	status_since     TEXT NOT NULL,
	UNIQUE (batch_id, code)
) STRICT;
CREATE INDEX pilot_units_code ON pilot_units (code);
CREATE INDEX pilot_units_province ON pilot_units (province_code);
CREATE INDEX pilot_units_comparable ON pilot_units (comparable_code);

CREATE TABLE unit_status_history (
	id        INTEGER PRIMARY KEY,
	unit_id   INTEGER NOT NULL REFERENCES pilot_units (id),
	status    TEXT NOT NULL REFERENCES unit_statuses (status),
	reason    TEXT NOT NULL,
	at        TEXT NOT NULL,
	import_id INTEGER REFERENCES imports (id)
) STRICT;
CREATE INDEX unit_status_history_unit ON unit_status_history (unit_id, at);

CREATE TABLE designations (
	id            INTEGER PRIMARY KEY,
	program_id    INTEGER NOT NULL REFERENCES programs (id),
	province_code TEXT NOT NULL REFERENCES divisions (code),
	written       TEXT NOT NULL,
	kind          TEXT NOT NULL CHECK (kind <> ''),
	import_id     INTEGER NOT NULL REFERENCES imports (id),
	UNIQUE (program_id, province_code, kind)
) STRICT;
CREATE INDEX designations_province ON designations (province_code);
`

// migrate applies the steps the database lacks, each in one transaction, and
// refuses a database whose schema is newer than steps.
func migrate(ctx context.Context, db *sql.DB, steps []migration, now func() time.Time) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TEXT NOT NULL
) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for i, step := range steps {
		version := i + 1
		if err := applyStep(ctx, db, version, len(steps), step, now); err != nil {
			return fmt.Errorf("migration %d (%s): %w", version, step.name, err)
		}
	}
	// A database at the newest known version may still be newer than steps.
	current, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if current > len(steps) {
		return NewerSchemaError(current, len(steps))
	}
	return nil
}

// applyStep applies one step unless the database already has it. The check
// happens inside the (immediate) transaction, so two processes opening the
// same new file do not both apply it.
func applyStep(ctx context.Context, db *sql.DB, version, known int, step migration, now func() time.Time) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	current, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if current > known {
		return NewerSchemaError(current, known)
	}
	if current >= version {
		return nil
	}
	if current != version-1 {
		return fmt.Errorf("database is at schema version %d, cannot apply %d", current, version)
	}
	if _, err := tx.ExecContext(ctx, step.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		version, step.name, formatTime(now())); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func schemaVersion(ctx context.Context, q queryer) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

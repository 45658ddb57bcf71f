package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"pilotmap/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema: migrations/NNNN_name.sql. A step
// once released is never edited, only followed by new steps.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationLock is the key of the advisory lock Open holds while it
// migrates, so that replicas starting at once apply each step once.
const migrationLock int64 = 0x70696c6f746d6170 // "pilotmap"

// migrations reads the embedded steps, which must be numbered 1, 2, … with
// no gap.
func migrations(files fs.FS) ([]migration, error) {
	names, err := fs.Glob(files, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for i, p := range names { // Glob sorts
		base := strings.TrimSuffix(path.Base(p), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration file %s: want %04d_name.sql", p, i+1)
		}
		body, err := fs.ReadFile(files, p)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: strings.ReplaceAll(name, "_", " "), sql: string(body)})
	}
	return out, nil
}

// migrate applies the steps the database lacks, all in one transaction
// under the advisory lock, and refuses a database whose schema is newer
// than the steps.
func migrate(ctx context.Context, pool *pgxpool.Pool, now func() time.Time) error {
	steps, err := migrations(migrationFiles)
	if err != nil {
		return err
	}
	return applyMigrations(ctx, pool, steps, now)
}

func applyMigrations(ctx context.Context, pool *pgxpool.Pool, steps []migration, now func() time.Time) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL
)`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	current, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if current > len(steps) {
		return store.NewerSchemaError(current, len(steps))
	}
	if current == len(steps) {
		return nil // nothing to apply; the rollback releases the lock
	}
	for _, step := range steps[current:] {
		at := store.Stamp(now()) // one reading per step, as the SQLite store
		if _, err := tx.Exec(ctx, step.sql); err != nil {
			return fmt.Errorf("migration %d (%s): %w", step.version, step.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
			step.version, step.name, at); err != nil {
			return fmt.Errorf("migration %d (%s): record: %w", step.version, step.name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

func schemaVersion(ctx context.Context, tx pgx.Tx) (int, error) {
	var v int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

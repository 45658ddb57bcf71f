// Package pgstore is the store.Store kept in PostgreSQL, so that any number
// of `pilotmap serve` replicas (and the CLI) share one database. It follows
// the rules of internal/store (store/rules.go) and gives the same answers
// as the SQLite store for the same writes: the same rows, ids, times and
// data version.
//
//   - Every write is one transaction. It first locks the data-version row
//     (SELECT … FOR UPDATE), so writers take turns as SQLite's do, whichever
//     process they run in; a write that changes something increments the
//     data version and notifies channel NotifyChannel with the new version,
//     delivered to listeners when the transaction commits.
//   - Ids are the next after the largest stored, assigned under that lock,
//     as SQLite assigns rowids; a refused write leaves no gap.
//   - The schema is the ordered list of migrations/NNNN_name.sql, applied
//     by Open in one transaction under an advisory lock (two replicas
//     starting at once apply it once) and recorded in schema_migrations. A
//     database with a newer schema than the code knows is refused.
//   - Geometry stays in its compact encoding (bytea); PostGIS is not needed.
//
// It uses pgx's own interface (pgxpool) rather than database/sql: the
// binary protocol for bytea and timestamptz, a pool that is safe for
// replicas under load, batched statements for seeding the gazetteer, and
// LISTEN/NOTIFY on a dedicated connection (Watch), which database/sql
// cannot express.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"pilotmap/internal/store"
)

// NotifyChannel is the channel every changing write notifies, with the new
// data version as payload.
const NotifyChannel = "pilotmap_data_version"

// Store is the store.Store in one PostgreSQL database. It is safe for
// concurrent use, by goroutines and by processes.
type Store struct {
	pool *pgxpool.Pool
	dsn  string // without the password, for messages
	now  func() time.Time
}

var _ store.Store = (*Store)(nil)

// IsDSN reports whether s names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than a SQLite file.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns the DSN with its password replaced, for logs and errors.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable DSN)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Open connects to the database dsn names (a postgres:// URL; pgx reads
// the usual PG* environment variables for what it leaves out), checks it
// answers and applies the migrations it lacks.
func Open(ctx context.Context, dsn string, opts ...store.Option) (*Store, error) {
	name := Redact(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open %s: %w", name, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open %s: %w", name, err)
	}
	s := &Store{pool: pool, dsn: name, now: store.NewOptions(opts...).Now}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: open %s: %w", name, err)
	}
	if err := migrate(ctx, pool, s.now); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: open %s: %w", name, err)
	}
	return s, nil
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("pgstore: ping %s: %w", s.dsn, err)
	}
	return nil
}

// Close closes every connection of the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// DataVersion returns the data version: it grows by one with every write
// transaction that changes something.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'data_version'").Scan(&v); err != nil {
		return 0, fmt.Errorf("pgstore: data version: %w", err)
	}
	return v, nil
}

// write runs fn in one write transaction, after every earlier writer (the
// lock on the data-version row). When fn reports a change, the data
// version is incremented and notified in the same transaction. It returns
// the data version after the transaction; when fn fails, nothing is
// written.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) (changed bool, err error)) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
	var v int64
	if err := tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'data_version' FOR UPDATE").Scan(&v); err != nil {
		return 0, fmt.Errorf("lock data version: %w", err)
	}
	changed, err := fn(tx)
	if err != nil {
		return 0, err
	}
	if !changed {
		return v, nil // nothing to commit; the deferred rollback ends the transaction
	}
	if err := tx.QueryRow(ctx, "UPDATE meta SET value = value + 1 WHERE key = 'data_version' RETURNING value").Scan(&v); err != nil {
		return 0, fmt.Errorf("bump data version: %w", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", NotifyChannel, strconv.FormatInt(v, 10)); err != nil {
		return 0, fmt.Errorf("notify: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return v, nil
}

// nextID is the id of a new row of table: one more than the largest. Only
// called inside write, whose lock makes it unique.
func nextID(ctx context.Context, tx pgx.Tx, table string) (int64, error) {
	var id int64
	// table is one of the fixed names below, never input.
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(id), 0) + 1 FROM "+pgx.Identifier{table}.Sanitize()).Scan(&id); err != nil {
		return 0, fmt.Errorf("next id of %s: %w", table, err)
	}
	return id, nil
}

// noRows maps pgx's "no rows" to found=false.
func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

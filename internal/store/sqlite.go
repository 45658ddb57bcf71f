package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	// The SQLite driver (cgo), registered as "sqlite3".
	_ "github.com/mattn/go-sqlite3"
)

// SQLite is the Store kept in one SQLite file. It is safe for concurrent use
// by several goroutines and, through SQLite's locking, by several processes
// on the same machine.
type SQLite struct {
	db   *sql.DB
	path string
	now  func() time.Time // the clock (WithClock)
}

var _ Store = (*SQLite)(nil)

// busyTimeout is how long a connection waits for another writer's lock.
const busyTimeout = 5 * time.Second

// Open opens (creating when missing) the SQLite file at path, turns on WAL,
// foreign keys and a busy timeout on every pooled connection, and applies the
// migrations the database lacks. A database with a newer schema than this
// code knows is refused.
func Open(ctx context.Context, path string, opts ...Option) (*SQLite, error) {
	if path == "" {
		return nil, errors.New("store: open: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db, err := sql.Open("sqlite3", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	s := &SQLite{db: db, path: abs, now: NewOptions(opts...).Now}
	if err := s.checkConnection(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	if err := migrate(ctx, db, migrations(), s.now); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	return s, nil
}

// dsn returns the go-sqlite3 data source name for an absolute file path: a
// file: URI (so that '?', '#' and '%' in the path stay part of it) with the
// parameters the driver applies to every new connection.
func dsn(absPath string) string {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(absPath))
	return "file:" + escaped + "?" + strings.Join([]string{
		"_foreign_keys=on",
		"_journal_mode=WAL",
		fmt.Sprintf("_busy_timeout=%d", busyTimeout.Milliseconds()),
		"_synchronous=NORMAL",
		// Write transactions take the write lock at BEGIN, so two writers
		// wait for each other (busy timeout) instead of failing on upgrade.
		"_txlock=immediate",
	}, "&")
}

// checkConnection verifies that a connection has the settings the DSN asks
// for: a misspelled parameter would otherwise be ignored silently.
func (s *SQLite) checkConnection(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal_mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	}
	var fk int
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("read foreign_keys: %w", err)
	}
	if fk != 1 {
		return errors.New("foreign keys are off")
	}
	return nil
}

// Ping checks that the database answers a query.
func (s *SQLite) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.path, err)
	}
	return nil
}

// Close closes the database.
func (s *SQLite) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return nil
}

// DataVersion returns the data version: it grows with every write
// transaction that changes something.
func (s *SQLite) DataVersion(ctx context.Context) (int64, error) {
	v, err := dataVersion(ctx, s.db)
	if err != nil {
		return 0, fmt.Errorf("store: data version: %w", err)
	}
	return v, nil
}

// queryer is what *sql.DB and *sql.Tx share for reading.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func dataVersion(ctx context.Context, q queryer) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'data_version'").Scan(&v)
	return v, err
}

// write runs fn in one write transaction. When fn reports a change, the data
// version is incremented in the same transaction. It returns the data version
// after the transaction. When fn fails, nothing is written.
func (s *SQLite) write(ctx context.Context, fn func(tx *sql.Tx) (changed bool, err error)) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit
	changed, err := fn(tx)
	if err != nil {
		return 0, err
	}
	if changed {
		if _, err := tx.ExecContext(ctx, "UPDATE meta SET value = value + 1 WHERE key = 'data_version'"); err != nil {
			return 0, fmt.Errorf("bump data version: %w", err)
		}
	}
	v, err := dataVersion(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("read data version: %w", err)
	}
	if !changed {
		return v, nil // nothing to commit; the deferred rollback ends the transaction
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return v, nil
}

// timeLayout is how times are stored: UTC, fixed width, so that text order
// is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return Stamp(t).Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// nullString maps "" to NULL, for optional foreign keys.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// timeText scans a stored time (text in timeLayout).
type timeText struct{ time.Time }

// Scan implements sql.Scanner.
func (t *timeText) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("stored time: unexpected %T", v)
	}
	parsed, err := parseTime(s)
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
}

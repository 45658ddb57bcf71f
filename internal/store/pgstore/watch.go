package pgstore

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"

	"pilotmap/internal/store"
)

// reconnectDelay is how long the watcher waits before connecting again
// after it lost the database.
const reconnectDelay = time.Second

var _ store.VersionWatcher = (*Store)(nil)

// WatchDataVersion sends the data version each time it may have moved: on
// every notification of a write (by any process on the database) and each
// time the watcher's own connection is made again after a loss (when
// notifications may have been missed). The version is read back from this
// store's tables, not taken from the payload, so a notification about
// another schema of the same database moves nothing. Only changes are sent;
// the channel holds the newest version, so a slow reader skips to it. It is
// closed when ctx ends. A lost connection is logged on log and retried
// every second.
func (s *Store) WatchDataVersion(ctx context.Context, log *slog.Logger) <-chan int64 {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	out := make(chan int64, 1)
	w := &versionWatch{out: out, last: -1}
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) {
			return pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
		},
		LogError: func(_ context.Context, err error) {
			log.Warn("data version watch: database connection lost; retrying", "db", s.dsn, "error", err)
		},
		ReconnectDelay: reconnectDelay,
	}
	l.Handle(NotifyChannel, w)
	go func() {
		defer close(out)
		if err := l.Listen(ctx); err != nil && ctx.Err() == nil {
			log.Error("data version watch stopped", "db", s.dsn, "error", err)
		}
	}()
	return out
}

// versionWatch is the listener's handler: it reads the version on the
// listening connection and sends it when it moved. The listener calls it
// from one goroutine.
type versionWatch struct {
	out  chan int64
	last int64
}

// HandleBacklog runs after every (re)connection.
func (w *versionWatch) HandleBacklog(ctx context.Context, _ string, conn *pgx.Conn) error {
	return w.check(ctx, conn)
}

// HandleNotification runs on every notification.
func (w *versionWatch) HandleNotification(ctx context.Context, _ *pgconn.Notification, conn *pgx.Conn) error {
	return w.check(ctx, conn)
}

func (w *versionWatch) check(ctx context.Context, conn *pgx.Conn) error {
	var v int64
	if err := conn.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'data_version'").Scan(&v); err != nil {
		return fmt.Errorf("read data version: %w", err)
	}
	if v == w.last {
		return nil
	}
	w.last = v
	// Keep only the newest: drop an unread older version first.
	select {
	case <-w.out:
	default:
	}
	w.out <- v
	return nil
}

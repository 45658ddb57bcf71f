package main

import (
	"context"
	"log/slog"

	"pilotmap/internal/store"
)

// followWrites calls reload each time the store tells of a write by any
// process (another replica, the CLI), so that replicas over one
// PostgreSQL database serve it at once rather than after the server's
// VersionTTL. A store that cannot tell (SQLite) is left to that polling.
func followWrites(ctx context.Context, st store.Store, reload func(context.Context) error, log *slog.Logger) {
	w, ok := st.(store.VersionWatcher)
	if !ok {
		return
	}
	go func() {
		for v := range w.WatchDataVersion(ctx, log) {
			log.Info("data version", "store_version", v)
			if err := reload(ctx); err != nil && ctx.Err() == nil {
				log.Warn("reload after a write", "store_version", v, "error", err)
			}
		}
	}()
}

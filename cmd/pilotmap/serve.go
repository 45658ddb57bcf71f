package main

import (
	"context"
	"fmt"
	"log/slog"

	"pilotmap/internal/server"
)

func runServe(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "serve", "[--addr 127.0.0.1:8080]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (PILOTMAP_ADDR)")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	h := server.NewRouter(server.Deps{Log: log})
	if err := server.Serve(ctx, server.Config{Addr: *addr}, h, log, nil); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: %v\n", err)
		return 1
	}
	return 0
}

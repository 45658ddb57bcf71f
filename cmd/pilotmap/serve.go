package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"pilotmap/internal/layer"
	"pilotmap/internal/server"
	"pilotmap/web"
)

func runServe(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "serve", "[--addr 127.0.0.1:8080] [--db PATH] [--attribution TEXT] [--approval-number TEXT] [--tiles-url URL] [--tiles-attribution TEXT]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (PILOTMAP_ADDR)")
	db := dbFlag(fs)
	attribution := fs.String("attribution", server.DefaultAttribution, "sources line shown on the map (PILOTMAP_ATTRIBUTION)")
	approval := fs.String("approval-number", "", "map approval number (审图号) of this deployment, shown on the map (PILOTMAP_APPROVAL_NUMBER)")
	tilesURL := fs.String("tiles-url", "", "optional raster base layer, an {z}/{x}/{y} URL template; none by default, so the map works offline (PILOTMAP_TILES_URL)")
	tilesAttribution := fs.String("tiles-attribution", "", "attribution of the base layer (PILOTMAP_TILES_ATTRIBUTION)")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(e.stderr, "pilotmap serve: unexpected arguments %q\n", fs.Args())
		return 2
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))

	ds, ok := openDataset(ctx, e, "serve", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	if ds.Seeded {
		log.Info("created and seeded the database", "db", *db)
	}
	start := time.Now()
	topo, err := layer.NewTopology(ds.Boundaries)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: %v\n", err)
		return 1
	}
	// The zooms the web map fetches, ready before the first request.
	topo.Prepare(8)
	log.Info("layers ready", "duration", time.Since(start).Round(time.Millisecond), "db", *db)

	h := server.NewRouter(server.Deps{
		Log:      log,
		Data:     ds,
		Topology: topo,
		Web:      web.Dist(),
		Frontend: server.FrontendConfig{
			Attribution:      *attribution,
			ApprovalNumber:   *approval,
			TilesURL:         *tilesURL,
			TilesAttribution: *tilesAttribution,
		},
		VersionTTL: time.Second,
	})
	if err := server.Serve(ctx, server.Config{Addr: *addr}, h, log, nil); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: %v\n", err)
		return 1
	}
	return 0
}

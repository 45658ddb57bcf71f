package main

import (
	"context"
	"flag"
	"fmt"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
	"pilotmap/internal/layer"
	"pilotmap/internal/world"
)

// dbFlag adds the --db flag every data command shares.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "pilotmap.db", "the database: a SQLite file, or a PostgreSQL URL postgres://user@host/db; created (the file) and seeded with the default data when missing or empty (PILOTMAP_DB)")
}

// openDataset opens (creating and seeding when new) the database dsn names.
func openDataset(ctx context.Context, e *env, cmd, dsn string) (*dataset.Dataset, bool) {
	version, err := geodata.Version()
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap %s: %v\n", cmd, err)
		return nil, false
	}
	ds, err := dataset.Open(ctx, dsn, dataset.Source{FS: geodata.FS(), Version: version})
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap %s: open %s: %v\n", cmd, dataset.Describe(dsn), err)
		return nil, false
	}
	return ds, true
}

// worldParts are the parts of a world a command needs beyond the data.
type worldParts struct {
	topology, gaps bool
}

// buildWorld builds the world of the dataset's current data version.
func buildWorld(ctx context.Context, e *env, cmd string, ds *dataset.Dataset, parts worldParts) (*world.World, bool) {
	src := world.Source{Data: ds}
	var err error
	if parts.topology {
		if src.Topology, err = layer.NewTopology(ds.Boundaries); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap %s: %v\n", cmd, err)
			return nil, false
		}
	}
	if parts.gaps {
		if src.GapIndex, err = world.NewGapIndex(ds.Boundaries); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap %s: %v\n", cmd, err)
			return nil, false
		}
	}
	w, err := world.Build(ctx, src)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap %s: %v\n", cmd, err)
		return nil, false
	}
	return w, true
}

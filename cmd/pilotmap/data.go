package main

import (
	"context"
	"flag"
	"fmt"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
)

// dbFlag adds the --db flag every data command shares.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "pilotmap.db", "SQLite database file, created and seeded with the default data when missing (PILOTMAP_DB)")
}

// openDataset opens (creating and seeding when new) the database at path.
func openDataset(ctx context.Context, e *env, cmd, path string) (*dataset.Dataset, bool) {
	version, err := geodata.Version()
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap %s: %v\n", cmd, err)
		return nil, false
	}
	ds, err := dataset.Open(ctx, path, dataset.Source{FS: geodata.FS(), Version: version})
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap %s: open %s: %v\n", cmd, path, err)
		return nil, false
	}
	return ds, true
}

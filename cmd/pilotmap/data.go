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

package dataset_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
	"pilotmap/internal/store"
)

// A database seeded before divisions had English names (schema 3 adds the
// column empty) gets them on the next Open, and says so.
func TestOpenFillsEnglishNames(t *testing.T) {
	ctx := context.Background()
	v, err := geodata.Version()
	if err != nil {
		t.Fatal(err)
	}
	src := dataset.Source{FS: geodata.FS(), Version: v}
	path := filepath.Join(t.TempDir(), "pm.db")
	ds, err := dataset.Open(ctx, path, src)
	if err != nil {
		t.Fatal(err)
	}
	if !ds.Seeded || ds.EnglishAdded {
		t.Fatalf("new database: seeded %v, english added %v", ds.Seeded, ds.EnglishAdded)
	}
	ds.Close()

	// What a schema-2 database looks like after the migration to 3.
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE divisions SET name_en = ''"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ds, err = dataset.Open(ctx, path, src)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if ds.Seeded || !ds.EnglishAdded {
		t.Errorf("old database: seeded %v, english added %v; want false, true", ds.Seeded, ds.EnglishAdded)
	}
	if d, _ := ds.Gazetteer.Division("630200"); d.NameEN != "Haidong City" {
		t.Errorf("630200 English name %q after Open", d.NameEN)
	}
	units, err := ds.Store.PilotUnits(ctx, store.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 108 {
		t.Errorf("%d pilot units after seeding again, want the 108 of the default notice once", len(units))
	}
}

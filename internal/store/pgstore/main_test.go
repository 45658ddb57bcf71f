package pgstore

import (
	"os"
	"testing"

	"pilotmap/internal/pgtest"
)

// pg is this test binary's PostgreSQL server, started on first use.
var pg pgtest.Harness

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }

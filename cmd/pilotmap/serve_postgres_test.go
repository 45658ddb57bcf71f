package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
	"pilotmap/internal/importer"
	"pilotmap/internal/pgtest"
	"pilotmap/internal/store"
	"pilotmap/internal/store/storetest"
)

// pg is this test binary's PostgreSQL server, started on first use.
var pg pgtest.Harness

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }

// sameAnswers are the routes whose bodies depend on the data only (not on
// the address the server is reached at, as OGC links do).
var sameAnswers = []string{
	"/api/v1/stats",
	"/api/v1/stats/provinces",
	"/api/v1/stats/regions",
	"/api/v1/provinces",
	"/api/v1/provinces/130000",
	"/api/v1/units",
	"/api/v1/units?province=130000&batch=2&status=active",
	"/api/v1/units?q=%E7%9F%B3%E5%AE%B6%E5%BA%84",
	"/api/v1/programs",
	"/api/v1/batches",
	"/api/v1/search?q=%E6%AD%A3%E5%AE%9A",
	"/api/v1/gaps",
	"/api/v1/layers/provinces?zoom=4",
	"/api/v1/layers/units?zoom=6",
	"/api/v1/layers/units?zoom=8&bbox=113,37,116,39",
	"/api/v1/layers/nanhai?zoom=4",
	"/api/v1/layers/pilots?zoom=6",
	"/api/v1/layers/gaps?zoom=5",
	"/tiles/units/5/26/12.mvt",
	"/api/v1/export/units.csv",
	"/api/v1/map.svg",
}

// TestInitPostgres: `pilotmap init` seeds a new PostgreSQL database as it
// seeds a new SQLite file, and leaves a seeded one alone.
func TestInitPostgres(t *testing.T) {
	dsn := pg.Database(t)
	code, out, errs := runCmd(t, nil, "init", "--db", dsn)
	if code != 0 || !strings.HasPrefix(out, "created "+dataset.Describe(dsn)+" with the default data (") {
		t.Fatalf("init --db %s: exit %d, %q, %q", dsn, code, out, errs)
	}
	lite := filepath.Join(t.TempDir(), "pm.db")
	_, liteOut, _ := runCmd(t, nil, "init", "--db", lite)
	if strings.TrimPrefix(out, "created "+dataset.Describe(dsn)) != strings.TrimPrefix(liteOut, "created "+lite) {
		t.Errorf("init says %q for PostgreSQL, %q for SQLite", out, liteOut)
	}
	if code, out, _ := runCmd(t, map[string]string{"PILOTMAP_DB": dsn}, "init"); code != 0 || !strings.Contains(out, "already initialized") {
		t.Errorf("init again: exit %d, %q", code, out)
	}
	if code, _, errs := runCmd(t, nil, "stats", "--db", "postgres://pilotmap@/nosuchdb?host=/nonexistent&connect_timeout=2"); code != 1 || !strings.Contains(errs, "pilotmap stats: open postgres://pilotmap@/nosuchdb") {
		t.Errorf("stats on a database that does not answer: exit %d, %q", code, errs)
	}
}

// seedWithClock creates and seeds the database dsn names as `pilotmap
// init` does, but with the store's fixed test clock, so that two databases
// hold the same times.
func seedWithClock(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	st, err := dataset.OpenStore(ctx, dsn, store.WithClock(storetest.Clock()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	version, err := geodata.Version()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Seed(ctx, st, geodata.FS(), version); err != nil {
		t.Fatal(err)
	}
}

// TestServePostgresSameAnswers: `pilotmap serve` over a PostgreSQL
// database answers the 2013 map exactly as over a SQLite file seeded with
// the same data (and the same clock): the same status, bytes and ETag for
// every route of sameAnswers.
func TestServePostgresSameAnswers(t *testing.T) {
	dsn := pg.Database(t)
	lite := filepath.Join(t.TempDir(), "pm.db")
	seedWithClock(t, dsn)
	seedWithClock(t, lite)

	a := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", lite)
	b := startServe(t, map[string]string{"PILOTMAP_DB": dsn}, "--addr", "127.0.0.1:0")
	// A pilot unit of the notice, as the list names it.
	units := get(t, a+"/api/v1/units").body
	_, rest, ok := bytes.Cut(units, []byte(`"code":"`))
	if !ok || len(rest) < 6 {
		t.Fatalf("no unit code in /api/v1/units: %.200s", units)
	}
	for _, p := range append(sameAnswers, "/api/v1/units/"+string(rest[:6])) {
		ra, rb := get(t, a+p), get(t, b+p)
		if ra.status != 200 || ra.etag == "" || len(ra.body) == 0 {
			t.Errorf("%s over SQLite: %d, ETag %q, %d bytes", p, ra.status, ra.etag, len(ra.body))
		}
		if ra.status != rb.status || ra.etag != rb.etag || !bytes.Equal(ra.body, rb.body) {
			t.Errorf("%s: SQLite %d, ETag %s, %d bytes; PostgreSQL %d, ETag %s, %d bytes", p,
				ra.status, ra.etag, len(ra.body), rb.status, rb.etag, len(rb.body))
		}
	}
	if r := get(t, b+"/readyz"); r.status != 200 || !bytes.Contains(r.body, []byte(`"status":"ready"`)) {
		t.Errorf("/readyz over PostgreSQL: %d %s", r.status, r.body)
	}
}

type answer struct {
	status int
	etag   string
	body   []byte
}

// get fetches url uncompressed and returns its status, ETag and body.
func get(t *testing.T, url string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, etag: resp.Header.Get("ETag"), body: body}
}

// TestReplicasInStep: two `serve` replicas over one PostgreSQL database
// give the same bytes and ETags; an import by the CLI reaches both within
// 2 s; a replica that loses the database goes on serving its last data,
// reports not-ready on /readyz, and is ready again once the database is
// back.
func TestReplicasInStep(t *testing.T) {
	dsn := pg.Database(t)
	if code, _, errs := runCmd(t, nil, "init", "--db", dsn); code != 0 {
		t.Fatalf("init: %s", errs)
	}
	a := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", dsn)
	b := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", dsn)
	paths := []string{"/api/v1/stats", "/api/v1/units", "/api/v1/layers/units?zoom=4", "/api/v1/provinces/530000"}
	same := func(when string) []answer {
		t.Helper()
		var out []answer
		for _, p := range paths {
			ra, rb := get(t, a+p), get(t, b+p)
			if ra.status != 200 || ra.etag != rb.etag || !bytes.Equal(ra.body, rb.body) {
				t.Errorf("%s, %s: replica A %d, ETag %s; replica B %d, ETag %s", when, p, ra.status, ra.etag, rb.status, rb.etag)
			}
			out = append(out, ra)
		}
		return out
	}
	before := same("after init")

	third := filepath.Join(t.TempDir(), "third.txt")
	if err := os.WriteFile(third, []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单(2个)\n1. 云南省:昆明市、大理州\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCmd(t, nil, "import", "--db", dsn, third); code != 0 || !strings.Contains(out, "imported 2 units") {
		t.Fatalf("import: exit %d %q %q", code, out, errs)
	}
	imported := time.Now()
	for _, base := range []string{a, b} {
		for {
			r := get(t, base+"/api/v1/stats")
			if r.etag != before[0].etag && bytes.Contains(r.body, []byte(`"units":110`)) {
				break
			}
			if time.Since(imported) > 2*time.Second {
				t.Fatalf("%s still serves the data before the import 2 s after it: %.120s", base, r.body)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("the import reached both replicas %v after it", time.Since(imported).Round(time.Millisecond))
	after := same("after the import")

	// The database goes away: the last data is served, /readyz says no.
	srv := pg.Server(t)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			srv.Restart()
		}
	}()
	time.Sleep(1200 * time.Millisecond) // past the version's TTL (1 s)
	for _, p := range []string{"/api/v1/stats", "/api/v1/layers/units?zoom=4"} {
		i := slices.Index(paths, p)
		if r := get(t, b+p); r.status != 200 || r.etag != after[i].etag {
			t.Errorf("database down, %s: %d, ETag %s; want 200 and the last data's %s", p, r.status, r.etag, after[i].etag)
		}
	}
	if r := get(t, b+"/readyz"); r.status != 503 {
		t.Errorf("database down, /readyz: %d %s; want 503", r.status, r.body)
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	back := time.Now()
	for get(t, b+"/readyz").status != 200 {
		if time.Since(back) > 10*time.Second {
			t.Fatal("/readyz not ready 10 s after the database came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r := get(t, b+"/api/v1/stats"); r.status != 200 || r.etag != after[0].etag {
		t.Errorf("database back, /api/v1/stats: %d, ETag %s; want %s", r.status, r.etag, after[0].etag)
	}
}

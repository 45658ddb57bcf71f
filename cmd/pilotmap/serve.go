package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"pilotmap/internal/dataset"
	"pilotmap/internal/layer"
	"pilotmap/internal/logbuf"
	"pilotmap/internal/render"
	"pilotmap/internal/server"
	"pilotmap/internal/world"
	"pilotmap/web"
)

func runServe(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "serve", "[--addr 127.0.0.1:8080] [--db PATH|URL] [--public-url URL] [--trust-proxy] [--access-log buffered|direct|off] [--attribution TEXT [--attribution-en TEXT]] [--approval-number TEXT] [--unapproved-note TEXT] [--tiles-url URL] [--tiles-attribution TEXT] [--memory-limit SIZE] [--admin-token TOKEN | --admin-password-hash HASH] [--admin-user NAME] [--session-key HEX] [--session-ttl 8h]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (PILOTMAP_ADDR)")
	db := dbFlag(fs)
	attribution := fs.String("attribution", "", "the deployment's sources line on the map, in place of the embedded data's (after an imported boundary file's credit); the English map shows it as written unless --attribution-en is given; empty: the embedded data's sources in the map's language (PILOTMAP_ATTRIBUTION)")
	attributionEN := fs.String("attribution-en", "", "the English form of --attribution, for the English map; without it the English map shows --attribution's text as written, untranslated (PILOTMAP_ATTRIBUTION_EN)")
	approval := fs.String("approval-number", "", "map approval number (审图号) of this deployment, shown on the map (PILOTMAP_APPROVAL_NUMBER)")
	unapproved := fs.String("unapproved-note", "", "printed on maps and exports instead of the approval line while --approval-number is not set; empty: "+render.DefaultUnapproved+" (PILOTMAP_UNAPPROVED_NOTE)")
	tilesURL := fs.String("tiles-url", "", "optional raster base layer, an {z}/{x}/{y} URL template; none by default, so the map works offline (PILOTMAP_TILES_URL)")
	tilesAttribution := fs.String("tiles-attribution", "", "attribution of the base layer (PILOTMAP_TILES_ATTRIBUTION)")
	publicURL := fs.String("public-url", "", "where absolute links (OGC API, TileJSON) point, e.g. https://maps.example.org/pilotmap; none: the host of each request (PILOTMAP_PUBLIC_URL)")
	trustProxy := fs.Bool("trust-proxy", false, "read X-Forwarded-Proto/-Host and Forwarded for links (only behind a proxy that sets them) (PILOTMAP_TRUST_PROXY)")
	accessLog := accessBuffered
	fs.Var(&accessLog, "access-log", "the line per request on stderr: buffered (written together, at most 1 s late, like nginx's buffer=64k flush=1s), direct (each at once) or off (PILOTMAP_ACCESS_LOG)")
	memLimit := defaultMemoryLimit
	fs.Var(&memLimit, "memory-limit", "soft limit of the Go runtime's memory, e.g. 160MiB or 1GiB; 0: none; when not given and GOMEMLIMIT is set, that one (PILOTMAP_MEMORY_LIMIT)")
	admin := addAdminFlags(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(e.stderr, "pilotmap serve: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *attributionEN != "" && (*attribution == "" || *attribution == server.DefaultAttribution) {
		fmt.Fprintf(e.stderr, "pilotmap serve: --attribution-en is the English form of --attribution, which is not set\n")
		return 2
	}
	authority, err := admin.authority()
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: %v\n", err)
		return 2
	}
	public := ""
	if *publicURL != "" {
		if public, err = server.ParsePublicURL(*publicURL); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap serve: --public-url: %v\n", err)
			return 2
		}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	access, closeAccess, err := accessLog.logger(e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: --access-log: %v\n", err)
		return 2
	}
	defer closeAccess()
	given := e.getenv("PILOTMAP_MEMORY_LIMIT") != ""
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "memory-limit" })
	if memLimit > 0 && (given || e.getenv("GOMEMLIMIT") == "") {
		prev := debug.SetMemoryLimit(int64(memLimit))
		defer debug.SetMemoryLimit(prev)
		log.Info("memory limit", "limit", memLimit.String())
	}

	// The port first: a busy one fails before the database is created or
	// the layers built.
	ln, err := server.Listen(*addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: %v\n", err)
		return 1
	}
	defer ln.Close()
	ds, ok := openDataset(ctx, e, "serve", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	if ds.Seeded {
		log.Info("created and seeded the database", "db", dataset.Describe(*db))
	}
	if ds.EnglishAdded {
		log.Info("seeded the database again to add the divisions' English names", "db", *db)
	}
	start := time.Now()
	topo, err := layer.NewTopology(ds.Boundaries)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: %v\n", err)
		return 1
	}
	// The zooms the web map fetches, ready before the first request.
	topo.Prepare(8)
	index, err := world.NewGapIndex(ds.Boundaries)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: %v\n", err)
		return 1
	}
	log.Info("layers ready", "duration", time.Since(start).Round(time.Millisecond), "db", dataset.Describe(*db))

	h := server.New(server.Deps{
		Log:        log,
		AccessLog:  access,
		Data:       ds,
		Topology:   topo,
		GapIndex:   index,
		PublicURL:  public,
		TrustProxy: *trustProxy,
		Web:        web.Dist(),
		Frontend: server.FrontendConfig{
			Attribution:      *attribution,
			AttributionEN:    *attributionEN,
			ApprovalNumber:   *approval,
			UnapprovedNote:   *unapproved,
			TilesURL:         *tilesURL,
			TilesAttribution: *tilesAttribution,
		},
		VersionTTL: time.Second,
		Auth:       authority,
	})
	defer h.Close()
	if authority != nil && !h.WritesOn() {
		fmt.Fprintf(e.stderr, "pilotmap serve: an admin credential is configured, but writes cannot be turned on (see the log)\n")
		return 1
	}
	if h.WritesOn() {
		log.Info("writes are on: /admin and /api/v1/admin", "user", *admin.user, "token", *admin.token != "", "password", *admin.hash != "", "session_ttl", admin.ttl.String())
	} else {
		log.Info("writes are off (read-only): no --admin-token or --admin-password-hash")
	}
	if err := h.Warm(ctx); err != nil {
		log.Warn("the first world build failed; retried by the first request", "error", err)
	}
	followWrites(ctx, ds.Store, h.Reload, log)
	if err := server.ServeListener(ctx, server.Config{Addr: *addr}, ln, h, log, nil); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap serve: %v\n", err)
		return 1
	}
	return 0
}

// defaultMemoryLimit keeps `pilotmap serve` within about 200 MB of RSS
// (the limit covers the Go heap and runtime, not the binary's mapped code
// nor SQLite's C memory): the data and the caches need about 100 MB, the
// rest is room for the garbage of large responses (bench/rss.sh).
const defaultMemoryLimit = byteSize(160 << 20)

// byteSize is a flag holding a number of bytes, written as GOMEMLIMIT is:
// an integer with an optional unit B, KiB, MiB, GiB or TiB.
type byteSize int64

type sizeUnit struct {
	suffix string
	shift  uint
}

// sizeUnits are the units of a byteSize, largest first.
func sizeUnits() [5]sizeUnit {
	return [...]sizeUnit{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}
}

func (b *byteSize) String() string {
	for _, u := range sizeUnits() {
		if *b != 0 && int64(*b)%(1<<u.shift) == 0 {
			return strconv.FormatInt(int64(*b)>>u.shift, 10) + u.suffix
		}
	}
	return "0"
}

func (b *byteSize) Set(s string) error {
	num, shift := strings.TrimSpace(s), uint(0)
	for _, u := range sizeUnits() {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, shift = strings.TrimSpace(n), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return fmt.Errorf("want a size such as 160MiB or 1GiB (units B, KiB, MiB, GiB, TiB), or 0 for none; got %q", s)
	}
	*b = byteSize(n << shift)
	return nil
}

// accessMode is where `serve` writes its line per request (--access-log).
type accessMode string

const (
	accessBuffered accessMode = "buffered"
	accessDirect   accessMode = "direct"
	accessOff      accessMode = "off"
)

func (m *accessMode) String() string { return string(*m) }

func (m *accessMode) Set(v string) error {
	switch accessMode(v) {
	case accessBuffered, accessDirect, accessOff:
		*m = accessMode(v)
		return nil
	}
	return fmt.Errorf("%q is not buffered, direct or off", v)
}

// accessBufferBytes and accessFlushEvery are nginx's buffer=64k flush=1s.
const (
	accessBufferBytes = 64 << 10
	accessFlushEvery  = time.Second
)

// logger returns the access logger of the mode and what flushes it at the end.
func (m accessMode) logger(w io.Writer) (*slog.Logger, func(), error) {
	switch m {
	case accessOff:
		return slog.New(slog.DiscardHandler), func() {}, nil
	case accessDirect:
		return slog.New(slog.NewTextHandler(w, nil)), func() {}, nil
	}
	b, err := logbuf.New(w, accessBufferBytes, accessFlushEvery)
	if err != nil {
		return nil, nil, err
	}
	return slog.New(slog.NewTextHandler(b, nil)), func() { b.Close() }, nil
}

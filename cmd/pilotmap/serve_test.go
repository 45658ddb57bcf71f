package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pilotmap/internal/server"
)

// startServe runs `pilotmap serve` with args and the environment vars
// until the test ends, and returns its base URL once it listens.
func startServe(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	base, _ := startServeLogged(t, vars, args...)
	return base
}

// serveLog is what serve wrote to stderr so far.
type serveLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *serveLog) add(s string) {
	l.mu.Lock()
	l.lines = append(l.lines, s)
	l.mu.Unlock()
}

// matching returns the lines containing all of words.
func (l *serveLog) matching(words ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
next:
	for _, s := range l.lines {
		for _, w := range words {
			if !strings.Contains(s, w) {
				continue next
			}
		}
		out = append(out, s)
	}
	return out
}

// startServeLogged is startServe that also keeps serve's stderr.
func startServeLogged(t *testing.T, vars map[string]string, args ...string) (string, *serveLog) {
	t.Helper()
	logged := &serveLog{}
	pr, pw := io.Pipe()
	e := &env{stdout: io.Discard, stderr: pw, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, e, append([]string{"serve"}, args...))
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve %v: exit %d after cancel", args, code)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("serve %v did not stop", args)
		}
	})

	addrc := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`msg=serving addr=(\S+)`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			logged.add(sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
	}()
	select {
	case a := <-addrc:
		return "http://" + a, logged
	case code := <-done:
		done <- code
		t.Fatalf("serve %v exited with %d", args, code)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve %v did not start", args)
	}
	return "", nil
}

// TestServeCommand starts `pilotmap serve` on a free port with settings
// from the environment, reads the API and stops it by cancelling.
func TestServeCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pm.db")
	vars := map[string]string{"PILOTMAP_DB": db, "PILOTMAP_APPROVAL_NUMBER": "GS(2099)0001号", "PILOTMAP_ADDR": "127.0.0.1:0"}
	base := startServe(t, vars, "--tiles-url", "https://tiles.example/{z}/{x}/{y}.png")

	resp, err := http.Get(base + "/api/v1/config")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		ApprovalNumber string `json:"approval_number"`
		TilesURL       string `json:"tiles_url"`
		Attribution    string
		Attributions   map[string]string
	}
	err = json.NewDecoder(resp.Body).Decode(&cfg)
	resp.Body.Close()
	if err != nil || cfg.ApprovalNumber != "GS(2099)0001号" || cfg.TilesURL != "https://tiles.example/{z}/{x}/{y}.png" || cfg.Attribution != server.DefaultAttribution {
		t.Errorf("config %+v, %v", cfg, err)
	}
	// No --attribution: the embedded data's sources, in each language.
	han := regexp.MustCompile(`\p{Han}`)
	if zh, en := cfg.Attributions["zh"], cfg.Attributions["en"]; !strings.HasPrefix(zh, "边界：Apache ECharts 4.9.0") || han.MatchString(en) || !strings.HasPrefix(en, "Boundaries: Apache ECharts 4.9.0") {
		t.Errorf("default attributions %q", cfg.Attributions)
	}
	for _, p := range []string{"/", "/readyz", "/api/v1/stats", "/tiles/units.json", "/ogc"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

func TestServeBadInvocation(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"serve", "extra"}, 2},
		{[]string{"serve", "--nope"}, 2},
		{[]string{"serve", "--attribution-en", "Data: a bureau", "--db", filepath.Join(t.TempDir(), "pm.db")}, 2},
		{[]string{"serve", "--addr", "256.1.1.1:99999", "--db", filepath.Join(t.TempDir(), "pm.db")}, 1},
	} {
		if code, _, errs := runCmd(t, nil, tc.args...); code != tc.code {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, code, tc.code, errs)
		}
	}
}

// --attribution (here a flag) is the deployment's line in both languages
// unless --attribution-en (here PILOTMAP_ATTRIBUTION_EN) gives its English
// form; the bilingual attribution, also the TileJSON's, is the former.
func TestServeAttributionFlags(t *testing.T) {
	vars := map[string]string{"PILOTMAP_DB": filepath.Join(t.TempDir(), "pm.db"), "PILOTMAP_ADDR": "127.0.0.1:0", "PILOTMAP_ATTRIBUTION_EN": "Sources: a bureau, 2024"}
	base := startServe(t, vars, "--attribution", "数据来源：某局 2024")
	var cfg struct {
		Attribution  string            `json:"attribution"`
		Attributions map[string]string `json:"attributions"`
	}
	var tj struct{ Attribution string }
	if err := json.Unmarshal([]byte(fetch(t, base+"/api/v1/config").body), &cfg); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(fetch(t, base+"/tiles/units.json").body), &tj); err != nil {
		t.Fatal(err)
	}
	if cfg.Attribution != "数据来源：某局 2024" || cfg.Attributions["zh"] != "数据来源：某局 2024" || cfg.Attributions["en"] != "Sources: a bureau, 2024" || tj.Attribution != cfg.Attribution {
		t.Errorf("config %+v, TileJSON attribution %q", cfg, tj.Attribution)
	}
}

// serve binds its port first: a busy port fails at once, before the
// database is created and seeded or the layers built.
func TestServeBusyPortFailsFirst(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	db := filepath.Join(t.TempDir(), "pm.db")
	code, _, errs := runCmd(t, nil, "serve", "--addr", ln.Addr().String(), "--db", db)
	if code != 1 || !strings.Contains(errs, "listen on "+ln.Addr().String()) {
		t.Errorf("exit %d, stderr %q; want 1 and the listen error", code, errs)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the database was created before the port was bound: %v", err)
	}
}

func TestServeBadPublicURL(t *testing.T) {
	code, _, errs := runCmd(t, nil, "serve", "--public-url", "maps.example.org", "--db", filepath.Join(t.TempDir(), "pm.db"))
	if code != 2 || !strings.Contains(errs, "--public-url") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// --access-log: buffered lines arrive within about a second, direct ones
// at once, off writes none; a mode that is none of them is refused.
func TestServeAccessLog(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pm.db")
	for _, mode := range []string{"buffered", "direct", "off"} {
		t.Run(mode, func(t *testing.T) {
			base, logged := startServeLogged(t, map[string]string{"PILOTMAP_ACCESS_LOG": mode}, "--addr", "127.0.0.1:0", "--db", db)
			path := "/api/v1/stats?access-log-" + mode
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			// The line names the query; a 400 for the unknown parameter.
			want := []string{"msg=request", "query=access-log-" + mode, "status=400"}
			deadline := time.Now().Add(map[string]time.Duration{"buffered": 5 * time.Second, "direct": 2 * time.Second, "off": 2 * time.Second}[mode])
			for len(logged.matching(want...)) == 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			got := logged.matching(want...)
			if mode == "off" {
				if len(got) != 0 || len(logged.matching("msg=request ")) != 0 {
					t.Errorf("--access-log off wrote %q", got)
				}
				return
			}
			if len(got) != 1 {
				t.Errorf("%d access lines for the request, want 1", len(got))
			}
		})
	}
	code, _, errs := runCmd(t, nil, "serve", "--access-log", "sometimes", "--db", db)
	if code != 2 || !strings.Contains(errs, `"sometimes" is not buffered, direct or off`) {
		t.Errorf("--access-log sometimes: exit %d, %q", code, errs)
	}
}

// PILOTMAP_PUBLIC_URL and PILOTMAP_TRUST_PROXY are read as the help says:
// links name the public URL, and without it the forwarded host is taken.
func TestServeLinksFromEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pm.db")
	tileURL := func(base string, header ...string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+"/tiles/units.json", nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var doc struct{ Tiles []string }
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || len(doc.Tiles) != 1 {
			t.Fatalf("TileJSON: %v %v", doc, err)
		}
		return doc.Tiles[0]
	}
	base := startServe(t, map[string]string{"PILOTMAP_PUBLIC_URL": "https://maps.example.org/pm"}, "--addr", "127.0.0.1:0", "--db", db)
	if got := tileURL(base); !strings.HasPrefix(got, "https://maps.example.org/pm/tiles/units/") {
		t.Errorf("PILOTMAP_PUBLIC_URL: tiles at %s", got)
	}
	base = startServe(t, map[string]string{"PILOTMAP_TRUST_PROXY": "true"}, "--addr", "127.0.0.1:0", "--db", db)
	if got := tileURL(base, "X-Forwarded-Host", "proxy.example.org", "X-Forwarded-Proto", "https"); !strings.HasPrefix(got, "https://proxy.example.org/tiles/units/") {
		t.Errorf("PILOTMAP_TRUST_PROXY: tiles at %s", got)
	}
}

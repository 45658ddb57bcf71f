// Package pgtest starts a real PostgreSQL server for the tests of one test
// binary, from the server Debian's postgresql package installs: initdb into
// a temp dir, postgres listening on a Unix socket in it only, stopped and
// removed when the binary's tests end. Run as root (as CI is), the server
// runs as the postgres user, which PostgreSQL requires.
//
// A test binary holds one Harness:
//
//	var pg pgtest.Harness
//
//	func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }
//
// and each test asks it for a new, empty database: dsn := pg.Database(t).
// The server starts on the first request, so a binary whose selected tests
// need none starts none. When PostgreSQL is not installed the test skips
// with a message, unless CI=true or PILOTMAP_REQUIRE_POSTGRES=1, when it
// fails.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Required reports whether a missing PostgreSQL fails the tests instead of
// skipping them: under CI, or when asked.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("PILOTMAP_REQUIRE_POSTGRES") == "1"
}

// Harness starts one server on first use and hands out databases on it.
type Harness struct {
	once sync.Once
	srv  *Server
	err  error

	mu    sync.Mutex
	admin *pgx.Conn
	n     int
}

// Main runs the tests and stops the server, if one was started; it returns
// the exit code.
func (h *Harness) Main(m *testing.M) int {
	code := m.Run()
	if h.srv != nil {
		if h.admin != nil {
			h.admin.Close(context.Background())
		}
		if err := h.srv.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Server returns the running server, starting it on first use; the test
// skips (or, when Required, fails) when PostgreSQL is not installed.
func (h *Harness) Server(t testing.TB) *Server {
	t.Helper()
	h.once.Do(func() { h.srv, h.err = Start() })
	if errors.Is(h.err, ErrNotInstalled) {
		if Required() {
			t.Fatalf("PostgreSQL is required here (CI=true or PILOTMAP_REQUIRE_POSTGRES=1): %v", h.err)
		}
		t.Skipf("skipped: %v (install Debian's postgresql package to run it)", h.err)
	}
	if h.err != nil {
		t.Fatal(h.err)
	}
	return h.srv
}

// Database returns the DSN of a new, empty database of its own. It is a
// schema of its own in the one test database (search_path in the DSN):
// creating a schema takes milliseconds, a database a large part of a second.
// A replica can be given the same: PostgreSQL's search_path decides where
// pilotmap's tables are.
func (h *Harness) Database(t testing.TB) string {
	t.Helper()
	srv := h.Server(t)
	h.mu.Lock()
	defer h.mu.Unlock()
	ctx := context.Background()
	if h.admin == nil {
		c, err := pgx.Connect(ctx, srv.DSN("postgres"))
		if err != nil {
			t.Fatalf("pgtest: connect: %v", err)
		}
		if _, err := c.Exec(ctx, "CREATE DATABASE pilotmap_test TEMPLATE template0"); err != nil {
			t.Fatalf("pgtest: create database: %v", err)
		}
		c.Close(ctx)
		if c, err = pgx.Connect(ctx, srv.DSN("pilotmap_test")); err != nil {
			t.Fatalf("pgtest: connect: %v", err)
		}
		h.admin = c
	}
	h.n++
	schema := "t" + strconv.Itoa(h.n)
	if _, err := h.admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", schema, err)
	}
	return srv.DSN("pilotmap_test") + "&search_path=" + schema
}

// ErrNotInstalled is wrapped by Start's error when no PostgreSQL server
// binaries are found.
var ErrNotInstalled = errors.New("PostgreSQL is not installed")

// Server is a running PostgreSQL server of the tests.
type Server struct {
	Dir     string // temp dir: data/, the socket, the log
	Version int    // major version of the server binaries
	bin     string
	cred    *syscall.Credential
	cmd     *exec.Cmd
	done    chan error
}

// DSN returns the URL of database name on the server.
func (s *Server) DSN(name string) string {
	return "postgres://pilotmap@/" + name + "?host=" + url.QueryEscape(s.Dir) + "&sslmode=disable"
}

// binDir finds the directory of initdb and postgres: on PATH, or where
// Debian's postgresql-NN package puts them (the newest version).
func binDir() (string, int, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int { return majorOf(b) - majorOf(a) })
	for _, f := range found {
		dirs = append(dirs, filepath.Dir(f))
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			out, err := exec.Command(filepath.Join(d, "postgres"), "--version").Output()
			if err != nil {
				return "", 0, fmt.Errorf("pgtest: %s --version: %w", filepath.Join(d, "postgres"), err)
			}
			// "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
			fields := strings.Fields(string(out))
			if len(fields) < 3 {
				return "", 0, fmt.Errorf("pgtest: unexpected version %q", out)
			}
			major, _ := strconv.Atoi(strings.Split(fields[2], ".")[0])
			return d, major, nil
		}
	}
	return "", 0, fmt.Errorf("pgtest: no initdb and postgres on PATH nor in /usr/lib/postgresql/*/bin: %w", ErrNotInstalled)
}

func majorOf(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// Start initialises a cluster in a new temp dir and starts its server,
// tuned for tests (no fsync), listening on a Unix socket only.
func Start() (*Server, error) {
	bin, major, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pilotmap-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	s := &Server{Dir: dir, Version: major}
	cred, err := serverUser(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "pilotmap", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	s.bin, s.cred = bin, cred
	if err := s.run(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// run starts postgres on the cluster and waits until it answers.
func (s *Server) run() error {
	logf, err := os.OpenFile(filepath.Join(s.Dir, "postgres.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	s.done = make(chan error, 1)
	s.cmd = exec.Command(filepath.Join(s.bin, "postgres"), "-D", filepath.Join(s.Dir, "data"), "-k", s.Dir,
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200")
	s.cmd.Dir = s.Dir
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	// Should the test binary die, the server gets SIGQUIT (immediate stop).
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	go func() { s.done <- s.cmd.Wait(); logf.Close() }()
	if err := s.waitReady(30 * time.Second); err != nil {
		s.cmd.Process.Kill()
		<-s.done
		s.done <- nil
		return err
	}
	return nil
}

// Restart starts the server again on the same data after Kill.
func (s *Server) Restart() error { return s.run() }

// serverUser returns the credential to run initdb and postgres with: none
// for a normal user, the postgres user's (owning dir) for root.
func serverUser(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, PostgreSQL needs another user: %w (Debian's postgresql package creates the user postgres)", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: user postgres: %w", err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("pgtest: postgres exited (%v):\n%s", err, s.logTail())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := pgx.Connect(ctx, s.DSN("postgres"))
		cancel()
		if err == nil {
			c.Close(context.Background())
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres not ready after %v: %v\n%s", limit, err, s.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(bytes.TrimSpace(b))
}

// Kill stops the server at once (SIGKILL), as a crash or a lost network
// would; Restart brings it back on the same data.
func (s *Server) Kill() error {
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("pgtest: kill: %w", err)
	}
	<-s.done
	s.done <- nil
	return nil
}

// Stop shuts the server down (fast shutdown: open sessions are ended)
// and removes its directory.
func (s *Server) Stop() error {
	defer os.RemoveAll(s.Dir)
	select {
	case <-s.done:
		s.done <- nil
		return nil // exited already
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		return fmt.Errorf("pgtest: stop: %w", err)
	}
	select {
	case <-s.done:
		return nil
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("pgtest: postgres did not stop within 15s; killed:\n%s", s.logTail())
	}
}

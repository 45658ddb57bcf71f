package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// newFlags makes a flag set for a command whose errors and help go to stderr.
func newFlags(e *env, name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: pilotmap %s %s\n\nflags:\n", name, usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// configFlag reports whether a flag is deployment configuration, which a
// PILOTMAP_<FLAG> environment variable may set. Flags that steer one run
// (--dry-run, --out, --layer, --json …) are taken from the command line only,
// so a variable left in the environment cannot change what a command does.
func configFlag(name string) bool {
	switch name {
	case "addr", "db", "attribution", "attribution-en", "approval-number", "unapproved-note", "tiles-url", "tiles-attribution", "memory-limit", "lang",
		"public-url", "trust-proxy", "access-log",
		"admin-token", "admin-user", "admin-password-hash", "session-key", "session-ttl":
		return true
	}
	return false
}

// parseFlags parses args and applies PILOTMAP_<FLAG> environment variables
// to configuration flags (configFlag) not given on the command line. It returns the exit code to use
// when the command must stop (0 after --help, 2 on a bad flag) and ok=false.
func parseFlags(e *env, fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var bad error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || bad != nil || !configFlag(f.Name) {
			return
		}
		key := "PILOTMAP_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := e.getenv(key); v != "" {
			if err := f.Value.Set(v); err != nil {
				bad = fmt.Errorf("%s=%q: %w", key, v, err)
			}
		}
	})
	if bad != nil {
		fmt.Fprintf(e.stderr, "pilotmap %s: %v\n", fs.Name(), bad)
		return 2, false
	}
	return 0, true
}

// Command pilotmap turns a notice of a Chinese government pilot program into
// a coverage map: it matches the listed units to administrative divisions,
// stores them in SQLite and serves vector layers, statistics and a web map.
//
// Usage: pilotmap <command> [flags]; `pilotmap help` lists the commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand: it parses its own flags from args and returns
// the process exit code.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// env is what a command may touch: its output streams and the environment
// lookup (for PILOTMAP_* defaults), so tests can run commands in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	stdin          io.Reader // nil: os.Stdin
}

func commands() map[string]command {
	return map[string]command{
		"serve":      {"serve the web map and the API", runServe},
		"export":     {"write a boundary layer as GeoJSON to stdout", runExport},
		"init":       {"create and seed a database with the default data", runInit},
		"match":      {"match a notice's units to divisions and print the join table", runMatch},
		"import":     {"match a notice and store its pilot units", runImport},
		"stats":      {"print coverage statistics", runStats},
		"render":     {"draw a presentation map as SVG (national, province or gaps; 16:9, 4:3, A4)", runRender},
		"gaps":       {"print where the program does not reach: gap clusters, distances, thin provinces", runGaps},
		"admin":      {"admin tasks: hash-password makes the bcrypt hash for serve --admin-password-hash", runAdmin},
		"boundaries": {"import a boundary file (GeoJSON, TopoJSON, zipped Shapefile), list the boundary versions, switch to one", runBoundaries},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, e *env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "pilotmap: unknown command %q\n", args[0])
		usage(e.stderr, cmds)
		return 2
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: pilotmap <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'pilotmap <command> --help' for a command's flags.")
}

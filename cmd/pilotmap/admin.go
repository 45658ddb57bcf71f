package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"pilotmap/internal/auth"
)

// runAdmin is `pilotmap admin hash-password`: it reads a password from
// standard input (one line) and prints its bcrypt hash for
// --admin-password-hash / PILOTMAP_ADMIN_PASSWORD_HASH.
func runAdmin(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] != "hash-password" {
		fmt.Fprintln(e.stderr, "usage: pilotmap admin hash-password < password.txt\n\nreads a password (one line, at least 8 characters) from standard input and prints its bcrypt hash (cost 12) for --admin-password-hash")
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			return 0
		}
		return 2
	}
	if len(args) > 1 {
		fmt.Fprintf(e.stderr, "pilotmap admin hash-password: unexpected arguments %q (the password is read from standard input, never from the command line)\n", args[1:])
		return 2
	}
	var in io.Reader = os.Stdin
	if e.stdin != nil {
		in = e.stdin
	}
	line, err := bufio.NewReader(io.LimitReader(in, 1<<10)).ReadString('\n')
	if err != nil && err != io.EOF {
		fmt.Fprintf(e.stderr, "pilotmap admin hash-password: %v\n", err)
		return 1
	}
	hash, err := auth.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap admin hash-password: %v\n", err)
		return 1
	}
	fmt.Fprintln(e.stdout, hash)
	return 0
}

// adminFlags are serve's flags that turn writes on.
type adminFlags struct {
	token, user, hash, key *string
	ttl                    *time.Duration
}

func addAdminFlags(fs *flag.FlagSet) adminFlags {
	return adminFlags{
		token: fs.String("admin-token", "", "bearer token that turns writes on (at least 16 characters); prefer the variable, a flag shows in ps (PILOTMAP_ADMIN_TOKEN)"),
		user:  fs.String("admin-user", "admin", "the name that signs in with the password (PILOTMAP_ADMIN_USER)"),
		hash:  fs.String("admin-password-hash", "", "bcrypt hash of the admin password, from `pilotmap admin hash-password`; turns writes on (PILOTMAP_ADMIN_PASSWORD_HASH)"),
		key:   fs.String("session-key", "", "hex key (at least 32 bytes) that signs session cookies; none: derived from the token and hash, the same on every replica configured alike (PILOTMAP_SESSION_KEY)"),
		ttl:   fs.Duration("session-ttl", auth.DefaultSessionTTL, "how long a sign-in lasts (PILOTMAP_SESSION_TTL)"),
	}
}

// authority returns the configured Authority, or nil when no credential is
// configured (writes off).
func (a adminFlags) authority() (*auth.Authority, error) {
	if *a.token == "" && *a.hash == "" {
		if *a.key != "" {
			return nil, fmt.Errorf("--session-key without --admin-token or --admin-password-hash")
		}
		return nil, nil
	}
	var key []byte
	if *a.key != "" {
		var err error
		if key, err = hex.DecodeString(*a.key); err != nil {
			return nil, fmt.Errorf("--session-key: not hex: %w", err)
		}
	}
	return auth.New(auth.Config{Token: *a.token, User: *a.user, PasswordHash: *a.hash, SessionKey: key, SessionTTL: *a.ttl})
}

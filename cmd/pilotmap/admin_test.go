package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashPassword(t *testing.T) {
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, stdin: strings.NewReader("correct horse battery\n")}
	if code := run(context.Background(), e, []string{"admin", "hash-password"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	hash := strings.TrimSpace(out.String())
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte("correct horse battery")); err != nil {
		t.Errorf("the hash %q does not check the password: %v", hash, err)
	}
	if cost, _ := bcrypt.Cost([]byte(hash)); cost != 12 {
		t.Errorf("cost %d, want 12", cost)
	}
	for _, tc := range []struct {
		args  []string
		stdin string
		code  int
	}{
		{[]string{"admin", "hash-password"}, "short\n", 1},
		{[]string{"admin", "hash-password", "secret"}, "", 2}, // never from the command line
		{[]string{"admin"}, "", 2},
	} {
		var o, eb bytes.Buffer
		e := &env{stdout: &o, stderr: &eb, getenv: func(string) string { return "" }, stdin: strings.NewReader(tc.stdin)}
		if code := run(context.Background(), e, tc.args); code != tc.code || o.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q; want %d and nothing", tc.args, code, o.String(), tc.code)
		}
	}
}

// A credential that cannot work is refused at start, naming it; the
// variables are read like the flags.
func TestServeBadAdminCredentials(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pm.db")
	for _, tc := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{nil, []string{"--admin-token", "short"}, "at least 16"},
		{map[string]string{"PILOTMAP_ADMIN_TOKEN": "short"}, nil, "at least 16"},
		{map[string]string{"PILOTMAP_ADMIN_PASSWORD_HASH": "plain"}, nil, "not a bcrypt hash"},
		{nil, []string{"--session-key", "00"}, "--session-key without"},
		{nil, []string{"--admin-token", "0123456789abcdef0123", "--session-key", "zz"}, "not hex"},
		{nil, []string{"--admin-token", "0123456789abcdef0123", "--session-key", "0011"}, "at least 32"},
	} {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, tc.args...)
		code, _, errs := runCmd(t, tc.vars, args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want 2 and %q", tc.vars, tc.args, code, errs, tc.want)
		}
	}
}

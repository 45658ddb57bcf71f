package main

import (
	"strings"
	"testing"
)

func TestByteSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		str  string
	}{
		{"160MiB", 160 << 20, "160MiB"},
		{"1GiB", 1 << 30, "1GiB"},
		{"1536MiB", 1536 << 20, "1536MiB"},
		{" 64 KiB ", 64 << 10, "64KiB"},
		{"1000", 1000, "1000B"},
		{"7B", 7, "7B"},
		{"0", 0, "0"},
	} {
		var b byteSize
		if err := b.Set(tc.in); err != nil || int64(b) != tc.want || b.String() != tc.str {
			t.Errorf("%q: %d %q, %v; want %d %q", tc.in, b, b.String(), err, tc.want, tc.str)
		}
	}
	for _, bad := range []string{"", "MiB", "-1MiB", "1.5GiB", "160MB", "12 apples", "99999999999TiB"} {
		var b byteSize
		if err := b.Set(bad); err == nil {
			t.Errorf("%q: accepted as %d", bad, b)
		}
	}
}

// TestServeMemoryLimitInvalid: a bad --memory-limit or
// PILOTMAP_MEMORY_LIMIT stops serve with exit code 2 before it opens the
// database.
func TestServeMemoryLimitInvalid(t *testing.T) {
	code, _, errs := runCmd(t, nil, "serve", "--memory-limit", "lots")
	if code != 2 || !strings.Contains(errs, "memory-limit") {
		t.Errorf("--memory-limit lots: exit %d, %s", code, errs)
	}
	code, _, errs = runCmd(t, map[string]string{"PILOTMAP_MEMORY_LIMIT": "160MB"}, "serve")
	if code != 2 || !strings.Contains(errs, "PILOTMAP_MEMORY_LIMIT") {
		t.Errorf("PILOTMAP_MEMORY_LIMIT=160MB: exit %d, %s", code, errs)
	}
}

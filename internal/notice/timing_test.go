package notice

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTiming(t *testing.T) {
	dir := os.Getenv("CORPUS")
	if dir == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		s := string(b)
		s = strings.TrimPrefix(s, "go test fuzz v1\n[]byte(")
		s = strings.TrimSuffix(strings.TrimSpace(s), ")")
		data, err := strconv.Unquote(s)
		if err != nil {
			t.Log(f, err)
			continue
		}
		start := time.Now()
		_, perr := Parse([]byte(data))
		t.Logf("%s %d bytes %v err=%v", filepath.Base(f), len(data), time.Since(start), perr)
	}
}

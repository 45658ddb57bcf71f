package server

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// /metrics scrapes clean with promtool (Debian's prometheus package) and
// counts what the requests before did. Without promtool the check is
// skipped locally and fails under CI=true.
func TestMetrics(t *testing.T) {
	h := newTestRouter(t)
	get(t, h, "/api/v1/layers/provinces?zoom=3")
	get(t, h, "/api/v1/layers/provinces?zoom=3")
	get(t, h, "/tiles/units/9999/0/0.mvt")
	r := get(t, h, "/metrics")
	wantStatus(t, r, 200, "")
	text := string(r.body)
	for _, want := range []string{
		`pilotmap_http_requests_total{code="200",route="/api/v1/layers/{layer}"} 2`,
		`pilotmap_http_requests_total{code="400",route="/tiles/{layer}/{z}/{x}/{y}.mvt"} 1`,
		`pilotmap_http_request_duration_seconds_bucket{route="/api/v1/layers/{layer}",le="+Inf"} 2`,
		`pilotmap_http_response_bytes_total{route="/api/v1/layers/{layer}"}`,
		"pilotmap_cache_hits_total 1",
		"pilotmap_cache_misses_total 1",
		"pilotmap_cache_evictions_total 0",
		"pilotmap_cache_entries 1",
		"pilotmap_cache_builds_in_flight 0",
		"pilotmap_world_builds_total{result=\"ok\"} 1",
		"pilotmap_world_build_duration_seconds_count 1",
		`pilotmap_data_version_info{version="`,
		"go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("PILOTMAP_REQUIRE_PROMTOOL") != "" {
			t.Fatal("promtool not found (Debian package prometheus); CI installs it")
		}
		t.Skip("promtool not found: apt-get install prometheus to check the metrics' format")
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(r.body)
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

package server

import "testing"

// TestHeaderValuesNotShared: two responses of one cached representation
// share no header value, so changing one's leaves the other's.
func TestHeaderValuesNotShared(t *testing.T) {
	h := newTestRouter(t)
	path := "/api/v1/layers/units?zoom=2"
	a := get(t, h, path, "Accept-Encoding: gzip")
	b := get(t, h, path, "Accept-Encoding: gzip")
	wantStatus(t, b, 200, "")
	if b.Header().Get("X-Cache") != "HIT" {
		t.Fatal("the second response is not from the cache")
	}
	for _, k := range []string{"Etag", "Cache-Control", "Vary", "Content-Type", "X-Content-Type-Options", "Content-Encoding", "Content-Length"} {
		va, vb := a.Header()[k], b.Header()[k]
		if len(va) != 1 || len(vb) != 1 {
			t.Fatalf("%s: %q and %q", k, va, vb)
		}
		if &va[0] == &vb[0] {
			t.Errorf("%s: both responses hold the same value %q", k, va[0])
		}
		want := vb[0]
		va[0] = "changed"
		a.Header().Add(k, "added")
		if vb[0] != want || len(b.Header()[k]) != 1 {
			t.Errorf("%s: changing one response changed the other: %q", k, b.Header()[k])
		}
	}
}

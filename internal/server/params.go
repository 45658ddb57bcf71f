package server

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"pilotmap/internal/layer"
	"pilotmap/internal/store"
)

// Limits of the query parameters.
const (
	maxQueryRunes   = 64      // q of /units and /search
	maxSearchLimit  = 100     // limit of /search
	defaultSearch   = 20      // its default
	defaultOGCLimit = 10      // limit of OGC items (the standard's example default)
	maxOGCLimit     = 10000   // and its maximum
	maxOGCOffset    = 1 << 30 // offsets beyond every collection's size
)

// params reads a request's query parameters with defaults and limits; each
// method returns a 400 problem naming the parameter when its value is bad.
type params struct {
	q   url.Values
	err error // the query is malformed (a bad %-escape, a semicolon)
}

func queryParams(u *url.URL) params {
	q, err := url.ParseQuery(u.RawQuery)
	return params{q, err}
}

// emptyValue is what a parameter given as "name=" is told.
const emptyValue = "empty value; give a value"

// value returns the parameter's single value; given twice is an error.
func (p params) value(name string) (string, bool, error) {
	vs, ok := p.q[name]
	if !ok {
		return "", false, nil
	}
	if len(vs) > 1 {
		return "", false, badParam(name, "given %d times, want at most once", len(vs))
	}
	return vs[0], true, nil
}

// given is value with an empty value an error: only a parameter whose
// empty value means something reads value.
func (p params) given(name string) (string, bool, error) {
	s, ok, err := p.value(name)
	if err == nil && ok && s == "" {
		return "", false, badParam(name, emptyValue)
	}
	return s, ok, err
}

// int reads an integer in [min, max], def when absent.
func (p params) int(name string, def, lo, hi int) (int, error) {
	s, ok, err := p.given(name)
	if err != nil || !ok {
		return def, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, "want an integer %d–%d, got %q", lo, hi, clip(s))
	}
	return n, nil
}

// download reads the optional download=1|0|true|false of the layers.
func (p params) download() (bool, error) { return p.flag("download") }

// flag reads an optional name=1|0|true|false; false when absent.
func (p params) flag(name string) (bool, error) {
	v, ok, err := p.given(name)
	if err != nil || !ok {
		return false, err
	}
	switch v {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, badParam(name, "want 1 or 0, got %q", clip(v))
}

// zoom reads the layer zoom, 0–layer.MaxZoom, default 4.
func (p params) zoom() (int, error) { return p.int("zoom", 4, 0, layer.MaxZoom) }

// bbox reads minLon,minLat,maxLon,maxLat in WGS 84; the zero Bound when
// absent. Latitudes must lie within ±90, longitudes within ±180 and each
// min not above its max.
func (p params) bbox() (orb.Bound, error) {
	s, ok, err := p.given("bbox")
	if err != nil || !ok {
		return orb.Bound{}, err
	}
	return parseBBox(s)
}

func parseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, badParam("bbox", "want 4 numbers minLon,minLat,maxLon,maxLat, got %d in %q", len(parts), clip(s))
	}
	var v [4]float64
	for i, part := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, badParam("bbox", "number %d is %q, not a number", i+1, clip(part))
		}
		v[i] = f
	}
	switch {
	case v[0] < -180 || v[2] > 180 || v[0] > 180 || v[2] < -180:
		return orb.Bound{}, badParam("bbox", "longitudes must lie within -180..180, got %g and %g", v[0], v[2])
	case v[1] < -90 || v[3] > 90 || v[1] > 90 || v[3] < -90:
		return orb.Bound{}, badParam("bbox", "latitudes must lie within -90..90, got %g and %g", v[1], v[3])
	case v[0] > v[2]:
		return orb.Bound{}, badParam("bbox", "minLon %g is greater than maxLon %g", v[0], v[2])
	case v[1] > v[3]:
		return orb.Bound{}, badParam("bbox", "minLat %g is greater than maxLat %g", v[1], v[3])
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// text reads a free-text parameter: trimmed, valid UTF-8, at most
// maxQueryRunes runes, no control characters; "" when absent and not
// required. Given but blank is a 400.
func (p params) text(name string, required bool) (string, error) {
	s, ok, err := p.value(name)
	if err != nil {
		return "", err
	}
	if !ok {
		if required {
			return "", badParam(name, "required, give a name or a code")
		}
		return "", nil
	}
	if s = strings.TrimSpace(s); s == "" {
		return "", badParam(name, emptyValue)
	}
	if !utf8.ValidString(s) {
		return "", badParam(name, "not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > maxQueryRunes {
		return "", badParam(name, "%d characters, at most %d allowed", n, maxQueryRunes)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", badParam(name, "control character %U not allowed", r)
		}
	}
	return s, nil
}

// provinceCode reads a province code (six digits ending in 0000); ""
// when absent. Whether the province exists is the caller's check.
func (p params) provinceCode(name string) (string, error) {
	s, ok, err := p.given(name)
	if err != nil || !ok {
		return "", err
	}
	if !isCode(s) || !strings.HasSuffix(s, "0000") {
		return "", badParam(name, "%q is not a province code (six digits ending in 0000, such as 130000)", clip(s))
	}
	return s, nil
}

// status reads a pilot unit status; "" when absent.
func (p params) status() (store.Status, error) {
	s, ok, err := p.given("status")
	if err != nil || !ok {
		return "", err
	}
	st := store.Status(s)
	if !st.Valid() {
		return "", badParam("status", "want %s or %s, got %q", store.StatusActive, store.StatusRevoked, clip(s))
	}
	return st, nil
}

// only rejects a malformed query and parameters other than the allowed
// ones (OGC API Features requires a 400 for unknown parameters). Of several
// unknown parameters it names the first in sorted order.
func (p params) only(allowed ...string) error {
	if p.err != nil {
		return newProblem(http.StatusBadRequest, "malformed query: "+clip(p.err.Error()))
	}
	for _, k := range p.names() {
		if slices.Contains(allowed, k) {
			continue
		}
		if len(allowed) == 0 {
			return badParam(k, "unknown parameter; this endpoint takes no parameters")
		}
		return badParam(k, "unknown parameter; this endpoint takes %s", strings.Join(allowed, ", "))
	}
	return nil
}

// strict is the rule of every route outside /ogc (docs/api.md): only the
// allowed parameters, each given once and with a value.
func (p params) strict(allowed ...string) error {
	if err := p.only(allowed...); err != nil {
		return err
	}
	for _, k := range p.names() {
		switch vs := p.q[k]; {
		case len(vs) > 1:
			return badParam(k, "given %d times, want at most once", len(vs))
		case vs[0] == "":
			return badParam(k, emptyValue)
		}
	}
	return nil
}

// names are the query's parameter names, sorted.
func (p params) names() []string {
	ks := make([]string, 0, len(p.q))
	for k := range p.q {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// isCode reports whether s is a six-digit division code.
func isCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pathCode checks a division code taken from the path.
func pathCode(name, s string) (string, error) {
	if !isCode(s) {
		return "", badParam(name, "want a six-digit division code, got %q", clip(s))
	}
	return s, nil
}

// tileParams parses z, x and y of a tile path and checks the tile exists.
//
// Only canonical integers are taken (no sign, no leading zero: 04, +4 and
// -0 are 400s), so a tile has one URL and a CDN one cache key for it.
func tileParams(zs, xs, ys string) (maptile.Tile, error) {
	z, err := canonicalInt(zs)
	if err != nil || z < 0 || z > layer.MaxZoom {
		return maptile.Tile{}, badParam("z", "want an integer 0–%d, got %q", layer.MaxZoom, clip(zs))
	}
	n := 1 << z
	x, err := canonicalInt(xs)
	if err != nil || x < 0 || x >= n {
		return maptile.Tile{}, badParam("x", "want an integer 0–%d at zoom %d, got %q", n-1, z, clip(xs))
	}
	y, err := canonicalInt(ys)
	if err != nil || y < 0 || y >= n {
		return maptile.Tile{}, badParam("y", "want an integer 0–%d at zoom %d, got %q", n-1, z, clip(ys))
	}
	t := maptile.New(uint32(x), uint32(y), maptile.Zoom(z))
	if !t.Valid() {
		return maptile.Tile{}, badParam("z", "tile %d/%d/%d does not exist", z, x, y)
	}
	return t, nil
}

// canonicalInt parses a non-negative integer written without sign or
// leading zeros.
func canonicalInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("not a canonical integer: %q", s)
	}
	return n, nil
}

// clip shortens a value quoted back in an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"pilotmap/internal/onewrite"
	"pilotmap/internal/world"
)

// Cache-Control values.
const (
	// API documents may change with any import: clients revalidate with
	// their ETag every time (a cheap 304).
	cacheRevalidate = "no-cache"
	// Layers and tiles: a map may keep them a minute before revalidating.
	cacheGeometry = "public, max-age=60"
)

// minGzip is the size below which a body is sent uncompressed.
const minGzip = 1024

// representation is a response body ready to send, with its gzip form and
// strong ETags: built once and, for layers and tiles, kept in the cache.
//
// An open representation (newOpenRepresentation) is the first part of a
// body whose end differs per request (the links of an OGC page, which name
// the host the client used): its gzip form stops at a byte boundary
// without a last block, and serveTail ends it with the request's tail, so
// the cached bytes are shared by every client and name no host.
type representation struct {
	status       int    // 200, or 204 for an empty tile
	body         []byte // identity; nil when the cache keeps only gz (compact)
	gz           []byte // gzip, nil when not smaller or too small to bother
	plainLen     int    // len of the identity body (kept when body is dropped)
	etag, gzETag string // quoted
	ctype        string
	cacheControl string
	open         bool   // gz lacks its last block and trailer (serveTail)
	crc          uint32 // open: CRC-32 of the identity body
	// matched and returned are an OGC page's numberMatched and
	// numberReturned, which its per-request tail states.
	matched, returned int
}

func (r *representation) size() int64 { return int64(len(r.body) + len(r.gz) + 256) }

// newRepresentation hashes body for its ETag and compresses it at level
// (gzip.BestSpeed for one-off responses, a higher level for cached ones).
func (s *server) newRepresentation(ctype, cacheControl string, body []byte, level int) *representation {
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:18])
	rep := &representation{
		status:       http.StatusOK,
		body:         body,
		plainLen:     len(body),
		etag:         `"` + tag + `"`,
		gzETag:       `"` + tag + `-gz"`,
		ctype:        ctype,
		cacheControl: cacheControl,
	}
	if len(body) >= minGzip {
		if gz := s.gzip(body, level); len(gz) < len(body) {
			rep.gz = gz
		}
	}
	return rep
}

// newOpenRepresentation is the first part of a body that serveTail ends
// per request; its gzip form is always kept (the tail is added to it).
func newOpenRepresentation(ctype, cacheControl string, prefix []byte, level int) *representation {
	sum := sha256.Sum256(prefix)
	tag := base64.RawURLEncoding.EncodeToString(sum[:18])
	var buf bytes.Buffer
	buf.Grow(len(prefix)/4 + 64)
	zw, _ := gzip.NewWriterLevel(&buf, level) // level is one of the constants
	zw.Write(prefix)
	zw.Flush() // a sync flush: the deflate stream ends on a byte boundary, not final
	return &representation{
		status:       http.StatusOK,
		body:         prefix,
		gz:           buf.Bytes(),
		plainLen:     len(prefix),
		etag:         `"` + tag + `"`,
		gzETag:       `"` + tag + `-gz"`,
		ctype:        ctype,
		cacheControl: cacheControl,
		open:         true,
		crc:          crc32.ChecksumIEEE(prefix),
	}
}

// gzipTail ends an open representation's gzip stream with tail: tail in
// stored deflate blocks, the last one final (RFC 1951 §3.2.4: a header
// byte, LEN and its complement), then the gzip trailer (RFC 1952: CRC-32
// and length of the whole identity body).
func gzipTail(rep *representation, tail []byte) []byte {
	out := make([]byte, 0, len(tail)+5*(len(tail)/0xffff+1)+8)
	crc := crc32.Update(rep.crc, crc32.IEEETable, tail)
	size := uint32(rep.plainLen + len(tail))
	for first := true; first || len(tail) > 0; first = false {
		n := min(len(tail), 0xffff)
		final := byte(0)
		if n == len(tail) {
			final = 1
		}
		out = append(out, final, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		out = append(out, tail[:n]...)
		tail = tail[n:]
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, size)
}

// emptyRepresentation is a 204 No Content.
func emptyRepresentation(cacheControl string) *representation {
	return &representation{
		status:       http.StatusNoContent,
		etag:         `"empty"`,
		gzETag:       `"empty"`,
		cacheControl: cacheControl,
	}
}

func (s *server) gzip(body []byte, level int) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	zw, _ := gzip.NewWriterLevel(&buf, level) // level is one of the constants
	zw.Write(body)
	zw.Close()
	return buf.Bytes()
}

// serve writes rep: 304 when If-None-Match names it, gzip when the client
// accepts it.
func serve(w http.ResponseWriter, r *http.Request, rep *representation) { serveTail(w, r, rep, nil) }

// serveTail writes rep followed by tail (rep must be open when tail is not
// nil): the tail's hash joins the ETags.
func serveTail(w http.ResponseWriter, r *http.Request, rep *representation, tail []byte) {
	useGzip := rep.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding"))
	tags := [2]string{rep.etag, rep.gzETag}
	var gzTail []byte
	if rep.open {
		sum := sha256.Sum256(tail)
		t := "." + base64.RawURLEncoding.EncodeToString(sum[:9])
		tags[0] = rep.etag[:len(rep.etag)-1] + t + `"`
		tags[1] = rep.gzETag[:len(rep.gzETag)-1] + t + `"`
		if useGzip {
			gzTail = gzipTail(rep, tail)
		}
	}
	etag, body := tags[0], rep.body
	if useGzip {
		etag, body = tags[1], rep.gz
	}
	// This response's own header values, in one allocation: nothing is
	// shared with other responses. Each header gets a slice of capacity 1,
	// so an append to one copies it rather than overwriting the next.
	v := &[...]string{etag, rep.cacheControl, "Accept-Encoding", rep.ctype, "nosniff", "gzip", ""}
	h := w.Header()
	h["Etag"] = v[0:1:1]
	h["Cache-Control"] = v[1:2:2]
	if rep.gz != nil {
		h["Vary"] = v[2:3:3]
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, tags[0], tags[1]) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if rep.status == http.StatusNoContent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h["Content-Type"] = v[3:4:4]
	h["X-Content-Type-Options"] = v[4:5:5]
	if useGzip {
		h["Content-Encoding"] = v[5:6:6]
	}
	inflate := !useGzip && rep.gzOnly()
	n := len(body) + len(gzTail)
	if inflate {
		n = rep.plainLen
	}
	if !useGzip {
		n += len(tail)
	}
	v[6] = strconv.Itoa(n)
	h["Content-Length"] = v[6:7:7]
	if r.Method == http.MethodHead {
		w.WriteHeader(rep.status)
		return
	}
	if n >= holdFrom {
		if held := onewrite.Hold(r.Context(), n+headerAllowance); held.Holding() {
			defer sendHeld(w, held)
		}
	}
	w.WriteHeader(rep.status)
	if inflate {
		if rep.writeInflated(w) != nil {
			return
		}
	} else if _, err := w.Write(body); err != nil {
		return
	}
	if useGzip {
		w.Write(gzTail)
	} else {
		w.Write(tail)
	}
}

// A body of holdFrom bytes or more does not fit beside its headers in
// net/http's 4 KiB connection buffer and would leave in two writes; such a
// response is held (internal/onewrite) and sent in one. headerAllowance is
// room for the status line and headers (about 500 bytes here; more is
// written through, in order).
const (
	holdFrom        = 3 << 10
	headerAllowance = 1 << 10
)

// sendHeld flushes net/http's buffers into what the connection holds and
// sends it; a failure is the response cut off.
func sendHeld(w http.ResponseWriter, held onewrite.Held) {
	var err error
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	} else {
		err = http.NewResponseController(w).Flush()
	}
	if err2 := held.Send(); err == nil {
		err = err2
	}
	if err != nil {
		if sw, ok := w.(interface{ noteWriteError(error) }); ok {
			sw.noteWriteError(err)
		}
	}
}

// writeJSON marshals v and serves it with an ETag and gzip.
func (s *server) writeJSON(w http.ResponseWriter, r *http.Request, ctype string, v any) error {
	body, err := marshalJSON(v)
	if err != nil {
		return err
	}
	serve(w, r, s.newRepresentation(ctype, cacheRevalidate, body, gzip.BestSpeed))
	return nil
}

// cachedJSON serves the JSON of what build returns, built once per data
// version, path and query (canonicalQuery; the routes reject unknown
// parameters before). Use it for documents that depend only on the data.
func (s *server) cachedJSON(w http.ResponseWriter, r *http.Request, wd *world.World, build func() (any, error)) error {
	key := cacheKey{version: wd.Version, kind: kindAPI, path: r.URL.Path, query: canonicalQuery(r.URL)}
	rep, hit, err := s.cache.get(r.Context(), key, func(context.Context) (*representation, error) {
		v, err := build()
		if err != nil {
			return nil, err
		}
		body, err := marshalJSON(v)
		if err != nil {
			return nil, err
		}
		return s.newRepresentation(ctypeJSON, cacheRevalidate, body, gzip.DefaultCompression), nil
	})
	if err != nil {
		return err
	}
	setCacheStatus(w, hit)
	serve(w, r, rep)
	return nil
}

// canonicalQuery is a query's parameters sorted by name and re-encoded, so
// the same parameters in another order or spelling share a cache entry.
func canonicalQuery(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return queryParams(u).q.Encode()
}

const (
	ctypeJSON    = "application/json"
	ctypeGeoJSON = "application/geo+json"
)

// marshalJSON encodes v without HTML escaping, with a final newline.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// acceptsGzip reads an Accept-Encoding header: gzip (or x-gzip, or *) with
// a q-value above 0.
func acceptsGzip(header string) bool {
	if header == "" {
		return false
	}
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch name {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

// etagMatch reports whether an If-None-Match header names one of tags
// (weak comparison, as RFC 9110 prescribes for If-None-Match).
func etagMatch(header string, tags ...string) bool {
	if strings.TrimSpace(header) == "*" {
		return true
	}
	for part := range strings.SplitSeq(header, ",") {
		t := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		for _, tag := range tags {
			if t == tag {
				return true
			}
		}
	}
	return false
}

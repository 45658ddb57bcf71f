package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// maxBodyBytes limits request bodies: the API reads, and the admin
// routes take small JSON, so any body is small or a mistake; only an
// uploaded notice may be larger (maxUploadBytes).
const maxBodyBytes = 64 << 10

// maxURIBytes limits the request target (path and query).
const maxURIBytes = 4 << 10

// requestInfo is what the middleware tells the handlers and what the
// router tells the middleware back. It lives in the response writer the
// middleware passes on (statusWriter), not in the request's context: a
// context value would copy the request once more for every request.
type requestInfo struct {
	id    string // X-Request-Id
	route string // the matched route's template; "unmatched" until set
}

// infoOf returns the request's info, nil when w is not the middleware's.
func infoOf(w http.ResponseWriter) *requestInfo {
	if sw, ok := w.(*statusWriter); ok {
		return &sw.info
	}
	return nil
}

// requestID returns the request's id ("" outside the middleware).
func requestID(w http.ResponseWriter) string {
	if info := infoOf(w); info != nil {
		return info.id
	}
	return ""
}

// requestIDs makes request ids: a random prefix per server and a counter.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	b := make([]byte, 4)
	rand.Read(b)
	return &requestIDs{prefix: hex.EncodeToString(b)}
}

func (g *requestIDs) next() string {
	b := make([]byte, 0, 32)
	b = append(b, g.prefix...)
	b = append(b, '-')
	return string(strconv.AppendUint(b, g.n.Add(1), 10))
}

// validRequestID accepts a client's X-Request-Id when it is short and
// plain, so it can go into logs unescaped.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// statusWriter records the status, the bytes written and the first write
// error (a client gone, or the write timeout cutting the response off).
type statusWriter struct {
	http.ResponseWriter
	info     requestInfo
	status   int
	bytes    int
	writeErr error
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	if err != nil && w.writeErr == nil {
		w.writeErr = err
	}
	return n, err
}

// noteWriteError records an error of a write made for the response
// elsewhere (a held response sent after the handler's writes returned).
func (w *statusWriter) noteWriteError(err error) {
	if w.writeErr == nil {
		w.writeErr = err
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes flushes through.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// corsExposed are the response headers a script on another origin may
// read.
const corsExposed = "ETag, Content-Disposition, X-Request-Id, X-Cache, Retry-After"

// middleware wraps every request: a request id (X-Request-Id, taken from
// the client when plain, else made), CORS for the public data, limits on
// the request, a 400 for paths that are not canonical, recovery from
// panics as a 500 problem, metrics and one access log line.
func (s *server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = s.ids.next()
		}
		h := w.Header()
		// The values in one allocation, each a slice of capacity 1 (an
		// append copies it), as in serveTail.
		v := &[...]string{id, "*", corsExposed}
		h["X-Request-Id"] = v[0:1:1]
		public := isPublicData(r.URL.Path)
		if public {
			// Public, read-only data: maps on other origins may use it.
			h["Access-Control-Allow-Origin"] = v[1:2:2]
			h["Access-Control-Expose-Headers"] = v[2:3:3]
		}
		sw := &statusWriter{ResponseWriter: w, info: requestInfo{id: id, route: "unmatched"}}
		s.metrics.inFlight.Inc()
		defer func() {
			s.metrics.inFlight.Dec()
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.LogAttrs(r.Context(), slog.LevelError, "panic", slog.String("request_id", id),
					slog.String("path", r.URL.Path), slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
				if sw.status == 0 {
					writeProblem(sw, r, newProblem(http.StatusInternalServerError, "internal error; see the server log for request "+id))
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			took := time.Since(start)
			s.metrics.observe(sw.info.route, status, sw.bytes, took)
			s.logRequest(r, sw, id, status, start, took)
		}()
		if len(r.RequestURI) > maxURIBytes {
			writeProblem(sw, r, newProblem(http.StatusRequestURITooLong, fmt.Sprintf("request target of %d bytes, at most %d allowed", len(r.RequestURI), maxURIBytes)))
			return
		}
		limit := int64(maxBodyBytes)
		if r.URL.Path == adminPath+"/imports" {
			limit = maxUploadBytes // a notice
		}
		if r.ContentLength > limit {
			writeProblem(sw, r, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("request body of %d bytes, at most %d allowed", r.ContentLength, limit)))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(sw, r.Body, limit)
		}
		if !canonicalPath(r.URL.Path) {
			writeProblem(sw, r, newProblem(http.StatusBadRequest, fmt.Sprintf("path %q has an empty, . or .. segment; no path is redirected", clip(r.URL.Path))))
			return
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			preflight(sw, r, public)
			return
		}
		next.ServeHTTP(sw, r)
	})
}

// logRequest writes the access line of a request, or the warning of a
// response cut off. The access line is built only when its logger takes
// it, and handed to the handler as a record without a caller's PC (no
// access line has a source to show; taking it is a tenth of the cost).
func (s *server) logRequest(r *http.Request, sw *statusWriter, id string, status int, start time.Time, took time.Duration) {
	ctx := r.Context()
	level, msg, logger := slog.LevelInfo, "request", s.access
	if sw.writeErr != nil {
		// The status went out, the body did not: the client left or the
		// write timeout cut the response off.
		level, msg, logger = slog.LevelWarn, "response cut off", s.log
	}
	h := logger.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	rec := slog.NewRecord(start.Add(took), level, msg, 0)
	rec.AddAttrs(
		slog.String("request_id", id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("query", r.URL.RawQuery),
		slog.Int("status", status),
		slog.Int("bytes", sw.bytes),
		slog.Duration("duration", took),
		slog.String("remote", r.RemoteAddr),
		slog.String("cache", sw.Header().Get("X-Cache")),
	)
	if sw.writeErr != nil {
		rec.AddAttrs(slog.String("error", sw.writeErr.Error()))
	}
	h.Handle(ctx, rec)
}

// isPublicData reports whether a path is under the data routes, which any
// origin may read.
func isPublicData(p string) bool {
	if p == adminPath || strings.HasPrefix(p, adminPath+"/") {
		return false // the admin routes answer their own origin only
	}
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/tiles/") || p == "/ogc" || strings.HasPrefix(p, "/ogc/")
}

// canonicalPath reports whether a (decoded) path has no empty segment
// (a double slash) and no . or .. segment; "/" and a final slash pass.
func canonicalPath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	rest := strings.TrimSuffix(p[1:], "/")
	if rest == "" {
		return true
	}
	for seg := range strings.SplitSeq(rest, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// preflight answers a CORS preflight: 204 with what a cross-origin GET may
// send, for the public data; elsewhere a 204 without CORS headers, which
// the browser reads as a refusal.
func preflight(w http.ResponseWriter, r *http.Request, public bool) {
	h := w.Header()
	h.Set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	if public {
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Accept, Accept-Encoding, If-None-Match, X-Request-Id, Content-Type")
		h.Set("Access-Control-Max-Age", "86400")
	}
	w.WriteHeader(http.StatusNoContent)
}

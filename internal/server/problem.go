package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"pilotmap/internal/store"
)

// problem is an RFC 9457 problem detail; handlers return it (or wrap it)
// as their error and handle turns it into the response.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Instance  string `json:"instance,omitempty"`
	// allow is the Allow header of a 405.
	allow string
	// retryAfter is the Retry-After header of a 503 or 429.
	retryAfter string
	// challenge is the WWW-Authenticate header of a 401.
	challenge string
}

func (p *problem) Error() string {
	if p.Parameter != "" {
		return fmt.Sprintf("%d %s: %s", p.Status, p.Parameter, p.Detail)
	}
	return fmt.Sprintf("%d %s", p.Status, p.Detail)
}

func newProblem(status int, detail string) *problem {
	return &problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// badParam is a 400 naming the bad parameter.
func badParam(name, format string, args ...any) *problem {
	name = clip(name) // names come from the query too
	p := newProblem(http.StatusBadRequest, name+": "+fmt.Sprintf(format, args...))
	p.Parameter = name
	return p
}

// notFound is a 404.
func notFound(format string, args ...any) *problem {
	return newProblem(http.StatusNotFound, fmt.Sprintf(format, args...))
}

// notFoundParam is a 404 about the value of a path parameter, e.g. an
// unknown layer.
func notFoundParam(name, format string, args ...any) *problem {
	name = clip(name)
	p := notFound("%s: %s", name, fmt.Sprintf(format, args...))
	p.Parameter = name
	return p
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc: a *problem becomes its status and body;
// store.ErrNotFound a 404; a cancelled request is logged, not answered;
// anything else a 500 whose body names no internals.
func (s *server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setRoute(w, r)
		err := h(w, r)
		if err == nil {
			return
		}
		var p *problem
		switch {
		case errors.As(err, &p):
		case errors.Is(err, store.ErrNotFound):
			p = notFound("%v", err)
		case errors.Is(err, errBusy):
			p = newProblem(http.StatusServiceUnavailable, "the server is busy building other responses; try again in a second")
			p.retryAfter = "1"
		case isCancelled(r.Context(), err):
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request cancelled", slog.String("request_id", requestID(w)), slog.String("error", err.Error()))
			return
		default:
			s.log.LogAttrs(r.Context(), slog.LevelError, "request failed", slog.String("request_id", requestID(w)), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
			p = newProblem(http.StatusInternalServerError, "internal error; see the server log for request "+requestID(w))
		}
		writeProblem(w, r, p)
	})
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *problem) {
	q := *p
	if q.Type == "" {
		q.Type = "about:blank"
	}
	if q.Title == "" {
		q.Title = http.StatusText(q.Status)
	}
	q.Instance = r.URL.RequestURI()
	body, err := json.Marshal(&q)
	if err != nil { // cannot happen: only strings and an int
		body = []byte(`{"type":"about:blank","status":500}`)
	}
	h := w.Header()
	for _, k := range []string{"ETag", "Content-Encoding", "Last-Modified"} {
		h.Del(k)
	}
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if q.allow != "" {
		h.Set("Allow", q.allow)
	}
	if q.challenge != "" {
		h.Set("WWW-Authenticate", q.challenge)
	}
	if q.retryAfter != "" {
		h.Set("Retry-After", q.retryAfter)
	}
	w.WriteHeader(q.Status)
	w.Write(append(body, '\n'))
}

// isCancelled reports whether err is the request's context ending.
func isCancelled(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

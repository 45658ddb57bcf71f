package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"pilotmap/internal/auth"
	"pilotmap/internal/document"
	"pilotmap/internal/store"
)

// The admin routes (/api/v1/admin/…) are the only writes. Without
// Deps.Auth every one of them is a 404 saying writes are off. With it:
//
//   - a request carries either Authorization: Bearer TOKEN (scripts; no
//     cookie, so no CSRF check) or the session cookie set by signing in;
//     neither is a 401;
//   - a state-changing request with the cookie carries X-CSRF-Token, the
//     HMAC of its session id (auth.CSRFToken), compared in constant time;
//     a missing or wrong one is a 403. The cookie is SameSite=Strict too,
//     and http.CrossOriginProtection refuses cross-origin browser
//     requests (Sec-Fetch-Site/Origin) on every admin write, sign-in
//     included;
//   - failed sign-ins and bad bearer tokens count against the client's
//     address (auth.Limiter); past the limit a 429 with Retry-After;
//   - every write appends to the audit log in its own transaction.

// sessionCookie is the name of the session cookie.
const sessionCookie = "pilotmap_session"

// adminPath is where the admin routes live; the session cookie is sent
// only there.
const adminPath = "/api/v1/admin"

// csrfHeader carries the CSRF token of a session.
const csrfHeader = "X-CSRF-Token"

// principal is who makes an admin request.
type principal struct {
	actor   string        // the audit log's "who"
	via     string        // "token" or "session"
	session *auth.Session // nil for a token
	client  string        // the client's address
}

// adminFunc is an admin handler, called with the caller checked.
type adminFunc func(w http.ResponseWriter, r *http.Request, p principal) error

// writesOff is the problem every admin route answers without a credential
// configured.
func writesOff() *problem {
	return notFound("writes are off: this server is read-only (start pilotmap serve with --admin-token or --admin-password-hash to turn them on)")
}

// unauthorized is a 401 with the challenge.
func unauthorized(detail string) *problem {
	p := newProblem(http.StatusUnauthorized, detail)
	p.challenge = `Bearer realm="pilotmap admin"`
	return p
}

// adminRoute serves one admin path: the methods it takes, each checked
// by admin (or, for signing in, by nothing but the limit).
func (s *server) adminRoute(methods map[string]handlerFunc) http.Handler {
	allow := make([]string, 0, len(methods))
	for m := range methods {
		allow = append(allow, m)
	}
	slices.Sort(allow)
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if s.auth == nil {
			return writesOff()
		}
		h, ok := methods[r.Method]
		if !ok && r.Method == http.MethodHead {
			h, ok = methods[http.MethodGet]
		}
		if !ok {
			p := newProblem(http.StatusMethodNotAllowed, r.Method+" is not allowed; use "+strings.Join(allow, ", "))
			p.allow = strings.Join(allow, ", ")
			return p
		}
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := s.crossOrigin.Check(r); err != nil {
				return newProblem(http.StatusForbidden, "cross-origin request refused: "+err.Error())
			}
		}
		return h(w, r)
	})
}

// admin checks the caller of an admin handler.
func (s *server) admin(h adminFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.authenticate(w, r)
		if err != nil {
			return err
		}
		return h(w, r, p)
	}
}

// authenticate finds who makes the request: a bearer token, else the
// session cookie with, on a state-changing request, its CSRF token.
func (s *server) authenticate(w http.ResponseWriter, r *http.Request) (principal, error) {
	client := s.clientAddr(r)
	now := time.Now()
	if h := r.Header.Get("Authorization"); h != "" {
		if blocked, wait := s.limiter.Blocked(client, now); blocked {
			return principal{}, tooManyAttempts(wait)
		}
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !s.auth.CheckToken(strings.TrimSpace(tok)) {
			s.limiter.Failed(client, now)
			s.audit(w, r, store.AuditEntry{Actor: auth.TokenActor, Client: client, Action: store.AuditSignInFailed, Target: "bearer token",
				Detail: "a request with a wrong bearer token (or another Authorization scheme) was refused"})
			return principal{}, unauthorized("the Authorization header holds no valid bearer token")
		}
		return principal{actor: auth.TokenActor, via: "token", client: client}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return principal{}, unauthorized("sign in first (POST " + adminPath + "/session), or send Authorization: Bearer TOKEN")
	}
	sess, err := s.auth.ParseSession(c.Value, now)
	if err != nil {
		return principal{}, unauthorized(err.Error())
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.auth.CheckCSRF(sess, r.Header.Get(csrfHeader)) {
		return principal{}, newProblem(http.StatusForbidden, "missing or wrong "+csrfHeader+" header: send the csrf_token of GET "+adminPath+"/session")
	}
	return principal{actor: sess.User, via: "session", session: &sess, client: client}, nil
}

func tooManyAttempts(wait time.Duration) *problem {
	secs := int(wait.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	p := newProblem(http.StatusTooManyRequests, fmt.Sprintf("too many failed sign-ins from this address; try again in %d s", secs))
	p.retryAfter = strconv.Itoa(secs)
	return p
}

// clientAddr is the client's address: the connection's peer, or behind a
// trusted proxy the last address it appended to X-Forwarded-For.
func (s *server) clientAddr(r *http.Request) string {
	if s.links.trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secureRequest reports whether the client reached the server over HTTPS.
func (s *server) secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.links.trustProxy && strings.EqualFold(firstValue(r.Header.Get("X-Forwarded-Proto")), "https")
}

// audit appends an entry on its own; a failure is logged (the request's
// answer does not change: the entry is about a refusal or a sign-in).
func (s *server) audit(w http.ResponseWriter, r *http.Request, e store.AuditEntry) {
	if _, err := s.adminStore.AppendAudit(r.Context(), e); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "audit entry not stored", slog.String("request_id", requestID(w)),
			slog.String("action", e.Action), slog.String("error", err.Error()))
	}
}

// sessionDoc is the answer of GET and POST /api/v1/admin/session.
type sessionDoc struct {
	User      string `json:"user"`
	Via       string `json:"via"`
	CSRFToken string `json:"csrf_token,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
}

func (s *server) sessionJSON(p principal) sessionDoc {
	d := sessionDoc{User: p.actor, Via: p.via}
	if p.session != nil {
		d.CSRFToken = s.auth.CSRFToken(*p.session)
		d.ExpiresAt = p.session.Expires.UTC().Format(time.RFC3339)
	}
	return d
}

// GET /api/v1/admin/session: who is signed in, with the CSRF token.
func (s *server) getSession(w http.ResponseWriter, r *http.Request, p principal) error {
	return writeAdminJSON(w, http.StatusOK, s.sessionJSON(p))
}

// maxSignInBytes bounds a sign-in body.
const maxSignInBytes = 4 << 10

// POST /api/v1/admin/session: sign in with {"user","password"} (JSON or a
// form); sets the session cookie.
func (s *server) postSession(w http.ResponseWriter, r *http.Request) error {
	client := s.clientAddr(r)
	now := time.Now()
	if blocked, wait := s.limiter.Blocked(client, now); blocked {
		return tooManyAttempts(wait)
	}
	user, password, err := readSignIn(r)
	if err != nil {
		return err
	}
	who, ok := s.auth.SignIn(user, password)
	if !ok {
		s.limiter.Failed(client, now)
		s.audit(w, r, store.AuditEntry{Actor: clipName(user), Client: client, Action: store.AuditSignInFailed, Target: "session",
			Detail: "wrong name or password"})
		return unauthorized("wrong name or password")
	}
	sess, value := s.auth.NewSession(who, now)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: adminPath, Expires: sess.Expires, MaxAge: int(s.auth.SessionTTL() / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureRequest(r),
	})
	p := principal{actor: who, via: "session", session: &sess, client: client}
	s.audit(w, r, store.AuditEntry{Actor: who, Client: client, Action: store.AuditSignIn, Target: "session",
		Detail: "signed in until " + sess.Expires.UTC().Format(time.RFC3339)})
	return writeAdminJSON(w, http.StatusOK, s.sessionJSON(p))
}

// DELETE /api/v1/admin/session: sign out (the cookie is cleared; a
// signed cookie copied elsewhere stays valid until it expires).
func (s *server) deleteSession(w http.ResponseWriter, r *http.Request, p principal) error {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: adminPath, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureRequest(r)})
	s.audit(w, r, store.AuditEntry{Actor: p.actor, Client: p.client, Action: store.AuditSignOut, Target: "session", Detail: "signed out"})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// readSignIn reads the name and password of a sign-in, as JSON or as a
// form.
func readSignIn(r *http.Request) (user, password string, err error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxSignInBytes)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var in struct {
			User     string `json:"user"`
			Password string `json:"password"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return "", "", newProblem(http.StatusBadRequest, "the sign-in body is not {\"user\": …, \"password\": …}: "+err.Error())
		}
		user, password = in.User, in.Password
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return "", "", newProblem(http.StatusBadRequest, "the sign-in form cannot be read: "+err.Error())
		}
		user, password = r.PostForm.Get("user"), r.PostForm.Get("password")
	default:
		return "", "", newProblem(http.StatusUnsupportedMediaType, "sign in with application/json or a form, not "+clip(ct))
	}
	if password == "" {
		return "", "", badParam("password", "required")
	}
	return user, password, nil
}

// clipName keeps a name typed at sign-in short and printable for the log.
func clipName(s string) string {
	if !utf8.ValidString(s) {
		return "(not UTF-8)"
	}
	var b strings.Builder
	for i, r := range []rune(s) {
		if i == 64 {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeAdminJSON writes v with status; admin answers are never cached.
func writeAdminJSON(w http.ResponseWriter, status int, v any) error {
	body, err := marshalJSON(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctypeJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// errNoAdminStore is why writes stay off over a store without Admin.
var errNoAdminStore = errors.New("the store does not support admin writes")

// setUpAdmin turns writes on when d has a credential and a store that
// can take them.
func (s *server) setUpAdmin(d Deps) {
	s.crossOrigin = http.NewCrossOriginProtection()
	if d.Auth == nil {
		return
	}
	if d.Data == nil || s.worlds == nil {
		s.log.Error("writes stay off", "error", "no dataset or no topology")
		return
	}
	as, ok := d.Data.Store.(store.Admin)
	if !ok {
		s.log.Error("writes stay off", "error", errNoAdminStore)
		return
	}
	lim, err := auth.NewLimiter(d.SignInLimit)
	if err != nil {
		s.log.Error("writes stay off", "error", err)
		return
	}
	s.auth, s.adminStore, s.limiter = d.Auth, as, lim
	s.converter = d.Converter
	if s.converter == nil {
		s.converter, s.ownConv = document.New(), true
	}
}

// adminRoutes adds the routes under /api/v1/admin.
func (s *server) adminRoutes(r *mux.Router) {
	r.Handle(adminPath+"/session", s.adminRoute(map[string]handlerFunc{
		http.MethodGet:    s.admin(s.getSession),
		http.MethodPost:   s.postSession,
		http.MethodDelete: s.admin(s.deleteSession),
	}))
	r.Handle(adminPath+"/imports", s.adminRoute(map[string]handlerFunc{http.MethodPost: s.admin(s.postImport)}))
	r.Handle(adminPath+"/units/{id}/status", s.adminRoute(map[string]handlerFunc{http.MethodPost: s.admin(s.postUnitStatus)}))
	r.Handle(adminPath+"/audit", s.adminRoute(map[string]handlerFunc{http.MethodGet: s.admin(s.getAudit)}))
	r.PathPrefix(adminPath + "/").Handler(s.adminRoute(map[string]handlerFunc{}))
}

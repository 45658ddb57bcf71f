package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"pilotmap/geodata"
	"pilotmap/internal/auth"
	"pilotmap/internal/dataset"
	"pilotmap/internal/document"
	"pilotmap/internal/document/documenttest"
	"pilotmap/internal/importer"
	"pilotmap/internal/store"
)

const testToken = "test-admin-token-0123456789"

// testLimit is the default burst of 5 failed sign-ins, refilled so slowly
// that a slow run (the race detector) does not regain one.
var testLimit = auth.LimitConfig{Burst: 5, Every: time.Hour}

// adminServer is a real HTTP server over its own new SQLite file, writes
// on with testToken (and the password "correct horse" for "office").
type adminServer struct {
	*httptest.Server
	st       store.Store
	ds       *dataset.Dataset
	auth     *auth.Authority
	authHash string // the password's bcrypt hash
}

func newAdminServer(t *testing.T, writes bool) *adminServer {
	t.Helper()
	f := shared(t)
	ds, err := openDataset(context.Background(), filepath.Join(t.TempDir(), "admin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	var a *auth.Authority
	var hashText string
	if writes {
		// The lowest cost: the race detector makes cost 12 take seconds.
		hash, err := bcrypt.GenerateFromPassword([]byte("correct horse"), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		hashText = string(hash)
		if a, err = auth.New(auth.Config{Token: testToken, User: "office", PasswordHash: hashText}); err != nil {
			t.Fatal(err)
		}
	}
	srv := New(Deps{Data: ds, Topology: f.topo, Web: testWeb(), Auth: a, SignInLimit: testLimit})
	t.Cleanup(func() { srv.Close() })
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &adminServer{Server: hs, st: ds.Store, ds: ds, auth: a, authHash: hashText}
}

// call sends a request; body may be nil, a []byte or a *multipart body.
func (s *adminServer) call(t *testing.T, c *http.Client, method, path string, body []byte, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		if h == "" {
			continue
		}
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

const bearer = "Authorization: Bearer " + testToken

// notice2013 is the 2013 notice with one line changed: 贵安新区, a zone
// that is no division, is added to 贵州省, so one row is unmatched.
func notice2013(t *testing.T) []byte {
	t.Helper()
	raw, err := fs.ReadFile(geodata.FS(), importer.DefaultNotice)
	if err != nil {
		t.Fatal(err)
	}
	out := bytes.Replace(raw, []byte("贵州省:贵阳市、安顺市"), []byte("贵州省:贵阳市、安顺市、贵安新区"), 1)
	if bytes.Equal(out, raw) {
		t.Fatal("the 2013 notice no longer has the line 贵州省:贵阳市、安顺市")
	}
	return out
}

// multipartBody is a document part "file" and, when review != "", a part
// "review".
func multipartBody(t *testing.T, filename string, doc []byte, review string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(doc)
	if review != "" {
		mw.WriteField("review", review)
	}
	mw.Close()
	return b.Bytes(), "Content-Type: " + mw.FormDataContentType()
}

// counts is what a refused write must leave as it was.
type counts struct {
	version             int64
	imports, audit, hst int
}

func (s *adminServer) counts(t *testing.T) counts {
	t.Helper()
	ctx := context.Background()
	v, err := s.st.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	imps, _ := s.st.Imports(ctx)
	log, _ := s.st.(store.Admin).AuditLog(ctx, store.AuditQuery{})
	units, _ := s.st.PilotUnits(ctx, store.UnitFilter{})
	h := 0
	for _, u := range units[:3] {
		hist, _ := s.st.StatusHistory(ctx, u.ID)
		h += len(hist)
	}
	return counts{v, len(imps), len(log), h}
}

// adminRequests are every admin route with a body that would be accepted.
func adminRequests(t *testing.T) []struct {
	method, path string
	body         []byte
	ctype        string
	write        bool
} {
	doc, ct := multipartBody(t, "notice.txt", notice2013(t), `{"decisions":[{"line":93,"written":"贵安新区","not_division":true}]}`)
	return []struct {
		method, path string
		body         []byte
		ctype        string
		write        bool
	}{
		{"GET", "/api/v1/admin/session", nil, "", false},
		{"DELETE", "/api/v1/admin/session", nil, "", true},
		{"POST", "/api/v1/admin/imports?dry_run=1", doc, ct, true},
		{"POST", "/api/v1/admin/imports?program=创建幸福家庭活动&batch=3", doc, ct, true},
		{"POST", "/api/v1/admin/units/1/status", []byte(`{"status":"revoked","reason":"test","effective_date":"2016-01-01"}`), "Content-Type: application/json", true},
		{"GET", "/api/v1/admin/audit", nil, "", false},
		{"GET", "/api/v1/admin/audit?format=csv", nil, "", false},
	}
}

func TestAdminWritesOff(t *testing.T) {
	s := newAdminServer(t, false)
	for _, rq := range adminRequests(t) {
		code, _, body := s.call(t, nil, rq.method, rq.path, rq.body, rq.ctype, bearer)
		if code != http.StatusNotFound || !strings.Contains(string(body), "writes are off") {
			t.Errorf("%s %s without a credential configured: %d %s, want 404 writes are off", rq.method, rq.path, code, body)
		}
	}
	if code, _, body := s.call(t, nil, "POST", "/api/v1/admin/session", []byte(`{"user":"office","password":"correct horse"}`), "Content-Type: application/json"); code != http.StatusNotFound {
		t.Errorf("sign-in with writes off: %d %s", code, body)
	}
}

// Every admin route is a 401 without credentials, a 403 for a write with
// the session cookie but a wrong CSRF token, and nothing is stored.
func TestAdminRoutesNeedCredentialsAndCSRF(t *testing.T) {
	s := newAdminServer(t, true)
	before := s.counts(t)
	_, cookie := s.auth.NewSession("office", time.Now())
	expiredSess, expired := s.auth.NewSession("office", time.Now().Add(-auth.DefaultSessionTTL-time.Minute))
	wrongTokens := 0
	for _, rq := range adminRequests(t) {
		code, h, body := s.call(t, nil, rq.method, rq.path, rq.body, rq.ctype)
		if code != http.StatusUnauthorized || h.Get("WWW-Authenticate") == "" || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s without credentials: %d %s, want a 401 problem with a challenge", rq.method, rq.path, code, body)
		}
		// The first five wrong tokens are 401s, then the address is limited.
		want := http.StatusUnauthorized
		if wrongTokens++; wrongTokens > 5 {
			want = http.StatusTooManyRequests
		}
		if code, _, body := s.call(t, nil, rq.method, rq.path, rq.body, rq.ctype, "Authorization: Bearer wrong-token-but-long-enough"); code != want {
			t.Errorf("%s %s with wrong bearer token %d: %d %s, want %d", rq.method, rq.path, wrongTokens, code, body, want)
		}
		csrf := s.auth.CSRFToken(expiredSess)
		if code, _, body := s.call(t, nil, rq.method, rq.path, rq.body, rq.ctype, "Cookie: "+sessionCookie+"="+expired, csrfHeader+": "+csrf); code != http.StatusUnauthorized || !strings.Contains(string(body), "expired") {
			t.Errorf("%s %s with an expired session: %d %s, want 401 expired", rq.method, rq.path, code, body)
		}
		if !rq.write {
			continue
		}
		for _, bad := range []string{"", "X-Other: 1", csrfHeader + ": " + s.auth.CSRFToken(expiredSess)} {
			code, _, body := s.call(t, nil, rq.method, rq.path, rq.body, rq.ctype, "Cookie: "+sessionCookie+"="+cookie, bad)
			if code != http.StatusForbidden || !strings.Contains(string(body), csrfHeader) {
				t.Errorf("%s %s with the session and CSRF %q: %d %s, want 403", rq.method, rq.path, bad, code, body)
			}
		}
		// A cross-origin browser request is refused before anything else.
		code, _, body = s.call(t, nil, rq.method, rq.path, rq.body, rq.ctype, bearer, "Sec-Fetch-Site: cross-site", "Origin: https://evil.example")
		if code != http.StatusForbidden {
			t.Errorf("%s %s cross-site: %d %s, want 403", rq.method, rq.path, code, body)
		}
	}
	after := s.counts(t)
	// Only the failed bearer attempts are audited; nothing else changed.
	if after.version != before.version || after.imports != before.imports || after.hst != before.hst {
		t.Errorf("refused requests changed the data: %+v → %+v", before, after)
	}
	if after.audit-before.audit != 5 {
		t.Errorf("%d audit entries for 5 wrong bearer tokens refused (and %d limited)", after.audit-before.audit, wrongTokens-5)
	}
}

// A person signs in, gets a cookie and a CSRF token, and a script uses
// the bearer token; wrong passwords are audited and limited.
func TestAdminSignIn(t *testing.T) {
	s := newAdminServer(t, true)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	code, h, body := s.call(t, c, "POST", "/api/v1/admin/session", []byte(`{"user":"office","password":"correct horse"}`), "Content-Type: application/json")
	if code != http.StatusOK {
		t.Fatalf("sign-in: %d %s", code, body)
	}
	sc := h.Get("Set-Cookie")
	for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/api/v1/admin", "Max-Age=28800"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie %q is Secure over plain HTTP without --trust-proxy", sc)
	}
	var sess sessionDoc
	json.Unmarshal(body, &sess)
	if sess.User != "office" || sess.CSRFToken == "" {
		t.Fatalf("session = %+v", sess)
	}
	// The cookie works; a write needs the CSRF token with it.
	if code, _, body := s.call(t, c, "GET", "/api/v1/admin/session", nil); code != http.StatusOK || !strings.Contains(string(body), sess.CSRFToken) {
		t.Errorf("GET session with the cookie: %d %s", code, body)
	}
	if code, _, body := s.call(t, c, "POST", "/api/v1/admin/units/1/status", []byte(`{"status":"revoked","reason":"考核不合格","effective_date":"2016-01-01"}`), "Content-Type: application/json", csrfHeader+": "+sess.CSRFToken); code != http.StatusOK {
		t.Errorf("status change with cookie and CSRF token: %d %s", code, body)
	}
	// Behind a trusted proxy that terminates HTTPS the cookie is Secure.
	srv := New(Deps{Data: s.ds, Topology: shared(t).topo, TrustProxy: true, Auth: s.auth, SignInLimit: testLimit})
	defer srv.Close()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/api/v1/admin/session", strings.NewReader(`{"user":"x","password":"`+testToken+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-Proto", "https")
	srv.ServeHTTP(rec, req)
	if sc := rec.Header().Get("Set-Cookie"); rec.Code != http.StatusOK || !strings.Contains(sc, "Secure") {
		t.Errorf("sign-in with the token behind an HTTPS proxy: %d, Set-Cookie %q, want Secure", rec.Code, sc)
	}
	// Another replica configured alike (its own Authority, same
	// credentials) accepts the session: nothing is kept in one process.
	replicaAuth, err := auth.New(auth.Config{Token: testToken, User: "office", PasswordHash: s.authHash})
	if err != nil {
		t.Fatal(err)
	}
	replica := New(Deps{Data: s.ds, Topology: shared(t).topo, Auth: replicaAuth, SignInLimit: testLimit})
	defer replica.Close()
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("GET", "/api/v1/admin/session", nil)
	u, _ := url.Parse(s.URL + "/api/v1/admin/session")
	for _, c := range jar.Cookies(u) {
		req.AddCookie(c)
	}
	replica.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), sess.CSRFToken) {
		t.Errorf("the session on another replica: %d %s", rec.Code, rec.Body.String())
	}
	// Sign out clears the cookie.
	if code, h, _ := s.call(t, c, "DELETE", "/api/v1/admin/session", nil, csrfHeader+": "+sess.CSRFToken); code != http.StatusNoContent || !strings.Contains(h.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("sign out: %d, Set-Cookie %q", code, h.Get("Set-Cookie"))
	}
	if code, _, _ := s.call(t, c, "GET", "/api/v1/admin/session", nil); code != http.StatusUnauthorized {
		t.Errorf("after signing out: %d, want 401", code)
	}
	// Wrong passwords: 401 each, audited with the name tried (markup kept
	// as text), then 429 with Retry-After; the right password too is
	// refused while limited.
	name := `<img src=x onerror=alert(1)>`
	for i := range 5 {
		form := url.Values{"user": {name}, "password": {fmt.Sprint("wrong", i)}}.Encode()
		if code, _, body := s.call(t, nil, "POST", "/api/v1/admin/session", []byte(form), "Content-Type: application/x-www-form-urlencoded"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d %s", i, code, body)
		}
	}
	code, h, body = s.call(t, nil, "POST", "/api/v1/admin/session", []byte(`{"user":"office","password":"correct horse"}`), "Content-Type: application/json")
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Errorf("after 5 failures: %d %s (Retry-After %q), want 429", code, body, h.Get("Retry-After"))
	}
	// While limited, the bearer token is refused from this address too.
	if code, _, body := s.call(t, nil, "GET", "/api/v1/admin/audit", nil, bearer); code != http.StatusTooManyRequests {
		t.Errorf("bearer from a limited address: %d %s, want 429", code, body)
	}
	entries, err := s.st.(store.Admin).AuditLog(context.Background(), store.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	want := "sign_in_failed,sign_in_failed,sign_in_failed,sign_in_failed,sign_in_failed,sign_out,sign_in,unit_status,sign_in"
	// (the second sign_in is the token's, behind the proxy)
	if strings.Join(actions, ",") != want {
		t.Errorf("audit actions (newest first) = %v, want %s", actions, want)
	}
	if e := entries[0]; e.Actor != name || e.Client != "127.0.0.1" {
		t.Errorf("failed sign-in entry = %+v, want the name tried as written and the client address", e)
	}
}

// The whole flow over the API with the bearer token: dry run, a refused
// publish, the publish, conflicts and limits, a revocation, the audit log.
func TestAdminPublishAndRevoke(t *testing.T) {
	s := newAdminServer(t, true)
	text := notice2013(t)
	docx, err := documenttest.DOCX(documenttest.Lines(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	body, ct := multipartBody(t, "guoweijiating-2013-5.docx", docx, "")
	code, _, out := s.call(t, nil, "POST", "/api/v1/admin/imports?dry_run=1", body, ct, bearer)
	if code != http.StatusOK {
		t.Fatalf("dry run: %d %s", code, out)
	}
	var dry struct {
		Units     []importer.Unit
		Unmatched []importer.Unmatched
		Metadata  metadataDoc
		Document  documentDoc
	}
	json.Unmarshal(out, &dry)
	if len(dry.Units) != 108 || len(dry.Unmatched) != 1 || dry.Unmatched[0].Written != "贵安新区" ||
		dry.Metadata.DocNumber != "国卫家庭发〔2013〕5号" || dry.Metadata.Program != "创建幸福家庭活动" || dry.Metadata.Batch != 2 ||
		dry.Metadata.Existing == nil || dry.Document.Format != "docx" {
		t.Fatalf("dry run = %d units, unmatched %+v, metadata %+v, document %+v", len(dry.Units), dry.Unmatched, dry.Metadata, dry.Document)
	}
	before := s.counts(t)
	publish := "/api/v1/admin/imports?program=" + url.QueryEscape("创建幸福家庭活动") + "&batch=3"
	// Without a decision for 贵安新区: 422, nothing stored.
	code, _, out = s.call(t, nil, "POST", publish, body, ct, bearer)
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(out), "贵安新区") {
		t.Errorf("publish without decisions: %d %s, want 422 naming 贵安新区", code, out)
	}
	// Into batch 2, which holds the .txt of the seed: 409, nothing stored.
	review := fmt.Sprintf(`{"decisions":[{"line":%d,"written":"贵安新区","not_division":true,"note":"<script>alert(1)</script> a zone"}],"designations":[{"province_code":"520000","kind":"full_promotion"}]}`, dry.Unmatched[0].Line)
	body, ct = multipartBody(t, "guoweijiating-2013-5.docx", docx, review)
	code, _, out = s.call(t, nil, "POST", strings.Replace(publish, "batch=3", "batch=2", 1), body, ct, bearer)
	if code != http.StatusConflict {
		t.Errorf("publish into batch 2: %d %s, want 409", code, out)
	}
	// 413 and 415 and bad parameters.
	big := bytes.Repeat([]byte("北京市:东城区\n"), document.MaxBytes/18+1)
	if code, _, out := s.call(t, nil, "POST", "/api/v1/admin/imports?dry_run=1", big, "Content-Type: text/plain", bearer); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d %s, want 413", code, out)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	pb, pct := multipartBody(t, "scan.png", png, "")
	if code, _, out := s.call(t, nil, "POST", "/api/v1/admin/imports?dry_run=1", pb, pct, bearer); code != http.StatusUnsupportedMediaType {
		t.Errorf("a PNG: %d %s, want 415", code, out)
	}
	if code, _, out := s.call(t, nil, "POST", "/api/v1/admin/imports?program=x", body, ct, bearer); code != http.StatusBadRequest || !strings.Contains(string(out), `"parameter":"batch"`) {
		t.Errorf("publish without batch: %d %s, want 400 naming batch", code, out)
	}
	if code, _, out := s.call(t, nil, "POST", "/api/v1/admin/imports?batch=3", body, ct, bearer); code != http.StatusBadRequest || !strings.Contains(string(out), `"parameter":"program"`) {
		t.Errorf("publish without program: %d %s, want 400 naming program", code, out)
	}
	if after := s.counts(t); after != before {
		t.Errorf("refused publishes changed something: %+v → %+v", before, after)
	}
	// The publish.
	code, _, out = s.call(t, nil, "POST", publish, body, ct, bearer)
	if code != http.StatusCreated {
		t.Fatalf("publish: %d %s", code, out)
	}
	var pub struct {
		ImportID int64 `json:"import_id"`
		Units    int
		Created  bool
	}
	json.Unmarshal(out, &pub)
	if pub.Units != 108 || !pub.Created {
		t.Errorf("publish = %s", out)
	}
	as := s.st.(store.Admin)
	if ds, _ := as.Decisions(context.Background(), pub.ImportID); len(ds) != 1 || ds[0].Kind != store.DecisionNotDivision || ds[0].DecidedBy != auth.TokenActor {
		t.Errorf("stored decisions = %+v", ds)
	}
	if raw, _ := s.st.ImportText(context.Background(), pub.ImportID); !bytes.Contains(raw, []byte("贵安新区")) {
		t.Errorf("the stored text lacks the notice")
	}
	// The map shows it at once.
	_, _, out = s.call(t, nil, "GET", "/api/v1/batches", nil)
	if !strings.Contains(string(out), `"number":3`) {
		t.Errorf("batches after publish: %s", out)
	}
	// The same again changes nothing; another text into batch 3 is a 409.
	if code, _, out := s.call(t, nil, "POST", publish, body, ct, bearer); code != http.StatusOK || !strings.Contains(string(out), `"created":false`) {
		t.Errorf("publish again: %d %s, want 200 created false", code, out)
	}
	mid := s.counts(t)
	other, oct := multipartBody(t, "notice.txt", text, `{"decisions":[{"line":93,"written":"贵安新区","not_division":true}]}`)
	if code, _, out := s.call(t, nil, "POST", publish, other, oct, bearer); code != http.StatusConflict || !strings.Contains(string(out), "nothing was stored") {
		t.Errorf("another text into batch 3: %d %s, want 409", code, out)
	}
	if after := s.counts(t); after != mid {
		t.Errorf("the refused publish changed something: %+v → %+v", mid, after)
	}
	// Revoke a unit of batch 3 (延边州); its history shows on the public API.
	units, _ := s.st.PilotUnits(context.Background(), store.UnitFilter{BatchNumber: 3, Query: "延边"})
	if len(units) != 1 {
		t.Fatalf("batch 3 units matching 延边: %d", len(units))
	}
	path := fmt.Sprintf("/api/v1/admin/units/%d/status", units[0].ID)
	for _, bad := range []struct{ body, param string }{
		{`{"status":"revoked","reason":"x","effective_date":"2016-13-01"}`, "effective_date"},
		{`{"status":"gone","reason":"x","effective_date":"2016-01-01"}`, "status"},
		{`{"status":"revoked","reason":" ","effective_date":"2016-01-01"}`, "reason"},
		{`{"status":"revoked","reason":"x","effective_date":"2999-01-01"}`, "effective_date"},
	} {
		if code, _, out := s.call(t, nil, "POST", path, []byte(bad.body), "Content-Type: application/json", bearer); code != http.StatusBadRequest || !strings.Contains(string(out), `"parameter":"`+bad.param+`"`) {
			t.Errorf("status %s: %d %s, want 400 naming %s", bad.body, code, out, bad.param)
		}
	}
	revoke := []byte(`{"status":"revoked","reason":"考核不合格 <b>bold</b>","effective_date":"2016-05-01"}`)
	if code, _, out := s.call(t, nil, "POST", path, revoke, "Content-Type: application/json", bearer); code != http.StatusOK {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if code, _, out := s.call(t, nil, "POST", path, revoke, "Content-Type: application/json", bearer); code != http.StatusConflict {
		t.Errorf("revoke again: %d %s, want 409", code, out)
	}
	_, _, out = s.call(t, nil, "GET", "/api/v1/units/"+units[0].Code, nil)
	var unit struct{ Pilots []pilotUnitDoc }
	json.Unmarshal(out, &unit)
	var hist []historyDoc
	for _, p := range unit.Pilots {
		if p.ID == units[0].ID {
			hist = p.History
			if p.Status != "revoked" {
				t.Errorf("unit status on the public API: %s", p.Status)
			}
		}
	}
	if len(hist) != 2 || hist[1].Status != "revoked" || hist[1].EffectiveDate != "2016-05-01" || hist[1].By != auth.TokenActor || hist[1].Reason != "考核不合格 <b>bold</b>" {
		t.Errorf("history on /api/v1/units/%s = %+v", units[0].Code, hist)
	}
	// One audit entry per write: the publish and the revocation.
	_, _, out = s.call(t, nil, "GET", "/api/v1/admin/audit?limit=1", nil, bearer)
	var page struct {
		Entries []auditDoc
		Next    string
	}
	json.Unmarshal(out, &page)
	if len(page.Entries) != 1 || page.Entries[0].Action != store.AuditUnitStatus || page.Next == "" {
		t.Fatalf("audit page 1 = %s", out)
	}
	_, _, out = s.call(t, nil, "GET", page.Next, nil, bearer)
	json.Unmarshal(out, &page)
	if len(page.Entries) != 1 || page.Entries[0].Action != store.AuditPublish || !strings.Contains(string(page.Entries[0].After), `"units":108`) {
		t.Fatalf("audit page 2 = %s", out)
	}
	code, h, out := s.call(t, nil, "GET", "/api/v1/admin/audit?format=csv", nil, bearer)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\ufeff")))).ReadAll()
	if code != http.StatusOK || err != nil || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || len(rows) != 3 || rows[0][4] != "action" {
		t.Errorf("audit CSV: %d %v %q: %v", code, err, h.Get("Content-Type"), rows)
	}
	if code, _, _ := s.call(t, nil, "GET", "/api/v1/admin/audit?format=xml", nil, bearer); code != http.StatusBadRequest {
		t.Errorf("audit format=xml: %d, want 400", code)
	}
}

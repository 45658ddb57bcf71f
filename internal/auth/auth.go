// Package auth holds the admin credentials of a pilotmap server and what
// is derived from them: bearer tokens compared in constant time, password
// sign-in against a bcrypt hash, signed session cookies that expire (no
// server state, so they work across replicas sharing the key), CSRF tokens
// bound to a session, and a bounded per-address limit on failed sign-ins.
package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Config is what a deployment configures; at least one of Token and
// PasswordHash must be set for writes to be on.
type Config struct {
	// Token is the bearer token of API clients (and may be typed as the
	// password on the sign-in page). At least MinTokenLen characters.
	Token string
	// User is the name that signs in with the password (default "admin").
	User string
	// PasswordHash is a bcrypt hash (HashPassword, `pilotmap admin
	// hash-password`).
	PasswordHash string
	// SessionKey signs session cookies and CSRF tokens; at least 32 bytes.
	// Empty: derived from Token and PasswordHash, so replicas configured
	// alike accept each other's sessions, and changing a credential ends
	// every session.
	SessionKey []byte
	// SessionTTL is how long a session lasts (default DefaultSessionTTL).
	SessionTTL time.Duration
}

// MinTokenLen is the shortest bearer token accepted.
const MinTokenLen = 16

// DefaultSessionTTL is how long a session lasts unless configured.
const DefaultSessionTTL = 8 * time.Hour

// BcryptCost is the cost HashPassword uses.
const BcryptCost = 12

// TokenActor is who the audit log names for a bearer token.
const TokenActor = "token"

// Errors of ParseSession.
var (
	ErrNoSession = errors.New("no session")
	ErrExpired   = errors.New("the session has expired; sign in again")
	ErrForged    = errors.New("the session cookie is not one this server signed")
)

// Authority checks credentials and signs sessions. It is safe for
// concurrent use and immutable.
type Authority struct {
	token    [sha256.Size]byte // of the token; compared in constant time
	hasToken bool
	user     string
	hash     []byte
	key      []byte
	ttl      time.Duration
}

// New checks cfg and returns its Authority.
func New(cfg Config) (*Authority, error) {
	a := &Authority{user: cfg.User, ttl: cfg.SessionTTL}
	if a.user == "" {
		a.user = "admin"
	}
	if a.ttl == 0 {
		a.ttl = DefaultSessionTTL
	}
	if a.ttl < 0 {
		return nil, fmt.Errorf("auth: session lifetime %v is negative", a.ttl)
	}
	if cfg.Token == "" && cfg.PasswordHash == "" {
		return nil, errors.New("auth: neither an admin token nor a password hash is configured")
	}
	if cfg.Token != "" {
		if len(cfg.Token) < MinTokenLen {
			return nil, fmt.Errorf("auth: the admin token has %d characters, at least %d are needed", len(cfg.Token), MinTokenLen)
		}
		a.token, a.hasToken = sha256.Sum256([]byte(cfg.Token)), true
	}
	if cfg.PasswordHash != "" {
		if _, err := bcrypt.Cost([]byte(cfg.PasswordHash)); err != nil {
			return nil, fmt.Errorf("auth: the admin password hash is not a bcrypt hash (make one with `pilotmap admin hash-password`): %w", err)
		}
		a.hash = []byte(cfg.PasswordHash)
	}
	switch {
	case len(cfg.SessionKey) > 0 && len(cfg.SessionKey) < 32:
		return nil, fmt.Errorf("auth: the session key has %d bytes, at least 32 are needed", len(cfg.SessionKey))
	case len(cfg.SessionKey) > 0:
		a.key = append([]byte(nil), cfg.SessionKey...)
	default:
		m := hmac.New(sha256.New, []byte(cfg.Token+"\x00"+cfg.PasswordHash))
		m.Write([]byte("pilotmap session key v1"))
		a.key = m.Sum(nil)
	}
	return a, nil
}

// User is the name that signs in with the password.
func (a *Authority) User() string { return a.user }

// SessionTTL is how long a session lasts.
func (a *Authority) SessionTTL() time.Duration { return a.ttl }

// CheckToken reports whether tok is the bearer token, in constant time.
func (a *Authority) CheckToken(tok string) bool {
	if !a.hasToken {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(sum[:], a.token[:]) == 1
}

// SignIn checks a name and a password typed on the sign-in page: the
// configured user with the password, or the bearer token as the password
// (any name; the session is then the token's). It returns who signed in.
func (a *Authority) SignIn(user, password string) (string, bool) {
	if a.CheckToken(password) {
		return TokenActor, true
	}
	if a.hash == nil {
		return "", false
	}
	// bcrypt runs whether or not the name is right, so the time does
	// not tell which was wrong.
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(a.user)) == 1
	pwOK := bcrypt.CompareHashAndPassword(a.hash, []byte(password)) == nil
	if userOK && pwOK {
		return a.user, true
	}
	return "", false
}

// HashPassword returns the bcrypt hash of a password for
// Config.PasswordHash.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", fmt.Errorf("auth: the password has %d characters, at least 8 are needed", len(password))
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(h), nil
}

// Session is a signed-in person's session.
type Session struct {
	ID      string // random, 128 bits, hex
	User    string
	Expires time.Time
}

// NewSession starts a session for user and returns it with its cookie
// value: version, user, id and expiry, signed with HMAC-SHA256.
func (a *Authority) NewSession(user string, now time.Time) (Session, string) {
	id := make([]byte, 16)
	rand.Read(id) // never fails (crypto/rand)
	s := Session{ID: hex.EncodeToString(id), User: user, Expires: now.Add(a.ttl).Truncate(time.Second)}
	payload := strings.Join([]string{"v1", base64.RawURLEncoding.EncodeToString([]byte(s.User)), s.ID, strconv.FormatInt(s.Expires.Unix(), 10)}, ".")
	return s, payload + "." + a.mac("session", payload)
}

// ParseSession checks a cookie value's signature and expiry.
func (a *Authority) ParseSession(value string, now time.Time) (Session, error) {
	if value == "" {
		return Session{}, ErrNoSession
	}
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return Session{}, ErrForged
	}
	payload, sig := value[:i], value[i+1:]
	if !hmac.Equal([]byte(sig), []byte(a.mac("session", payload))) {
		return Session{}, ErrForged
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 4 || parts[0] != "v1" {
		return Session{}, ErrForged
	}
	user, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return Session{}, ErrForged
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return Session{}, ErrForged
	}
	s := Session{ID: parts[2], User: string(user), Expires: time.Unix(exp, 0).UTC()}
	if !now.Before(s.Expires) {
		return Session{}, ErrExpired
	}
	return s, nil
}

// CSRFToken is the token a session's state-changing requests carry: an
// HMAC of the session id, so it cannot be made without the key and
// differs per session.
func (a *Authority) CSRFToken(s Session) string { return a.mac("csrf", s.ID) }

// CheckCSRF reports whether tok is the session's CSRF token, in constant
// time.
func (a *Authority) CheckCSRF(s Session, tok string) bool {
	return tok != "" && hmac.Equal([]byte(tok), []byte(a.CSRFToken(s)))
}

func (a *Authority) mac(purpose, msg string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

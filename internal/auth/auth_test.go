package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

const token = "0123456789abcdef-token"

func TestConfigRefused(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Token: "short"},
		{PasswordHash: "not-bcrypt"},
		{Token: token, SessionKey: []byte("too short")},
		{Token: token, SessionTTL: -time.Second},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestTokenAndPassword(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("correct horse"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{Token: token, User: "office", PasswordHash: string(hash)})
	if err != nil {
		t.Fatal(err)
	}
	if !a.CheckToken(token) || a.CheckToken(token+"x") || a.CheckToken("") {
		t.Error("CheckToken accepts only the token")
	}
	for _, c := range []struct {
		user, pw, who string
		ok            bool
	}{
		{"office", "correct horse", "office", true},
		{"office", "wrong", "", false},
		{"admin", "correct horse", "", false},
		{"anyone", token, TokenActor, true},
	} {
		who, ok := a.SignIn(c.user, c.pw)
		if who != c.who || ok != c.ok {
			t.Errorf("SignIn(%q, %q) = %q, %v; want %q, %v", c.user, c.pw, who, ok, c.who, c.ok)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("HashPassword accepted a 5-character password")
	}
}

func TestSessions(t *testing.T) {
	a, _ := New(Config{Token: token, SessionTTL: time.Hour})
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	s, cookie := a.NewSession("office <b>", now)
	got, err := a.ParseSession(cookie, now.Add(59*time.Minute))
	if err != nil || got != s {
		t.Fatalf("ParseSession = %+v, %v; want %+v", got, err, s)
	}
	if _, err := a.ParseSession(cookie, now.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("after an hour: %v, want ErrExpired", err)
	}
	// Another key (another token) does not accept it; a changed byte neither.
	b, _ := New(Config{Token: token + "2"})
	if _, err := b.ParseSession(cookie, now); !errors.Is(err, ErrForged) {
		t.Errorf("other key: %v, want ErrForged", err)
	}
	parts := strings.Split(cookie, ".")
	parts[3] = fmt.Sprint(now.Add(100 * time.Hour).Unix()) // a later expiry
	if _, err := a.ParseSession(strings.Join(parts, "."), now); !errors.Is(err, ErrForged) {
		t.Errorf("extended expiry: %v, want ErrForged", err)
	}
	if _, err := a.ParseSession("", now); !errors.Is(err, ErrNoSession) {
		t.Errorf("empty: %v, want ErrNoSession", err)
	}
	// Replicas configured alike accept each other's sessions.
	c, _ := New(Config{Token: token, SessionTTL: time.Hour})
	if _, err := c.ParseSession(cookie, now); err != nil {
		t.Errorf("a replica with the same token: %v", err)
	}
	// CSRF tokens are bound to the session.
	s2, _ := a.NewSession("office", now)
	if !a.CheckCSRF(s, a.CSRFToken(s)) || a.CheckCSRF(s, a.CSRFToken(s2)) || a.CheckCSRF(s, "") {
		t.Error("CheckCSRF accepts only the session's own token")
	}
}

func TestLimiter(t *testing.T) {
	l, err := NewLimiter(LimitConfig{Burst: 3, Every: 10 * time.Second, Addresses: 2})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for i := range 3 {
		if blocked, _ := l.Blocked("192.0.2.1", now); blocked {
			t.Fatalf("blocked after %d failures, burst is 3", i)
		}
		l.Failed("192.0.2.1", now)
	}
	blocked, wait := l.Blocked("192.0.2.1", now)
	if !blocked || wait <= 0 || wait > 10*time.Second {
		t.Fatalf("after 3 failures: blocked %v, wait %v; want blocked up to 10s", blocked, wait)
	}
	if blocked, _ := l.Blocked("192.0.2.2", now); blocked {
		t.Error("another address is blocked")
	}
	if blocked, _ := l.Blocked("192.0.2.1", now.Add(10*time.Second)); blocked {
		t.Error("still blocked after one interval")
	}
	for i := range 10 {
		l.Failed(fmt.Sprintf("198.51.100.%d", i), now)
	}
	if n := l.Addresses(); n != 2 {
		t.Errorf("remembers %d addresses, bound is 2", n)
	}
}

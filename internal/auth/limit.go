package auth

import (
	"fmt"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Limiter limits failed sign-ins per client address: a burst of Burst
// failures, then one per Every. It remembers at most Addresses addresses
// (the least recently seen are forgotten), so its memory is bounded
// whatever the number of clients.
type Limiter struct {
	every time.Duration
	burst int
	byIP  *lru.Cache[string, *rate.Limiter]
}

// LimitConfig configures a Limiter; zero fields take the defaults
// (5 failures, then one per 12 s, 10,000 addresses).
type LimitConfig struct {
	Burst     int
	Every     time.Duration
	Addresses int
}

// NewLimiter returns a Limiter.
func NewLimiter(cfg LimitConfig) (*Limiter, error) {
	if cfg.Burst == 0 {
		cfg.Burst = 5
	}
	if cfg.Every == 0 {
		cfg.Every = 12 * time.Second
	}
	if cfg.Addresses == 0 {
		cfg.Addresses = 10000
	}
	c, err := lru.New[string, *rate.Limiter](cfg.Addresses)
	if err != nil {
		return nil, fmt.Errorf("auth: limiter: %w", err)
	}
	return &Limiter{every: cfg.Every, burst: cfg.Burst, byIP: c}, nil
}

// Blocked reports whether addr has used up its failures at now, and when it
// may try again.
func (l *Limiter) Blocked(addr string, now time.Time) (bool, time.Duration) {
	lim, ok := l.byIP.Get(addr)
	if !ok {
		return false, 0
	}
	if lim.TokensAt(now) >= 1 {
		return false, 0
	}
	r := lim.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return true, wait
}

// Failed records a failed sign-in of addr at now.
func (l *Limiter) Failed(addr string, now time.Time) {
	lim, ok := l.byIP.Get(addr)
	if !ok {
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.byIP.Add(addr, lim)
	}
	lim.AllowN(now, 1)
}

// Addresses is the number of addresses remembered.
func (l *Limiter) Addresses() int { return l.byIP.Len() }

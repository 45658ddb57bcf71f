package store

import "time"

// Option configures a Store when it is opened (every backend takes the
// same options).
type Option func(*Options)

// Options are the settings an Option sets; backends read them with
// NewOptions.
type Options struct {
	// Now is the clock that stamps imports, status changes and layers
	// (default time.Now).
	Now func() time.Time
}

// WithClock makes the store read the time from now, e.g. a fixed clock in
// tests so that two stores given the same writes hold the same data.
func WithClock(now func() time.Time) Option {
	return func(o *Options) { o.Now = now }
}

// NewOptions applies opts to the defaults.
func NewOptions(opts ...Option) Options {
	o := Options{Now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Stamp is how every backend stores a time: in UTC, to the microsecond
// (what both SQLite's text and PostgreSQL's timestamptz keep), so the same
// clock gives the same stored times in either.
func Stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

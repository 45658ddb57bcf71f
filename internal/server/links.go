package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// links says where the absolute links of documents (OGC API, TileJSON,
// /api/v1/layers) point.
type links struct {
	// public is --public-url without a final slash: when set, every link
	// starts with it and the request's Host is never read.
	public string
	// trustProxy honours X-Forwarded-Proto/-Host and Forwarded (RFC 7239)
	// from the proxy in front; without it they are ignored, since any
	// client can send them.
	trustProxy bool
}

// ParsePublicURL checks a --public-url: an absolute http or https URL
// without query or fragment; the final slash is dropped.
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("public URL %q: want an absolute http(s) URL such as https://maps.example.org/pilotmap, without query or fragment", s)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// baseURL is the scheme, host (and path prefix, with --public-url) that
// absolute links start with. Documents holding it are built per request
// or keep it out of their cached part (serveTail), so a forged Host never
// reaches another client.
func (s *server) baseURL(r *http.Request) string {
	if s.links.public != "" {
		return s.links.public
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if s.links.trustProxy {
		if f := r.Header.Get("Forwarded"); f != "" {
			proto, fhost := parseForwarded(f)
			scheme, host = orDefault(proto, scheme), orDefault(fhost, host)
		} else {
			if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p != "" {
				scheme = p
			}
			if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
				host = h
			}
		}
	}
	scheme = strings.ToLower(scheme)
	if scheme != "http" && scheme != "https" {
		scheme = "http"
	}
	if !validHost(host) {
		host = "localhost"
	}
	return scheme + "://" + host
}

// parseForwarded reads proto and host of the first element of a
// Forwarded header (the proxy nearest the client).
func parseForwarded(h string) (proto, host string) {
	first, _, _ := strings.Cut(h, ",")
	for pair := range strings.SplitSeq(first, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "proto":
			proto = v
		case "host":
			host = v
		}
	}
	return proto, host
}

func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(v)
}

// validHost accepts a host[:port] of letters, digits, dots, hyphens,
// colons and IPv6 brackets.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-:[]", c) >= 0) {
			return false
		}
	}
	return true
}

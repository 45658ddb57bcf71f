package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"
)

// TestServeGracefulShutdown runs the real listener: /healthz and /readyz
// answer over TCP, and cancelling the context while a slow request is in
// flight lets that request finish before Serve returns.
func TestServeGracefulShutdown(t *testing.T) {
	f := shared(t)
	router := New(Deps{Data: f.ds, Topology: f.topo})
	started := make(chan struct{})
	h := http.NewServeMux()
	h.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "done")
	})
	h.Handle("/", router)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- listenAndServe(ctx, Config{Addr: "127.0.0.1:0", ShutdownTimeout: 5 * time.Second}, h, func(a string) { addrc <- a })
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-served:
		t.Fatalf("serve: %v", err)
	}

	for path, want := range map[string]string{"/healthz": "ok", "/readyz": `"status":"ready"`} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}

	type result struct {
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		slow <- result{string(b), err}
	}()
	<-started
	cancel()
	select {
	case r := <-slow:
		if r.err != nil || r.body != "done" {
			t.Errorf("in-flight request: %q, %v", r.body, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the in-flight request did not finish")
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

func TestServeBadAddress(t *testing.T) {
	if _, err := Listen("256.0.0.1:-1"); err == nil {
		t.Error("no error for a bad address")
	}
}

// listenAndServe is what serve does: Listen, then ServeListener.
func listenAndServe(ctx context.Context, cfg Config, h http.Handler, ready func(string)) error {
	ln, err := Listen(cfg.Addr)
	if err != nil {
		return err
	}
	return ServeListener(ctx, cfg, ln, h, nil, ready)
}

// Over the real listener, cached responses large enough to be held
// (internal/onewrite) arrive whole and identical to the handler's, one
// after another on one kept-alive connection, and revalidate with 304.
func TestServeHeldResponses(t *testing.T) {
	f := shared(t)
	h := New(Deps{Data: f.ds, Topology: f.topo})
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- listenAndServe(ctx, Config{Addr: "127.0.0.1:0"}, h, func(a string) { addrc <- a })
	}()
	defer func() { cancel(); <-served }()
	base := "http://" + <-addrc

	var conns int
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		if !i.Reused {
			conns++
		}
	}}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	defer client.CloseIdleConnections()
	paths := []string{
		tilePath("units", beijing(6)),     // ~7 KB gzipped: held
		"/api/v1/stats/provinces",         // ~2 KB: one write anyway
		"/api/v1/layers/provinces?zoom=4", // ~20 KB: held
		"/api/v1/layers/units?zoom=4",     // ~68 KB: over maxHeld
		tilePath("units", beijing(6)),     // held again
	}
	for round := 0; round < 2; round++ {
		for _, p := range paths {
			for _, gz := range []bool{true, false} {
				want := get(t, h, p, "Accept-Encoding: "+map[bool]string{true: "gzip", false: "identity"}[gz])
				req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, base+p, nil)
				if gz {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, want.Body.Bytes()) {
					t.Fatalf("%s (gzip %v): %d, %d bytes, %v; the handler gives %d bytes", p, gz, resp.StatusCode, len(body), err, want.Body.Len())
				}
				req, _ = http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, base+p, nil)
				req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
				if gz {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				resp, err = client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotModified {
					t.Fatalf("%s revalidated: %d", p, resp.StatusCode)
				}
			}
		}
	}
	if conns != 1 {
		t.Errorf("%d connections for %d requests, want 1 kept alive", conns, 2*len(paths)*2*2)
	}
}

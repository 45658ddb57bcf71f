package server

import (
	"context"
	"io"
	"net/http"
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

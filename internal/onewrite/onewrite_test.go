package onewrite

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// countingConn records each write that reaches the connection.
type countingConn struct {
	net.Conn
	mu     sync.Mutex
	writes []int
	fail   error
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, len(p))
	fail := c.fail
	c.mu.Unlock()
	if fail != nil {
		return 0, fail
	}
	return c.Conn.Write(p)
}

func (c *countingConn) count() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.writes...)
}

// countingListener wraps accepted connections in countingConns.
type countingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []*countingConn
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &countingConn{Conn: c}
	l.mu.Lock()
	l.conns = append(l.conns, cc)
	l.mu.Unlock()
	return cc, nil
}

// serveHeld serves bodies of the asked size (?n=), held or not (?hold=1),
// through a real http.Server on loopback.
func serveHeld(t *testing.T, max int) (*countingListener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counted := &countingListener{Listener: ln}
	held, err := NewListener(counted, max)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		ConnContext: ConnContext,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			announced := n
			if a := r.URL.Query().Get("announce"); a != "" {
				announced, _ = strconv.Atoi(a)
			}
			body := bytes.Repeat([]byte("0123456789"), n/10+1)[:n]
			w.Header().Set("Content-Length", strconv.Itoa(n))
			if r.URL.Query().Get("hold") == "1" {
				if h := Hold(r.Context(), announced+1024); h.Holding() {
					defer func() {
						w.(http.Flusher).Flush()
						if err := h.Send(); err != nil {
							t.Errorf("send: %v", err)
						}
					}()
				}
			}
			w.WriteHeader(http.StatusOK)
			w.Write(body[:n/2])
			w.Write(body[n/2:])
		}),
	}
	go srv.Serve(held)
	t.Cleanup(func() { srv.Close() })
	return counted, "http://" + ln.Addr().String()
}

// get asks for the body over one kept-alive connection and checks it.
func get(t *testing.T, client *http.Client, url string, n int) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Repeat([]byte("0123456789"), n/10+1)[:n]
	if !bytes.Equal(b, want) {
		t.Fatalf("%s: body of %d bytes differs from the %d written", url, len(b), n)
	}
}

// writesSince returns the writes the server's only connection made after
// the first `before` writes.
func writesSince(t *testing.T, l *countingListener, before int) []int {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.conns) != 1 {
		t.Fatalf("%d connections, want 1 (keep-alive)", len(l.conns))
	}
	return l.conns[0].count()[before:]
}

func TestHeldResponseIsOneWrite(t *testing.T) {
	l, base := serveHeld(t, 32<<10)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()

	// Not held: net/http's 4 KiB buffer splits a 7 KiB response in two.
	get(t, client, base+"/?n=7170", 7170)
	plain := writesSince(t, l, 0)
	if len(plain) < 2 {
		t.Fatalf("a 7170-byte response without holding took writes %v; the test assumes net/http splits it", plain)
	}
	before := len(plain)

	// Held: one write of headers and body, on the same connection.
	get(t, client, base+"/?n=7170&hold=1", 7170)
	held := writesSince(t, l, before)
	if len(held) != 1 || held[0] < 7170 {
		t.Fatalf("held response took writes %v, want one of the headers and 7170 bytes", held)
	}
	before += len(held)

	// The connection goes on as before after a held response.
	for _, n := range []int{10, 5000, 20000} {
		get(t, client, fmt.Sprintf("%s/?n=%d&hold=1", base, n), n)
	}
	get(t, client, base+"/?n=100", 100)
	rest := writesSince(t, l, before)
	if len(rest) != 4 {
		t.Fatalf("four responses (three held) took writes %v, want 4", rest)
	}
}

func TestHeldOverflowKeepsOrder(t *testing.T) {
	l, base := serveHeld(t, 16<<10)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	// Announced 1 KiB (buffer 8 KiB), written 30 KiB: the held part and
	// the rest go out in order.
	get(t, client, base+"/?n=30000&announce=1000&hold=1", 30000)
	// Over the listener's maximum: nothing is held, the response is whole.
	get(t, client, base+"/?n=40000&hold=1", 40000)
	get(t, client, base+"/?n=7000&hold=1", 7000)
	if w := writesSince(t, l, 0); len(w) < 3 {
		t.Fatalf("writes %v", w)
	}
}

func TestHoldOutsideListener(t *testing.T) {
	if h := Hold(context.Background(), 1000); h.Holding() {
		t.Fatal("a context without a connection holds")
	}
	if err := (Held{}).Send(); err != nil {
		t.Fatalf("sending nothing: %v", err)
	}
	if _, err := NewListener(nil, 100); err == nil {
		t.Fatal("a maximum below the smallest buffer is accepted")
	}
}

// A failed send closes the connection: net/http counted the bytes as
// written, so nothing may follow them.
func TestSendFailureClosesConnection(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	cc := &countingConn{Conn: a}
	l, err := NewListener(nil, 16<<10)
	if err != nil {
		t.Fatal(err)
	}
	c := &conn{Conn: cc, l: l}
	if !c.hold(9000) {
		t.Fatal("no hold")
	}
	if n, err := c.Write(make([]byte, 5000)); n != 5000 || err != nil {
		t.Fatalf("held write: %d, %v", n, err)
	}
	if got := cc.count(); len(got) != 0 {
		t.Fatalf("held bytes reached the connection: %v", got)
	}
	cc.fail = errors.New("broken pipe")
	if err := (Held{c}).Send(); err == nil {
		t.Fatal("a failed send reports no error")
	}
	// The pipe is closed: the other end reads EOF at once.
	b.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := bufio.NewReader(b).ReadByte(); !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("after a failed send the connection is open: %v", err)
	}
}

// Close interrupts a send that a client stalls (it never reads): no lock
// is held across the write.
func TestCloseInterruptsStalledSend(t *testing.T) {
	a, b := net.Pipe() // a write blocks until the other end reads
	defer b.Close()
	l, err := NewListener(nil, 16<<10)
	if err != nil {
		t.Fatal(err)
	}
	c := &conn{Conn: a, l: l}
	if !c.hold(9000) {
		t.Fatal("no hold")
	}
	c.Write(make([]byte, 5000))
	sent := make(chan error, 1)
	go func() { sent <- (Held{c}).Send() }()
	time.Sleep(50 * time.Millisecond) // the send is blocked in the pipe
	closed := make(chan error, 1)
	go func() { closed <- c.Close() }()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close waits for a stalled send")
	}
	select {
	case err := <-sent:
		if err == nil {
			t.Fatal("a send cut by Close reports no error")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the stalled send did not end with Close")
	}
}

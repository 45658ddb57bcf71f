// Package onewrite lets an HTTP handler send a response of known, modest
// size in one write to the connection.
//
// net/http buffers 4 KiB per connection: the status line and headers go
// into that buffer, and a body that does not fit beside them leaves in a
// second write (and, with TCP_NODELAY, a second segment the client wakes
// up for). For the server's cached tiles and layers that second system
// call is a third of the cost of a response. A Listener's connections can
// hold what net/http writes for one response and send it in one write when
// the handler is done, the way nginx corks a header and its file.
//
// Nothing else changes: a connection that is not holding writes through,
// and a response larger than announced is written through as well, in
// order.
package onewrite

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
)

// Listener wraps accepted connections so that a handler can Hold them.
type Listener struct {
	net.Listener
	max   int          // the largest response held, in bytes
	pools []*sync.Pool // buffers of cap minBuf<<i, up to max
}

// minBuf is the capacity of the smallest held buffer; a response that
// fits net/http's own 4 KiB buffer needs no holding.
const minBuf = 8 << 10

// NewListener wraps ln; responses up to max bytes (headers included) can
// be held, so a connection holds at most max bytes at a time.
func NewListener(ln net.Listener, max int) (*Listener, error) {
	if max < minBuf {
		return nil, fmt.Errorf("onewrite: a hold of at most %d bytes is below the smallest buffer (%d)", max, minBuf)
	}
	l := &Listener{Listener: ln, max: max}
	for size := minBuf; ; size <<= 1 {
		capacity := size
		l.pools = append(l.pools, &sync.Pool{New: func() any { b := make([]byte, 0, capacity); return &b }})
		if size >= max {
			break
		}
	}
	return l, nil
}

// Accept waits for the next connection and wraps it.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, l: l}, nil
}

// pool returns the pool whose buffers hold size bytes, or nil when size is
// over the listener's maximum.
func (l *Listener) pool(size int) (*sync.Pool, int) {
	if size > l.max {
		return nil, 0
	}
	for i, p := range l.pools {
		if minBuf<<i >= size {
			return p, minBuf << i
		}
	}
	return nil, 0
}

// conn is an accepted connection that can hold one response's writes.
// Its lock guards what is held, never a write to the network: Close must
// be able to interrupt a write that a client stalls.
type conn struct {
	net.Conn
	l *Listener

	mu   sync.Mutex
	held *[]byte    // what is held, nil when not holding
	from *sync.Pool // where held came from
}

func (c *conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.held == nil {
		c.mu.Unlock()
		return c.Conn.Write(p)
	}
	if b := *c.held; len(b)+len(p) <= cap(b) {
		*c.held = append(b, p...)
		c.mu.Unlock()
		return len(p), nil
	}
	// More than announced: what is held goes first, then p, in one
	// vectored write; holding ends.
	b, from := c.take()
	c.mu.Unlock()
	held := len(*b)
	bufs := net.Buffers{*b, p}
	n, err := bufs.WriteTo(c.Conn)
	put(b, from)
	if err != nil && n < int64(held) {
		c.Conn.Close() // net/http was told the held bytes were sent
		return 0, fmt.Errorf("send the held response: %w", err)
	}
	return int(n) - held, err
}

// ReadFrom lets net/http use the connection's own ReadFrom (sendfile,
// splice) when nothing is held.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if err := c.release(); err != nil {
		return 0, err
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// CloseWrite passes a half close through (net/http uses it to close a
// connection gracefully).
func (c *conn) CloseWrite() error {
	if err := c.release(); err != nil {
		return err
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Close drops anything still held: nobody will send it.
func (c *conn) Close() error {
	c.mu.Lock()
	if c.held != nil {
		put(c.take())
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

func (c *conn) hold(size int) bool {
	p, capacity := c.l.pool(size)
	if p == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held != nil {
		return false // already holding: the outer hold sends it
	}
	b := p.Get().(*[]byte)
	if cap(*b) < capacity {
		nb := make([]byte, 0, capacity)
		b = &nb
	}
	*b = (*b)[:0]
	c.held, c.from = b, p
	return true
}

// release sends what is held (Held.Send).
func (c *conn) release() error {
	c.mu.Lock()
	if c.held == nil {
		c.mu.Unlock()
		return nil
	}
	b, from := c.take()
	c.mu.Unlock()
	var err error
	if len(*b) > 0 {
		_, err = c.Conn.Write(*b)
	}
	put(b, from)
	if err != nil {
		c.Conn.Close()
		return fmt.Errorf("send the held response: %w", err)
	}
	return nil
}

// take ends holding and returns the held buffer and its pool; c.mu is
// held and so is a buffer.
func (c *conn) take() (*[]byte, *sync.Pool) {
	b, from := c.held, c.from
	c.held, c.from = nil, nil
	return b, from
}

// put returns a buffer to its pool.
func put(b *[]byte, from *sync.Pool) {
	*b = (*b)[:0]
	from.Put(b)
}

type ctxKey struct{}

// ConnContext is for http.Server.ConnContext: it lets Hold find the
// request's connection.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if oc, ok := c.(*conn); ok {
		return context.WithValue(ctx, ctxKey{}, oc)
	}
	return ctx
}

// Held is a connection holding one response; the zero Held holds nothing.
type Held struct{ c *conn }

// Holding reports whether anything is held.
func (h Held) Holding() bool { return h.c != nil }

// Send writes what is held in one write and stops holding. When that write
// fails the connection is closed: net/http believes the bytes were sent,
// so nothing may follow them on this connection.
func (h Held) Send() error {
	if h.c == nil {
		return nil
	}
	return h.c.release()
}

// Hold makes the request's connection keep what is written to it, up to
// size bytes (status line and headers included), until Send writes it all
// at once. The handler must flush the response (http.Flusher) before
// Send, so that net/http's buffer is in what is held. Hold holds nothing
// when the connection is not a Listener's, is already holding, or size is
// over the listener's maximum: then the response goes out as usual.
func Hold(ctx context.Context, size int) Held {
	c, _ := ctx.Value(ctxKey{}).(*conn)
	if c == nil || !c.hold(size) {
		return Held{}
	}
	return Held{c}
}

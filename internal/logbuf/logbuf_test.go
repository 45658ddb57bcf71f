package logbuf

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer records each write it gets.
type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	return b.buf.Write(p)
}

func (b *lockedBuffer) state() (string, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String(), b.writes
}

func TestLinesLeaveTogether(t *testing.T) {
	var dst lockedBuffer
	w, err := New(&dst, 1024, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		w.Write([]byte("line of forty bytes, more or less....\n"))
	}
	if s, n := dst.state(); n != 0 || s != "" {
		t.Fatalf("%d writes before a flush", n)
	}
	// Past the buffer: what waits goes first, whole lines only.
	for i := 0; i < 30; i++ {
		w.Write([]byte("line of forty bytes, more or less....\n"))
	}
	s, n := dst.state()
	if n == 0 || !strings.HasSuffix(s, "\n") {
		t.Fatalf("a full buffer was not written whole: %d writes, %q", n, s[max(0, len(s)-20):])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s, _ := dst.state(); strings.Count(s, "\n") != 40 {
		t.Fatalf("%d lines after Close, want 40", strings.Count(s, "\n"))
	}
	if _, err := w.Write([]byte("late\n")); err == nil {
		t.Fatal("a write after Close is accepted")
	}
}

func TestFlushedWithinInterval(t *testing.T) {
	var dst lockedBuffer
	w, err := New(&dst, 64<<10, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Write([]byte("one\n"))
	w.Write([]byte("two\n"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if s, n := dst.state(); s == "one\ntwo\n" {
			if n != 1 {
				t.Fatalf("two lines in %d writes, want 1", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("lines not written within 5 s of a 20 ms interval")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The timer is armed again by the next line.
	w.Write([]byte("three\n"))
	for {
		if s, _ := dst.state(); s == "one\ntwo\nthree\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a line after the first flush was not written")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNoBufferRefused(t *testing.T) {
	if _, err := New(&bytes.Buffer{}, 0, time.Second); err == nil {
		t.Fatal("a buffer of 0 bytes is accepted")
	}
	if _, err := New(&bytes.Buffer{}, 10, 0); err == nil {
		t.Fatal("an interval of 0 is accepted")
	}
}

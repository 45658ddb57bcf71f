// Command stall opens connections to a URL, sends one GET on each and
// never reads the answer: the clients that hold a server's response in
// its write buffers (bench/load.sh). It keeps them open for -for, then
// prints how many connections it opened and closes them.
//
// Usage: go run ./bench/stall -n 40 -for 30s [-gzip] http://127.0.0.1:18480/ogc/...
package main

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"
)

func main() {
	n := flag.Int("n", 40, "connections")
	hold := flag.Duration("for", 30*time.Second, "how long to keep them open")
	gz := flag.Bool("gzip", false, "send Accept-Encoding: gzip")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: stall [-n 40] [-for 30s] [-gzip] URL")
		os.Exit(2)
	}
	u, err := url.Parse(flag.Arg(0))
	if err != nil || u.Scheme != "http" || u.Host == "" {
		fmt.Fprintf(os.Stderr, "stall: want an http URL, got %q\n", flag.Arg(0))
		os.Exit(2)
	}
	ae := ""
	if *gz {
		ae = "Accept-Encoding: gzip\r\n"
	}
	var conns []net.Conn
	for range *n {
		c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
		if err != nil {
			fmt.Fprintf(os.Stderr, "stall: %v\n", err)
			continue
		}
		// A small receive buffer, so the server's writes block early.
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetReadBuffer(4 << 10)
		}
		if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", u.RequestURI(), u.Host, ae); err != nil {
			fmt.Fprintf(os.Stderr, "stall: %v\n", err)
			c.Close()
			continue
		}
		conns = append(conns, c)
	}
	time.Sleep(*hold)
	for _, c := range conns {
		c.Close()
	}
	fmt.Printf("%d connections held %s without reading\n", len(conns), *hold)
}

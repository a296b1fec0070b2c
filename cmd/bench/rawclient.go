package main

// The raw floor: the same replay as the floor, through the least an HTTP/1.1 client can
// do instead of net/http. Each recorded request is rendered to bytes once; a call takes
// a kept-alive connection, writes those bytes, reads the status line and headers, reads
// the body (by Content-Length or chunked) into the connection's buffer and puts the
// connection back. No header map, no goroutines per connection, no context, no
// allocation per call once warm. What it costs is close to the syscalls and copying any
// client must do, so it bounds from below what a gateway's calls can cost, whatever
// client it used.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
)

// rawClient keeps idle connections to one host:port.
type rawClient struct {
	addr string

	mu   sync.Mutex
	idle []*rawConn
}

type rawConn struct {
	c    net.Conn
	r    *bufio.Reader
	body []byte // the last answer's body, reused
}

func newRawClient(base string) (*rawClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("raw floor: %s: only http", base)
	}
	return &rawClient{addr: u.Host}, nil
}

// rawRequest renders c as HTTP/1.1 bytes for host.
func rawRequest(host string, c recordedCall) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", c.Method, c.URI, host)
	for k, vs := range c.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	if len(c.Body) > 0 || c.Method == "POST" || c.Method == "PUT" || c.Method == "PATCH" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(c.Body))
	}
	b.WriteString("\r\n")
	b.Write(c.Body)
	return b.Bytes()
}

// do sends req and returns the answer's status and body length; the body is read in full.
func (rc *rawClient) do(req []byte) (status, n int, err error) {
	conn, err := rc.get()
	if err != nil {
		return 0, 0, err
	}
	status, n, keep, err := conn.roundTrip(req)
	if err != nil || !keep {
		conn.c.Close()
		return status, n, err
	}
	rc.mu.Lock()
	rc.idle = append(rc.idle, conn)
	rc.mu.Unlock()
	return status, n, nil
}

func (rc *rawClient) get() (*rawConn, error) {
	rc.mu.Lock()
	if n := len(rc.idle); n > 0 {
		conn := rc.idle[n-1]
		rc.idle = rc.idle[:n-1]
		rc.mu.Unlock()
		return conn, nil
	}
	rc.mu.Unlock()
	c, err := net.Dial("tcp", rc.addr)
	if err != nil {
		return nil, err
	}
	return &rawConn{c: c, r: bufio.NewReaderSize(c, 32<<10)}, nil
}

func (rc *rawClient) close() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, conn := range rc.idle {
		conn.c.Close()
	}
	rc.idle = nil
}

var errRawAnswer = errors.New("raw floor: malformed answer")

// roundTrip writes req and reads one answer; keep reports whether the connection may be
// used again.
func (conn *rawConn) roundTrip(req []byte) (status, n int, keep bool, err error) {
	if _, err := conn.c.Write(req); err != nil {
		return 0, 0, false, err
	}
	line, err := conn.line()
	if err != nil {
		return 0, 0, false, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, 0, false, errRawAnswer
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, 0, false, errRawAnswer
	}
	length, chunked, keep := -1, false, true
	for {
		h, err := conn.line()
		if err != nil {
			return 0, 0, false, err
		}
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return 0, 0, false, errRawAnswer
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, 0, false, errRawAnswer
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	conn.body = conn.body[:0]
	switch {
	case status == 204 || status == 304 || status < 200:
	case chunked:
		for {
			sizeLine, err := conn.line()
			if err != nil {
				return 0, 0, false, err
			}
			size, _, _ := bytes.Cut(sizeLine, []byte(";"))
			sz, err := strconv.ParseUint(string(bytes.TrimSpace(size)), 16, 31)
			if err != nil {
				return 0, 0, false, errRawAnswer
			}
			if sz == 0 {
				for { // trailers, then the empty line
					t, err := conn.line()
					if err != nil {
						return 0, 0, false, err
					}
					if len(t) == 0 {
						break
					}
				}
				break
			}
			if err := conn.read(int(sz)); err != nil {
				return 0, 0, false, err
			}
			if crlf, err := conn.line(); err != nil || len(crlf) != 0 {
				return 0, 0, false, errRawAnswer
			}
		}
	case length >= 0:
		if err := conn.read(length); err != nil {
			return 0, 0, false, err
		}
	default: // the body runs to the end of the connection
		b, err := io.ReadAll(conn.r)
		if err != nil {
			return 0, 0, false, err
		}
		conn.body = append(conn.body, b...)
		keep = false
	}
	return status, len(conn.body), keep, nil
}

// line reads one CRLF-terminated line without its ending. The slice is valid until the
// next read.
func (conn *rawConn) line() ([]byte, error) {
	l, err := conn.r.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	l = bytes.TrimSuffix(l, []byte("\n"))
	return bytes.TrimSuffix(l, []byte("\r")), nil
}

// read appends the next n bytes to the body.
func (conn *rawConn) read(n int) error {
	at := len(conn.body)
	conn.body = append(conn.body, make([]byte, n)...)
	_, err := io.ReadFull(conn.r, conn.body[at:])
	return err
}

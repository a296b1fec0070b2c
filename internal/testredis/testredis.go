// Package testredis gives tests a real Redis server. Redis code is tested against Redis
// itself, never a fake, so this helper finds or starts one instead of skipping.
//
// Discovery order, per test binary or per test:
//  1. CRMGRAPH_TEST_REDIS_URL, when set (it must answer PING, else the test fails);
//  2. 127.0.0.1:6379, when it answers PING;
//  3. a private redis-server (found on PATH) on a free loopback port, with persistence off.
//
// A package whose tests need Redis a lot can call Main from TestMain: it resolves (and,
// when needed, starts) one server for the whole binary and exports its URL through
// CRMGRAPH_TEST_REDIS_URL, so each test does not start its own. Without Main, a test that
// finds no server starts one of its own and stops it in t.Cleanup.
//
// Without Main, each URL (or Client) call that finds no server starts one: call it once
// per test and share the result.
//
// Isolation: tests share the server, so each test takes a random key prefix from Prefix;
// the prefix's keys are deleted when the test ends.
package testredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvURL names the variable that points tests at an existing Redis.
const EnvURL = "CRMGRAPH_TEST_REDIS_URL"

const defaultAddr = "127.0.0.1:6379"

// startTimeout bounds how long a started redis-server may take to answer PING.
const startTimeout = 10 * time.Second

// Main is for TestMain: it makes sure a Redis is reachable for the whole test binary,
// runs the tests and stops the server it started, if any.
//
//	func TestMain(m *testing.M) { testredis.Main(m) }
func Main(m *testing.M) {
	var srv *Server
	if _, ok := os.LookupEnv(EnvURL); !ok && ping(context.Background(), "redis://"+defaultAddr) != nil {
		s, err := start()
		if err != nil {
			fmt.Fprintln(os.Stderr, "testredis:", err)
			os.Exit(2)
		}
		srv = s
		// The environment carries the URL to URL(t): no package-level variable needed.
		if err := os.Setenv(EnvURL, s.URL); err != nil {
			fmt.Fprintln(os.Stderr, "testredis:", err)
			s.Stop()
			os.Exit(2)
		}
	}
	code := m.Run()
	if srv != nil {
		srv.Stop()
	}
	os.Exit(code)
}

// URL returns the URL of a reachable Redis, starting a private server when none is
// found. It fails the test (never skips it) when no Redis can be found or started.
func URL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	if u, ok := os.LookupEnv(EnvURL); ok {
		if err := ping(ctx, u); err != nil {
			t.Fatalf("testredis: %s=%q does not answer PING: %v", EnvURL, u, err)
		}
		return u
	}
	if ping(ctx, "redis://"+defaultAddr) == nil {
		return "redis://" + defaultAddr
	}
	return Start(t).URL
}

// Client returns a client of the Redis URL gives, configured as the gateway configures
// its own (context timeouts on, short timeouts) and closed when the test ends.
// Combine it with Prefix for key isolation.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	return ClientOf(t, URL(t))
}

// ClientOf returns a client of the Redis at url, closed when the test ends.
func ClientOf(t testing.TB, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("testredis: parse %q: %v", url, err)
	}
	tune(opt)
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Unreachable returns a client pointed at a loopback port nothing listens on, for tests
// of the Redis-down path that need no server at all.
func Unreachable(t testing.TB) *redis.Client {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatalf("testredis: %v", err)
	}
	return ClientOf(t, "redis://127.0.0.1:"+strconv.Itoa(port))
}

// Prefix returns a random key prefix ("test:<hex>:") unique to this test and deletes
// every key under it through c when the test ends (c must be a client from this
// package, still open at that point: Client and ClientOf close theirs later).
func Prefix(t testing.TB, c *redis.Client) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("testredis: %v", err)
	}
	p := "test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// The keys of a down-path test may be on a stopped server: they died with it,
		// so an error here is not the test's failure.
		iter := c.Scan(ctx, 0, p+"*", 500).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if iter.Err() == nil && len(keys) > 0 {
			_ = c.Del(ctx, keys...).Err()
		}
	})
	return p
}

// Server is a redis-server process this package started.
type Server struct {
	URL  string // redis://127.0.0.1:<port>
	Addr string // 127.0.0.1:<port>

	cmd      *exec.Cmd
	dir      string
	stopOnce sync.Once
	exited   chan struct{}
}

// Start starts a private redis-server for this test (even when another Redis is
// reachable) and stops it in t.Cleanup. Stop it earlier to test the Redis-down path.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := start()
	if err != nil {
		t.Fatalf("testredis: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Client returns a client of this server, closed when the test ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	return ClientOf(t, s.URL)
}

// Stop stops the server and waits for it to exit. It is safe to call more than once.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Kill()
		<-s.exited
		_ = os.RemoveAll(s.dir)
	})
}

func start() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("no Redis reachable at %s or through %s, and no redis-server on PATH "+
			"(install it, run scripts/ensure-redis.sh, or set %s)", defaultAddr, EnvURL, EnvURL)
	}
	var lastErr error
	// A free port can be taken between probing and binding; a few attempts cover that.
	for range 3 {
		s, err := startOn(bin)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startOn(bin string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "testredis-")
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
		"--daemonize", "no",
		"--loglevel", "warning",
	)
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	s := &Server{URL: "redis://" + addr, Addr: addr, cmd: cmd, dir: dir, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		// A plain dial first: go-redis logs every refused connection to stderr.
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = conn.Close()
			if ping(ctx, s.URL) == nil {
				return s, nil
			}
		}
		select {
		case <-s.exited:
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("redis-server on %s exited before answering PING", addr)
		case <-ctx.Done():
			s.Stop()
			return nil, fmt.Errorf("redis-server on %s did not answer PING within %s", addr, startTimeout)
		case <-tick.C:
		}
	}
}

func ping(ctx context.Context, url string) error {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return err
	}
	tune(opt)
	c := redis.NewClient(opt)
	defer func() { _ = c.Close() }()
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

// tune mirrors how the gateway builds its client: the context decides, timeouts are short
// and a refused connection is not retried for long, so down-path tests stay fast.
func tune(opt *redis.Options) {
	opt.ContextTimeoutEnabled = true
	opt.DialTimeout = 500 * time.Millisecond
	opt.ReadTimeout = 500 * time.Millisecond
	opt.WriteTimeout = 500 * time.Millisecond
	opt.MaxRetries = -1
	opt.DialerRetries = 1 // go-redis redials 5 times, 100ms apart, by default
	opt.DialerRetryTimeout = time.Millisecond
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("find a free port: not a TCP address")
	}
	return addr.Port, nil
}

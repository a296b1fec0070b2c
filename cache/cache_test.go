package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"crmgraph/internal/testredis"
)

func TestMain(m *testing.M) { testredis.Main(m) }

// clock is the fake time freshness is decided on; tests move it instead of sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// loader counts its calls and answers what it is told.
type loader struct {
	calls atomic.Int64
	mu    sync.Mutex
	value string
	err   error
	gate  chan struct{} // when set, each call waits for it
}

func (l *loader) set(value string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.value, l.err = value, err
}

func (l *loader) load(ctx context.Context) ([]byte, error) {
	l.calls.Add(1)
	l.mu.Lock()
	gate, value, err := l.gate, l.value, l.err
	l.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	return []byte(value), nil
}

type fixture struct {
	c     *Cache
	clock *clock
	reg   *prometheus.Registry
}

func newCache(t *testing.T, rdb *redis.Client, prefix string, clk *clock) fixture {
	t.Helper()
	reg := prometheus.NewRegistry()
	c := New(Config{Redis: rdb, Prefix: prefix, Registerer: reg})
	c.now = clk.Now
	t.Cleanup(c.Close)
	return fixture{c: c, clock: clk, reg: reg}
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (f fixture) metric(name, result string) float64 {
	return testutil.ToFloat64(f.c.requests.WithLabelValues(name, result))
}

func (f fixture) assertMetrics(t *testing.T, name string, want map[string]float64) {
	t.Helper()
	for _, result := range []string{resultHit, resultMiss, resultStale, resultError} {
		if got := f.metric(name, result); got != want[result] {
			t.Errorf("crmgraph_cache_requests_total{cache=%q,result=%q} = %v, want %v", name, result, got, want[result])
		}
	}
}

func mustGet(t *testing.T, c *Cache, key Key, l *loader) string {
	t.Helper()
	v, err := c.Get(context.Background(), key, l.load)
	if err != nil {
		t.Fatalf("Get(%+v): %v", key, err)
	}
	return string(v)
}

// eventually polls cond until it holds or a generous deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var statuses = Key{Backend: "cirrus", Scope: "tenant-a", Language: "en", Name: "orderStatuses"}

func TestGetTiers(t *testing.T) {
	rdb := testredis.Client(t)
	prefix := testredis.Prefix(t, rdb)

	tests := []struct {
		name string
		// steps run against instance a (and b, sharing Redis); then the metrics of a and
		// b and the number of loads are checked.
		run       func(t *testing.T, a, b fixture, l *loader)
		wantLoads int64
		wantA     map[string]float64
		wantB     map[string]float64
	}{
		{
			name: "miss then local hit",
			run: func(t *testing.T, a, _ fixture, l *loader) {
				for range 3 {
					if got := mustGet(t, a.c, statuses, l); got != "v1" {
						t.Fatalf("Get = %q, want v1", got)
					}
				}
			},
			wantLoads: 1,
			wantA:     map[string]float64{resultMiss: 1, resultHit: 2},
		},
		{
			name: "redis hit on a second replica",
			run: func(t *testing.T, a, b fixture, l *loader) {
				mustGet(t, a.c, statuses, l)
				if got := mustGet(t, b.c, statuses, l); got != "v1" {
					t.Fatalf("b.Get = %q, want v1", got)
				}
			},
			wantLoads: 1,
			wantA:     map[string]float64{resultMiss: 1},
			wantB:     map[string]float64{resultHit: 1},
		},
		{
			name: "local copy expires, redis still fresh",
			run: func(t *testing.T, a, _ fixture, l *loader) {
				mustGet(t, a.c, statuses, l)
				l.set("v2", nil)
				a.clock.Advance(DefaultLocalTTL + time.Second)
				if got := mustGet(t, a.c, statuses, l); got != "v1" {
					t.Fatalf("Get = %q, want v1 from redis", got)
				}
			},
			wantLoads: 1,
			wantA:     map[string]float64{resultMiss: 1, resultHit: 1},
		},
		{
			name: "everything expired past stale loads again",
			run: func(t *testing.T, a, _ fixture, l *loader) {
				mustGet(t, a.c, statuses, l)
				l.set("v2", nil)
				a.clock.Advance(DefaultRemoteTTL + DefaultStaleFor + time.Second)
				if got := mustGet(t, a.c, statuses, l); got != "v2" {
					t.Fatalf("Get = %q, want v2", got)
				}
			},
			wantLoads: 2,
			wantA:     map[string]float64{resultMiss: 2},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			p := fmt.Sprintf("%s%d", prefix, i)
			a, b := newCache(t, rdb, p, clk), newCache(t, rdb, p, clk)
			l := &loader{value: "v1"}
			tt.run(t, a, b, l)
			if got := l.calls.Load(); got != tt.wantLoads {
				t.Errorf("loads = %d, want %d", got, tt.wantLoads)
			}
			a.assertMetrics(t, statuses.Name, tt.wantA)
			b.assertMetrics(t, statuses.Name, tt.wantB)
		})
	}
}

func TestGetOneLoadForConcurrentCallers(t *testing.T) {
	for _, withRedis := range []bool{true, false} {
		t.Run(fmt.Sprintf("redis=%v", withRedis), func(t *testing.T) {
			var rdb *redis.Client
			var prefix string
			if withRedis {
				rdb = testredis.Client(t)
				prefix = testredis.Prefix(t, rdb)
			}
			f := newCache(t, rdb, prefix, newClock())
			gate := make(chan struct{})
			l := &loader{value: "v1", gate: gate}

			const callers = 50
			var started sync.WaitGroup
			started.Add(callers)
			var done sync.WaitGroup
			errs := make(chan error, callers)
			for range callers {
				done.Add(1)
				go func() {
					defer done.Done()
					started.Done()
					v, err := f.c.Get(context.Background(), statuses, l.load)
					if err == nil && string(v) != "v1" {
						err = fmt.Errorf("Get = %q, want v1", v)
					}
					errs <- err
				}()
			}
			started.Wait()
			eventually(t, "the load to start", func() bool { return l.calls.Load() > 0 })
			close(gate)
			done.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := l.calls.Load(); got != 1 {
				t.Errorf("loads = %d, want exactly 1", got)
			}
			if got := f.metric(statuses.Name, resultMiss) + f.metric(statuses.Name, resultHit); got != callers {
				t.Errorf("miss+hit = %v, want %d", got, callers)
			}
		})
	}
}

func TestGetCallerCancelDoesNotFailOthers(t *testing.T) {
	rdb := testredis.Client(t)
	f := newCache(t, rdb, testredis.Prefix(t, rdb), newClock())
	gate := make(chan struct{})
	l := &loader{value: "v1", gate: gate}

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := f.c.Get(ctx, statuses, l.load)
		first <- err
	}()
	eventually(t, "the load to start", func() bool { return l.calls.Load() == 1 })
	second := make(chan string, 1)
	go func() {
		v, err := f.c.Get(context.Background(), statuses, l.load)
		if err != nil {
			v = []byte(err.Error())
		}
		second <- string(v)
	}()
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(gate)
	if got := <-second; got != "v1" {
		t.Fatalf("second caller got %q, want v1", got)
	}
	if got := l.calls.Load(); got != 1 {
		t.Errorf("loads = %d, want 1", got)
	}
}

func TestStaleWhileRefresh(t *testing.T) {
	for _, withRedis := range []bool{true, false} {
		t.Run(fmt.Sprintf("redis=%v", withRedis), func(t *testing.T) {
			var rdb *redis.Client
			var prefix string
			if withRedis {
				rdb = testredis.Client(t)
				prefix = testredis.Prefix(t, rdb)
			}
			f := newCache(t, rdb, prefix, newClock())
			l := &loader{value: "v1"}
			mustGet(t, f.c, statuses, l)

			gate := make(chan struct{})
			l.mu.Lock()
			l.value, l.gate = "v2", gate
			l.mu.Unlock()
			f.clock.Advance(DefaultRemoteTTL + time.Minute)

			// Every caller gets the stale list at once although the refresh is blocked.
			const callers = 20
			var wg sync.WaitGroup
			errs := make(chan error, callers)
			for range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := f.c.Get(context.Background(), statuses, l.load)
					if err == nil && string(v) != "v1" {
						err = fmt.Errorf("Get = %q, want stale v1", v)
					}
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			close(gate)
			eventually(t, "the refreshed list", func() bool {
				v, err := f.c.Get(context.Background(), statuses, l.load)
				return err == nil && string(v) == "v2"
			})
			if got := l.calls.Load(); got != 2 {
				t.Errorf("loads = %d, want 2 (initial + exactly one refresh)", got)
			}
			if got := f.metric(statuses.Name, resultStale); got < callers {
				t.Errorf("stale = %v, want >= %d", got, callers)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	rdb := testredis.Client(t)
	prefix := testredis.Prefix(t, rdb)
	errBackend := errors.New("backend down")

	t.Run("error is returned and not cached", func(t *testing.T) {
		f := newCache(t, rdb, prefix+"a", newClock())
		l := &loader{err: errBackend}
		for range 2 {
			if _, err := f.c.Get(context.Background(), statuses, l.load); !errors.Is(err, errBackend) {
				t.Fatalf("Get error = %v, want %v", err, errBackend)
			}
		}
		if got := l.calls.Load(); got != 2 {
			t.Errorf("loads = %d, want 2: errors must not be cached", got)
		}
		l.set("v1", nil)
		if got := mustGet(t, f.c, statuses, l); got != "v1" {
			t.Errorf("Get after recovery = %q, want v1", got)
		}
	})

	t.Run("failing refresh keeps the stale list", func(t *testing.T) {
		f := newCache(t, rdb, prefix+"b", newClock())
		l := &loader{value: "v1"}
		mustGet(t, f.c, statuses, l)
		l.set("", errBackend)
		f.clock.Advance(DefaultRemoteTTL + time.Minute)

		if got := mustGet(t, f.c, statuses, l); got != "v1" {
			t.Fatalf("Get = %q, want stale v1", got)
		}
		eventually(t, "the failed refresh to finish", func() bool {
			f.c.mu.Lock()
			defer f.c.mu.Unlock()
			e := f.c.local[statuses.list()][statuses.variant()]
			return e != nil && !e.refreshing && !e.retryAt.IsZero()
		})
		if got := mustGet(t, f.c, statuses, l); got != "v1" {
			t.Fatalf("Get after failed refresh = %q, want stale v1", got)
		}
		if got := l.calls.Load(); got != 2 {
			t.Errorf("loads = %d, want 2: no retry within the backoff", got)
		}

		l.set("v2", nil)
		f.clock.Advance(refreshBackoff)
		mustGet(t, f.c, statuses, l) // starts the retry
		eventually(t, "the retried refresh", func() bool {
			v, err := f.c.Get(context.Background(), statuses, l.load)
			return err == nil && string(v) == "v2"
		})
	})
}

func TestKeyIsolation(t *testing.T) {
	rdb := testredis.Client(t)
	f := newCache(t, rdb, testredis.Prefix(t, rdb), newClock())
	keys := []Key{
		statuses,
		{Backend: "cirrus", Scope: "tenant-b", Language: "en", Name: "orderStatuses"},
		{Backend: "cirrus", Scope: "tenant-a", Language: "fi", Name: "orderStatuses"},
		{Backend: "cone", Scope: "tenant-a", Language: "en", Name: "orderStatuses"},
		{Backend: "cirrus", Scope: "tenant-a", Language: "en", Name: "orderTypes"},
		// Separators inside a part must not make two keys collide.
		{Backend: "cirrus", Scope: "tenant-a en", Language: "", Name: "orderStatuses"},
		{Backend: "cirrus", Scope: "tenant-a", Language: " en", Name: "orderStatuses"},
	}
	value := func(k Key) string { return fmt.Sprintf("%s|%s|%s|%s", k.Backend, k.Scope, k.Language, k.Name) }
	loaders := make([]*loader, len(keys))
	for i, k := range keys {
		loaders[i] = &loader{value: value(k)}
		if got := mustGet(t, f.c, k, loaders[i]); got != value(k) {
			t.Fatalf("Get(%+v) = %q, want %q", k, got, value(k))
		}
	}
	// A second replica reads them all from Redis: each key's own list, no loads.
	g := newCache(t, rdb, f.c.prefix, newClock())
	for i, k := range keys {
		t.Run(value(k), func(t *testing.T) {
			for _, c := range []*Cache{f.c, g.c} {
				if got := mustGet(t, c, k, loaders[i]); got != value(k) {
					t.Errorf("Get = %q, want %q", got, value(k))
				}
			}
			if got := loaders[i].calls.Load(); got != 1 {
				t.Errorf("loads = %d, want 1", got)
			}
		})
	}
}

func TestInvalidate(t *testing.T) {
	rdb := testredis.Client(t)
	prefix := testredis.Prefix(t, rdb)
	other := Key{Backend: "cirrus", Scope: "tenant-b", Language: "fi", Name: "orderStatuses"}
	unrelated := Key{Backend: "cirrus", Scope: "tenant-a", Language: "en", Name: "orderTypes"}

	clk := newClock()
	a, b := newCache(t, rdb, prefix, clk), newCache(t, rdb, prefix, clk)
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- b.c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-runDone; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	eventually(t, "b to subscribe", func() bool {
		n, err := rdb.PubSubNumSub(context.Background(), a.c.channel()).Result()
		return err == nil && n[a.c.channel()] >= 1
	})

	l, lo, lu := &loader{value: "v1"}, &loader{value: "o1"}, &loader{value: "u1"}
	mustGet(t, a.c, statuses, l)
	mustGet(t, a.c, other, lo)
	mustGet(t, a.c, unrelated, lu)
	if got := mustGet(t, b.c, statuses, l); got != "v1" {
		t.Fatalf("b.Get = %q, want v1", got)
	}
	l.set("v2", nil)
	lo.set("o2", nil)
	lu.set("u2", nil)

	if err := a.c.Invalidate(context.Background(), statuses.Backend, statuses.Name); err != nil {
		t.Fatalf("Invalidate: %v", err)
	}
	eventually(t, "b to drop its local copy", func() bool {
		b.c.mu.Lock()
		defer b.c.mu.Unlock()
		return len(b.c.local[statuses.list()]) == 0
	})

	tests := []struct {
		name string
		c    *Cache
		key  Key
		l    *loader
		want string
	}{
		{"invalidating replica", a.c, statuses, l, "v2"},
		{"other replica", b.c, statuses, l, "v2"},
		{"other scope and language", b.c, other, lo, "o2"},
		{"other list untouched", a.c, unrelated, lu, "u1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustGet(t, tt.c, tt.key, tt.l); got != tt.want {
				t.Errorf("Get = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInvalidateDuringLoadIsNotOverwritten(t *testing.T) {
	rdb := testredis.Client(t)
	prefix := testredis.Prefix(t, rdb)
	clk := newClock()
	a, b := newCache(t, rdb, prefix, clk), newCache(t, rdb, prefix, clk)

	gate := make(chan struct{})
	l := &loader{value: "old", gate: gate}
	got := make(chan string, 1)
	go func() {
		v, err := a.c.Get(context.Background(), statuses, l.load)
		if err != nil {
			v = []byte(err.Error())
		}
		got <- string(v)
	}()
	eventually(t, "the load to start", func() bool { return l.calls.Load() == 1 })
	if err := b.c.Invalidate(context.Background(), statuses.Backend, statuses.Name); err != nil {
		t.Fatalf("Invalidate: %v", err)
	}
	close(gate)
	if v := <-got; v != "old" {
		t.Fatalf("in-flight Get = %q, want old", v)
	}
	// The old list was loaded before the invalidation: Redis must not keep it.
	l.mu.Lock()
	l.value, l.gate = "new", nil
	l.mu.Unlock()
	if v := mustGet(t, b.c, statuses, l); v != "new" {
		t.Errorf("Get after invalidation = %q, want new", v)
	}
}

func TestRedisDown(t *testing.T) {
	t.Run("stopped server", func(t *testing.T) {
		srv := testredis.Start(t)
		rdb := srv.Client(t)
		f := newCache(t, rdb, "crmgraph", newClock())
		l := &loader{value: "v1"}
		cold := Key{Backend: "cirrus", Scope: "tenant-a", Name: "orderTypes"}
		mustGet(t, f.c, statuses, l)
		if err := f.c.Ping(context.Background()); err != nil {
			t.Fatalf("Ping with redis up: %v", err)
		}

		var logs bytes.Buffer
		f.c.log = slog.New(slog.NewTextHandler(&logs, nil))
		srv.Stop()
		f.clock.Advance(DefaultLocalTTL + time.Second) // the local copy wants a Redis check
		if got := mustGet(t, f.c, statuses, l); got != "v1" {
			t.Errorf("Get = %q, want v1 from process memory", got)
		}
		f.assertMetrics(t, statuses.Name, map[string]float64{resultMiss: 1, resultError: 1})

		f.clock.Advance(redisRetryInterval) // let the cache try Redis again
		lc := &loader{value: "t1"}
		if got := mustGet(t, f.c, cold, lc); got != "t1" {
			t.Errorf("cold Get = %q, want t1 from the loader", got)
		}
		if got := f.metric(cold.Name, resultError); got != 1 {
			t.Errorf("error count = %v, want 1", got)
		}
		if err := f.c.Ping(context.Background()); err == nil {
			t.Error("Ping with redis down: nil error")
		}
		if err := f.c.Invalidate(context.Background(), cold.Backend, cold.Name); err == nil {
			t.Error("Invalidate with redis down: nil error")
		}
		// Dropped locally all the same.
		lc.set("t2", nil)
		f.clock.Advance(redisRetryInterval)
		if got := mustGet(t, f.c, cold, lc); got != "t2" {
			t.Errorf("Get after local invalidation = %q, want t2", got)
		}
		// Four Redis failures within warnInterval: one warning.
		if n := strings.Count(logs.String(), "redis unavailable"); n != 1 {
			t.Errorf("logged the outage %d times, want once:\n%s", n, logs.String())
		}
	})

	t.Run("unreachable from the start", func(t *testing.T) {
		f := newCache(t, testredis.Unreachable(t), "crmgraph", newClock())
		l := &loader{value: "v1"}
		for range 3 {
			if got := mustGet(t, f.c, statuses, l); got != "v1" {
				t.Fatalf("Get = %q, want v1", got)
			}
		}
		if got := l.calls.Load(); got != 1 {
			t.Errorf("loads = %d, want 1: the process tier still serves", got)
		}
		f.assertMetrics(t, statuses.Name, map[string]float64{resultError: 1, resultHit: 2})
	})
}

func TestLoadJSON(t *testing.T) {
	type status struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	f := newCache(t, nil, "", newClock())
	var calls int
	load := func(context.Context) ([]status, error) {
		calls++
		return []status{{1, "open"}, {2, "closed"}}, nil
	}
	for range 2 {
		got, err := Load(context.Background(), f.c, statuses, load)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if len(got) != 2 || got[1] != (status{2, "closed"}) {
			t.Fatalf("Load = %+v", got)
		}
	}
	if calls != 1 {
		t.Errorf("loads = %d, want 1", calls)
	}
	if _, err := f.c.Get(context.Background(), Key{Name: "x"}, nil); err == nil {
		t.Error("Get with no backend: nil error")
	}
}

func TestRunWithoutRedisReturnsOnCancel(t *testing.T) {
	f := newCache(t, nil, "", newClock())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.c.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := f.c.Ping(context.Background()); err != nil {
		t.Fatalf("Ping without redis: %v", err)
	}
}

package transport_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"crmgraph/backends/rest"
	"crmgraph/transport"
)

// hangFirst hangs its first hang requests until the client gives up, calling onHang
// once each has arrived, and answers the others 200.
type hangFirst struct {
	hang   int
	onHang func()
	hits   atomic.Int32
}

func (h *hangFirst) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Go's server notices a client hanging up only once the body has been read.
	_, _ = io.Copy(io.Discard, r.Body)
	if int(h.hits.Add(1)) <= h.hang {
		if h.onHang != nil {
			h.onHang()
		}
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"ok":true}`))
}

func TestAttemptTimeout(t *testing.T) {
	const ceiling = 100 * time.Millisecond // no latency samples yet: every cut is the ceiling
	tests := []struct {
		name       string
		method     string
		idempotent bool          // marked as a read (rest.Request.Idempotent)
		hang       int           // the first hang attempts hang until cut (or the call ends)
		deadline   time.Duration // the call's deadline; 0: none
		wantStatus int           // 0: an error
		wantHits   int
		wantCuts   []time.Duration // attempt timeouts armed
	}{
		{name: "a hung GET is cut and retried; the retry succeeds", method: "GET", hang: 1,
			wantStatus: 200, wantHits: 2, wantCuts: []time.Duration{ceiling, ceiling}},
		{name: "the last attempt is never cut", method: "GET", hang: 2,
			wantStatus: 200, wantHits: 3, wantCuts: []time.Duration{ceiling, ceiling}},
		{name: "a hung last attempt runs to the call's deadline", method: "GET", hang: 3, deadline: 5 * ceiling,
			wantHits: 3, wantCuts: []time.Duration{ceiling, ceiling}},
		{name: "a POST marked idempotent (query-builder read) is cut and retried", method: "POST", idempotent: true, hang: 1,
			wantStatus: 200, wantHits: 2, wantCuts: []time.Duration{ceiling, ceiling}},
		{name: "a POST is never cut: it keeps the whole call timeout", method: "POST", hang: 1, deadline: 100 * time.Millisecond,
			wantHits: 1, wantCuts: nil},
		{name: "a PUT is never cut", method: "PUT", wantStatus: 200, wantHits: 1, wantCuts: nil},
		{name: "no cut when the call's deadline comes first", method: "GET", deadline: ceiling / 2,
			wantStatus: 200, wantHits: 1, wantCuts: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := &timers{}
			h := &hangFirst{hang: tt.hang, onHang: ts.FireAll}
			srv := newServer(t, &scripted{})
			srv.Config.Handler = h
			reg := prometheus.NewRegistry()
			sl := &sleeper{}
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cone", Metrics: transport.NewMetrics(reg), Clock: newFakeClock().Now, Sleep: sl.Sleep,
				AfterFunc:      ts.AfterFunc,
				AttemptTimeout: transport.AttemptTimeoutPolicy{Floor: ceiling / 2, Ceiling: ceiling},
				Breaker:        transport.BreakerPolicy{Disabled: true},
			})
			ctx := rest.WithCallInfo(t.Context(), rest.CallInfo{Backend: "cone", Operation: "accounts.byId", Idempotent: tt.idempotent})
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			ctx, rec := transport.WithRecorder(ctx)
			if tt.hang > 0 && tt.wantCuts == nil {
				h.onHang = nil // nothing to fire: the call's deadline ends it
			}

			status, err := send(t, ctx, rt, tt.method, srv.URL+"/api/query-builder/filter/account")

			if tt.wantStatus == 0 && err == nil {
				t.Fatalf("status %d, want an error", status)
			}
			if tt.wantStatus != 0 && (err != nil || status != tt.wantStatus) {
				t.Fatalf("got %d, %v; want %d", status, err, tt.wantStatus)
			}
			if got := int(h.hits.Load()); got != tt.wantHits {
				t.Errorf("server saw %d attempts, want %d", got, tt.wantHits)
			}
			if got := ts.Asked(); !slices.Equal(got, tt.wantCuts) {
				t.Errorf("attempt timeouts armed %v, want %v", got, tt.wantCuts)
			}
			cut := min(tt.hang, len(tt.wantCuts))
			if got := counter(t, reg, "cone", "accounts.byId", "timeout"); got != float64(cut) && tt.deadline == 0 {
				t.Errorf(`code="timeout" = %v, want %d`, got, cut)
			}
			if calls := rec.Calls(); len(calls) != tt.wantHits {
				t.Errorf("recorded %d attempts, want %d", len(calls), tt.wantHits)
			}
			if got := len(sl.Waits()); got != cut {
				t.Errorf("%d backoff waits, want one per cut attempt (%d)", got, cut)
			}
		})
	}
}

// TestAttemptTimeoutWithoutRetry: an attempt is cut only when a retry can follow it.
func TestAttemptTimeoutWithoutRetry(t *testing.T) {
	newClient := func(t *testing.T, h *hangFirst, ts *timers, retry transport.RetryPolicy) *rest.Client {
		srv := newServer(t, &scripted{})
		srv.Config.Handler = h
		rt := transport.New(srv.Client().Transport, transport.Options{
			Backend: "cone", Clock: newFakeClock().Now, Sleep: (&sleeper{}).Sleep, AfterFunc: ts.AfterFunc,
			Retry: retry, Breaker: transport.BreakerPolicy{Disabled: true},
		})
		return &rest.Client{Backend: "cone", BaseURL: srv.URL, HTTP: &http.Client{Transport: rt}}
	}
	get := rest.Request{Op: "accounts.byId", Method: "GET", Path: "/x"}

	t.Run("the call budget is spent when the cut comes: no cut, the attempt keeps the call's deadline", func(t *testing.T) {
		ts := &timers{}
		h := &hangFirst{hang: 1, onHang: ts.FireAll}
		sl := &sleeper{}
		srv := newServer(t, &scripted{})
		srv.Config.Handler = h
		rt := transport.New(srv.Client().Transport, transport.Options{
			Backend: "cone", Clock: newFakeClock().Now, Sleep: sl.Sleep, AfterFunc: ts.AfterFunc,
			AttemptTimeout: transport.AttemptTimeoutPolicy{Floor: 10 * time.Millisecond, Ceiling: 20 * time.Millisecond}, // before the deadline
			Breaker:        transport.BreakerPolicy{Disabled: true},
		})
		c := &rest.Client{Backend: "cone", BaseURL: srv.URL, HTTP: &http.Client{Transport: rt}}
		ctx, cancel := context.WithTimeout(transport.WithCallBudget(t.Context(), 1), 100*time.Millisecond)
		defer cancel()

		_, _, err := c.Do(ctx, get, nil)

		// The timer fired (onHang) but did not cut: the call ended at its own deadline.
		if !errors.Is(err, rest.ErrTimeout) || errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want rest.ErrTimeout", err)
		}
		if strings.Contains(err.Error(), "attempt timed out") {
			t.Fatalf("err = %v: the attempt was cut with no retry to follow", err)
		}
		if h.hits.Load() != 1 || len(ts.Asked()) != 1 || len(sl.Waits()) != 0 {
			t.Errorf("%d attempts, %d timers, %d backoff waits; want 1, 1, 0", h.hits.Load(), len(ts.Asked()), len(sl.Waits()))
		}
	})
	t.Run("the retry budget is spent between an attempt's start and its cut: it is not cut, its answer arrives", func(t *testing.T) {
		// Two calls start while one retry is left; the first cut takes it, the second
		// call's timer then finds none and lets its attempt run on.
		ts := &timers{}
		releaseA := make(chan struct{})
		arrived := make(chan string, 4)
		var hitsA, hitsB atomic.Int32
		srv := newServer(t, &scripted{})
		srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/a":
				hitsA.Add(1)
				arrived <- "a"
				select {
				case <-releaseA:
				case <-r.Context().Done():
					return
				}
			case "/b":
				if hitsB.Add(1) == 1 {
					arrived <- "b"
					<-r.Context().Done() // hangs until cut
					return
				}
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true}`))
		})
		// Retries may be a quarter of the calls: with two calls made, one retry.
		rt := transport.New(srv.Client().Transport, transport.Options{
			Backend: "cone", Clock: newFakeClock().Now, Sleep: (&sleeper{}).Sleep, AfterFunc: ts.AfterFunc,
			Retry: transport.RetryPolicy{BudgetRatio: 0.25, BudgetMin: -1}, Breaker: transport.BreakerPolicy{Disabled: true},
		})
		c := &rest.Client{Backend: "cone", BaseURL: srv.URL, HTTP: &http.Client{Transport: rt}}
		errA := make(chan error, 1)
		go func() {
			_, _, err := c.Do(t.Context(), rest.Request{Op: "accounts.byId", Method: "GET", Path: "/a"}, nil)
			errA <- err
		}()
		<-arrived // a's attempt is in, its timer armed
		errB := make(chan error, 1)
		go func() {
			_, _, err := c.Do(t.Context(), rest.Request{Op: "accounts.byId", Method: "GET", Path: "/b"}, nil)
			errB <- err
		}()
		<-arrived  // b's attempt is in, its timer armed
		ts.Fire(1) // b is cut and takes the one retry
		if err := <-errB; err != nil {
			t.Fatalf("b: %v", err)
		}
		if hitsB.Load() != 2 {
			t.Fatalf("b: %d attempts, want 2 (cut, then retried)", hitsB.Load())
		}
		ts.FireAll() // a's cut comes with no retry left
		close(releaseA)
		if err := <-errA; err != nil {
			t.Fatalf("a: %v; an attempt cut with no retry to follow loses the answer that was coming", err)
		}
		if hitsA.Load() != 1 {
			t.Errorf("a: %d attempts, want 1", hitsA.Load())
		}
	})
	t.Run("the retry budget is spent: no cut, the attempt keeps the call's deadline", func(t *testing.T) {
		ts := &timers{}
		h := &hangFirst{hang: 1, onHang: ts.FireAll}
		// Retries may be 1% of calls and no more: the first call's retry spends it all.
		c := newClient(t, h, ts, transport.RetryPolicy{BudgetRatio: 0.01, BudgetMin: -1})
		if _, _, err := c.Do(t.Context(), get, nil); err != nil {
			t.Fatalf("first call: %v", err)
		}
		if got := len(ts.Asked()); got != 1 || h.hits.Load() != 2 {
			t.Fatalf("first call: %d cuts, %d attempts; want 1 and 2", got, h.hits.Load())
		}

		h.hits.Store(0)
		h.onHang = nil
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		_, _, err := c.Do(ctx, get, nil)

		if !errors.Is(err, rest.ErrTimeout) {
			t.Fatalf("second call: %v, want rest.ErrTimeout", err)
		}
		if got := len(ts.Asked()); got != 1 {
			t.Errorf("attempt timeouts armed with no retry budget: %v", ts.Asked())
		}
		if got := h.hits.Load(); got != 1 {
			t.Errorf("second call sent %d attempts, want 1", got)
		}
	})
}

func TestAttemptTimeoutAdapts(t *testing.T) {
	ms := time.Millisecond
	repeat := func(d time.Duration, n int) []time.Duration { return slices.Repeat([]time.Duration{d}, n) }
	tests := []struct {
		name      string
		latencies []time.Duration // of the warm-up calls, in order
		status    int             // the warm-up answers
		policy    transport.AttemptTimeoutPolicy
		want      time.Duration
	}{
		{name: "before MinSamples: the ceiling", latencies: repeat(10*ms, 19), status: 200, want: 2 * time.Second},
		{name: "a fast backend: the floor", latencies: repeat(10*ms, 20), status: 200, want: 250 * ms},
		{name: "3 × p99 between floor and ceiling",
			latencies: append(repeat(100*ms, 19), 400*ms), status: 200, want: 1200 * ms},
		{name: "a slow backend: the ceiling", latencies: repeat(time.Second, 20), status: 200, want: 2 * time.Second},
		{name: "4xx answers are latencies too", latencies: repeat(10*ms, 20), status: 404, want: 250 * ms},
		{name: "5xx answers are not", latencies: repeat(10*ms, 20), status: 500, want: 2 * time.Second},
		{name: "only the last Samples count", latencies: append(repeat(time.Second, 20), repeat(10*ms, 20)...), status: 200,
			policy: transport.AttemptTimeoutPolicy{Samples: 20}, want: 250 * ms},
		{name: "floor, ceiling and multiplier are configurable", latencies: repeat(100*ms, 20), status: 200,
			policy: transport.AttemptTimeoutPolicy{Floor: 50 * ms, Ceiling: 150 * ms, Multiplier: 1.2}, want: 120 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			var i atomic.Int32
			srv := newServer(t, &scripted{})
			srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(i.Add(1)) - 1
				status := http.StatusOK
				if n < len(tt.latencies) {
					clock.Advance(tt.latencies[n]) // the attempt's measured latency
					status = tt.status
				}
				w.WriteHeader(status)
			})
			ts := &timers{}
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cirrus", Clock: clock.Now, AfterFunc: ts.AfterFunc, AttemptTimeout: tt.policy,
				Breaker: transport.BreakerPolicy{Disabled: true},
			})
			ctx := callCtx(t.Context(), "cirrus", "contacts.get")
			for range tt.latencies {
				if _, err := send(t, ctx, rt, "GET", srv.URL); err != nil {
					t.Fatal(err)
				}
			}

			if _, err := send(t, ctx, rt, "GET", srv.URL); err != nil {
				t.Fatal(err)
			}

			asked := ts.Asked()
			if got := asked[len(asked)-1]; got != tt.want {
				t.Errorf("attempt timeout %v, want %v", got, tt.want)
			}
		})
	}
}

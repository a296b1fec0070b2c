package transport_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"crmgraph/transport"
)

func TestRetry(t *testing.T) {
	clock := newFakeClock()
	inOneSecond := clock.Now().Add(time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		method     string
		statuses   []int
		headers    map[int]http.Header
		policy     transport.RetryPolicy
		wantHits   int
		wantStatus int             // 0: an error is expected
		wantWaits  []time.Duration // nil: jittered backoff, checked against its bounds
	}{
		{name: "503 503 200 succeeds on the third attempt", method: "GET",
			statuses: []int{503, 503, 200}, wantHits: 3, wantStatus: 200},
		{name: "gives up after Max retries", method: "GET",
			statuses: []int{503}, wantHits: 3, wantStatus: 503},
		{name: "Max is configurable", method: "GET",
			statuses: []int{502}, policy: transport.RetryPolicy{Max: 4}, wantHits: 5, wantStatus: 502},
		{name: "negative Max disables retries", method: "GET",
			statuses: []int{503}, policy: transport.RetryPolicy{Max: -1}, wantHits: 1, wantStatus: 503, wantWaits: []time.Duration{}},
		{name: "502 and 504 are retried", method: "GET",
			statuses: []int{502, 504, 200}, wantHits: 3, wantStatus: 200},
		{name: "429 is retried", method: "GET",
			statuses: []int{429, 200}, wantHits: 2, wantStatus: 200},
		{name: "HEAD is retried", method: "HEAD",
			statuses: []int{503, 200}, wantHits: 2, wantStatus: 200},
		{name: "POST is never retried", method: "POST",
			statuses: []int{503, 200}, wantHits: 1, wantStatus: 503, wantWaits: []time.Duration{}},
		{name: "PUT is never retried", method: "PUT",
			statuses: []int{502, 200}, wantHits: 1, wantStatus: 502, wantWaits: []time.Duration{}},
		{name: "500 is not retried", method: "GET",
			statuses: []int{500, 200}, wantHits: 1, wantStatus: 500, wantWaits: []time.Duration{}},
		{name: "404 is not retried", method: "GET",
			statuses: []int{404, 200}, wantHits: 1, wantStatus: 404, wantWaits: []time.Duration{}},
		{name: "400 is not retried", method: "GET",
			statuses: []int{400, 200}, wantHits: 1, wantStatus: 400, wantWaits: []time.Duration{}},
		{name: "Retry-After seconds is honoured", method: "GET",
			statuses: []int{503, 200}, headers: map[int]http.Header{0: {"Retry-After": {"1"}}},
			wantHits: 2, wantStatus: 200, wantWaits: []time.Duration{time.Second}},
		{name: "Retry-After date is honoured", method: "GET",
			statuses: []int{429, 200}, headers: map[int]http.Header{0: {"Retry-After": {inOneSecond}}},
			wantHits: 2, wantStatus: 200, wantWaits: []time.Duration{time.Second}},
		{name: "Retry-After above the cap returns the answer at once", method: "GET",
			statuses: []int{429, 200}, headers: map[int]http.Header{0: {"Retry-After": {"30"}}},
			wantHits: 1, wantStatus: 429, wantWaits: []time.Duration{}},
		{name: "Retry-After cap is configurable", method: "GET",
			statuses: []int{503, 200}, headers: map[int]http.Header{0: {"Retry-After": {"30"}}},
			policy:   transport.RetryPolicy{MaxRetryAfter: time.Minute},
			wantHits: 2, wantStatus: 200, wantWaits: []time.Duration{30 * time.Second}},
		{name: "dropped connections are retried", method: "GET",
			statuses: []int{hangup, hangup, 200}, wantHits: 3, wantStatus: 200},
		{name: "dropped connections exhaust the retries", method: "GET",
			statuses: []int{hangup}, wantHits: 3, wantStatus: 0},
		{name: "dropped connection on POST is not retried", method: "POST",
			statuses: []int{hangup, 200}, wantHits: 1, wantStatus: 0, wantWaits: []time.Duration{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, &scripted{statuses: tt.statuses, headers: tt.headers})
			s := srv.Config.Handler.(*scripted)
			reg := prometheus.NewRegistry()
			sl := &sleeper{}
			policy := tt.policy
			policy.BaseDelay, policy.MaxDelay = 40*time.Millisecond, 60*time.Millisecond
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cirrus", Metrics: transport.NewMetrics(reg), Retry: policy,
				Breaker: transport.BreakerPolicy{Disabled: true}, Clock: clock.Now, Sleep: sl.Sleep,
			})
			ctx, rec := transport.WithRecorder(callCtx(t.Context(), "cirrus", "accounts.list"))

			status, err := send(t, ctx, rt, tt.method, srv.URL+"/accounts")

			if tt.wantStatus == 0 && err == nil {
				t.Fatalf("status %d, want an error", status)
			}
			if tt.wantStatus != 0 && (err != nil || status != tt.wantStatus) {
				t.Fatalf("got %d, %v; want %d", status, err, tt.wantStatus)
			}
			if got := s.Hits(); got != tt.wantHits {
				t.Errorf("server saw %d attempts, want %d", got, tt.wantHits)
			}
			waits := sl.Waits()
			if len(waits) != tt.wantHits-1 {
				t.Errorf("waited %d times (%v), want %d", len(waits), waits, tt.wantHits-1)
			}
			if tt.wantWaits != nil {
				if !slices.Equal(waits, tt.wantWaits) {
					t.Errorf("waits %v, want %v", waits, tt.wantWaits)
				}
			} else {
				for n, w := range waits {
					step := min(40*time.Millisecond<<n, 60*time.Millisecond)
					if w < step/2 || w > step {
						t.Errorf("wait %d = %v, want within [%v, %v]", n, w, step/2, step)
					}
				}
			}
			// Every attempt is visible, in the recorder and in the metrics.
			calls := rec.Calls()
			if len(calls) != tt.wantHits || rec.Len() != tt.wantHits {
				t.Fatalf("recorded %d calls (Len %d), want %d", len(calls), rec.Len(), tt.wantHits)
			}
			wantCodes := map[string]float64{}
			for i, c := range calls {
				want, code := tt.statuses[min(i, len(tt.statuses)-1)], "error"
				if want == hangup {
					want = 0
				} else {
					code = strconv.Itoa(want)
				}
				if c.Status != want {
					t.Errorf("call %d status %d, want %d", i, c.Status, want)
				}
				wantCodes[code]++
			}
			for code, want := range wantCodes {
				if got := counter(t, reg, "cirrus", "accounts.list", code); got != want {
					t.Errorf("requests_total{code=%q} = %v, want %v", code, got, want)
				}
			}
			if got := histogramCount(t, reg, "cirrus", "accounts.list"); got != uint64(tt.wantHits) {
				t.Errorf("duration histogram has %d samples, want %d", got, tt.wantHits)
			}
		})
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	t.Run("cancel during backoff", func(t *testing.T) {
		s := &scripted{statuses: []int{503}}
		srv := newServer(t, s)
		ctx, cancel := context.WithCancel(callCtx(t.Context(), "cone", "accounts.list"))
		defer cancel()
		sl := &sleeper{onSleep: cancel}
		rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone", Sleep: sl.Sleep})

		_, err := send(t, ctx, rt, "GET", srv.URL)

		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if s.Hits() != 1 {
			t.Errorf("server saw %d attempts, want 1", s.Hits())
		}
	})
	t.Run("cancel during a real backoff wait", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		s := &scripted{statuses: []int{503}, arrived: arrived}
		srv := newServer(t, s)
		ctx, cancel := context.WithCancel(callCtx(t.Context(), "cone", "accounts.list"))
		defer cancel()
		// An hour-long backoff: only the cancel can end this test.
		rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone",
			Retry: transport.RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour}})
		go func() {
			<-arrived
			cancel()
		}()

		_, err := send(t, ctx, rt, "GET", srv.URL)

		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if s.Hits() != 1 {
			t.Errorf("server saw %d attempts, want 1", s.Hits())
		}
	})
	t.Run("no wait that would outlast the deadline", func(t *testing.T) {
		s := &scripted{statuses: []int{503, 200}, headers: map[int]http.Header{0: {"Retry-After": {"2"}}}}
		srv := newServer(t, s)
		ctx, cancel := context.WithTimeout(callCtx(t.Context(), "cone", "accounts.list"), time.Second)
		defer cancel()
		sl := &sleeper{}
		rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone", Sleep: sl.Sleep,
			Retry: transport.RetryPolicy{MaxRetryAfter: time.Minute}})

		status, err := send(t, ctx, rt, "GET", srv.URL)

		if err != nil || status != 503 {
			t.Fatalf("got %d, %v; want the 503 itself", status, err)
		}
		if s.Hits() != 1 || len(sl.Waits()) != 0 {
			t.Errorf("hits %d, waits %v; want 1 and none", s.Hits(), sl.Waits())
		}
	})
	t.Run("a timed-out attempt is not retried", func(t *testing.T) {
		s := &scripted{release: make(chan struct{})} // never released: the server hangs
		srv := newServer(t, s)
		reg := prometheus.NewRegistry()
		ctx, cancel := context.WithTimeout(callCtx(t.Context(), "cone", "contacts.list"), 50*time.Millisecond)
		defer cancel()
		ctx, rec := transport.WithRecorder(ctx)
		sl := &sleeper{}
		rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone",
			Metrics: transport.NewMetrics(reg), Sleep: sl.Sleep})

		_, err := send(t, ctx, rt, "GET", srv.URL)

		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a deadline", err)
		}
		if s.Hits() != 1 || len(sl.Waits()) != 0 {
			t.Errorf("hits %d, waits %v; want 1 and none", s.Hits(), sl.Waits())
		}
		if got := counter(t, reg, "cone", "contacts.list", "timeout"); got != 1 {
			t.Errorf(`code="timeout" count %v, want 1`, got)
		}
		if calls := rec.Calls(); len(calls) != 1 || calls[0].Status != 0 {
			t.Errorf("calls %+v, want one with status 0", calls)
		}
	})
}

func TestNetworkTimeoutNotRetried(t *testing.T) {
	s := &scripted{release: make(chan struct{})} // never released: the server hangs
	srv := newServer(t, s)
	base := srv.Client().Transport.(*http.Transport).Clone()
	base.ResponseHeaderTimeout = 20 * time.Millisecond
	reg := prometheus.NewRegistry()
	sl := &sleeper{}
	rt := transport.New(base, transport.Options{Backend: "cone", Metrics: transport.NewMetrics(reg), Sleep: sl.Sleep})

	_, err := send(t, callCtx(t.Context(), "cone", "contacts.list"), rt, "GET", srv.URL)

	if err == nil {
		t.Fatal("want a timeout error")
	}
	if s.Hits() != 1 || len(sl.Waits()) != 0 {
		t.Errorf("hits %d, waits %v; want 1 and none", s.Hits(), sl.Waits())
	}
	if got := counter(t, reg, "cone", "contacts.list", "timeout"); got != 1 {
		t.Errorf(`code="timeout" count %v, want 1`, got)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there any more
	reg := prometheus.NewRegistry()
	sl := &sleeper{}
	rt := transport.New(nil, transport.Options{Backend: "support", Metrics: transport.NewMetrics(reg), Sleep: sl.Sleep})
	ctx, rec := transport.WithRecorder(callCtx(t.Context(), "support", "customers.list"))

	_, err = send(t, ctx, rt, "GET", "http://"+addr+"/customers")

	if err == nil {
		t.Fatal("want an error")
	}
	if rec.Len() != 3 || len(sl.Waits()) != 2 {
		t.Errorf("recorded %d attempts with %d waits, want 3 and 2", rec.Len(), len(sl.Waits()))
	}
	if got := counter(t, reg, "support", "customers.list", "error"); got != 3 {
		t.Errorf(`code="error" count %v, want 3`, got)
	}
}

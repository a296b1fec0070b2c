package transport_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"crmgraph/backends/rest"
	"crmgraph/transport"
)

// restClient is a typed-client stand-in: the breaker's refusal must surface through
// rest.Client as rest.ErrUnavailable.
func restClient(url string, rt http.RoundTripper) *rest.Client {
	return &rest.Client{Backend: "cirrus", BaseURL: url, HTTP: &http.Client{Transport: rt}}
}

func TestBreaker(t *testing.T) {
	// Opens when ≥ half of ≥ 4 calls in the last 10s failed; 2 probes decide.
	const cooldown = 10 * time.Second
	policy := transport.BreakerPolicy{Window: 10 * time.Second, MinCalls: 4, FailureRatio: 0.5, Cooldown: cooldown, Probes: 2}
	type step struct {
		serverStatus int           // what the server answers from now on (0: unchanged)
		advance      time.Duration // clock advance before the call
		wantOpenErr  bool          // refused by the breaker without reaching the server
	}
	ok, fail, refused := step{serverStatus: 200}, step{serverStatus: 500}, step{wantOpenErr: true}
	after := func(d time.Duration, st step) step { st.advance = d; return st }
	const (
		toOpen     = "closed>open"
		toHalfOpen = "open>half-open"
		toClosed   = "half-open>closed"
		reopened   = "half-open>open"
	)
	tests := []struct {
		name            string
		steps           []step
		wantTransitions []string
		wantGauge       float64
	}{
		{name: "opens once MinCalls calls all failed, and refuses without calling",
			steps:           []step{fail, fail, fail, fail, refused, refused},
			wantTransitions: []string{toOpen}, wantGauge: 2},
		{name: "fewer than MinCalls calls never open it",
			steps: []step{fail, fail, fail, after(11*time.Second, fail), fail, fail}},
		{name: "opens at the failure ratio, not below it",
			// 1/4, 2/5 stay closed; 3/6 reaches one half.
			steps:           []step{ok, ok, ok, fail, fail, fail, refused},
			wantTransitions: []string{toOpen}, wantGauge: 2},
		{name: "a steady failure rate below the ratio keeps it closed",
			steps: []step{ok, fail, ok, ok, fail, ok, ok, fail, ok, ok, fail, ok}},
		{name: "failures that left the window do not count",
			// Still in the window, the three early failures would make 4 of 5 at step 4.
			steps: []step{fail, fail, fail, ok, after(11*time.Second, fail), ok, ok, ok, fail}},
		{name: "stays open until the cooldown has passed",
			steps:           []step{fail, fail, fail, fail, after(cooldown-time.Second, refused)},
			wantTransitions: []string{toOpen}, wantGauge: 2},
		{name: "half-open: Probes successes close it",
			steps: []step{fail, fail, fail, fail, refused,
				after(cooldown, ok), ok, ok, ok},
			wantTransitions: []string{toOpen, toHalfOpen, toClosed}, wantGauge: 0},
		{name: "after closing, the old failures are forgotten",
			steps: []step{fail, fail, fail, fail,
				after(cooldown, ok), ok, fail, fail, fail, ok},
			wantTransitions: []string{toOpen, toHalfOpen, toClosed}, wantGauge: 0},
		{name: "a failed probe opens it again for a full cooldown",
			steps: []step{fail, fail, fail, fail,
				after(cooldown, ok), fail, refused,
				after(cooldown-time.Second, refused),
				after(time.Second, ok), ok, ok},
			wantTransitions: []string{toOpen, toHalfOpen, reopened, toHalfOpen, toClosed}, wantGauge: 0},
		{name: "4xx answers are not failures",
			steps: []step{{serverStatus: 404}, {}, {}, {}, {}, {serverStatus: 400}, {}, {}}},
		{name: "dropped connections are failures",
			steps:           []step{{serverStatus: hangup}, {}, {}, {}, refused},
			wantTransitions: []string{toOpen}, wantGauge: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scripted{}
			srv := newServer(t, s)
			clock := newFakeClock()
			reg := prometheus.NewRegistry()
			var transitions []string
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cirrus", Metrics: transport.NewMetrics(reg), Clock: clock.Now,
				Retry: transport.RetryPolicy{Max: -1}, Breaker: policy,
				OnStateChange: func(backend, from, to string) {
					if backend != "cirrus" {
						t.Errorf("transition reported for backend %q", backend)
					}
					transitions = append(transitions, from+">"+to)
				},
			})
			c := restClient(srv.URL, rt)
			refusals := 0
			for i, st := range tt.steps {
				if st.serverStatus != 0 {
					s.SetStatuses(st.serverStatus)
				}
				clock.Advance(st.advance)
				before := s.Hits()

				_, _, err := c.Do(t.Context(), rest.Request{Op: "accounts.list", Method: "GET", Path: "/accounts"}, nil)

				if hit := s.Hits() > before; hit == st.wantOpenErr {
					t.Fatalf("step %d: reached server = %v, want %v", i, hit, !st.wantOpenErr)
				}
				open := errors.Is(err, transport.ErrCircuitOpen)
				if open != st.wantOpenErr {
					t.Fatalf("step %d: err = %v, circuit open = %v, want %v", i, err, open, st.wantOpenErr)
				}
				if open {
					refusals++
					if !errors.Is(err, rest.ErrUnavailable) || !rest.NotSent(err) {
						t.Errorf("step %d: %v does not wrap rest.ErrUnavailable and rest.ErrNotSent", i, err)
					}
				}
			}
			if got := counter(t, reg, "cirrus", "accounts.list", "circuit_open"); got != float64(refusals) {
				t.Errorf(`code="circuit_open" = %v, want %d`, got, refusals)
			}
			if !slices.Equal(transitions, tt.wantTransitions) {
				t.Errorf("transitions %v, want %v", transitions, tt.wantTransitions)
			}
			if got := gauge(t, reg, "crmgraph_backend_breaker_state", "cirrus"); got != tt.wantGauge {
				t.Errorf("breaker state gauge %v, want %v", got, tt.wantGauge)
			}
		})
	}
}

// TestBreakerHalfOpenProbes: half-open lets exactly Probes calls through at once;
// callers arriving while they decide are refused, and their success closes it.
func TestBreakerHalfOpenProbes(t *testing.T) {
	for _, probes := range []int{1, 3} {
		t.Run(strconv.Itoa(probes)+" probes", func(t *testing.T) {
			s := &scripted{statuses: []int{500}}
			srv := newServer(t, s)
			clock := newFakeClock()
			reg := prometheus.NewRegistry()
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cirrus", Metrics: transport.NewMetrics(reg), Clock: clock.Now, Retry: transport.RetryPolicy{Max: -1},
				Breaker: transport.BreakerPolicy{MinCalls: 1, Cooldown: time.Second, Probes: probes},
			})
			ctx := callCtx(t.Context(), "cirrus", "accounts.get")
			if status, _ := send(t, ctx, rt, "GET", srv.URL); status != 500 {
				t.Fatalf("first call status %d, want 500", status)
			}
			clock.Advance(time.Second)

			// The probes hang in the server while another caller arrives.
			arrived, release := make(chan struct{}, probes), make(chan struct{})
			s.mu.Lock()
			s.statuses, s.arrived, s.release = []int{200}, arrived, release
			s.mu.Unlock()
			results := make(chan int, probes)
			for range probes {
				go func() {
					status, _ := send(t, ctx, rt, "GET", srv.URL)
					results <- status
				}()
			}
			for range probes {
				<-arrived
			}
			if got := gauge(t, reg, "crmgraph_backend_breaker_state", "cirrus"); got != 1 {
				t.Errorf("gauge %v while probing, want 1 (half-open)", got)
			}

			// Bounded, so a breaker that wrongly lets this through fails the test, not hangs it.
			extra, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_, err := send(t, extra, rt, "GET", srv.URL)

			if !errors.Is(err, transport.ErrCircuitOpen) {
				t.Errorf("caller during the probes: err = %v, want circuit open", err)
			}
			close(release)
			for range probes {
				if status := <-results; status != 200 {
					t.Fatalf("probe status %d, want 200", status)
				}
			}
			s.mu.Lock()
			s.arrived = nil
			s.mu.Unlock()
			if status, err := send(t, ctx, rt, "GET", srv.URL); status != 200 {
				t.Errorf("after the probes: %d, %v; want the circuit closed", status, err)
			}
			if got := s.Hits(); got != probes+2 { // first failure + probes + the call after them
				t.Errorf("server hits %d, want %d", got, probes+2)
			}
			if got := gauge(t, reg, "crmgraph_backend_breaker_state", "cirrus"); got != 0 {
				t.Errorf("gauge %v after the probes, want 0 (closed)", got)
			}
		})
	}
}

// TestBreakerProbeGivenUp: a probe whose caller gives up decides nothing; the next
// caller probes instead.
func TestBreakerProbeGivenUp(t *testing.T) {
	s := &scripted{statuses: []int{500}}
	srv := newServer(t, s)
	clock := newFakeClock()
	rt := transport.New(srv.Client().Transport, transport.Options{
		Backend: "cirrus", Clock: clock.Now, Retry: transport.RetryPolicy{Max: -1},
		Breaker: transport.BreakerPolicy{MinCalls: 1, Cooldown: time.Second, Probes: 1},
	})
	ctx := callCtx(t.Context(), "cirrus", "accounts.get")
	_, _ = send(t, ctx, rt, "GET", srv.URL)
	clock.Advance(time.Second)

	arrived := make(chan struct{}, 1)
	s.mu.Lock()
	s.statuses, s.arrived, s.release = []int{200}, arrived, make(chan struct{})
	s.mu.Unlock()
	probeCtx, cancel := context.WithCancel(ctx)
	go func() {
		<-arrived
		cancel()
	}()
	if _, err := send(t, probeCtx, rt, "GET", srv.URL); !errors.Is(err, context.Canceled) {
		t.Fatalf("probe: %v, want its cancellation", err)
	}
	s.mu.Lock()
	s.arrived, s.release = nil, nil
	s.mu.Unlock()

	if status, err := send(t, ctx, rt, "GET", srv.URL); err != nil || status != 200 {
		t.Fatalf("next caller: %d, %v; want to be the probe", status, err)
	}
	if status, err := send(t, ctx, rt, "GET", srv.URL); err != nil || status != 200 {
		t.Fatalf("after the probe: %d, %v; want the circuit closed", status, err)
	}
}

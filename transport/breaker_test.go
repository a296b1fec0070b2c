package transport_test

import (
	"context"
	"errors"
	"net/http"
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
	const failures, cooldown = 3, 10 * time.Second
	type step struct {
		serverStatus int           // what the server answers from now on (0: unchanged)
		advance      time.Duration // clock advance before the call
		wantHit      bool          // the call reached the server
		wantOpenErr  bool          // the call was refused by the breaker
	}
	fail := step{wantHit: true}
	refused := step{wantOpenErr: true}
	tests := []struct {
		name  string
		first int // initial server status
		steps []step
	}{
		{name: "opens after consecutive 5xx and refuses without calling", first: 500,
			steps: []step{fail, fail, fail, refused, refused}},
		{name: "stays open until the cooldown has passed", first: 500,
			steps: []step{fail, fail, fail, {advance: cooldown - time.Second, wantOpenErr: true}}},
		{name: "a successful half-open probe closes it", first: 500,
			steps: []step{fail, fail, fail, refused,
				{serverStatus: 200, advance: cooldown, wantHit: true},
				{wantHit: true}, {wantHit: true}}},
		{name: "a failed probe opens it again for a full cooldown", first: 500,
			steps: []step{fail, fail, fail,
				{advance: cooldown, wantHit: true}, refused,
				{advance: cooldown - time.Second, wantOpenErr: true},
				{serverStatus: 200, advance: time.Second, wantHit: true}, {wantHit: true}}},
		{name: "4xx answers do not open it", first: 404,
			steps: []step{{wantHit: true}, {wantHit: true}, {wantHit: true}, {wantHit: true}, {wantHit: true}}},
		{name: "a success resets the count", first: 500,
			steps: []step{fail, fail, {serverStatus: 200, wantHit: true},
				{serverStatus: 503, wantHit: true}, fail, fail, refused}},
		{name: "a 4xx resets the count too", first: 502,
			steps: []step{fail, fail, {serverStatus: 400, wantHit: true},
				{serverStatus: 502, wantHit: true}, fail, fail, refused}},
		{name: "dropped connections count as failures", first: hangup,
			steps: []step{fail, fail, fail, refused}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scripted{statuses: []int{tt.first}}
			srv := newServer(t, s)
			clock := newFakeClock()
			reg := prometheus.NewRegistry()
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cirrus", Metrics: transport.NewMetrics(reg), Clock: clock.Now,
				Retry:   transport.RetryPolicy{Max: -1},
				Breaker: transport.BreakerPolicy{Failures: failures, Cooldown: cooldown},
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

				if hit := s.Hits() > before; hit != st.wantHit {
					t.Fatalf("step %d: reached server = %v, want %v", i, hit, st.wantHit)
				}
				open := errors.Is(err, transport.ErrCircuitOpen)
				if open != st.wantOpenErr {
					t.Fatalf("step %d: err = %v, circuit open = %v, want %v", i, err, open, st.wantOpenErr)
				}
				if open {
					refusals++
					if !errors.Is(err, rest.ErrUnavailable) {
						t.Errorf("step %d: %v does not wrap rest.ErrUnavailable", i, err)
					}
				}
			}
			if got := counter(t, reg, "cirrus", "accounts.list", "circuit_open"); got != float64(refusals) {
				t.Errorf(`code="circuit_open" = %v, want %d`, got, refusals)
			}
		})
	}
}

func TestBreakerLetsOneProbeThrough(t *testing.T) {
	s := &scripted{statuses: []int{500}}
	srv := newServer(t, s)
	clock := newFakeClock()
	rt := transport.New(srv.Client().Transport, transport.Options{
		Backend: "cirrus", Clock: clock.Now, Retry: transport.RetryPolicy{Max: -1},
		Breaker: transport.BreakerPolicy{Failures: 1, Cooldown: time.Second},
	})
	ctx := callCtx(t.Context(), "cirrus", "accounts.get")
	if status, _ := send(t, ctx, rt, "GET", srv.URL); status != 500 {
		t.Fatalf("first call status %d, want 500", status)
	}
	clock.Advance(time.Second)

	// The probe hangs in the server while a second caller arrives.
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	s.mu.Lock()
	s.statuses, s.arrived, s.release = []int{200}, arrived, release
	s.mu.Unlock()
	probe := make(chan int)
	go func() {
		status, _ := send(t, ctx, rt, "GET", srv.URL)
		probe <- status
	}()
	<-arrived

	// Bounded, so a breaker that wrongly lets this through fails the test, not hangs it.
	second, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := send(t, second, rt, "GET", srv.URL)

	if !errors.Is(err, transport.ErrCircuitOpen) {
		t.Errorf("second caller during the probe: err = %v, want circuit open", err)
	}
	close(release)
	if status := <-probe; status != 200 {
		t.Fatalf("probe status %d, want 200", status)
	}
	s.mu.Lock()
	s.arrived = nil
	s.mu.Unlock()
	if status, err := send(t, ctx, rt, "GET", srv.URL); status != 200 {
		t.Errorf("after the probe: %d, %v; want the circuit closed", status, err)
	}
	if got := s.Hits(); got != 3 { // first failure + probe + the call after it
		t.Errorf("server hits %d, want 3", got)
	}
}

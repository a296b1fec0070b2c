package transport_test

import (
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"crmgraph/backends/rest"
	"crmgraph/transport"
)

func TestRetryBudget(t *testing.T) {
	type call struct {
		advance  time.Duration // clock advance before the call
		wantHits int           // attempts it sends against an always-503 server (Max 2)
	}
	tests := []struct {
		name   string
		policy transport.RetryPolicy
		calls  []call
	}{
		{name: "no budget: every call retries twice", policy: transport.RetryPolicy{BudgetRatio: -1},
			calls: []call{{wantHits: 3}, {wantHits: 3}, {wantHits: 3}, {wantHits: 3}}},
		{name: "retries stay within ratio × calls + min",
			// Allowed retries: 0.5 × calls + 1. Call 1: 0 < 1.5, 1 < 1.5 → 2 retries.
			// Call 2: 2 < 2 fails → none. Call 3: 2 < 2.5 → one. Call 4: 3 < 3 fails.
			policy: transport.RetryPolicy{BudgetRatio: 0.5, BudgetMin: 1, BudgetWindow: 10 * time.Second},
			calls:  []call{{wantHits: 3}, {wantHits: 1}, {wantHits: 2}, {wantHits: 1}}},
		{name: "an exhausted budget refills as the window moves on",
			policy: transport.RetryPolicy{BudgetRatio: 0.5, BudgetMin: 1, BudgetWindow: 10 * time.Second},
			calls:  []call{{wantHits: 3}, {wantHits: 1}, {wantHits: 2}, {wantHits: 1}, {advance: 11 * time.Second, wantHits: 3}}},
		{name: "writes count as calls for the budget",
			policy: transport.RetryPolicy{BudgetRatio: 0.5, BudgetMin: -1, BudgetWindow: 10 * time.Second},
			// POST, POST (no retries, 2 calls), then a GET: allowance 1.5 → 2 retries.
			calls: []call{{wantHits: -1}, {wantHits: -1}, {wantHits: 3}, {wantHits: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scripted{statuses: []int{503}}
			srv := newServer(t, s)
			clock := newFakeClock()
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cirrus", Clock: clock.Now, Sleep: (&sleeper{}).Sleep, Retry: tt.policy,
				Breaker: transport.BreakerPolicy{Disabled: true},
			})
			ctx := callCtx(t.Context(), "cirrus", "accounts.list")
			for i, c := range tt.calls {
				clock.Advance(c.advance)
				before := s.Hits()
				method, want := "GET", c.wantHits
				if want < 0 {
					method, want = "POST", 1
				}
				if status, err := send(t, ctx, rt, method, srv.URL); err != nil || status != 503 {
					t.Fatalf("call %d: %d, %v; want the 503", i, status, err)
				}
				if got := s.Hits() - before; got != want {
					t.Errorf("call %d sent %d attempts, want %d", i, got, want)
				}
			}
		})
	}
}

func TestCallBudget(t *testing.T) {
	tests := []struct {
		name       string
		budget     int
		statuses   []int // the server's answers, the last repeating
		calls      int   // sequential GETs
		wantHits   int
		wantErrs   int   // calls refused with ErrCallBudgetExceeded
		wantStatus []int // status of each call, 0 for a refusal
	}{
		{name: "calls within the budget go out, the next is refused", budget: 3, calls: 4,
			wantHits: 3, wantErrs: 1, wantStatus: []int{200, 200, 200, 0}},
		{name: "retries count: the last answer comes back when the budget ends mid-call", budget: 2,
			statuses: []int{429, 429, 200}, calls: 2, wantHits: 2, wantErrs: 1, wantStatus: []int{429, 0}},
		{name: "a budget of 0 refuses everything", budget: 0, calls: 2, wantHits: 0, wantErrs: 2, wantStatus: []int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scripted{statuses: tt.statuses}
			srv := newServer(t, s)
			reg := prometheus.NewRegistry()
			var transitions []string
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cone", Metrics: transport.NewMetrics(reg), Clock: newFakeClock().Now, Sleep: (&sleeper{}).Sleep,
				Breaker:       transport.BreakerPolicy{MinCalls: 1, FailureRatio: 0.01}, // any failure would open it
				OnStateChange: func(_, from, to string) { transitions = append(transitions, from+">"+to) },
			})
			ctx, rec := transport.WithRecorder(transport.WithCallBudget(callCtx(t.Context(), "cone", "leads.list"), tt.budget))
			var statuses []int
			errs := 0
			for range tt.calls {
				status, err := send(t, ctx, rt, "GET", srv.URL)
				if err != nil {
					if !errors.Is(err, transport.ErrCallBudgetExceeded) || !errors.Is(err, rest.ErrBudgetExceeded) || !rest.NotSent(err) {
						t.Fatalf("err = %v, want the call budget refusal (rest.ErrBudgetExceeded, not sent)", err)
					}
					errs++
				}
				statuses = append(statuses, status)
			}
			if !slices.Equal(statuses, tt.wantStatus) {
				t.Errorf("statuses %v, want %v", statuses, tt.wantStatus)
			}
			if s.Hits() != tt.wantHits || rec.Len() != tt.wantHits {
				t.Errorf("server saw %d attempts, recorder %d; want %d", s.Hits(), rec.Len(), tt.wantHits)
			}
			if got := counter(t, reg, "cone", "leads.list", "call_budget_exceeded"); got != float64(tt.wantErrs) {
				t.Errorf(`code="call_budget_exceeded" = %v, want %d`, got, tt.wantErrs)
			}
			if left, ok := transport.CallBudgetLeft(ctx); !ok || left != 0 {
				t.Errorf("CallBudgetLeft = %d, %v; want 0, true", left, ok)
			}
			// Refusals are not backend failures: with a fresh budget the breaker lets calls through.
			s.SetStatuses(200)
			if status, err := send(t, transport.WithCallBudget(ctx, 1), rt, "GET", srv.URL); err != nil || status != 200 {
				t.Errorf("fresh budget: %d, %v", status, err)
			}
			if len(transitions) > 0 {
				t.Errorf("breaker transitions %v: a refusal counted as a failure", transitions)
			}
		})
	}
}

// TestCallBudgetShared: one budget covers every backend and concurrent calls.
func TestCallBudgetShared(t *testing.T) {
	a, b := &scripted{}, &scripted{}
	srvA, srvB := newServer(t, a), newServer(t, b)
	rtA := transport.New(srvA.Client().Transport, transport.Options{Backend: "cirrus"})
	rtB := transport.New(srvB.Client().Transport, transport.Options{Backend: "cone"})
	ctx := transport.WithCallBudget(t.Context(), 7)
	if left, ok := transport.CallBudgetLeft(t.Context()); ok || left != 0 {
		t.Errorf("no budget: CallBudgetLeft = %d, %v", left, ok)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused := 0
	for i := range 20 {
		wg.Go(func() {
			rt, url := rtA, srvA.URL
			if i%2 == 1 {
				rt, url = rtB, srvB.URL
			}
			req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				mu.Lock()
				refused++
				mu.Unlock()
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	if got := a.Hits() + b.Hits(); got != 7 || refused != 13 {
		t.Errorf("%d calls sent, %d refused; want 7 and 13", got, refused)
	}
}

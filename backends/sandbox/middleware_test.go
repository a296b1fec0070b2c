package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"crmgraph/backends/sandbox"
)

// ok answers 200 and counts calls.
type ok struct{ calls int }

func (h *ok) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h.calls++
	w.WriteHeader(http.StatusOK)
}

func TestLatency(t *testing.T) {
	tests := []struct {
		name      string
		delay     time.Duration
		cancelled bool // the client has already given up
		wantCall  bool
	}{
		{name: "zero passes straight through", delay: 0, wantCall: true},
		{name: "short delay then the handler", delay: time.Millisecond, wantCall: true},
		// An hour-long delay can only end through the context: proves it waits and listens.
		{name: "gives up with the client", delay: time.Hour, cancelled: true, wantCall: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &ok{}
			h := sandbox.Latency(tt.delay)(next)
			ctx, cancel := context.WithCancel(t.Context())
			if tt.cancelled {
				cancel()
			} else {
				defer cancel()
			}
			rec := httptest.NewRecorder()

			h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", "/accounts", nil))

			if called := next.calls == 1; called != tt.wantCall {
				t.Errorf("handler called = %v, want %v", called, tt.wantCall)
			}
		})
	}
}

type outcome int

const (
	passed outcome = iota
	unavailable
	hung
)

// outcomes sends n requests whose context is already over, so a hang returns at once.
func outcomes(t *testing.T, h http.Handler, n int) []outcome {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	out := make([]outcome, n)
	for i := range out {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", "/", nil))
		switch {
		case rec.Code == http.StatusServiceUnavailable:
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("503 body %q (%s) is not JSON", rec.Body, rec.Header().Get("Content-Type"))
			}
			out[i] = unavailable
		case rec.Header().Get("X-Passed") == "1":
			out[i] = passed
		case rec.Body.Len() == 0 && !rec.Flushed:
			out[i] = hung
		default:
			t.Fatalf("unexpected answer %d %q", rec.Code, rec.Body)
		}
	}
	return out
}

func passing() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Passed", "1")
		w.WriteHeader(http.StatusOK)
	})
}

func TestFaults(t *testing.T) {
	const n = 4000
	tests := []struct {
		name string
		rate float64
		seed int64
	}{
		{name: "none", rate: 0, seed: 1},
		{name: "5%", rate: 0.05, seed: 1},
		{name: "30%", rate: 0.3, seed: 7},
		{name: "all", rate: 1, seed: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := outcomes(t, sandbox.Faults(tt.rate, tt.seed)(passing()), n)

			again := outcomes(t, sandbox.Faults(tt.rate, tt.seed)(passing()), n)
			if !slices.Equal(got, again) {
				t.Error("the same seed gave a different fault sequence")
			}
			counts := map[outcome]int{}
			for _, o := range got {
				counts[o]++
			}
			share := func(o outcome) float64 { return float64(counts[o]) / n }
			// Deterministic for the seed, so these bounds cannot flake; they are loose
			// enough that any fair source passes and a wrong split does not.
			if d := share(unavailable) - tt.rate/2; d < -0.02 || d > 0.02 {
				t.Errorf("503 share %.3f, want about %.3f", share(unavailable), tt.rate/2)
			}
			if d := share(hung) - tt.rate/2; d < -0.02 || d > 0.02 {
				t.Errorf("hang share %.3f, want about %.3f", share(hung), tt.rate/2)
			}
			if tt.rate == 0 && counts[passed] != n || tt.rate == 1 && counts[passed] != 0 {
				t.Errorf("passed %d of %d at rate %v", counts[passed], n, tt.rate)
			}
		})
	}
	t.Run("seeds differ", func(t *testing.T) {
		a := outcomes(t, sandbox.Faults(0.5, 1)(passing()), 200)
		b := outcomes(t, sandbox.Faults(0.5, 2)(passing()), 200)
		if slices.Equal(a, b) {
			t.Error("different seeds gave the same fault sequence")
		}
	})
}

// TestFaultsHangUntilClientGivesUp runs over real HTTP: the hung request must end when
// the client's deadline does, not hold the server.
func TestFaultsHangUntilClientGivesUp(t *testing.T) {
	srv := httptest.NewServer(sandbox.Faults(1, 2)(passing()))
	defer srv.Close()
	var statuses []int
	var timeouts int
	for range 20 {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		resp, err := srv.Client().Do(req)
		cancel()
		if err != nil {
			timeouts++
			continue
		}
		statuses = append(statuses, resp.StatusCode)
		_ = resp.Body.Close()
	}
	if timeouts == 0 || len(statuses) == 0 {
		t.Errorf("%d timeouts and statuses %v, want both kinds of fault", timeouts, statuses)
	}
	for _, s := range statuses {
		if s != http.StatusServiceUnavailable {
			t.Errorf("status %d at rate 1, want 503", s)
		}
	}
}

func TestParseFaults(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{in: "", want: 0},
		{in: "0", want: 0},
		{in: "0.05", want: 0.05},
		{in: " 0.5 ", want: 0.5},
		{in: "1", want: 1},
		{in: "5%", want: 0.05},
		{in: "12.5 %", want: 0.125},
		{in: "100%", want: 1},
		{in: "0%", want: 0},
		{in: "1.5", wantErr: true},
		{in: "-0.1", wantErr: true},
		{in: "150%", wantErr: true},
		{in: "five", wantErr: true},
		{in: "%", wantErr: true},
		{in: "NaN", wantErr: true},
		{in: "Inf", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := sandbox.ParseFaults(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if d := got - tt.want; d > 1e-12 || d < -1e-12 {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

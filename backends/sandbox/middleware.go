package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Latency delays every response by d, like a backend a network hop away. The wait ends
// early when the client gives up, so a cancelled call frees the handler at once.
func Latency(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if d <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				next.ServeHTTP(w, r)
			case <-r.Context().Done():
			}
		})
	}
}

// Faults makes a share rate (0..1) of requests fail: half answer 503 with a JSON body,
// half hang until the client gives up, which is what a timeout looks like from the
// gateway. The choice is drawn from a source seeded with seed, so a sequence of
// requests fails the same way on every run.
func Faults(rate float64, seed int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if rate <= 0 {
			return next
		}
		var mu sync.Mutex
		rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed_fa17))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			x := rng.Float64()
			mu.Unlock()
			switch {
			case x < rate/2:
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"status":503,"error":"Service Unavailable","message":"sandbox: injected fault"}` + "\n"))
			case x < rate:
				<-r.Context().Done()
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// ParseFaults reads a SANDBOX_FAULTS value: a share ("0.05") or a percentage ("5%").
// Empty means no faults.
func ParseFaults(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	num, scale := s, 1.0
	if n, ok := strings.CutSuffix(s, "%"); ok {
		num, scale = strings.TrimSpace(n), 100
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("sandbox faults %q: want a share like 0.05 or a percentage like 5%%", s)
	}
	v /= scale
	if v < 0 || v > 1 {
		return 0, fmt.Errorf("sandbox faults %q: must be between 0 and 1 (0%% and 100%%)", s)
	}
	return v, nil
}

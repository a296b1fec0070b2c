package main

// The fault battery: ordinary backend faults under load. The sandboxes run as real
// backends would (their own HTTP server, crmgraph configured with their URLs), with
// SANDBOX_FAULTS-style faults (half 503, half hang) and 20 ms latency.
//
// `make test` runs a short version; `make battery` (CRMGRAPH_BATTERY=full) the full one
// the README quotes: 6 clients for 30 s per fault rate.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"crmgraph/backends/sandbox"
)

// batteryFull reports whether the full battery was asked for.
func batteryFull() bool { return os.Getenv("CRMGRAPH_BATTERY") == "full" }

// faultyBackends serves the simulated CRMs with faults and latency on their own server
// and returns the environment of a gateway that takes them for real backends.
func faultyBackends(t *testing.T, faults float64, latency time.Duration) map[string]string {
	t.Helper()
	sb := httptest.NewServer(sandbox.New(sandbox.Config{Seed: 7, Token: "sandbox", Latency: latency, Faults: faults}))
	t.Cleanup(sb.Close)
	return map[string]string{
		"CIRRUS_URL": sb.URL + "/cirrus", "CIRRUS_TOKEN": "sandbox",
		"CONE_URL": sb.URL + "/cone", "CONE_TOKEN": "sandbox",
		"CLIENT_DATA_URL": sb.URL + "/clientdata", "CLIENT_DATA_TOKEN": "sandbox",
		"SUPPORT_URL": sb.URL + "/support", "SUPPORT_TOKEN": "sandbox",
		"SUPPORT_APP_ID": sandbox.SupportAppID, "SUPPORT_CONSUMER_ID": "battery",
		"SHUTDOWN_DELAY": "0s", "LOG_LEVEL": "warn",
	}
}

// loadResult sums a closed-loop load run.
type loadResult struct {
	answers, complete int
	codes             map[string]int // extensions.code of every error
	uncoded           int
	latencies         []time.Duration
}

func (r loadResult) completeShare() float64 { return float64(r.complete) / float64(max(r.answers, 1)) }

func (r loadResult) p(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	xs := slices.Clone(r.latencies)
	slices.Sort(xs)
	return xs[min(len(xs)-1, int(float64(len(xs))*q))]
}

func (r loadResult) String() string {
	codes := make([]string, 0, len(r.codes))
	for c, n := range r.codes {
		codes = append(codes, fmt.Sprintf("%s×%d", c, n))
	}
	sort.Strings(codes)
	return fmt.Sprintf("%d answers, %.1f%% complete, p50 %s, p99 %s, errors %v, uncoded %d",
		r.answers, 100*r.completeShare(), r.p(0.5).Round(time.Millisecond), r.p(0.99).Round(time.Millisecond), codes, r.uncoded)
}

// drive runs clients closed-loop against srv for d (and at most maxPerClient queries
// each), sending body with header.
func drive(t *testing.T, srv *httptest.Server, clients int, d time.Duration, maxPerClient int, body string, header http.Header) loadResult {
	t.Helper()
	var mu sync.Mutex
	res := loadResult{codes: map[string]int{}}
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for n := 0; n < maxPerClient && time.Now().Before(stop); n++ {
				start := time.Now()
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				for k, vs := range header {
					req.Header[k] = vs
				}
				resp, err := srv.Client().Do(req)
				if err != nil {
					mu.Lock()
					res.answers++
					res.uncoded++
					mu.Unlock()
					continue
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var r gqlResponse
				decodeErr := json.Unmarshal(raw, &r)
				mu.Lock()
				res.answers++
				res.latencies = append(res.latencies, time.Since(start))
				switch {
				case decodeErr != nil:
					res.uncoded++
				case len(r.Errors) == 0:
					res.complete++
				}
				for _, e := range r.Errors {
					if c, ok := e.Extensions["code"].(string); ok {
						res.codes[c]++
					} else {
						res.uncoded++
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return res
}

func canonicalBody() string {
	b, _ := json.Marshal(map[string]string{"query": canonicalQuery})
	return string(b)
}

func TestFaultLoadDegradesGracefully(t *testing.T) {
	d, maxPerClient := 4*time.Second, 40
	if batteryFull() {
		d, maxPerClient = 30*time.Second, 1<<30
	}
	for _, tc := range []struct {
		faults   float64
		complete float64 // share of answers without any error
	}{
		{0.10, 0.70},
		{0.02, 0.95},
	} {
		t.Run(fmt.Sprintf("%.0f%% faults", 100*tc.faults), func(t *testing.T) {
			env := faultyBackends(t, tc.faults, 20*time.Millisecond)
			app, srv := newGateway(t, env)
			res := drive(t, srv, 6, d, maxPerClient, canonicalBody(), nil)
			t.Logf("%.0f%% faults, 6 clients, %s: %s", 100*tc.faults, d, res)
			if res.completeShare() < tc.complete {
				t.Errorf("%.1f%% of answers complete, want at least %.0f%%", 100*res.completeShare(), 100*tc.complete)
			}
			if res.uncoded > 0 {
				t.Errorf("%d errors without extensions.code", res.uncoded)
			}
			if p99 := res.p(0.99); p99 >= app.cfg.RequestTimeout {
				t.Errorf("p99 %s reaches the request deadline %s", p99, app.cfg.RequestTimeout)
			}
		})
	}
}

// losingAnswers forwards to target but drops the answers of requests matching lose.
func losingAnswers(t *testing.T, target string, lose func(*http.Request) bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { forward(w, r, target, lose) }))
	t.Cleanup(srv.Close)
	return srv
}

func TestFaultLostWriteAnswerIsOutcomeUnknown(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	lossy := losingAnswers(t, env["CONE_URL"], func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/stage")
	})
	env["CONE_URL"] = lossy.URL
	_, srv := newGateway(t, env)
	stages := request{Query: `{ referenceData { stages { name } } }`}
	if r := post(t, srv, stages); len(r.Errors) > 0 {
		t.Fatalf("%s", r.raw)
	}
	if again := post(t, srv, stages); again.calls("cone") != 0 {
		t.Fatalf("stages not cached: %d calls", again.calls("cone"))
	}
	name := fmt.Sprintf("Lost answer %d", time.Now().UnixNano())
	r := post(t, srv, request{Query: `mutation($n: String!) { createStage(input: {stage: {name: $n}}) { stage { id } } }`,
		Variables: map[string]any{"n": name}})
	if got := r.codes(); len(got) != 1 || got[0] != "UPSTREAM_OUTCOME_UNKNOWN" || r.Errors[0].Extensions["retryable"] != false {
		t.Fatalf("a write whose answer was lost: %s", r.raw)
	}
	if n := r.calls("cone"); n != 1 {
		t.Fatalf("the write was sent %d times, want exactly once (never retried)", n)
	}
	// It was applied; the cached list was dropped, so the next read shows it.
	after := post(t, srv, stages)
	if after.calls("cone") != 1 || !strings.Contains(string(after.Data), name) {
		t.Fatalf("after an unknown outcome: %d calls, %s", after.calls("cone"), after.Data)
	}
	// A write never sent (the backend is gone) says so: safe to retry.
	env["CONE_URL"] = closedURL(t)
	_, down := newGateway(t, env)
	r = post(t, down, request{Query: `mutation { createStage(input: {stage: {name: "never sent"}}) { stage { id } } }`})
	if got := r.codes(); len(got) != 1 || got[0] != "UPSTREAM_UNAVAILABLE" || r.Errors[0].Extensions["retryable"] != true {
		t.Fatalf("a write that was never sent: %s", r.raw)
	}
}

func TestFaultBreakerOpensLogsAndRecovers(t *testing.T) {
	env := faultyBackends(t, 0, 0)
	var broken atomic.Bool
	broken.Store(true)
	target := env["CIRRUS_URL"]
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		forward(w, r, target, nil)
	}))
	defer flaky.Close()
	env["CIRRUS_URL"] = flaky.URL
	env["CIRRUS_BREAKER"] = "ratio=0.5,min-calls=4,window=10s,cooldown=200ms,probes=1"
	env["TRACE_EXTENSION"] = "on"
	var logs syncBuffer
	_, srv := newGatewayLogging(t, env, &logs)
	q := request{Query: `{ accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }`}
	for range 6 {
		post(t, srv, q)
	}
	r := post(t, srv, q)
	if got := r.codes(); len(got) != 1 || got[0] != "UPSTREAM_UNAVAILABLE" || r.calls("cirrus") != 0 {
		t.Fatalf("an open breaker still sends (%d calls): %s", r.calls("cirrus"), r.raw)
	}
	_, metrics := get(t, srv, "/metrics")
	if !strings.Contains(metrics, `crmgraph_backend_breaker_state{backend="cirrus"} 2`) {
		t.Fatalf("breaker gauge:\n%s", grep(metrics, "breaker"))
	}
	broken.Store(false)
	waitFor(t, func() bool { return len(post(t, srv, q).Errors) == 0 })
	out := logs.String()
	for _, want := range []string{`"msg":"circuit breaker open","backend":"cirrus"`, `"msg":"circuit breaker closed","backend":"cirrus"`, `"msg":"backend unavailable","backend":"cirrus"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

package transport_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"crmgraph/backends/rest"
)

// hangup, as a scripted status, makes the server drop the connection without answering.
const hangup = -1

// scripted answers the i-th request with statuses[i] (the last one repeats) and
// counts requests, the most in flight at once, and the headers it saw.
type scripted struct {
	mu          sync.Mutex
	statuses    []int
	headers     map[int]http.Header // extra response headers for the i-th request
	hits        int
	inFlight    int
	maxInFlight int
	seen        []http.Header
	paths       []string
	arrived     chan struct{} // if set, signalled on each arrival
	release     chan struct{} // if set, handlers wait for it to close
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := s.hits
	s.hits++
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.seen = append(s.seen, r.Header.Clone())
	s.paths = append(s.paths, r.URL.RequestURI())
	status := http.StatusOK
	if len(s.statuses) > 0 {
		status = s.statuses[min(i, len(s.statuses)-1)]
	}
	extra := s.headers[i]
	arrived, release := s.arrived, s.release
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	if arrived != nil {
		arrived <- struct{}{}
	}
	if release != nil {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
	}
	if status == hangup {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, vs := range extra {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"ok":true}`)
}

func (s *scripted) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func (s *scripted) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func (s *scripted) Seen(i int) http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[i]
}

func (s *scripted) SetStatuses(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses = statuses
}

func newServer(t *testing.T, s *scripted) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

// fakeClock is a settable clock for the breaker and Retry-After dates.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// sleeper records the waits the retry layer asks for instead of waiting.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
	// onSleep, if set, runs before the wait is answered (e.g. to cancel the context).
	onSleep func()
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	hook := s.onSleep
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	return ctx.Err()
}

func (s *sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// callCtx is the context rest.Client would build for one call.
func callCtx(ctx context.Context, backend, op string) context.Context {
	return rest.WithCallInfo(ctx, rest.CallInfo{Backend: backend, Operation: op, Keys: 1})
}

// send makes one request through rt and returns the status (0 on error) with the
// body read and closed, as a well-behaved client does.
func send(t *testing.T, ctx context.Context, rt http.RoundTripper, method, url string) (int, error) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost || method == http.MethodPut {
		body = strings.NewReader(`{"a":1}`)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// counter returns the value of crmgraph_backend_requests_total for the labels.
func counter(t *testing.T, g prometheus.Gatherer, backend, op, code string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "crmgraph_backend_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["backend"] == backend && labels["operation"] == op && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// histogramCount returns the sample count of crmgraph_backend_request_duration_seconds.
func histogramCount(t *testing.T, g prometheus.Gatherer, backend, op string) uint64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "crmgraph_backend_request_duration_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["backend"] == backend && labels["operation"] == op {
				return m.GetHistogram().GetSampleCount()
			}
		}
	}
	return 0
}

// gauge returns the value of the gauge name for the backend label.
func gauge(t *testing.T, g prometheus.Gatherer, name, backend string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "backend" && l.GetValue() == backend {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s{backend=%q}", name, backend)
	return 0
}

// timers stands in for time.AfterFunc: it records the durations asked for and fires
// the armed timers when the test says so, so attempt timeouts need no waiting.
type timers struct {
	mu    sync.Mutex
	asked []time.Duration
	armed []*fakeTimer
}

type fakeTimer struct {
	f           func()
	done, fired bool
}

func (ts *timers) AfterFunc(d time.Duration, f func()) func() bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := &fakeTimer{f: f}
	ts.asked = append(ts.asked, d)
	ts.armed = append(ts.armed, t)
	return func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		if t.done {
			return false
		}
		t.done = true
		return true
	}
}

// Fire fires the i-th timer asked for, if it is armed and not stopped.
func (ts *timers) Fire(i int) {
	ts.mu.Lock()
	t := ts.armed[i]
	fire := !t.done
	t.done, t.fired = true, true
	ts.mu.Unlock()
	if fire {
		t.f()
	}
}

// FireAll fires every timer that is armed and not stopped.
func (ts *timers) FireAll() {
	ts.mu.Lock()
	var fs []func()
	for _, t := range ts.armed {
		if !t.done {
			t.done, t.fired = true, true
			fs = append(fs, t.f)
		}
	}
	ts.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// Asked returns the durations asked for, in order.
func (ts *timers) Asked() []time.Duration {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]time.Duration(nil), ts.asked...)
}

package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"crmgraph/backends/rest"
	"crmgraph/transport"
)

// backendState is what the gateway last learned about one backend.
type backendState string

const (
	stateUnknown  backendState = "unknown"              // no call answered or failed yet
	stateOK       backendState = "ok"                   // it answered (any status but 401/403/5xx)
	stateDown     backendState = "down"                 // 5xx or no answer
	stateRejected backendState = "credentials rejected" // 401 or 403 to the service credential
)

// healthRepeat is how often an unchanged bad state is logged again.
const healthRepeat = time.Minute

// health follows every backend's outcomes from the calls crmgraph makes anyway, logs
// each change (and a bad state at most once a minute), and answers readiness. It never
// logs URLs or credentials: only the backend's name, the state and a status code.
type health struct {
	log *slog.Logger
	now func() time.Time

	mu       sync.Mutex
	backends map[string]*backendHealth
	draining bool
}

type backendHealth struct {
	state    backendState
	since    time.Time
	seen     time.Time // last outcome
	logged   time.Time
	status   int
	sandbox  bool
	probe    func(context.Context) error
	probedAt time.Time
}

func newHealth(log *slog.Logger) *health {
	return &health{log: log, now: time.Now, backends: map[string]*backendHealth{}}
}

// add registers a backend; probe is a cheap read used when nothing recent is known.
func (h *health) add(name string, sandbox bool, probe func(context.Context) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.backends[name] = &backendHealth{state: stateUnknown, since: h.now(), sandbox: sandbox, probe: probe}
}

// observe records one attempt's outcome. A call the caller gave up on, or one refused
// inside the gateway, says nothing about the backend. callerAuth marks calls made
// with a caller's own token, whose rejection is the caller's problem, not the backend's.
func (h *health) observe(name string, status int, err error, callerAuth bool) {
	var s backendState
	switch {
	case errors.Is(err, context.Canceled):
		return
	case err != nil || status >= 500:
		s = stateDown
	case (status == http.StatusUnauthorized || status == http.StatusForbidden) && callerAuth:
		s = stateOK
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		s = stateRejected
	default:
		s = stateOK
	}
	h.set(name, s, status)
}

func (h *health) set(name string, s backendState, status int) {
	h.mu.Lock()
	b, ok := h.backends[name]
	if !ok {
		h.mu.Unlock()
		return
	}
	now := h.now()
	b.seen = now
	changed := b.state != s
	prev := b.state
	if changed {
		b.state, b.since = s, now
	}
	b.status = status
	logIt := changed && !(prev == stateUnknown && s == stateOK) || s != stateOK && now.Sub(b.logged) >= healthRepeat
	if logIt {
		b.logged = now
	}
	h.mu.Unlock()
	if !logIt {
		return
	}
	switch s {
	case stateOK:
		h.log.Info("backend recovered", "backend", name, "was", string(prev))
	case stateDown:
		h.log.Warn("backend unavailable", "backend", name, "status", status)
	case stateRejected:
		h.log.Error("backend rejected the service credentials", "backend", name, "status", status)
	}
}

// drain makes readiness fail from now on (shutdown has begun).
func (h *health) drain() {
	h.mu.Lock()
	h.draining = true
	h.mu.Unlock()
}

// probeStale runs the probe of every backend with no outcome in the last interval,
// concurrently and bounded by ctx.
func (h *health) probeStale(ctx context.Context, interval time.Duration) {
	h.mu.Lock()
	now := h.now()
	var probes []func(context.Context) error
	for _, b := range h.backends {
		if b.probe != nil && now.Sub(b.seen) >= interval && now.Sub(b.probedAt) >= interval {
			b.probedAt = now
			probes = append(probes, b.probe)
		}
	}
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range probes {
		wg.Go(func() { _ = p(ctx) }) // the outcome arrives through observe
	}
	wg.Wait()
}

// readiness is the /readyz answer: ready while serving is possible, that is, not
// draining and not every backend down or refusing its credentials. Redis is optional:
// its loss is reported, not fatal.
type readiness struct {
	Ready    bool              `json:"ready"`
	Draining bool              `json:"draining,omitempty"`
	Backends map[string]string `json:"backends"`
	Redis    string            `json:"redis,omitempty"`
	Degraded []string          `json:"degraded,omitempty"`
}

func (h *health) readiness() readiness {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := readiness{Backends: map[string]string{}, Draining: h.draining}
	usable := 0
	for name, b := range h.backends {
		state := string(b.state)
		if b.sandbox {
			state += " (sandbox)"
		}
		r.Backends[name] = state
		if b.state == stateOK || b.state == stateUnknown {
			usable++
		} else {
			r.Degraded = append(r.Degraded, name+": "+string(b.state))
		}
	}
	sort.Strings(r.Degraded)
	r.Ready = !h.draining && usable > 0
	return r
}

// observing reports each attempt's outcome to health.
type observing struct {
	next    http.RoundTripper
	backend string
	health  *health
	// callerAuth tells whether a request carries a caller's own credential.
	callerAuth func(*http.Request) bool
}

func (o *observing) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.next.RoundTrip(req)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	seen := err
	switch {
	case errors.Is(err, transport.ErrCircuitOpen), errors.Is(err, transport.ErrCallBudgetExceeded), errors.Is(err, rest.ErrBadRequest),
		err != nil && errors.Is(req.Context().Err(), context.Canceled):
		seen = context.Canceled // refused in the gateway, or the caller left: no news of the backend
	}
	o.health.observe(o.backend, status, seen, o.callerAuth != nil && o.callerAuth(req))
	return resp, err
}

package transport

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"crmgraph/backends/rest"
)

// Breaker states, as OnStateChange reports them. The crmgraph_backend_breaker_state
// gauge reads 0, 1 and 2 for closed, half-open and open.
const (
	BreakerClosed   = "closed"
	BreakerHalfOpen = "half-open"
	BreakerOpen     = "open"
)

type breakerState int

const (
	closed   breakerState = 0
	halfOpen breakerState = 1 // Probes calls are let through to decide
	open     breakerState = 2
)

func (s breakerState) String() string {
	switch s {
	case halfOpen:
		return BreakerHalfOpen
	case open:
		return BreakerOpen
	}
	return BreakerClosed
}

// breaker fails fast while a backend fails most calls, so a dead backend costs callers
// nothing but an error until Cooldown has passed; then a few probes decide. It opens on
// the failure rate over a sliding window, not on a run of failures: a handful of
// failures landing together on a healthy backend (timeouts of one slow moment) must
// not take it out of service.
type breaker struct {
	next http.RoundTripper
	o    Options

	mu       sync.Mutex
	state    breakerState
	gen      int     // bumped on every transition; outcomes of older calls are ignored
	calls    *window // calls and failures while closed
	openedAt time.Time
	probing  int // half-open probes in flight
	passed   int // half-open probes that succeeded
}

func newBreaker(next http.RoundTripper, o Options) *breaker {
	o.Metrics.breakerState(o.Backend, closed)
	return &breaker{next: next, o: o, calls: newWindow(o.Breaker.Window, o.Clock())}
}

// ticket is what allow hands a call it lets through, for done.
type ticket struct {
	gen   int
	probe bool
}

func (b *breaker) RoundTrip(req *http.Request) (*http.Response, error) {
	t, ok := b.allow()
	if !ok {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		info := callInfo(req.Context(), b.o.Backend)
		b.o.Metrics.count(info.Backend, info.Operation, CodeCircuitOpen)
		return nil, ErrCircuitOpen // rest.Client adds backend and operation
	}
	resp, err := b.next.RoundTrip(req)
	b.done(t, outcome(req.Context(), resp, err))
	return resp, err
}

// allow reports whether a call may go out.
func (b *breaker) allow() (ticket, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == open {
		if b.o.Clock().Sub(b.openedAt) < b.o.Breaker.Cooldown {
			return ticket{}, false
		}
		b.transition(halfOpen)
	}
	if b.state == halfOpen {
		if b.probing+b.passed >= b.o.Breaker.Probes {
			return ticket{}, false // enough probes are deciding
		}
		b.probing++
		return ticket{gen: b.gen, probe: true}, true
	}
	return ticket{gen: b.gen}, true
}

type callOutcome int

const (
	success callOutcome = iota
	failure
	unknown // says nothing about the backend
)

// outcome is the one place that decides what a call tells about the backend's health.
func outcome(ctx context.Context, resp *http.Response, err error) callOutcome {
	switch {
	case err == nil && resp.StatusCode >= 500:
		return failure
	case err == nil:
		return success // 4xx included: the backend is up and answering
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return unknown // the caller gave up
	case errors.Is(err, rest.ErrBadRequest), errors.Is(err, rest.ErrBudgetExceeded):
		return unknown // refused locally, before it was sent
	}
	return failure
}

func (b *breaker) done(t ticket, oc callOutcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t.gen != b.gen {
		return // started in an earlier state (e.g. before the circuit opened)
	}
	now := b.o.Clock()
	if t.probe {
		b.probing--
		switch oc {
		case success:
			b.passed++
			if b.passed >= b.o.Breaker.Probes {
				b.calls.reset(now)
				b.transition(closed)
			}
		case failure:
			b.openedAt = now
			b.transition(open)
		}
		// unknown: the slot goes to the next caller.
		return
	}
	switch oc {
	case success:
		b.calls.add(now, 1, 0)
	case failure:
		b.calls.add(now, 1, 1)
		calls, failures := b.calls.sums(now)
		if calls >= b.o.Breaker.MinCalls && float64(failures) >= b.o.Breaker.FailureRatio*float64(calls) {
			b.openedAt = now
			b.transition(open)
		}
	}
}

// transition moves to state to, reporting it; b.mu is held.
func (b *breaker) transition(to breakerState) {
	from := b.state
	b.state, b.gen = to, b.gen+1
	b.probing, b.passed = 0, 0
	b.o.Metrics.breakerState(b.o.Backend, to)
	if b.o.OnStateChange != nil {
		b.o.OnStateChange(b.o.Backend, from.String(), to.String())
	}
}

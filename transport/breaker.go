package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"crmgraph/backends/rest"
)

// ErrCircuitOpen is returned while a backend's breaker refuses calls. It wraps
// rest.ErrUnavailable, so clients and the error presenter treat it as an outage.
var ErrCircuitOpen = fmt.Errorf("circuit open: %w", rest.ErrUnavailable)

type breakerState int

const (
	closed breakerState = iota
	open
	halfOpen // one probe is in flight
)

// breaker fails fast after consecutive failures, so a dead backend costs callers
// nothing but an error until Cooldown has passed; then one probe decides.
type breaker struct {
	next http.RoundTripper
	o    Options

	mu       sync.Mutex
	state    breakerState
	failures int
	openedAt time.Time
}

func (b *breaker) RoundTrip(req *http.Request) (*http.Response, error) {
	probe, ok := b.allow()
	if !ok {
		info := callInfo(req.Context(), b.o.Backend)
		b.o.Metrics.count(info.Backend, info.Operation, CodeCircuitOpen)
		return nil, ErrCircuitOpen // rest.Client adds backend and operation
	}
	resp, err := b.next.RoundTrip(req)
	b.done(probe, outcome(req.Context(), resp, err))
	return resp, err
}

// allow reports whether a call may go out, and whether it is the half-open probe.
func (b *breaker) allow() (probe, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case closed:
		return false, true
	case open:
		if b.o.Clock().Sub(b.openedAt) < b.o.Breaker.Cooldown {
			return false, false
		}
		b.state = halfOpen
		return true, true
	default: // a probe is already deciding
		return false, false
	}
}

type callOutcome int

const (
	success callOutcome = iota
	failure
	unknown // the caller gave up: says nothing about the backend
)

func outcome(ctx context.Context, resp *http.Response, err error) callOutcome {
	switch {
	case err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return unknown
	case err != nil:
		return failure
	case resp.StatusCode >= 500:
		return failure
	}
	return success // 4xx included: the backend is up and answering
}

func (b *breaker) done(probe bool, oc callOutcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe && b.state == halfOpen {
		switch oc {
		case success:
			b.state, b.failures = closed, 0
		case failure:
			b.state, b.openedAt = open, b.o.Clock()
		default:
			// Let the next caller probe instead.
			b.state = open
		}
		return
	}
	if b.state != closed {
		return // a call that started before the circuit opened
	}
	switch oc {
	case success:
		b.failures = 0
	case failure:
		b.failures++
		if b.failures >= b.o.Breaker.Failures {
			b.state, b.openedAt = open, b.o.Clock()
		}
	}
}

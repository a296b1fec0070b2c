package transport

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"crmgraph/backends/rest"
)

// retry re-sends idempotent requests after a gateway error, a 429, a connection
// failure or an attempt cut by the attempt timeout, with jittered exponential backoff,
// within the backend's retry budget.
type retry struct {
	next   http.RoundTripper
	o      Options
	lat    *latencies
	budget *retryBudget
}

func newRetry(next http.RoundTripper, o Options, lat *latencies) *retry {
	return &retry{next: next, o: o, lat: lat, budget: newRetryBudget(o.Retry, o.Clock)}
}

// errAttemptTimeout is the cause an attempt's context is cancelled with when the
// attempt timeout cuts it.
var errAttemptTimeout = errors.New("attempt timeout")

// attemptTimeoutError is returned when a cut attempt is not followed by a retry.
type attemptTimeoutError struct{ after time.Duration }

func (e *attemptTimeoutError) Error() string {
	return "attempt timed out after " + e.after.String() + ": " + rest.ErrTimeout.Error()
}
func (e *attemptTimeoutError) Unwrap() error { return rest.ErrTimeout }
func (e *attemptTimeoutError) Timeout() bool { return true }

func (r *retry) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	r.budget.call()
	hasBody := req.Body != nil && req.Body != http.NoBody
	info, _ := rest.CallInfoFrom(ctx)
	if !idempotent(req.Method) && !info.Idempotent || hasBody && req.GetBody == nil {
		return r.next.RoundTrip(req) // a write: one attempt, the whole call timeout
	}
	for n := 0; ; n++ {
		send := req
		if n > 0 && hasBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			send = req.Clone(ctx)
			send.Body = body
		}
		last := n >= r.o.Retry.Max
		var cut time.Duration
		if !last && r.budget.allows() {
			cut = r.cutFor(ctx)
		}
		resp, err := r.try(send, cut)
		var cutErr *attemptTimeoutError
		timedOut := errors.As(err, &cutErr)
		if last || ctx.Err() != nil {
			return resp, err
		}
		wait, ok := r.wait(n, resp, err, timedOut)
		if !ok {
			return resp, err
		}
		// Waiting past the caller's deadline only turns a real answer into a timeout,
		// and a retry with less time left than a typical answer takes only adds load.
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) <= wait+r.lat.typical() {
			return resp, err
		}
		// Out of retry budget, or the GraphQL request's call budget has nothing left:
		// the last answer is more useful to the caller than a refusal.
		if left, has := CallBudgetLeft(ctx); has && left == 0 || !r.budget.take() {
			return resp, err
		}
		if resp != nil {
			drain(resp.Body)
		}
		span := trace.SpanFromContext(ctx)
		span.SetAttributes(semconv.HTTPRequestResendCount(n + 1))
		attrs := []attribute.KeyValue{
			attribute.Int("attempt", n+1),
			attribute.Int64("wait_ms", wait.Milliseconds()),
		}
		if timedOut {
			attrs = append(attrs, attribute.Int64("attempt_timeout_ms", cut.Milliseconds()))
		}
		span.AddEvent("retry", trace.WithAttributes(attrs...))
		if err := r.o.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// cutFor returns the attempt timeout for an attempt that a retry could follow, or 0
// (no cut) when the call's own deadline comes first anyway.
func (r *retry) cutFor(ctx context.Context) time.Duration {
	cut := r.lat.timeout()
	if deadline, has := ctx.Deadline(); has && time.Until(deadline) <= cut {
		return 0
	}
	return cut
}

// try sends one attempt; with cut > 0 the attempt is abandoned, with an
// *attemptTimeoutError, when its response headers have not arrived after cut.
func (r *retry) try(req *http.Request, cut time.Duration) (*http.Response, error) {
	if cut <= 0 {
		return r.next.RoundTrip(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	// Whoever moves the state first wins: the timer (1) cuts the attempt, the response
	// headers (2) disarm it, so a response is never cancelled after it was returned.
	var state atomic.Int32
	stop := r.o.AfterFunc(cut, func() {
		if state.CompareAndSwap(0, 1) {
			cancel(errAttemptTimeout)
		}
	})
	resp, err := r.next.RoundTrip(req.WithContext(ctx))
	stop()
	if state.CompareAndSwap(0, 2) {
		if err != nil {
			cancel(nil)
			return nil, err
		}
		// The attempt's context lives as long as its body.
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: func() { cancel(nil) }}
		return resp, nil
	}
	if resp != nil {
		_ = resp.Body.Close()
	}
	if callErr := req.Context().Err(); callErr != nil {
		if err == nil {
			err = callErr
		}
		return nil, err // the call itself ended: its error, not the cut
	}
	return nil, &attemptTimeoutError{after: cut}
}

// cancelBody releases the attempt's context once the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel func()
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// wait decides whether attempt n's outcome is worth another try, and how long to wait.
func (r *retry) wait(n int, resp *http.Response, err error, cut bool) (time.Duration, bool) {
	if err != nil {
		switch {
		case cut:
			return r.backoff(n), true // cut early on purpose: the call has time left
		case isTimeout(err), errors.Is(err, context.Canceled):
			// A timeout already spent the caller's patience; a cancel means nobody is waiting.
			return 0, false
		case errors.Is(err, rest.ErrBadRequest), errors.Is(err, rest.ErrBudgetExceeded):
			return 0, false // refused locally: sending again changes nothing
		}
		return r.backoff(n), true
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), r.o.Clock()); ok {
		if ra > r.o.Retry.MaxRetryAfter {
			return 0, false
		}
		return ra, true
	}
	return r.backoff(n), true
}

// backoff is "equal jitter": between half and all of BaseDelay·2ⁿ (capped at MaxDelay),
// so concurrent callers spread out yet none retries instantly.
func (r *retry) backoff(n int) time.Duration {
	step := r.o.Retry.BaseDelay
	for i := 0; i < n && step < r.o.Retry.MaxDelay; i++ {
		step *= 2
	}
	step = min(step, r.o.Retry.MaxDelay)
	half := step / 2
	return half + rand.N(step-half+1)
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// parseRetryAfter reads delay-seconds or an HTTP date relative to now.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// drain reads a bounded rest of a discarded body so its connection can be reused.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

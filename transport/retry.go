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

// attemptTimeoutError is what a cut attempt returns: the retry that follows it was
// settled at the cut (its budget taken, its wait chosen).
type attemptTimeoutError struct {
	after time.Duration
	wait  time.Duration // before the retry
}

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
		resp, err := r.try(send, cut, n)
		var cutErr *attemptTimeoutError
		timedOut := errors.As(err, &cutErr)
		if last || ctx.Err() != nil {
			return resp, err
		}
		var wait time.Duration
		if timedOut {
			wait = cutErr.wait // the cut took the retry's budget (try)
		} else {
			var ok bool
			if wait, ok = r.wait(n, resp, err); !ok || !r.mayRetry(ctx, wait) || !r.budget.take() {
				// Not worth another try, no time or call budget left for one, or out of
				// retry budget: the last answer is more useful to the caller than a refusal.
				return resp, err
			}
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

// mayRetry reports whether a retry after wait can still help the call: waiting past
// the caller's deadline only turns a real answer into a timeout, a retry with less time
// left than a typical answer takes only adds load, and with the GraphQL request's call
// budget spent it would be refused.
func (r *retry) mayRetry(ctx context.Context, wait time.Duration) bool {
	if deadline, has := ctx.Deadline(); has && time.Until(deadline) <= wait+r.lat.typical() {
		return false
	}
	left, has := CallBudgetLeft(ctx)
	return !has || left > 0
}

// try sends attempt n; with cut > 0 the attempt is abandoned, with an
// *attemptTimeoutError, when its response headers have not arrived after cut and a
// retry can follow. Whether one can is decided when the cut comes, not when the attempt
// starts: other calls may have spent the retry budget meanwhile, and an attempt cut
// without its retry turns an answer that was on its way into a timeout. Without a retry
// the attempt runs on, within the call's own deadline.
func (r *retry) try(req *http.Request, cut time.Duration, n int) (*http.Response, error) {
	if cut <= 0 {
		return r.next.RoundTrip(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	// Whoever moves the state first wins: the timer (1) cuts the attempt, the response
	// headers (2) disarm it, so a response is never cancelled after it was returned.
	var state atomic.Int32
	var wait time.Duration // written before the timer's CompareAndSwap, read after the loser's
	stop := r.o.AfterFunc(cut, func() {
		if state.Load() != 0 {
			return
		}
		w := r.backoff(n)
		if !r.mayRetry(req.Context(), w) || !r.budget.take() {
			return
		}
		wait = w
		if state.CompareAndSwap(0, 1) {
			cancel(errAttemptTimeout)
		} else {
			r.budget.giveBack() // the headers came first: no retry after all
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
		r.budget.giveBack() // the cut's retry will not be made
		return nil, err     // the call itself ended: its error, not the cut
	}
	return nil, &attemptTimeoutError{after: cut, wait: wait}
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

// wait decides whether attempt n's outcome (not a cut: try settles those) is worth
// another try, and how long to wait.
func (r *retry) wait(n int, resp *http.Response, err error) (time.Duration, bool) {
	if err != nil {
		switch {
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

package transport

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// retry re-sends idempotent requests after a gateway error, a 429 or a connection
// failure, with jittered exponential backoff.
type retry struct {
	next http.RoundTripper
	o    Options
}

func (r *retry) RoundTrip(req *http.Request) (*http.Response, error) {
	hasBody := req.Body != nil && req.Body != http.NoBody
	if !idempotent(req.Method) || hasBody && req.GetBody == nil {
		return r.next.RoundTrip(req)
	}
	ctx := req.Context()
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
		resp, err := r.next.RoundTrip(send)
		if n >= r.o.Retry.Max || ctx.Err() != nil {
			return resp, err
		}
		wait, ok := r.wait(n, resp, err)
		if !ok {
			return resp, err
		}
		// Waiting past the caller's deadline only turns a real answer into a timeout.
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) <= wait {
			return resp, err
		}
		if resp != nil {
			drain(resp.Body)
		}
		span := trace.SpanFromContext(ctx)
		span.SetAttributes(semconv.HTTPRequestResendCount(n + 1))
		span.AddEvent("retry", trace.WithAttributes(
			attribute.Int("attempt", n+1),
			attribute.Int64("wait_ms", wait.Milliseconds()),
		))
		if err := r.o.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// wait decides whether attempt n's outcome is worth another try, and how long to wait.
func (r *retry) wait(n int, resp *http.Response, err error) (time.Duration, bool) {
	if err != nil {
		// A timeout already spent the caller's patience; a cancel means nobody is waiting.
		if isTimeout(err) || errors.Is(err, context.Canceled) {
			return 0, false
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

// Package transport is the outbound HTTP chain every backend client sends through:
// tracing, a concurrency cap, a circuit breaker, retries, and per-attempt metrics and
// call recording, each a small http.RoundTripper decorator (the GitHub CLI and
// WunderGraph Cosmo pattern) so the typed clients stay plain REST code.
package transport

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Options configures the chain for one backend. A RoundTripper built by New holds the
// breaker and the concurrency cap, so build exactly one per backend and share it.
type Options struct {
	// Backend is the metrics label and span name part: cirrus, cone, clientdata, support.
	Backend string
	// BasePath is the path prefix of the backend's base URL (e.g. "/api/v1"); it is cut
	// from recorded paths so the trace extension shows API paths, not deployment layout.
	BasePath string
	// Metrics may be nil: no metrics.
	Metrics *Metrics
	// Tracer may be nil: no spans. Propagator may be nil: no trace headers.
	Tracer     trace.TracerProvider
	Propagator propagation.TextMapPropagator
	// MaxConcurrent bounds requests in flight to the backend (default 32). A slot is
	// held until the response body is closed, because that is when the connection is free.
	MaxConcurrent int
	Retry         RetryPolicy
	Breaker       BreakerPolicy
	// Clock reads the time for the breaker, Retry-After dates and durations (default time.Now).
	Clock func() time.Time
	// Sleep waits d or until ctx ends (default: a timer); tests replace it to observe
	// backoff without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

// RetryPolicy controls retries of idempotent requests.
type RetryPolicy struct {
	// Max is the number of retries after the first attempt: 0 means the default (2),
	// a negative value disables retries.
	Max int
	// BaseDelay is the first backoff step (default 50ms); each retry doubles it, up to
	// MaxDelay (default 1s), and the wait is jittered between half and all of that step.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxRetryAfter caps a server's Retry-After (default 2s). A longer Retry-After is
	// not shortened: the response goes back to the caller at once, since retrying
	// earlier than the server asked only earns another refusal.
	MaxRetryAfter time.Duration
}

// BreakerPolicy controls the circuit breaker.
type BreakerPolicy struct {
	// Failures is the number of consecutive failed requests (5xx or transport error,
	// after retries) that opens the circuit (default 5); negative disables the breaker.
	Failures int
	// Cooldown is how long the circuit stays open before one probe is let through
	// (default 10s).
	Cooldown time.Duration
}

// Defaults.
const (
	DefaultMaxConcurrent = 32
	DefaultRetries       = 2
	DefaultBaseDelay     = 50 * time.Millisecond
	DefaultMaxDelay      = time.Second
	DefaultMaxRetryAfter = 2 * time.Second
	DefaultFailures      = 5
	DefaultCooldown      = 10 * time.Second
)

func (o Options) withDefaults() Options {
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	if o.Retry.Max == 0 {
		o.Retry.Max = DefaultRetries
	}
	if o.Retry.BaseDelay <= 0 {
		o.Retry.BaseDelay = DefaultBaseDelay
	}
	if o.Retry.MaxDelay <= 0 {
		o.Retry.MaxDelay = DefaultMaxDelay
	}
	if o.Retry.MaxRetryAfter <= 0 {
		o.Retry.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if o.Breaker.Failures == 0 {
		o.Breaker.Failures = DefaultFailures
	}
	if o.Breaker.Cooldown <= 0 {
		o.Breaker.Cooldown = DefaultCooldown
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	o.BasePath = strings.TrimRight(o.BasePath, "/")
	return o
}

// New wraps base (nil: DefaultBase()) in the chain, from outside in:
// span → concurrency cap → breaker → retry → metrics and recorder per attempt → base.
func New(base http.RoundTripper, o Options) http.RoundTripper {
	if base == nil {
		base = DefaultBase()
	}
	o = o.withDefaults()
	var rt http.RoundTripper = &attempt{next: base, o: o}
	if o.Retry.Max > 0 {
		rt = &retry{next: rt, o: o}
	}
	if o.Breaker.Failures > 0 {
		rt = &breaker{next: rt, o: o}
	}
	rt = newLimiter(rt, o.MaxConcurrent)
	if o.Tracer != nil || o.Propagator != nil {
		rt = newTracing(rt, o)
	}
	return rt
}

// DefaultBase returns a transport tuned for heavy fan-out to a few hosts: many idle
// keep-alive connections per host, so bursts of batched calls reuse connections instead
// of paying a handshake each, and bounded dial/TLS/header waits as a backstop behind the
// per-call context deadlines.
func DefaultBase() *http.Transport {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Package transport is the outbound HTTP chain every backend client sends through:
// tracing, request checks, a concurrency cap, a circuit breaker, budgeted retries with
// adaptive attempt timeouts, and per-attempt call budget, metrics and call recording,
// each a small http.RoundTripper decorator (the GitHub CLI and WunderGraph Cosmo
// pattern) so the typed clients stay plain REST code.
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
// breaker, the retry budget, the latency window and the concurrency cap, so build
// exactly one per backend and share it.
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
	MaxConcurrent  int
	Retry          RetryPolicy
	AttemptTimeout AttemptTimeoutPolicy
	Breaker        BreakerPolicy
	// OnStateChange, if set, is told every breaker transition (from and to are
	// BreakerClosed, BreakerOpen or BreakerHalfOpen), in order. It runs under the
	// breaker's lock: it must be quick (a log line) and must not call the RoundTripper.
	OnStateChange func(backend, from, to string)
	// Clock reads the time for the breaker and retry windows, Retry-After dates and
	// durations (default time.Now).
	Clock func() time.Time
	// Sleep waits d or until ctx ends (default: a timer); tests replace it to observe
	// backoff without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// AfterFunc runs f once d has passed unless stop is called first (default:
	// time.AfterFunc); it arms attempt timeouts, and tests replace it to fire them.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
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
	// The retry budget keeps an outage from multiplying the load on the backend: over
	// the last BudgetWindow (default 10s), retries may number at most BudgetRatio
	// (default 0.2) of the calls plus BudgetMin (default 10, so a quiet backend can
	// still retry; negative: 0). A negative BudgetRatio removes the budget.
	BudgetRatio  float64
	BudgetMin    int
	BudgetWindow time.Duration
}

// AttemptTimeoutPolicy cuts a slow attempt of an idempotent call early, so the retry
// gets the rest of the call's deadline instead of the whole call waiting on one hung
// connection. The cut is Multiplier × the Quantile of the backend's recent successful
// attempt latencies (the last Samples of them), clamped to [Floor, Ceiling]; until
// MinSamples latencies are known it is Ceiling.
//
// It never makes a call fail that would otherwise succeed in time: only an attempt
// that can be followed by a retry is cut (the last allowed attempt, or one the retry
// budget could not follow, runs to the call's deadline), and a cut longer than the time
// left is no cut. Writes are never cut.
type AttemptTimeoutPolicy struct {
	// Floor (default 250ms) is well above a healthy CRM call (tens of ms), so a busy
	// but healthy backend is not cut; a hung attempt costs at most that.
	Floor time.Duration
	// Ceiling (default 2s) bounds the cut before there is data and for slow backends:
	// a hung attempt costs at most a fifth of the default 10s call timeout, leaving
	// room for the retries. Negative disables attempt timeouts.
	Ceiling time.Duration
	// Multiplier (default 3) and Quantile (default 0.99): cut at three times the p99,
	// far in the tail, so well under 1% of healthy attempts are cut.
	Multiplier float64
	Quantile   float64
	// MinSamples (default 20) and Samples (default 200) size the latency window.
	MinSamples int
	Samples    int
}

// BreakerPolicy controls the circuit breaker. It opens when at least FailureRatio of
// the calls of the last Window failed, counting only once MinCalls calls were seen;
// after Cooldown it lets Probes calls through (half-open): all succeed and it closes,
// one fails and it opens again for a full Cooldown. A failure is a 5xx or a transport
// error after retries; 4xx answers, callers giving up and requests refused locally
// (invalid, over budget) are not.
type BreakerPolicy struct {
	Disabled     bool
	Window       time.Duration // default 10s
	MinCalls     int           // default 20
	FailureRatio float64       // default 0.5
	Cooldown     time.Duration // default 10s
	Probes       int           // default 3
}

// Defaults.
const (
	DefaultMaxConcurrent = 32
	DefaultRetries       = 2
	DefaultBaseDelay     = 50 * time.Millisecond
	DefaultMaxDelay      = time.Second
	DefaultMaxRetryAfter = 2 * time.Second
	DefaultBudgetRatio   = 0.2
	DefaultBudgetMin     = 10
	DefaultBudgetWindow  = 10 * time.Second

	DefaultAttemptFloor      = 250 * time.Millisecond
	DefaultAttemptCeiling    = 2 * time.Second
	DefaultAttemptMultiplier = 3
	DefaultAttemptQuantile   = 0.99
	DefaultLatencyMinSamples = 20
	DefaultLatencySamples    = 200

	DefaultBreakerWindow = 10 * time.Second
	DefaultMinCalls      = 20
	DefaultFailureRatio  = 0.5
	DefaultCooldown      = 10 * time.Second
	DefaultProbes        = 3
)

func (o Options) withDefaults() Options {
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	r := &o.Retry
	if r.Max == 0 {
		r.Max = DefaultRetries
	}
	r.BaseDelay = orDefault(r.BaseDelay, DefaultBaseDelay)
	r.MaxDelay = orDefault(r.MaxDelay, DefaultMaxDelay)
	r.MaxRetryAfter = orDefault(r.MaxRetryAfter, DefaultMaxRetryAfter)
	if r.BudgetRatio == 0 {
		r.BudgetRatio = DefaultBudgetRatio
	}
	switch {
	case r.BudgetMin == 0:
		r.BudgetMin = DefaultBudgetMin
	case r.BudgetMin < 0:
		r.BudgetMin = 0
	}
	r.BudgetWindow = orDefault(r.BudgetWindow, DefaultBudgetWindow)

	a := &o.AttemptTimeout
	a.Floor = orDefault(a.Floor, DefaultAttemptFloor)
	if a.Ceiling == 0 {
		a.Ceiling = DefaultAttemptCeiling
	}
	if a.Ceiling > 0 && a.Floor > a.Ceiling {
		a.Floor = a.Ceiling // a ceiling below the default floor lowers the floor
	}
	if a.Multiplier <= 0 {
		a.Multiplier = DefaultAttemptMultiplier
	}
	if a.Quantile <= 0 || a.Quantile > 1 {
		a.Quantile = DefaultAttemptQuantile
	}
	if a.Samples <= 0 {
		a.Samples = DefaultLatencySamples
	}
	if a.MinSamples <= 0 {
		a.MinSamples = DefaultLatencyMinSamples
	}
	a.MinSamples = min(a.MinSamples, a.Samples)

	b := &o.Breaker
	b.Window = orDefault(b.Window, DefaultBreakerWindow)
	if b.MinCalls <= 0 {
		b.MinCalls = DefaultMinCalls
	}
	if b.FailureRatio <= 0 || b.FailureRatio > 1 {
		b.FailureRatio = DefaultFailureRatio
	}
	b.Cooldown = orDefault(b.Cooldown, DefaultCooldown)
	if b.Probes <= 0 {
		b.Probes = DefaultProbes
	}

	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.AfterFunc == nil {
		o.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	o.BasePath = strings.TrimRight(o.BasePath, "/")
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// New wraps base (nil: DefaultBase()) in the chain, from outside in:
// span → request checks → concurrency cap → breaker → retry (with attempt timeouts and
// the retry budget) → call budget, metrics and recorder per attempt → base.
func New(base http.RoundTripper, o Options) http.RoundTripper {
	if base == nil {
		base = DefaultBase()
	}
	o = o.withDefaults()
	lat := newLatencies(o.AttemptTimeout)
	_, traced := base.(*http.Transport)
	var rt http.RoundTripper = &attempt{next: base, o: o, lat: lat, traced: traced}
	if o.Retry.Max > 0 {
		rt = newRetry(rt, o, lat)
	}
	if !o.Breaker.Disabled {
		rt = newBreaker(rt, o)
	}
	rt = newLimiter(rt, o)
	rt = checked{next: rt, o: o}
	if o.Tracer != nil || o.Propagator != nil {
		rt = newTracing(rt, o)
	}
	return rt
}

// NoRedirects is a CheckRedirect for backend http.Clients: a 3xx comes back to the
// caller instead of being followed, so the backend's credentials and headers never go
// to wherever a Location points (rest.Client refuses redirects by itself as well).
func NoRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

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

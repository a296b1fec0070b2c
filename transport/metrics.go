package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"crmgraph/backends/rest"
)

// Metrics holds the backend request series.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	breaker  *prometheus.GaugeVec
	queue    *prometheus.HistogramVec
}

// Metric label values for outcomes that have no HTTP status.
const (
	CodeError          = "error"
	CodeTimeout        = "timeout"
	CodeCircuitOpen    = "circuit_open"
	CodeBudgetExceeded = "call_budget_exceeded"
	CodeInvalidRequest = "invalid_request"
)

// NewMetrics registers the backend series with reg (nil: not registered, useful in
// tests). Registering twice with the same registry reuses the existing collectors, so
// several gateways in one process (tests, benchmarks) can share a registry.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "crmgraph_backend_requests_total",
			Help: "REST calls to backends, per attempt, by HTTP status or error/timeout/circuit_open/call_budget_exceeded/invalid_request.",
		}, []string{"backend", "operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "crmgraph_backend_request_duration_seconds",
			Help:    "Time from sending a REST call attempt to its response headers.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"backend", "operation"}),
		queue: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "crmgraph_backend_queue_seconds",
			Help:    "Time a REST call waited for a free slot under the backend's concurrency cap (<BACKEND>_MAX_CONCURRENCY).",
			Buckets: []float64{0, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"backend"}),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "crmgraph_backend_breaker_state",
			Help: "Circuit breaker state per backend: 0 closed, 1 half-open, 2 open.",
		}, []string{"backend"}),
	}
	if reg != nil {
		m.requests = register(reg, m.requests)
		m.duration = register(reg, m.duration)
		m.breaker = register(reg, m.breaker)
		m.queue = register(reg, m.queue)
	}
	return m
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err) // a conflicting definition of our own metric names is a programming error
	}
	return c
}

func (m *Metrics) queued(backend string, wait time.Duration) {
	if m != nil {
		m.queue.WithLabelValues(backend).Observe(wait.Seconds())
	}
}

func (m *Metrics) count(backend, op, code string) {
	if m != nil {
		m.requests.WithLabelValues(backend, op, code).Inc()
	}
}

func (m *Metrics) observe(backend, op string, seconds float64) {
	if m != nil {
		m.duration.WithLabelValues(backend, op).Observe(seconds)
	}
}

func (m *Metrics) breakerState(backend string, s breakerState) {
	if m != nil {
		m.breaker.WithLabelValues(backend).Set(float64(s))
	}
}

// attempt is the innermost layer: one network attempt, counted against the call
// budget, timed, recorded, and told apart by whether the request reached the wire.
type attempt struct {
	next http.RoundTripper
	o    Options
	lat  *latencies
	// traced: next is an *http.Transport, which reports write progress through
	// httptrace, so a failure can be known not to have been sent.
	traced bool
}

func (a *attempt) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	info := callInfo(ctx, a.o.Backend)
	if !takeCall(ctx) {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		a.o.Metrics.count(info.Backend, info.Operation, CodeBudgetExceeded)
		return nil, ErrCallBudgetExceeded
	}
	var wrote atomic.Bool
	if a.traced {
		req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteHeaders: func() { wrote.Store(true) },
		}))
	}
	start, began := a.o.Clock(), time.Now() // began: wall time, for the trace's startMs
	resp, err := a.next.RoundTrip(req)
	elapsed := a.o.Clock().Sub(start)

	code, status := CodeError, 0
	switch {
	case err == nil:
		status = resp.StatusCode
		code = strconv.Itoa(status)
		if status < 500 {
			a.lat.add(elapsed)
		}
	case isTimeout(err), errors.Is(context.Cause(ctx), errAttemptTimeout):
		code = CodeTimeout
	}
	a.o.Metrics.count(info.Backend, info.Operation, code)
	a.o.Metrics.observe(info.Backend, info.Operation, elapsed.Seconds())
	read := RecorderFrom(ctx).add(Call{
		Backend:    info.Backend,
		Method:     req.Method,
		Path:       relativePath(req, a.o.BasePath),
		Status:     status,
		DurationMs: float64(elapsed.Microseconds()) / 1000,
		QueueMs:    float64(queueWait(ctx).Microseconds()) / 1000,
		Keys:       info.Keys,
	}, began)
	if read != nil && err == nil && resp.Body != nil {
		resp.Body = countedBody{ReadCloser: resp.Body, n: read}
	}
	if err != nil && a.traced && !wrote.Load() {
		// Not a byte of the request went out (no connection, or refused before one
		// was looked for): the backend cannot have acted on it. Once the headers are
		// written, a failure is conservatively "sent".
		return nil, markNotSent(err)
	}
	return resp, err
}

// callInfo returns the call info the rest client put on ctx, with the RoundTripper's
// backend winning (it is the one the series are per) and bounded fallbacks so a call
// from outside rest.Client still gets low-cardinality labels.
func callInfo(ctx context.Context, backend string) rest.CallInfo {
	info, _ := rest.CallInfoFrom(ctx)
	if backend != "" {
		info.Backend = backend
	}
	if info.Backend == "" {
		info.Backend = "unknown"
	}
	if info.Operation == "" {
		info.Operation = "unknown"
	}
	if info.Keys <= 0 {
		info.Keys = 1
	}
	return info
}

func relativePath(req *http.Request, basePath string) string {
	p := req.URL.EscapedPath()
	if basePath != "" && (p == basePath || len(p) > len(basePath) && p[:len(basePath)] == basePath && p[len(basePath)] == '/') {
		p = p[len(basePath):]
	}
	if p == "" {
		p = "/"
	}
	return p
}

// isTimeout reports a deadline, whether the context's or the network's.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

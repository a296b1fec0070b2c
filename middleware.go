package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/klauspost/compress/gzip"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"

	"crmgraph/resolvers"
	"crmgraph/transport"
)

type requestIDKey struct{}

type traceKey struct{}

// traceRequested reports whether the request asked for X-Crmgraph-Trace: 1.
func traceRequested(ctx context.Context) bool {
	on, _ := ctx.Value(traceKey{}).(bool)
	return on
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (read deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// requestLog gives every request an id (X-Request-Id, kept when the caller sends a sane
// one) and logs one line per request: no query strings, headers or bodies, which can
// carry tokens and personal data.
func requestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \t\r\n\"") {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(sw, r.WithContext(ctx))
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/assets/") {
			level = slog.LevelDebug
		}
		log.Log(ctx, level, "request", "request_id", id, "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// withBudgets bounds the whole request: a deadline d for everything, every backend
// call included, so no request outlives it however its calls fail; and, when calls > 0,
// a budget of backend attempts (retries included), the run-time side of the estimate
// MAX_BACKEND_CALLS refuses before execution.
func withBudgets(d time.Duration, calls int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		if calls > 0 {
			ctx = transport.WithCallBudget(ctx, calls)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// DefaultCORSHeaders are the request headers browsers may send cross-origin: auth,
// language, crmgraph's trace and request id, Apollo's client awareness, W3C trace context.
const DefaultCORSHeaders = "Content-Type, Authorization, Accept-Language, X-Crmgraph-Trace, X-Request-Id, " +
	"apollographql-client-name, apollographql-client-version, apollo-require-preflight, traceparent, tracestate, baggage"

// cors lets the configured browser origins call /graphql: it answers preflights with
// the allowed request headers and names the ones frontends may read (request id).
func cors(origins []string, allowHeaders string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[o] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (allowed["*"] || allowed[origin]) {
			h := w.Header()
			h.Add("Vary", "Origin")
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "X-Request-Id")
			if allowed[origin] {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", allowHeaders)
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// gzipResponses compresses answers for clients that accept gzip: GraphQL JSON is
// repetitive and shrinks several times, which matters to frontends on slow links.
func gzipResponses(next http.Handler) http.Handler {
	// BestSpeed: JSON compresses about as well at level 1 and costs a fraction of the
	// CPU of the default level, which would otherwise be a large share of a query.
	// klauspost/compress's level 1 writes the same gzip format in about 60 % of the
	// standard library's time (47 vs 78 µs for the canonical 14.7 KB answer, and 2 %
	// smaller); the tests read the answers with compress/gzip.
	pool := sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		gz := pool.Get().(*gzip.Writer)
		gz.Reset(w)
		defer func() {
			_ = gz.Close()
			pool.Put(gz)
		}()
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		next.ServeHTTP(&gzipWriter{ResponseWriter: w, gz: gz}, r)
	})
}

// acceptsGzip reads Accept-Encoding: gzip listed without a zero quality.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}

type gzipWriter struct {
	http.ResponseWriter
	gz *gzip.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	g.Header().Del("Content-Length")
	g.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (read deadlines).
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// Flush sends what is compressed so far: incremental (@defer) parts must not wait in
// the compressor.
func (g *gzipWriter) Flush() {
	_ = g.gz.Flush()
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	g.Header().Del("Content-Length")
	return g.gz.Write(b)
}

// noStore: GraphQL answers carry per-caller CRM data and APQ misses must not be cached.
// They are JSON whose strings keep <, > and & as the records have them (gqlhttp copies
// the executor's output without HTML escaping): nosniff keeps a browser from reading
// one as anything but its Content-Type.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// withRecorder collects the REST calls a request makes (for X-Crmgraph-Trace) and
// continues an incoming W3C trace context.
func withRecorder(prop propagation.TextMapPropagator, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, _ = transport.WithRecorder(ctx)
		ctx = context.WithValue(ctx, traceKey{}, r.Header.Get("X-Crmgraph-Trace") == "1")
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withCallerIdentity passes what the caller says about itself to the backends that use
// it: the bearer token (client-data scopes members by it) and the preferred language.
func withCallerIdentity(forwardAuth bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if forwardAuth {
			if tok, ok := bearerToken(r.Header.Get("Authorization")); ok {
				ctx = resolvers.WithClientDataBearer(ctx, tok)
			}
		}
		if lang := acceptLanguage(r.Header); lang != "" {
			ctx = resolvers.WithLanguage(ctx, lang)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearerToken reads "Bearer <token>" (the scheme is case-insensitive, RFC 9110 §11.1).
// Anything else is no caller credential at all.
func bearerToken(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" || strings.ContainsAny(tok, " \t\r\n") {
		return "", false
	}
	return tok, true
}

// acceptLanguage is the request's Accept-Language, its field lines joined as one list
// (RFC 9110 §5.3) and normalized by resolvers.ParseAcceptLanguage: client-data gets
// the caller's whole preference, bounded, and answers in the best language it has.
func acceptLanguage(h http.Header) string {
	return resolvers.ParseAcceptLanguage(strings.Join(h.Values("Accept-Language"), ","))
}

type operationMetrics struct {
	requests *prometheus.CounterVec

	mu    sync.Mutex
	names map[string]bool // operation names with a series of their own
}

// maxOperationLabels bounds the operation names with series of their own; later names
// share "other", so callers inventing names cannot grow /metrics without bound.
const maxOperationLabels = 256

func newOperationMetrics(reg prometheus.Registerer) *operationMetrics {
	m := &operationMetrics{requests: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "crmgraph_graphql_requests_total",
		Help: "GraphQL requests by operation name and outcome (ok, partial, error, rejected before execution). Names past the first 256 are counted as \"other\".",
	}, []string{"operation", "outcome"}), names: map[string]bool{"anonymous": true}}
	reg.MustRegister(m.requests)
	return m
}

// label is the series name of an operation.
func (m *operationMetrics) label(name string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationLabels {
		return "other"
	}
	m.names[name] = true
	return name
}

func (m *operationMetrics) observe(operation string, executed bool, resp *graphql.Response) {
	outcome := "ok"
	switch {
	case !executed:
		outcome = "rejected"
	case len(resp.Errors) > 0:
		outcome = "error"
		if len(resp.Data) > 0 && string(resp.Data) != "null" {
			outcome = "partial"
		}
	}
	m.requests.WithLabelValues(m.label(operation), outcome).Inc()
}

// rejected counts a request refused before gqlgen saw it.
func (m *operationMetrics) rejected() { m.requests.WithLabelValues("anonymous", "rejected").Inc() }

// operationName labels metrics and spans; unnamed operations share one label so a
// client cannot blow up the series count.
func operationName(oc *graphql.OperationContext) string {
	if oc.Operation != nil && oc.Operation.Name != "" && len(oc.Operation.Name) <= 64 {
		return oc.Operation.Name
	}
	return "anonymous"
}

func errorCountAttr(n int) attribute.KeyValue { return attribute.Int("graphql.errors", n) }

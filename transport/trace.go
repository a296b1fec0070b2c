package transport

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"crmgraph/backends/rest"
)

// TracerName is the instrumentation scope of the client spans.
const TracerName = "crmgraph/transport"

// tracing is the outermost layer: one client span per call, covering the queue wait,
// every retry and the backoff between them, and the trace context on the wire.
type tracing struct {
	next    http.RoundTripper
	tracer  trace.Tracer // nil: propagate the caller's context only
	prop    propagation.TextMapPropagator
	backend string
}

func newTracing(next http.RoundTripper, o Options) *tracing {
	t := &tracing{next: next, prop: o.Propagator, backend: o.Backend}
	if o.Tracer != nil {
		t.tracer = o.Tracer.Tracer(TracerName)
	}
	return t
}

func (t *tracing) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var span trace.Span
	if t.tracer != nil {
		info := callInfo(ctx, t.backend)
		ctx, span = t.tracer.Start(ctx, req.Method+" "+info.Backend+" "+info.Operation,
			trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(requestAttributes(req)...),
			trace.WithAttributes(
				attribute.String("crmgraph.backend", info.Backend),
				attribute.String("crmgraph.operation", info.Operation),
				attribute.Int("crmgraph.keys", info.Keys),
			))
		defer span.End()
	}
	// A RoundTripper must not modify the caller's request; Clone copies the headers.
	req = req.Clone(ctx)
	if t.prop != nil {
		t.prop.Inject(ctx, propagation.HeaderCarrier(req.Header))
	}
	resp, err := t.next.RoundTrip(req)
	if span == nil {
		return resp, err
	}
	switch {
	case err != nil:
		span.SetAttributes(semconv.ErrorTypeKey.String(errorType(err)))
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	case resp.StatusCode >= 500:
		code := strconv.Itoa(resp.StatusCode)
		span.SetAttributes(semconv.HTTPResponseStatusCode(resp.StatusCode), semconv.ErrorTypeKey.String(code))
		span.SetStatus(codes.Error, "HTTP "+code)
	default:
		span.SetAttributes(semconv.HTTPResponseStatusCode(resp.StatusCode))
	}
	return resp, err
}

// requestAttributes describes the request without its query string (it can hold
// personal data) or any credentials.
func requestAttributes(req *http.Request) []attribute.KeyValue {
	u := *req.URL
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		port = 80
		if u.Scheme == "https" {
			port = 443
		}
	}
	return []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String(req.Method),
		semconv.URLFull(u.String()),
		semconv.ServerAddress(u.Hostname()),
		semconv.ServerPort(port),
	}
}

func errorType(err error) string {
	switch {
	case isTimeout(err):
		return CodeTimeout
	case errors.Is(err, ErrCircuitOpen):
		return CodeCircuitOpen
	case errors.Is(err, ErrCallBudgetExceeded):
		return CodeBudgetExceeded
	case errors.Is(err, rest.ErrBadRequest):
		return CodeInvalidRequest
	}
	return fmt.Sprintf("%T", err)
}

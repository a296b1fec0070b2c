package transport_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"crmgraph/backends/rest"
	"crmgraph/transport"
)

func TestConcurrencyCap(t *testing.T) {
	const limit, callers = 3, 12
	arrived, release := make(chan struct{}, callers), make(chan struct{})
	s := &scripted{arrived: arrived, release: release}
	srv := newServer(t, s)
	rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone", MaxConcurrent: limit})
	ctx := callCtx(t.Context(), "cone", "accounts.list")

	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			if status, err := send(t, ctx, rt, "GET", srv.URL); err != nil || status != 200 {
				errs <- errors.New("call failed")
			}
		})
	}
	for range limit {
		<-arrived
	}
	// All slots are taken by calls parked in the server: one more caller must queue,
	// and give up when its context does, without reaching the server.
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	_, err := send(t, waitCtx, rt, "GET", srv.URL)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("queued caller: err = %v, want its deadline", err)
	}
	if got := s.Hits(); got != limit {
		t.Errorf("server saw %d calls while the cap was full, want %d", got, limit)
	}
	close(release)
	wg.Wait() // arrived has room for every caller's signal, so none blocks
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := s.MaxInFlight(); got != limit {
		t.Errorf("max in flight %d, want %d", got, limit)
	}
	if got := s.Hits(); got != callers {
		t.Errorf("server hits %d, want %d", got, callers)
	}
}

func TestConcurrencySlotHeldUntilBodyDone(t *testing.T) {
	tests := []struct {
		name   string
		finish func(io.ReadCloser)
	}{
		{name: "Close releases", finish: func(b io.ReadCloser) { _ = b.Close() }},
		{name: "reading to EOF releases", finish: func(b io.ReadCloser) { _, _ = io.Copy(io.Discard, b) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, &scripted{})
			rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone", MaxConcurrent: 1})
			ctx := callCtx(t.Context(), "cone", "accounts.list")
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}

			waitCtx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			_, err = send(t, waitCtx, rt, "GET", srv.URL)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("with the body open: err = %v, want to queue until the deadline", err)
			}

			tt.finish(resp.Body)
			if status, err := send(t, ctx, rt, "GET", srv.URL); err != nil || status != 200 {
				t.Fatalf("after the body: %d, %v; want the slot free", status, err)
			}
			_ = resp.Body.Close() // a second release must not free a slot twice
			if status, err := send(t, ctx, rt, "GET", srv.URL); err != nil || status != 200 {
				t.Fatalf("third call: %d, %v", status, err)
			}
		})
	}
}

func TestRecorder(t *testing.T) {
	tests := []struct {
		name     string
		basePath string
		path     string
		wantPath string
	}{
		{name: "base path stripped", basePath: "/api/v1", path: "/api/v1/accounts", wantPath: "/accounts"},
		{name: "base path with trailing slash", basePath: "/api/v1/", path: "/api/v1/accounts/7", wantPath: "/accounts/7"},
		{name: "base path alone", basePath: "/api/v1", path: "/api/v1", wantPath: "/"},
		{name: "only whole segments are stripped", basePath: "/api/v1", path: "/api/v10/accounts", wantPath: "/api/v10/accounts"},
		{name: "no base path", path: "/contacts", wantPath: "/contacts"},
		{name: "escaped segments stay escaped", path: "/contacts/a%2Fb", wantPath: "/contacts/a%2Fb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, &scripted{statuses: []int{201}})
			rt := transport.New(srv.Client().Transport, transport.Options{Backend: "clientdata", BasePath: tt.basePath})
			ctx, rec := transport.WithRecorder(t.Context())
			if transport.RecorderFrom(ctx) != rec {
				t.Fatal("RecorderFrom does not return the recorder")
			}
			ctx = rest.WithCallInfo(ctx, rest.CallInfo{Backend: "clientdata", Operation: "contacts.search", Keys: 7})

			if _, err := send(t, ctx, rt, "POST", srv.URL+tt.path+"?email=jane%40example.com"); err != nil {
				t.Fatal(err)
			}

			calls := rec.Calls()
			if len(calls) != 1 {
				t.Fatalf("calls = %+v, want one", calls)
			}
			want := transport.Call{Backend: "clientdata", Method: "POST", Path: tt.wantPath, Status: 201, Keys: 7,
				BytesRead: int64(len(`{"ok":true}`))}
			got := calls[0]
			if got.DurationMs < 0 || got.StartMs < 0 {
				t.Errorf("negative duration %v or start %v", got.DurationMs, got.StartMs)
			}
			got.DurationMs, got.StartMs = 0, 0
			if got != want {
				t.Errorf("call = %+v, want %+v", got, want)
			}
		})
	}
}

// TestRecorderBytesRead: a call records the body bytes its caller read, not the body's
// size, so a client that stops early shows what it saved.
func TestRecorderBytesRead(t *testing.T) {
	tests := []struct {
		name string
		read int64 // -1: all
		want int64
	}{
		{"read to the end", -1, int64(len(`{"ok":true}`))},
		{"stopped after 4 bytes", 4, 4},
		{"closed unread", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, &scripted{})
			rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone"})
			ctx, rec := transport.WithRecorder(callCtx(t.Context(), "cone", "leads.list"))
			req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/x", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if tt.read < 0 {
				_, _ = io.Copy(io.Discard, resp.Body)
			} else {
				_, _ = io.CopyN(io.Discard, resp.Body, tt.read)
			}
			_ = resp.Body.Close()
			calls := rec.Calls()
			if len(calls) != 1 || calls[0].BytesRead != tt.want {
				t.Fatalf("calls %+v, want one with bytesRead %d", calls, tt.want)
			}
		})
	}
}

func TestRecorderJSON(t *testing.T) {
	srv := newServer(t, &scripted{})
	base := srv.URL + "/v2"
	c := &rest.Client{Backend: "support", BaseURL: base,
		HTTP: &http.Client{Transport: transport.New(srv.Client().Transport, transport.Options{Backend: "support", BasePath: "/v2"})}}
	ctx, rec := transport.WithRecorder(t.Context())
	if b, _ := json.Marshal(rec.Calls()); string(b) != "[]" {
		t.Errorf("no calls encode as %s, want []", b)
	}
	ctx = rest.WithKeys(ctx, 4)

	if _, _, err := c.Do(ctx, rest.Request{Op: "customers.list", Method: "GET", Path: "/crm/customers",
		Query: map[string][]string{"filter[email]": {"secret@example.com"}}}, nil); err != nil {
		t.Fatal(err)
	}

	b, err := json.Marshal(rec.Calls())
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("calls %s, want one", b)
	}
	for _, key := range []string{"backend", "method", "path", "status", "durationMs", "keys", "bytesRead"} {
		if _, ok := got[0][key]; !ok {
			t.Errorf("%s lacks %q", b, key)
		}
	}
	if got[0]["path"] != "/crm/customers" || got[0]["keys"] != 4.0 || got[0]["status"] != 200.0 {
		t.Errorf("call %s, want path /crm/customers, keys 4, status 200", b)
	}
	if strings.Contains(string(b), "secret") || strings.Contains(string(b), "127.0.0.1") {
		t.Errorf("call %s leaks the query string or host", b)
	}
}

func TestRecorderConcurrent(t *testing.T) {
	srv := newServer(t, &scripted{})
	rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cirrus", MaxConcurrent: 8})
	ctx, rec := transport.WithRecorder(callCtx(t.Context(), "cirrus", "contacts.get"))
	const n = 40
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, _ = send(t, ctx, rt, "GET", srv.URL+"/contacts/1")
			_ = rec.Len()
		})
	}
	wg.Wait()
	if rec.Len() != n || len(rec.Calls()) != n {
		t.Errorf("recorded %d calls, want %d", rec.Len(), n)
	}
	var none *transport.Recorder
	if none.Len() != 0 || none.Calls() != nil || transport.RecorderFrom(t.Context()) != nil {
		t.Error("a missing recorder must read as empty")
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := transport.NewMetrics(reg)
	again := transport.NewMetrics(reg) // a second gateway in the same process shares the series
	s := &scripted{statuses: []int{200, 200, 404}}
	srv := newServer(t, s)
	for _, mt := range []*transport.Metrics{m, m, again} {
		rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cirrus", Metrics: mt})
		if _, err := send(t, callCtx(t.Context(), "cirrus", "orders.list"), rt, "GET", srv.URL); err != nil {
			t.Fatal(err)
		}
	}
	// Calls without rest.CallInfo still get bounded labels.
	rt := transport.New(srv.Client().Transport, transport.Options{Metrics: m})
	if _, err := send(t, t.Context(), rt, "GET", srv.URL); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		backend, op, code string
		want              float64
	}{
		{"cirrus", "orders.list", "200", 2},
		{"cirrus", "orders.list", "404", 1},
		{"unknown", "unknown", "404", 1},
	}
	for _, tt := range tests {
		t.Run(tt.backend+" "+tt.op+" "+tt.code, func(t *testing.T) {
			if got := counter(t, reg, tt.backend, tt.op, tt.code); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if got := histogramCount(t, reg, "cirrus", "orders.list"); got != 3 {
		t.Errorf("histogram samples %d, want 3", got)
	}
}

func TestTracing(t *testing.T) {
	tests := []struct {
		name       string
		statuses   []int
		method     string
		wantStatus codes.Code
		wantCode   int64 // http.response.status_code; 0: absent
		wantEvents int   // retry events
	}{
		{name: "success", statuses: []int{200}, method: "GET", wantStatus: codes.Unset, wantCode: 200},
		{name: "4xx is not a span error", statuses: []int{404}, method: "GET", wantStatus: codes.Unset, wantCode: 404},
		{name: "5xx is a span error", statuses: []int{500}, method: "POST", wantStatus: codes.Error, wantCode: 500},
		{name: "retries are events on one span", statuses: []int{503, 200}, method: "GET", wantStatus: codes.Unset, wantCode: 200, wantEvents: 1},
		{name: "transport error is a span error", statuses: []int{hangup}, method: "POST", wantStatus: codes.Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scripted{statuses: tt.statuses}
			srv := newServer(t, s)
			sr := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
			sl := &sleeper{}
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cirrus", BasePath: "/api", Tracer: tp, Propagator: propagation.TraceContext{}, Sleep: sl.Sleep,
			})
			parentCtx, parent := tp.Tracer("test").Start(t.Context(), "graphql")
			ctx := callCtx(parentCtx, "cirrus", "accounts.list")
			req, _ := http.NewRequestWithContext(ctx, tt.method, srv.URL+"/api/accounts?q=secret", nil)
			req.Header.Set("Authorization", "Bearer token-123")

			resp, err := rt.RoundTrip(req)
			if err == nil {
				_ = resp.Body.Close()
			}
			parent.End()

			if req.Header.Get("Traceparent") != "" {
				t.Error("the caller's request was modified")
			}
			spans := sr.Ended()
			if len(spans) != 2 {
				t.Fatalf("%d spans ended, want the client span and its parent", len(spans))
			}
			span := spans[0]
			if span.Name() != tt.method+" cirrus accounts.list" || span.SpanKind() != trace.SpanKindClient {
				t.Errorf("span %q kind %v, want %q client", span.Name(), span.SpanKind(), tt.method+" cirrus accounts.list")
			}
			if span.Parent().SpanID() != parent.SpanContext().SpanID() {
				t.Error("client span is not a child of the caller's span")
			}
			if span.Status().Code != tt.wantStatus {
				t.Errorf("status %v, want %v", span.Status().Code, tt.wantStatus)
			}
			attrs := map[attribute.Key]attribute.Value{}
			for _, kv := range span.Attributes() {
				attrs[kv.Key] = kv.Value
				if strings.Contains(kv.Value.String(), "secret") || strings.Contains(kv.Value.String(), "token-123") {
					t.Errorf("attribute %s=%s leaks the query or the token", kv.Key, kv.Value.String())
				}
			}
			if got := attrs["url.full"].AsString(); got != srv.URL+"/api/accounts" {
				t.Errorf("url.full %q, want %q", got, srv.URL+"/api/accounts")
			}
			if got := attrs["http.request.method"].AsString(); got != tt.method {
				t.Errorf("http.request.method %q", got)
			}
			if got := attrs["http.response.status_code"].AsInt64(); got != tt.wantCode {
				t.Errorf("http.response.status_code %d, want %d", got, tt.wantCode)
			}
			if len(span.Events()) < tt.wantEvents || countEvents(span, "retry") != tt.wantEvents {
				t.Errorf("%d retry events, want %d", countEvents(span, "retry"), tt.wantEvents)
			}
			// Every attempt carried the client span's context.
			want := "00-" + span.SpanContext().TraceID().String() + "-" + span.SpanContext().SpanID().String() + "-01"
			for i := range s.Hits() {
				if got := s.Seen(i).Get("Traceparent"); got != want {
					t.Errorf("attempt %d traceparent %q, want %q", i, got, want)
				}
			}
			if s.Hits() == 0 {
				t.Error("server never called")
			}
		})
	}
}

func countEvents(span sdktrace.ReadOnlySpan, name string) int {
	n := 0
	for _, e := range span.Events() {
		if e.Name == name {
			n++
		}
	}
	return n
}

func TestTracingOff(t *testing.T) {
	s := &scripted{}
	srv := newServer(t, s)
	rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone"})
	if _, err := send(t, callCtx(t.Context(), "cone", "accounts.list"), rt, "GET", srv.URL); err != nil {
		t.Fatal(err)
	}
	if got := s.Seen(0).Get("Traceparent"); got != "" {
		t.Errorf("traceparent %q sent with no propagator", got)
	}
}

func TestTracingCircuitOpen(t *testing.T) {
	s := &scripted{statuses: []int{500}}
	srv := newServer(t, s)
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	rt := transport.New(srv.Client().Transport, transport.Options{
		Backend: "cirrus", Tracer: tp, Breaker: transport.BreakerPolicy{MinCalls: 1}, Clock: newFakeClock().Now,
	})
	ctx := callCtx(t.Context(), "cirrus", "accounts.get")
	_, _ = send(t, ctx, rt, "POST", srv.URL)
	_, err := send(t, ctx, rt, "POST", srv.URL)
	if !errors.Is(err, transport.ErrCircuitOpen) {
		t.Fatalf("err = %v, want circuit open", err)
	}
	spans := sr.Ended()
	if len(spans) != 2 || spans[1].Status().Code != codes.Error {
		t.Fatalf("want two spans, the refused one an error")
	}
	for _, kv := range spans[1].Attributes() {
		if kv.Key == "error.type" && kv.Value.AsString() == "circuit_open" {
			return
		}
	}
	t.Errorf("refused span lacks error.type=circuit_open: %v", spans[1].Attributes())
}

func TestDefaultBase(t *testing.T) {
	b := transport.DefaultBase()
	checks := []struct {
		name string
		ok   bool
	}{
		{"MaxIdleConnsPerHost >= 64", b.MaxIdleConnsPerHost >= 64},
		{"MaxIdleConns >= MaxIdleConnsPerHost", b.MaxIdleConns >= b.MaxIdleConnsPerHost},
		{"keep-alives on", !b.DisableKeepAlives},
		{"TLS handshake bounded", b.TLSHandshakeTimeout > 0},
		{"response header wait bounded", b.ResponseHeaderTimeout > 0},
		{"idle connections expire", b.IdleConnTimeout > 0},
		{"dialer set", b.DialContext != nil},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Fail()
			}
		})
	}
	// And it talks HTTP.
	srv := newServer(t, &scripted{})
	if status, err := send(t, t.Context(), transport.New(nil, transport.Options{Backend: "cone"}), "GET", srv.URL); err != nil || status != 200 {
		t.Errorf("New(nil) base: %d, %v", status, err)
	}
}

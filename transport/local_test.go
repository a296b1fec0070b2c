package transport_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"crmgraph/backends/rest"
	"crmgraph/transport"
)

// TestLocalErrorsNeverReachTheBackend: a request that cannot be sent because of its
// own content is the caller's error. Bursts of them are not sent, not retried, and do
// not move a breaker that any backend failure would open, so the next legitimate
// call still goes through.
func TestLocalErrorsNeverReachTheBackend(t *testing.T) {
	viaRest := func(req rest.Request, auth func(context.Context, http.Header)) func(context.Context, http.RoundTripper, string) error {
		return func(ctx context.Context, rt http.RoundTripper, url string) error {
			c := &rest.Client{Backend: "cirrus", BaseURL: url, HTTP: &http.Client{Transport: rt}, Auth: auth}
			_, _, err := c.Do(ctx, req, nil)
			return err
		}
	}
	raw := func(method, path string, header http.Header) func(context.Context, http.RoundTripper, string) error {
		return func(ctx context.Context, rt http.RoundTripper, url string) error {
			if strings.HasPrefix(path, "ftp:") {
				url = ""
			}
			req, err := http.NewRequestWithContext(ctx, method, url+path, strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			for k, vs := range header {
				req.Header[k] = vs
			}
			resp, err := rt.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			return err
		}
	}
	tests := []struct {
		name    string
		do      func(ctx context.Context, rt http.RoundTripper, url string) error
		wantRaw bool // refused by the transport's own check (counted as invalid_request)
	}{
		{name: "rest: header value with a newline", do: viaRest(rest.Request{Op: "reference.list", Method: "GET", Path: "/reference",
			Header: http.Header{"Accept-Language": {"x\n"}}}, nil)},
		{name: "rest: credential with CRLF from Auth", do: viaRest(rest.Request{Op: "reference.list", Method: "GET", Path: "/reference"},
			func(_ context.Context, h http.Header) { h.Set("Authorization", "Bearer abc\r\nX-Injected: 1") })},
		{name: "rest: body that cannot be encoded", do: viaRest(rest.Request{Op: "orders.create", Method: "POST", Path: "/orders",
			Body: map[string]float64{"total": math.NaN()}}, nil)},
		{name: "rest: path with a control character", do: viaRest(rest.Request{Op: "accounts.get", Method: "GET", Path: "/accounts/a\nb"}, nil)},
		{name: "rest: header name with a space", do: viaRest(rest.Request{Op: "reference.list", Method: "GET", Path: "/reference",
			Header: http.Header{"Accept Language": {"en"}}}, nil)},
		{name: "transport: header value with a newline", do: raw("GET", "/reference", http.Header{"Accept-Language": {"x\n"}}), wantRaw: true},
		{name: "transport: header value with a NUL", do: raw("POST", "/orders", http.Header{"X-Note": {"a\x00b"}}), wantRaw: true},
		{name: "transport: unsupported scheme", do: raw("GET", "ftp://example.com/x", nil), wantRaw: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scripted{}
			srv := newServer(t, s)
			reg := prometheus.NewRegistry()
			sl := &sleeper{}
			var transitions []string
			rt := transport.New(srv.Client().Transport, transport.Options{
				Backend: "cirrus", Metrics: transport.NewMetrics(reg), Clock: newFakeClock().Now, Sleep: sl.Sleep,
				Breaker:       transport.BreakerPolicy{MinCalls: 1, FailureRatio: 0.01}, // a single failure would open it
				OnStateChange: func(_, from, to string) { transitions = append(transitions, from+">"+to) },
			})
			ctx := callCtx(t.Context(), "cirrus", "reference.list")
			const burst = 50
			for i := range burst {
				err := tt.do(ctx, rt, srv.URL)
				if !errors.Is(err, rest.ErrBadRequest) || !rest.NotSent(err) {
					t.Fatalf("call %d: err = %v, want rest.ErrBadRequest, not sent", i, err)
				}
				if strings.Contains(err.Error(), "X-Injected") || strings.Contains(err.Error(), "abc") {
					t.Fatalf("error %q repeats the header value", err)
				}
			}
			if s.Hits() != 0 || len(sl.Waits()) != 0 {
				t.Errorf("%d attempts sent, %d retries; want none", s.Hits(), len(sl.Waits()))
			}
			if len(transitions) != 0 || gauge(t, reg, "crmgraph_backend_breaker_state", "cirrus") != 0 {
				t.Errorf("breaker moved: %v", transitions)
			}
			wantInvalid := 0.0
			if tt.wantRaw {
				wantInvalid = burst
			}
			if got := counter(t, reg, "cirrus", "reference.list", "invalid_request"); got != wantInvalid {
				t.Errorf(`code="invalid_request" = %v, want %v`, got, wantInvalid)
			}
			if status, err := send(t, ctx, rt, "GET", srv.URL); err != nil || status != 200 {
				t.Errorf("legitimate call after the burst: %d, %v", status, err)
			}
		})
	}
}

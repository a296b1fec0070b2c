package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"crmgraph/backends/sandbox"
)

// The end-to-end tests run the real gateway handler against the real sandboxes over
// loopback HTTP. Building the data set is the slow part, so the package shares one
// gateway (with its embedded sandboxes) across tests; tests that change data use
// records no other test reads.

var sharedGateway struct {
	app *App
	srv *httptest.Server
}

func TestMain(m *testing.M) {
	redis.SetLogger(quietRedis{})
	code := m.Run()
	if sharedGateway.srv != nil {
		sharedGateway.srv.Close()
		sharedGateway.app.Close()
	}
	os.Exit(code)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// gateway returns the shared gateway (sandbox mode, no configuration).
func gateway(t testing.TB) *httptest.Server {
	t.Helper()
	if sharedGateway.srv == nil {
		cfg, err := LoadConfig(nil, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		app, err := NewApp(context.Background(), cfg, quietLogger())
		if err != nil {
			t.Fatal(err)
		}
		sharedGateway.app, sharedGateway.srv = app, httptest.NewServer(app.Handler())
	}
	return sharedGateway.srv
}

// newGateway builds a gateway with the given environment (for tests that need their own
// configuration, e.g. pointed at the shared sandboxes with a wrong token).
func newGateway(t testing.TB, env map[string]string) (*App, *httptest.Server) {
	return newGatewayLogging(t, env, io.Discard)
}

// newGatewayLogging is newGateway with its JSON log written to logs.
func newGatewayLogging(t testing.TB, env map[string]string, logs io.Writer) (*App, *httptest.Server) {
	t.Helper()
	cfg, err := LoadConfig(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(func() { srv.Close(); app.Close() })
	return app, srv
}

// sandboxEnv points every backend at the shared gateway's sandboxes with token.
func sandboxEnv(t testing.TB, token string) map[string]string {
	gateway(t)
	base := sharedGateway.app.SandboxURL
	return map[string]string{
		"CIRRUS_URL": base + "/cirrus", "CIRRUS_TOKEN": token,
		"CONE_URL": base + "/cone", "CONE_TOKEN": token,
		"CLIENT_DATA_URL": base + "/clientdata", "CLIENT_DATA_TOKEN": token,
		"SUPPORT_URL": base + "/support", "SUPPORT_TOKEN": token,
		"SUPPORT_APP_ID": sandbox.SupportAppID, "SUPPORT_CONSUMER_ID": "sandbox-consumer", // owns the support sandbox's customers
		// Configured backends are taken for real ones: the trace needs enabling, and the
		// service token stands in for anonymous callers only when asked.
		"TRACE_EXTENSION": "on", "CLIENT_DATA_ANONYMOUS": "service",
	}
}

// closedURL is an http URL nothing listens on.
func closedURL(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type backendCall struct {
	Backend    string  `json:"backend"`
	Method     string  `json:"method"`
	Path       string  `json:"path"`
	Status     int     `json:"status"`
	StartMs    float64 `json:"startMs"`
	DurationMs float64 `json:"durationMs"`
	Keys       int     `json:"keys"`
	BytesRead  int64   `json:"bytesRead"`
}

type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions struct {
		Trace struct {
			BackendCalls []backendCall `json:"backendCalls"`
		} `json:"trace"`
	} `json:"extensions"`
	raw []byte
}

// calls counts the traced REST calls, optionally of one backend.
func (r *gqlResponse) calls(backend string) int {
	n := 0
	for _, c := range r.Extensions.Trace.BackendCalls {
		if backend == "" || c.Backend == backend {
			n++
		}
	}
	return n
}

func (r *gqlResponse) codes() []string {
	var out []string
	for _, e := range r.Errors {
		if c, ok := e.Extensions["code"].(string); ok {
			out = append(out, c)
		}
	}
	return out
}

type request struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
	header    http.Header
}

func post(t testing.TB, srv *httptest.Server, req request) *gqlResponse {
	t.Helper()
	body, _ := json.Marshal(req)
	hr, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("X-Crmgraph-Trace", "1")
	for k, vs := range req.header {
		hr.Header[k] = vs
	}
	resp, err := srv.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, body %s: %v", resp.StatusCode, raw, err)
	}
	out.raw = raw
	return &out
}

// query runs q on the shared gateway and fails the test on any GraphQL error.
func query(t testing.TB, q string, vars map[string]any, into any) *gqlResponse {
	t.Helper()
	r := post(t, gateway(t), request{Query: q, Variables: vars})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", r.raw)
	}
	if into != nil {
		if err := json.Unmarshal(r.Data, into); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func mustNotLeak(t testing.TB, r *gqlResponse, secrets ...string) {
	t.Helper()
	for _, e := range r.Errors {
		for _, s := range secrets {
			if s != "" && strings.Contains(e.Message, s) {
				t.Fatalf("error message leaks %q: %s", s, e.Message)
			}
		}
		if strings.Contains(e.Message, "127.0.0.1") || strings.Contains(e.Message, "http://") {
			t.Fatalf("error message leaks an internal URL: %s", e.Message)
		}
	}
}

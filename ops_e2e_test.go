package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"crmgraph/backends/sandbox"
	"crmgraph/internal/testredis"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestMetricsAndHealth(t *testing.T) {
	srv := gateway(t)
	post(t, srv, request{Query: `{ accounts(first: 2 { edges } }`}) // rejected by the parser
	query(t, `query Canonical { accounts(first: 3, filter: {sources: [CIRRUS]}) { edges { node { name type { name isCustomer } orders(first: 1) { totalCount } } } } }`, nil, nil)
	code, body := get(t, srv, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`crmgraph_backend_requests_total{backend="cirrus",code="200",operation="accounts.list"}`,
		`crmgraph_backend_request_duration_seconds_bucket{backend="cirrus",operation="orders.list"`,
		`crmgraph_cache_requests_total{cache="accountTypes",result=`,
		`crmgraph_dataloader_batch_size_bucket{loader="OrdersByAccountID"`,
		`crmgraph_graphql_requests_total{operation="Canonical",outcome="ok"}`,
		`crmgraph_graphql_requests_total{operation="anonymous",outcome="rejected"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, _ := get(t, srv, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz = %d", code)
	}
	if code, body := get(t, srv, "/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz = %d %s", code, body)
	}
}

func TestReadyzReportsRedisDown(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["REDIS_URL"] = "redis://" + strings.TrimPrefix(closedURL(t), "http://")
	_, srv := newGateway(t, env)
	// Redis is optional: its loss is reported as degraded, not as "not ready".
	if code, body := get(t, srv, "/readyz"); code != http.StatusOK || !strings.Contains(body, `"redis":"unreachable"`) {
		t.Fatalf("/readyz = %d %s", code, body)
	}
	// Requests still succeed: reference lists fall back to the in-process tier.
	r := post(t, srv, request{Query: `{ referenceData { orderStatuses { name } } accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }`})
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "orderStatuses") {
		t.Fatalf("with Redis down: %s", r.raw)
	}
	_, metrics := get(t, srv, "/metrics")
	if !strings.Contains(metrics, `crmgraph_cache_requests_total{cache="orderStatuses",result="error"} 1`) {
		t.Fatalf("Redis errors are not counted:\n%s", grep(metrics, "crmgraph_cache"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// redisEnv is sandboxEnv plus a real Redis and a key prefix of this test's own.
func redisEnv(t *testing.T) map[string]string {
	env := sandboxEnv(t, "sandbox")
	env["REDIS_URL"] = testredis.URL(t)
	env["REDIS_KEY_PREFIX"] = fmt.Sprintf("crmgraph-test-%d", time.Now().UnixNano())
	return env
}

func TestReferenceListsSharedThroughRedis(t *testing.T) {
	env := redisEnv(t)
	_, a := newGateway(t, env)
	_, b := newGateway(t, env)
	q := request{Query: `{ referenceData { orderStatuses { id name } paymentTerms { name } } }`}
	ra := post(t, a, q)
	if len(ra.Errors) > 0 || ra.calls("cirrus") != 2 {
		t.Fatalf("replica A: %d calls, %s", ra.calls("cirrus"), ra.raw)
	}
	if again := post(t, a, q); again.calls("") != 0 {
		t.Fatalf("replica A again: %d calls", again.calls(""))
	}
	rb := post(t, b, q)
	if len(rb.Errors) > 0 || rb.calls("") != 0 || string(rb.Data) != string(ra.Data) {
		t.Fatalf("replica B: %d calls, %s", rb.calls(""), rb.raw)
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	env := redisEnv(t)
	_, a := newGateway(t, env)
	_, b := newGateway(t, env)
	text := `{ accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }`
	sum := sha256.Sum256([]byte(text))
	hash := hex.EncodeToString(sum[:])
	ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":"%s"}}`, hash)

	// A miss over GET: PERSISTED_QUERY_NOT_FOUND, not cacheable.
	missURL := b.URL + "/graphql?extensions=" + url.QueryEscape(ext)
	resp, err := b.Client().Get(missURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "PERSISTED_QUERY_NOT_FOUND") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("miss: %s %q", body, resp.Header.Get("Cache-Control"))
	}
	// Register on replica A (POST with the text), then B answers the hash alone (GET).
	r := post(t, a, request{Query: text, header: nil})
	_ = r
	reg := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(fmt.Sprintf(`{"query":%q,"extensions":%s}`, text, ext)))
	reg.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	appOf(t, a).ServeHTTP(rec, reg)
	if !strings.Contains(rec.Body.String(), "totalCount") {
		t.Fatalf("register: %s", rec.Body)
	}
	resp, err = b.Client().Get(missURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"totalCount"`) || strings.Contains(string(body), "errors") {
		t.Fatalf("hit on replica B: %s", body)
	}
	// A hash that does not match the text is refused.
	bad := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(fmt.Sprintf(`{"query":%q,"extensions":{"persistedQuery":{"version":1,"sha256Hash":"%s"}}}`, text+" ", hash)))
	bad.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	appOf(t, a).ServeHTTP(rec, bad)
	if !strings.Contains(rec.Body.String(), "errors") || strings.Contains(rec.Body.String(), "totalCount") {
		t.Fatalf("mismatch: %s", rec.Body)
	}
}

// appOf returns the handler behind a test server.
func appOf(t *testing.T, srv *httptest.Server) http.Handler {
	t.Helper()
	return srv.Config.Handler
}

func TestOperationLimits(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["DEPTH_LIMIT"] = "4"
	env["COMPLEXITY_LIMIT"] = "2000"
	env["INTROSPECTION"] = "off"
	env["TOKEN_LIMIT"] = "300"
	_, srv := newGateway(t, env)
	tests := []struct {
		name, query, code string
	}{
		{"depth", `{ accounts { edges { node { contacts { edges { node { name } } } } } } }`, "DEPTH_LIMIT_EXCEEDED"},
		{"complexity: a page of pages", `{ accounts(first: 100) { edges { node { orders(first: 100) { totalCount } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"complexity: a page of pages, backward", `{ accounts(last: 100) { edges { node { orders(last: 100) { totalCount } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"token limit", "{" + strings.Repeat(" a: __typename", 200) + " }", "GRAPHQL_PARSE_FAILED"},
		{"introspection off", `{ __schema { types { name } } }`, "INTROSPECTION_DISABLED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, request{Query: tt.query})
			if got := r.codes(); len(got) == 0 || got[0] != tt.code {
				t.Fatalf("codes %v: %s", got, r.raw)
			}
			if r.calls("") != 0 {
				t.Fatalf("a rejected operation called %d backends", r.calls(""))
			}
		})
	}
}

func TestBackendTimeout(t *testing.T) {
	// A slow Cirrus: the shared sandbox behind 300ms of latency, with a 50ms budget.
	target, _ := url.Parse(sharedSandboxURL(t))
	slow := httptest.NewServer(sandbox.Latency(300 * time.Millisecond)(httputil.NewSingleHostReverseProxy(target)))
	defer slow.Close()
	env := sandboxEnv(t, "sandbox")
	env["CIRRUS_URL"] = slow.URL + "/cirrus"
	env["CIRRUS_TIMEOUT"] = "50ms" // only the slow backend: the others keep their budget on a busy machine
	_, srv := newGateway(t, env)
	r := post(t, srv, request{Query: `{ cirrus: accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount }
	  cone: accounts(first: 1, filter: {sources: [CONE]}) { totalCount } }`})
	if got := r.codes(); len(got) != 1 || got[0] != "UPSTREAM_TIMEOUT" || r.Errors[0].Extensions["source"] != "CIRRUS" {
		t.Fatalf("got %s", r.raw)
	}
	// The list that timed out is null, not an empty list a client would show as "0 accounts".
	if !strings.Contains(string(r.Data), `"cirrus":null`) {
		t.Fatalf("the failed list is not null: %s", r.Data)
	}
	if !strings.Contains(string(r.Data), `"cone":{"totalCount":1000}`) {
		t.Fatalf("the rest did not resolve: %s", r.Data)
	}
	mustNotLeak(t, r)
}

func sharedSandboxURL(t *testing.T) string {
	gateway(t)
	return sharedGateway.app.SandboxURL
}

func TestTracesExportedOverOTLP(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	env := sandboxEnv(t, "sandbox")
	env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.URL
	app, srv := newGateway(t, env)
	traceID := "4bf92f3577b34da6a3ce929d0e0e4736"
	r := post(t, srv, request{Query: `query TracedOp { accounts(first: 2, filter: {sources: [CIRRUS]}) { totalCount } }`,
		header: http.Header{"Traceparent": {"00-" + traceID + "-00f067aa0ba902b7-01"}}})
	if len(r.Errors) > 0 {
		t.Fatalf("query: %s", r.raw)
	}
	app.Close() // flushes the batch exporter
	mu.Lock()
	defer mu.Unlock()
	all := bytes.Join(bodies, nil)
	wantID, _ := hex.DecodeString(traceID)
	for _, want := range [][]byte{[]byte("graphql TracedOp"), []byte("GET cirrus accounts.list"), wantID} {
		if !bytes.Contains(all, want) {
			t.Fatalf("exported spans lack %q (%d export requests)", want, len(bodies))
		}
	}
}

// Without an exporter no spans are recorded, yet the caller's trace context still
// reaches every backend call unchanged.
func TestTraceContextPropagatedWithoutExporter(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Traceparent"))
		mu.Unlock()
		forward(w, r, sharedGateway.app.SandboxURL, nil)
	}))
	defer proxy.Close()
	env["CIRRUS_URL"] = proxy.URL + "/cirrus"
	_, srv := newGateway(t, env)
	parent := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	r := post(t, srv, request{Query: `{ accounts(first: 2, filter: {sources: [CIRRUS]}) { edges { node { name orders(first: 1) { totalCount } } } } }`,
		header: http.Header{"Traceparent": {parent}}})
	if len(r.Errors) > 0 {
		t.Fatalf("query: %s", r.raw)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Fatalf("%d cirrus calls, want 2 (accounts, orders)", len(seen))
	}
	for _, got := range seen {
		if got != parent {
			t.Fatalf("backend saw traceparent %q, want the caller's %q", got, parent)
		}
	}
}

func TestTrustedDocumentsSafelist(t *testing.T) {
	dir := t.TempDir()
	const doc = `query TopAccounts { accounts(first: 2, filter: {sources: [CIRRUS]}) { totalCount } }`
	manifest := fmt.Sprintf(`{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"top-accounts","name":"TopAccounts","type":"query","body":%q}]}`, doc)
	path := dir + "/manifest.json"
	if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	env := sandboxEnv(t, "sandbox")
	env["PERSISTED_QUERIES"] = "safelist"
	env["PERSISTED_QUERIES_MANIFEST"] = path
	_, srv := newGateway(t, env)

	// By document id (POST and GET) and by its exact text.
	for name, do := range map[string]func() string{
		"post documentId": func() string {
			resp, err := srv.Client().Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"documentId":"top-accounts"}`))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		},
		"get documentId": func() string { _, body := get(t, srv, "/graphql?documentId=top-accounts"); return body },
		"exact text":     func() string { return string(post(t, srv, request{Query: doc}).raw) },
	} {
		if body := do(); !strings.Contains(body, `"totalCount":2200`) {
			t.Fatalf("%s: %s", name, body)
		}
	}
	// Anything else is refused before it reaches a backend.
	r := post(t, srv, request{Query: `{ accounts(first: 50) { totalCount } }`})
	if got := r.codes(); len(got) != 1 || got[0] != "PERSISTED_QUERY_NOT_IN_SAFELIST" || r.calls("") != 0 {
		t.Fatalf("unlisted query: %s", r.raw)
	}
}

func TestFaultyBackendsDegradeGracefully(t *testing.T) {
	// A third of all sandbox requests fail (half 503, half hang): every error is an
	// upstream error on its own field, and the server keeps answering.
	_, srv := newGateway(t, map[string]string{"SANDBOX_FAULTS": "33%", "BACKEND_TIMEOUT": "150ms"})
	codes := map[string]int{}
	withData := 0
	for range 8 {
		r := post(t, srv, request{Query: canonicalQuery})
		for _, e := range r.Errors {
			code, _ := e.Extensions["code"].(string)
			codes[code]++
			if len(e.Path) == 0 || e.Extensions["source"] != "CIRRUS" {
				t.Fatalf("error without path or source: %+v", e)
			}
			// A failed account list is null beside its error, never an empty page.
			if len(e.Path) == 1 && !strings.Contains(string(r.Data), `"accounts":null`) {
				t.Fatalf("accounts failed but answered: %s", r.Data)
			}
		}
		if strings.Contains(string(r.Data), `"name"`) {
			withData++
		}
		mustNotLeak(t, r)
	}
	for code := range codes {
		if code != "UPSTREAM_UNAVAILABLE" && code != "UPSTREAM_TIMEOUT" {
			t.Fatalf("unexpected codes %v", codes)
		}
	}
	if withData == 0 {
		t.Fatalf("no response carried data (codes %v)", codes)
	}
	t.Logf("error codes over 8 canonical queries: %v; %d responses with data", codes, withData)
}

func TestGracefulShutdown(t *testing.T) {
	// Cirrus behind a proxy that signals when the request reaches it, then answers late.
	target, _ := url.Parse(sharedSandboxURL(t))
	proxy := httputil.NewSingleHostReverseProxy(target)
	reached := make(chan struct{}, 1)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case reached <- struct{}{}:
		default:
		}
		sandbox.Latency(300*time.Millisecond)(proxy).ServeHTTP(w, r)
	}))
	defer slow.Close()
	env := sandboxEnv(t, "sandbox")
	env["CIRRUS_URL"] = slow.URL + "/cirrus"
	app, _ := newGateway(t, env)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()

	inflight := make(chan string, 1)
	go func() {
		body := `{"query":"{ accounts(first: 3, filter: {sources: [CIRRUS]}) { totalCount } }"}`
		resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			inflight <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		inflight <- string(b)
	}()
	select {
	case <-reached: // the request is in flight inside the gateway
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the backend")
	}
	cancel()
	if got := <-inflight; !strings.Contains(got, `"totalCount":2200`) {
		t.Fatalf("the in-flight request was cut off: %s", got)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestCORSAndBodyLimit(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["CORS_ORIGINS"] = "https://app.example"
	env["MAX_REQUEST_BYTES"] = "2000"
	_, srv := newGateway(t, env)
	pre, _ := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
	pre.Header.Set("Origin", "https://app.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	resp, err := srv.Client().Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	// Apollo client awareness and W3C trace context are allowed by default.
	allowed := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"apollographql-client-name", "apollographql-client-version", "traceparent", "tracestate"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("preflight does not allow %s: %s", h, allowed)
		}
	}
	// The list is a setting.
	env["CORS_HEADERS"] = "Content-Type, X-Tenant"
	_, custom := newGateway(t, env)
	pre2, _ := http.NewRequest(http.MethodOptions, custom.URL+"/graphql", nil)
	pre2.Header.Set("Origin", "https://app.example")
	pre2.Header.Set("Access-Control-Request-Method", "POST")
	resp, err = custom.Client().Do(pre2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Headers"); got != "Content-Type, X-Tenant" {
		t.Fatalf("CORS_HEADERS: %q", got)
	}
	// Another origin gets no CORS headers (the browser blocks it).
	other, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	other.Header.Set("Origin", "https://evil.example")
	other.Header.Set("Content-Type", "application/json")
	resp, err = srv.Client().Do(other)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("foreign origin allowed: %v", resp.Header)
	}
	// A body over the limit is refused before parsing.
	big := `{"query":"{ __typename }","variables":{"pad":"` + strings.Repeat("x", 3000) + `"}}`
	resp, err = srv.Client().Post(srv.URL+"/graphql", "application/json", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("big body: %d", resp.StatusCode)
	}
}

func TestResponsesAreCompressed(t *testing.T) {
	srv := gateway(t)
	body := `{"query":"{ accounts(first: 20, filter: {sources: [CIRRUS]}) { edges { node { name email phone } } } }"}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the client does not decompress then
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("not compressed: %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !strings.Contains(string(plain), `"accounts"`) || len(raw)*2 > len(plain) {
		t.Fatalf("compressed %d → %d bytes: %.80s", len(plain), len(raw), plain)
	}
}

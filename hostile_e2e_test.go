package main

// The hostile-input battery: what an attacker (or a broken client) sends, each case with
// the coded answer it must get. Loopback only; every loop is bounded.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cdsandbox "crmgraph/backends/sandbox/clientdata"
)

// rawPost sends body as it is and returns the status, headers and body of the answer.
func rawPost(t *testing.T, srv *httptest.Server, method, contentType string, body []byte, header http.Header) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+"/graphql", bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// codedError asserts a GraphQL JSON error answer with one error and the given code.
func codedError(t *testing.T, status int, h http.Header, body []byte, wantStatus int, wantCode string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status %d, want %d: %s", status, wantStatus, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/graphql-response+json") {
		t.Errorf("Content-Type %q: %s", ct, body)
	}
	var r gqlResponse
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("not GraphQL JSON: %s", body)
	}
	if got := r.codes(); len(got) != 1 || got[0] != wantCode || len(r.Errors) != 1 {
		t.Errorf("codes %v, want [%s]: %s", got, wantCode, body)
	}
}

func TestHostileTransportRejectionsAreCodedAndNeverEcho(t *testing.T) {
	srv := gateway(t)
	const marker = "ECHO-MARKER-7f3a"
	big := `{"query": "{ __typename }", "variables": {"x": "` + strings.Repeat("A", 2<<20) + marker + `"}}`
	cases := []struct {
		name, method, contentType, body string
		status                          int
		code                            string
	}{
		{"malformed JSON", "POST", "application/json", `{"query": "{ __typename }" ` + marker, 400, "BAD_REQUEST"},
		{"truncated JSON", "POST", "application/json", `{"query": "` + marker, 400, "BAD_REQUEST"},
		{"wrong field type", "POST", "application/json", `{"query": ["` + marker + `"]}`, 400, "BAD_REQUEST"},
		{"variables not an object", "POST", "application/json", `{"query": "{ __typename }", "variables": "` + marker + `"}`, 400, "BAD_REQUEST"},
		{"two JSON values", "POST", "application/json", `{"query": "{ __typename }"} {"query": "` + marker + `"}`, 400, "BAD_REQUEST"},
		{"empty body", "POST", "application/json", ``, 400, "BAD_REQUEST"},
		{"a JSON string", "POST", "application/json", `"` + marker + `"`, 400, "BAD_REQUEST"},
		{"empty batch", "POST", "application/json", `[]`, 400, "BAD_REQUEST"},
		{"oversized batch", "POST", "application/json", "[" + strings.Repeat(`{"query": "{ __typename }"},`, 10) + `{"query": "` + marker + `"}]`, 400, "BAD_REQUEST"},
		{"batch of junk", "POST", "application/json", `[{"query": "{ __typename }"}, "` + marker + `"]`, 400, "BAD_REQUEST"},
		{"Accept it cannot serve", "POST", "application/json", `{"query": "{ __typename }"}`, 406, "NOT_ACCEPTABLE"},
		{"nesting bomb", "POST", "application/json", `{"query": "{ __typename }", "variables": {"v": ` + strings.Repeat("[", 5000) + `"` + marker + `"` + strings.Repeat("]", 5000) + `}}`, 400, "BAD_REQUEST"},
		{"text/plain", "POST", "text/plain", `{"query": "` + marker + `"}`, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"no content type", "POST", "", `{"query": "` + marker + `"}`, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"form", "POST", "application/x-www-form-urlencoded", `query=` + marker, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"multipart", "POST", "multipart/form-data; boundary=x", `--x--` + marker, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"PUT", "PUT", "application/json", `{"query": "` + marker + `"}`, 405, "METHOD_NOT_ALLOWED"},
		{"DELETE", "DELETE", "", ``, 405, "METHOD_NOT_ALLOWED"},
		{"oversized body", "POST", "application/json", big, 413, "REQUEST_TOO_LARGE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var header http.Header
			if tc.status == http.StatusNotAcceptable {
				header = http.Header{"Accept": {"text/html"}}
			}
			status, h, body := rawPost(t, srv, tc.method, tc.contentType, []byte(tc.body), header)
			codedError(t, status, h, body, tc.status, tc.code)
			if bytes.Contains(body, []byte(marker)) || len(body) > 512 {
				t.Errorf("the answer echoes the request (%d bytes): %.300s", len(body), body)
			}
		})
	}
	t.Run("oversized body without Content-Length", func(t *testing.T) {
		pr, pw := io.Pipe()
		go func() {
			_, _ = pw.Write([]byte(big))
			_ = pw.Close()
		}()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", pr) // chunked
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		codedError(t, resp.StatusCode, resp.Header, body, 413, "REQUEST_TOO_LARGE")
	})
	getCases := []struct {
		name, query string
		status      int
		code        string
	}{
		{"mutation over GET", "query=" + url.QueryEscape(`mutation { cancelChangeRequest(input: {id: "x"}) { changeRequest { id } } }`), 405, "METHOD_NOT_ALLOWED"},
		{"variables not JSON", "query=" + url.QueryEscape(`{ __typename }`) + "&variables=" + url.QueryEscape("{"+marker), 400, "BAD_REQUEST"},
		{"extensions not an object", "query=" + url.QueryEscape(`{ __typename }`) + "&extensions=" + url.QueryEscape(`[1]`), 400, "BAD_REQUEST"},
		{"malformed query string", "query=%zz", 400, "BAD_REQUEST"},
	}
	for _, tc := range getCases {
		t.Run("GET "+tc.name, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + "/graphql?" + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			codedError(t, resp.StatusCode, resp.Header, body, tc.status, tc.code)
			if bytes.Contains(body, []byte(marker)) {
				t.Errorf("the answer echoes the request: %s", body)
			}
		})
	}
	// A well-formed request still works, over POST and GET.
	status, _, body := rawPost(t, srv, "POST", "application/json; charset=utf-8", []byte(`{"query": "{ __typename }"}`), nil)
	if status != 200 || !strings.Contains(string(body), `"__typename":"Query"`) {
		t.Fatalf("POST: %d %s", status, body)
	}
	resp, err := srv.Client().Get(srv.URL + "/graphql?query=" + url.QueryEscape(`{ __typename }`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"__typename":"Query"`) {
		t.Fatalf("GET: %d %s", resp.StatusCode, b)
	}
}

func TestHostileSlowBodyIsCutAtTheReadDeadline(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["BODY_READ_TIMEOUT"] = "300ms"
	_, srv := newGateway(t, env)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Promise 100 bytes, send 10, then stall.
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":")
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a bound on the test, not the assertion
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	codedError(t, resp.StatusCode, resp.Header, body, http.StatusRequestTimeout, "REQUEST_TIMEOUT")
}

// realClientData is an environment with client-data configured as a real backend (the
// shared sandbox behind a URL), so anonymous callers get the production default.
func realClientData(t *testing.T) map[string]string {
	env := sandboxEnv(t, "sandbox")
	delete(env, "CLIENT_DATA_ANONYMOUS")
	return env
}

func TestHostileNoCallerActsBeyondItsCredential(t *testing.T) {
	_, srv := newGateway(t, realClientData(t))
	contact := clientDataContact(t, 61)
	cityQuery := `query($id: ID!) { node(id: $id) { ... on Contact { details } } }`
	cityOf := func() any {
		r := post(t, srv, request{Query: cityQuery, Variables: map[string]any{"id": contact}, header: asMember(cdsandbox.MemberToken1)})
		var d struct {
			Node struct{ Details map[string]any }
		}
		if err := json.Unmarshal(r.Data, &d); err != nil || len(r.Errors) > 0 {
			t.Fatalf("read details: %s", r.raw)
		}
		return d.Node.Details["addresses"].(map[string]any)["primaryAddress"].(map[string]any)["city"]
	}
	before := cityOf()
	update := `mutation($id: ID!, $city: String!) { updateContactDetails(input: {id: $id, details: {addresses: {primaryAddress: {city: $city}}}}) { approvalRequired changeRequest { id status { code } } } }`
	vars := map[string]any{"id": contact, "city": fmt.Sprintf("Anonby %d", time.Now().UnixNano())}
	for _, h := range []http.Header{
		nil,
		{"Authorization": {"Basic bWVtYmVyLTE6eA=="}},
		{"Authorization": {"Bearer"}},
		{"Authorization": {"Bearer "}},
		{"Authorization": {"Token member-1"}},
	} {
		r := post(t, srv, request{Query: update, Variables: vars, header: h})
		if got := r.codes(); len(got) != 1 || got[0] != "UNAUTHENTICATED" || r.Errors[0].Extensions["source"] != "CLIENT_DATA" {
			t.Fatalf("Authorization %q: %s", h.Get("Authorization"), r.raw)
		}
		if n := r.calls("clientdata"); n != 0 {
			t.Fatalf("Authorization %q: %d client-data calls, want 0 (refused before sending)", h.Get("Authorization"), n)
		}
	}
	// Reads that act for a member are refused too; reference lists are not.
	r := post(t, srv, request{Query: `{ changeRequests(first: 1) { totalCount } referenceData { changeRequestStatuses { code } } }`})
	if got := r.codes(); len(got) != 1 || got[0] != "UNAUTHENTICATED" || !strings.Contains(string(r.Data), `"changeRequestStatuses":[{`) {
		t.Fatalf("anonymous read: %s", r.raw)
	}
	if after := cityOf(); after != before {
		t.Fatalf("an anonymous update was applied: city %v → %v", before, after)
	}
	// The scheme is case-insensitive: "bearer member-1" is member-1, whose update of an
	// approval field needs approval.
	for _, scheme := range []string{"bearer", "BEARER", "Bearer"} {
		vars["city"] = fmt.Sprintf("Memberby %s %d", scheme, time.Now().UnixNano())
		r := post(t, srv, request{Query: update, Variables: vars, header: http.Header{"Authorization": {scheme + " " + cdsandbox.MemberToken1}}})
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"approvalRequired":true`) {
			t.Fatalf("%s member-1: %s", scheme, r.raw)
		}
		// Only one pending request per contact: cancel it for the next round.
		var out struct {
			UpdateContactDetails struct{ ChangeRequest struct{ ID string } }
		}
		_ = json.Unmarshal(r.Data, &out)
		cancel := post(t, srv, request{Query: `mutation($id: ID!) { cancelChangeRequest(input: {id: $id}) { changeRequest { id } } }`,
			Variables: map[string]any{"id": out.UpdateContactDetails.ChangeRequest.ID}, header: asMember(cdsandbox.MemberToken1)})
		if len(cancel.Errors) > 0 {
			t.Fatalf("cancel: %s", cancel.raw)
		}
	}
	if after := cityOf(); after != before {
		t.Fatalf("a member's update skipped approval: city %v → %v", before, after)
	}
}

func TestSandboxDemoServesAnonymousCallersAsTheService(t *testing.T) {
	// The embedded sandbox is a demo: anonymous callers may act as the app (logged).
	var logs syncBuffer
	_, srv := newGatewayLogging(t, map[string]string{}, &logs)
	r := post(t, srv, request{Query: `{ changeRequests(first: 1) { totalCount } }`})
	if len(r.Errors) > 0 {
		t.Fatalf("%s", r.raw)
	}
	if !strings.Contains(logs.String(), "CLIENT_DATA_ANONYMOUS=service") {
		t.Fatalf("the service fallback is not logged at start:\n%s", logs.String())
	}
}

func TestFaultReadiness(t *testing.T) {
	down := closedURL(t)
	t.Run("every backend down", func(t *testing.T) {
		env := sandboxEnv(t, "sandbox")
		for _, k := range []string{"CIRRUS_URL", "CONE_URL", "CLIENT_DATA_URL", "SUPPORT_URL"} {
			env[k] = down
		}
		_, srv := newGateway(t, env)
		code, body := get(t, srv, "/readyz")
		if code != http.StatusServiceUnavailable || strings.Count(body, `"down"`) != 4 {
			t.Fatalf("/readyz = %d %s", code, body)
		}
	})
	t.Run("every credential wrong", func(t *testing.T) {
		var logs syncBuffer
		_, srv := newGatewayLogging(t, sandboxEnv(t, "wrong-token"), &logs)
		code, body := get(t, srv, "/readyz")
		if code != http.StatusServiceUnavailable || strings.Count(body, "credentials rejected") < 4 {
			t.Fatalf("/readyz = %d %s", code, body)
		}
		// Each rejection is logged, once per backend however many calls fail.
		for range 5 {
			post(t, srv, request{Query: `{ accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }`})
		}
		if n := strings.Count(logs.String(), `"backend rejected the service credentials","backend":"cirrus"`); n != 1 {
			t.Fatalf("cirrus credential rejection logged %d times:\n%s", n, logs.String())
		}
		if strings.Contains(logs.String(), "wrong-token") {
			t.Fatal("a token reached the log")
		}
	})
	t.Run("one backend down", func(t *testing.T) {
		env := sandboxEnv(t, "sandbox")
		env["CIRRUS_URL"] = down
		_, srv := newGateway(t, env)
		code, body := get(t, srv, "/readyz")
		if code != http.StatusOK || !strings.Contains(body, `"cirrus":"down"`) || !strings.Contains(body, `"cone":"ok"`) {
			t.Fatalf("/readyz = %d %s", code, body)
		}
	})
}

func TestFaultShutdownDrainsThenAnswersWithAnError(t *testing.T) {
	// A Cirrus that takes 3s; the drain allows 300ms.
	target, _ := url.Parse(sharedSandboxURL(t))
	var arrived atomic.Int32
	slow := httptest.NewServer(slowProxy(target, 3*time.Second, &arrived))
	defer slow.Close()
	env := sandboxEnv(t, "sandbox")
	env["CIRRUS_URL"] = slow.URL + "/cirrus"
	env["SHUTDOWN_DELAY"] = "200ms"
	env["SHUTDOWN_TIMEOUT"] = "300ms"
	cfg, err := LoadConfig(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(context.Background(), cfg, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx, ln) }()

	answer := make(chan *gqlResponse, 1)
	go func() {
		resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query": "{ accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }"}`))
		if err != nil {
			answer <- &gqlResponse{raw: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		var r gqlResponse
		r.raw, _ = io.ReadAll(resp.Body)
		_ = json.Unmarshal(r.raw, &r)
		answer <- &r
	}()
	waitFor(t, func() bool { return arrived.Load() > 0 }) // in flight at the slow backend
	stop()
	// Readiness fails at once, while the listener still serves.
	waitFor(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	})
	r := <-answer
	if got := r.codes(); len(got) != 1 || got[0] != "SHUTTING_DOWN" {
		t.Fatalf("in-flight request at the end of the drain: %s", r.raw)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v, want nil after a clean shutdown", err)
	}
}

// slowProxy forwards to target after d (or until the caller leaves), counting arrivals.
func slowProxy(target *url.URL, d time.Duration, arrived *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		forward(w, r, target.String(), nil)
	})
}

// forward sends r to base (scheme and host, maybe a path prefix) and copies the answer
// back; when lose says so, the backend acts on the request but its answer is dropped
// (the connection closes with no response).
func forward(w http.ResponseWriter, r *http.Request, base string, lose func(*http.Request) bool) {
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, strings.TrimRight(base, "/")+r.URL.RequestURI(), r.Body)
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if lose != nil && lose(r) {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// waitFor polls cond for up to 5s (a bound on the test, not an assertion on speed).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestHostileOperationNamesCannotGrowMetrics(t *testing.T) {
	_, srv := newGateway(t, sandboxEnv(t, "sandbox"))
	for i := range 400 {
		post(t, srv, request{Query: fmt.Sprintf("query Op%d { __typename }", i)})
	}
	_, metrics := get(t, srv, "/metrics")
	series := strings.Count(metrics, "crmgraph_graphql_requests_total{")
	if series > maxOperationLabels+1 || !strings.Contains(metrics, `operation="other"`) {
		t.Fatalf("%d series of crmgraph_graphql_requests_total", series)
	}
}

func TestHostileTraceExtensionOnlyWhenEnabled(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	delete(env, "TRACE_EXTENSION") // real backends: off by default
	_, srv := newGateway(t, env)
	r := post(t, srv, request{Query: `{ accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }`})
	if len(r.Errors) > 0 || strings.Contains(string(r.raw), "backendCalls") {
		t.Fatalf("trace extension served on real backends: %s", r.raw)
	}
	// The embedded sandboxes (the default) honour it.
	if r := post(t, gateway(t), request{Query: `{ accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }`}); r.calls("cirrus") == 0 {
		t.Fatalf("no trace in sandbox mode: %s", r.raw)
	}
}

func TestStartupNamesSandboxes(t *testing.T) {
	var logs syncBuffer
	env := sandboxEnv(t, "sandbox")
	only := map[string]string{"CIRRUS_URL": env["CIRRUS_URL"], "CIRRUS_TOKEN": "sandbox"}
	newGatewayLogging(t, only, &logs)
	out := logs.String()
	if !strings.Contains(out, "some backends are simulated") || !strings.Contains(out, `"sandboxes":["CONE","CLIENT_DATA","SUPPORT"]`) {
		t.Fatalf("start-up log does not say which backends are sandboxes:\n%s", out)
	}
}

func TestHelpIsNotAFailure(t *testing.T) {
	_, err := LoadConfig([]string{"-h"}, func(string) string { return "" })
	if !errors.Is(err, flag.ErrHelp) || exitCode(err) != 0 {
		t.Fatalf("-h: %v (exit %d)", err, exitCode(err))
	}
	if _, err := LoadConfig([]string{"-no-such-flag"}, func(string) string { return "" }); exitCode(err) != 1 {
		t.Fatalf("an unknown flag exits %d", exitCode(err))
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestHostileWorkStopsWhenTheClientLeaves(t *testing.T) {
	target, _ := url.Parse(sharedSandboxURL(t))
	var arrived atomic.Int32
	slow := httptest.NewServer(slowProxy(target, 20*time.Second, &arrived))
	defer slow.Close()
	env := sandboxEnv(t, "sandbox")
	env["CIRRUS_URL"] = slow.URL + "/cirrus"
	_, srv := newGateway(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql",
		strings.NewReader(`{"query": "{ accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }"}`))
	req.Header.Set("Content-Type", "application/json")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := srv.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	waitFor(t, func() bool { return arrived.Load() == 1 })
	cancel() // the client goes away while the backend call is in flight
	<-done
	// The gateway gives up its call too: the request completes (with its error) within
	// waitFor's bound, long before the 20 s backend would have answered, and no retry follows.
	waitFor(t, func() bool {
		_, m := get(t, srv, "/metrics")
		return strings.Contains(m, `crmgraph_graphql_requests_total{operation="anonymous",outcome="partial"} 1`) ||
			strings.Contains(m, `crmgraph_graphql_requests_total{operation="anonymous",outcome="error"} 1`)
	})
	if n := arrived.Load(); n != 1 {
		t.Fatalf("%d backend calls after the client left, want the one in flight", n)
	}
}

func TestDebugListenerIsOptInAndLoopback(t *testing.T) {
	cfg, err := LoadConfig(nil, func(k string) string { return map[string]string{"DEBUG_ADDR": ":0"}[k] })
	if err != nil || cfg.DebugAddr != "127.0.0.1:0" {
		t.Fatalf("DEBUG_ADDR=:0 → %q, %v", cfg.DebugAddr, err)
	}
	// The public handler has no profiles.
	if code, _ := get(t, gateway(t), "/debug/pprof/"); code == http.StatusOK {
		t.Fatal("pprof on the public port")
	}
	srv := httptest.NewServer(debugHandler())
	defer srv.Close()
	if code, body := get(t, srv, "/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Fatalf("debug listener: %d", code)
	}
}

package rest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestSentinelFor(t *testing.T) {
	tests := []struct {
		status int
		want   error
	}{
		{400, ErrBadRequest}, {401, ErrUnauthorized}, {403, ErrForbidden}, {404, ErrNotFound}, {409, ErrConflict},
		{410, ErrNotFound}, {422, ErrBadRequest}, {429, ErrRateLimited}, {500, ErrUnavailable}, {502, ErrUnavailable},
		{503, ErrUnavailable}, {504, ErrTimeout}, {200, nil}, {301, ErrUnavailable}, {302, ErrUnavailable}, {307, ErrUnavailable},
	}
	for _, tt := range tests {
		if got := SentinelFor(tt.status); got != tt.want {
			t.Errorf("SentinelFor(%d) = %v, want %v", tt.status, got, tt.want)
		}
	}
}

func TestDo(t *testing.T) {
	var gotType, gotBody, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotType, gotBody, gotAuth = r.Header.Get("Content-Type"), string(b), r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/json":
			_, _ = io.WriteString(w, `{"n": 7}`)
		case "/csv":
			_, _ = io.WriteString(w, "id\n1\n")
		case "/fail":
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `slow down`)
		case "/hang":
			<-r.Context().Done()
		}
	}))
	defer srv.Close()
	c := &Client{Backend: "test", BaseURL: srv.URL, HTTP: srv.Client(), Timeout: time.Second,
		Auth:        func(_ context.Context, h http.Header) { h.Set("Authorization", "Bearer s3cret") },
		DecodeError: func(b []byte, e *HTTPError) { e.Message = string(b) }}
	ctx := context.Background()

	var out struct{ N int }
	if _, _, err := c.Do(ctx, Request{Op: "json", Method: "POST", Path: "/json", Body: map[string]int{"a": 1}}, &out); err != nil || out.N != 7 {
		t.Fatalf("json: %v %+v", err, out)
	}
	if gotType != "application/json" || gotBody != `{"a":1}` || gotAuth != "Bearer s3cret" {
		t.Fatalf("json request: %q %q %q", gotType, gotBody, gotAuth)
	}
	var raw []byte
	if _, _, err := c.Do(ctx, Request{Op: "csv", Method: "POST", Path: "/csv", RawBody: []byte("query { x }"), ContentType: "text/plain"}, &raw); err != nil || string(raw) != "id\n1\n" {
		t.Fatalf("raw: %v %q", err, raw)
	}
	if gotType != "text/plain" || gotBody != "query { x }" {
		t.Fatalf("raw request: %q %q", gotType, gotBody)
	}

	_, _, err := c.Do(ctx, Request{Op: "fail", Method: "GET", Path: "/fail"}, nil)
	var herr *HTTPError
	if !errors.As(err, &herr) || !errors.Is(err, ErrRateLimited) || herr.RetryAfter != 3*time.Second || herr.Message != "slow down" {
		t.Fatalf("429: %v", err)
	}

	c.Timeout = 50 * time.Millisecond
	_, _, err = c.Do(ctx, Request{Op: "hang", Method: "GET", Path: "/hang"}, nil)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("hang: %v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String()
	ln.Close()
	c.BaseURL = closed
	_, _, err = c.Do(ctx, Request{Op: "refused", Method: "GET", Path: "/x"}, nil)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("refused: %v", err)
	}
	if strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error leaks the URL or token: %v", err)
	}
}

func TestDoRefusesPathsThatWalk(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c := &Client{Backend: "test", BaseURL: srv.URL + "/api", HTTP: srv.Client()}
	tests := []struct {
		path string
		ok   bool
	}{
		{"/customers/cus_1", true},
		{"/customers/a.b", true},
		{"/customers/...", true},
		{"/customers/a%2Fb", true},
		{"/customers/%252e%252e", true}, // url.PathEscape("%2e%2e"): decodes to "%2e%2e", not ".."
		{"/customers/..", false},
		{"/customers/.", false},
		{"/customers/../admin", false},
		{"/customers/", false},
		{"/customers//x", false},
		{"/customers/%2e%2e", false},
		{"/customers/.%2E", false},
		{"/customers/%2e", false},
		{"/customers/a?b=1", false},
		{"/customers/a#b", false},
		{"/customers/a b", false},
		{"/customers/a\nb", false},
		{"/customers/a\\..", false},
		{"/customers/%zz", false},
		{"customers", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			before := requests.Load()
			_, _, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, Path: tt.path}, nil)
			sent := requests.Load() - before
			if tt.ok {
				if err != nil || sent != 1 {
					t.Fatalf("err %v, %d requests; want one request", err, sent)
				}
				return
			}
			if !errors.Is(err, ErrBadRequest) || sent != 0 {
				t.Fatalf("err %v, %d requests; want ErrBadRequest and none sent", err, sent)
			}
		})
	}
}

func TestValidateRequest(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *http.Request)
		ok     bool
	}{
		{name: "valid", mutate: func(*http.Request) {}, ok: true},
		{name: "obs-text in a value is allowed", mutate: func(r *http.Request) { r.Header.Set("X-Name", "Jos\xe9") }, ok: true},
		{name: "newline in a value", mutate: func(r *http.Request) { r.Header.Set("Accept-Language", "x\n") }},
		{name: "carriage return in a value", mutate: func(r *http.Request) { r.Header["X-A"] = []string{"a\rb"} }},
		{name: "NUL in a value", mutate: func(r *http.Request) { r.Header["X-A"] = []string{"a\x00"} }},
		{name: "space in a name", mutate: func(r *http.Request) { r.Header["Accept Language"] = []string{"en"} }},
		{name: "empty name", mutate: func(r *http.Request) { r.Header[""] = []string{"en"} }},
		{name: "invalid trailer", mutate: func(r *http.Request) { r.Trailer = http.Header{"X-T": {"\n"}} }},
		{name: "method that is not a token", mutate: func(r *http.Request) { r.Method = "GET /" }},
		{name: "no host", mutate: func(r *http.Request) { r.URL.Host = "" }},
		{name: "unsupported scheme", mutate: func(r *http.Request) { r.URL.Scheme = "ftp" }},
		{name: "invalid Host", mutate: func(r *http.Request) { r.Host = "a b" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "http://example.com/x", nil)
			tt.mutate(r)
			err := ValidateRequest(r)
			if tt.ok != (err == nil) {
				t.Fatalf("ValidateRequest = %v, want ok %v", err, tt.ok)
			}
			if err != nil && (!errors.Is(err, ErrBadRequest) || !NotSent(err)) {
				t.Fatalf("%v does not wrap ErrBadRequest and ErrNotSent", err)
			}
		})
	}
}

// TestDoRefusesRequestsThatCannotBeSent: the caller's own bad input never reaches
// the HTTP client, whatever transport it has.
func TestDoRefusesRequestsThatCannotBeSent(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	tests := []struct {
		name string
		req  Request
		auth func(context.Context, http.Header)
	}{
		{name: "header value with a newline", req: Request{Op: "ref", Method: "GET", Path: "/ref", Header: http.Header{"Accept-Language": {"secret\n"}}}},
		{name: "header name with a colon", req: Request{Op: "ref", Method: "GET", Path: "/ref", Header: http.Header{"X:Y": {"1"}}}},
		{name: "credential with a newline", req: Request{Op: "ref", Method: "GET", Path: "/ref"},
			auth: func(_ context.Context, h http.Header) { h.Set("Authorization", "Bearer secret\r\n") }},
		{name: "body that does not encode", req: Request{Op: "create", Method: "POST", Path: "/x", Body: map[string]any{"c": make(chan int)}}},
		{name: "path with a control character", req: Request{Op: "get", Method: "GET", Path: "/x/secret\x7f"}},
		{name: "invalid method", req: Request{Op: "get", Method: "G T", Path: "/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{Backend: "test", BaseURL: srv.URL, HTTP: srv.Client(), Auth: tt.auth}
			_, _, err := c.Do(t.Context(), tt.req, nil)
			if !errors.Is(err, ErrBadRequest) || !NotSent(err) || OutcomeUnknown(err) {
				t.Fatalf("err = %v, want ErrBadRequest, not sent", err)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "127.0.0.1") {
				t.Fatalf("error %q repeats the input or the URL", err)
			}
			if hits.Load() != 0 {
				t.Fatal("the request reached the server")
			}
		})
	}
}

// TestDeliveryMarkers: without the transport chain's help (a plain http.Client),
// Do still tells "never sent" (dial failure) from "sent, outcome unknown" (a write
// whose answer was lost); reads are never outcome-unknown.
func TestDeliveryMarkers(t *testing.T) {
	drop := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
	}
	hang := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}
	garbage := func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"id":`) }
	tests := []struct {
		name        string
		method      string
		idempotent  bool
		handler     http.HandlerFunc // nil: nothing listens
		want        error
		wantNotSent bool
		wantUnknown bool
	}{
		{"POST refused connection", "POST", false, nil, ErrUnavailable, true, false},
		{"POST dropped after sending", "POST", false, drop, ErrUnavailable, false, true},
		{"POST timed out after sending", "POST", false, hang, ErrTimeout, false, true},
		{"POST 2xx with a broken body", "POST", false, garbage, ErrUnavailable, false, true},
		{"DELETE dropped after sending", "DELETE", false, drop, ErrUnavailable, false, true},
		{"POST read (Idempotent) dropped", "POST", true, drop, ErrUnavailable, false, false},
		{"GET dropped", "GET", false, drop, ErrUnavailable, false, false},
		{"GET timed out", "GET", false, hang, ErrTimeout, false, false},
		{"GET broken body", "GET", false, garbage, ErrUnavailable, false, false},
		{"GET refused connection", "GET", false, nil, ErrUnavailable, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := "http://" + closedAddr(t)
			hc := http.DefaultClient
			if tt.handler != nil {
				srv := httptest.NewServer(tt.handler)
				defer srv.Close()
				base, hc = srv.URL, srv.Client()
			}
			c := &Client{Backend: "test", BaseURL: base, HTTP: hc, Timeout: 100 * time.Millisecond}
			var out map[string]any
			_, _, err := c.Do(t.Context(), Request{Op: "op", Method: tt.method, Path: "/x", Body: map[string]int{"a": 1}, Idempotent: tt.idempotent}, &out)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if NotSent(err) != tt.wantNotSent || OutcomeUnknown(err) != tt.wantUnknown {
				t.Fatalf("err = %v: not sent %v, outcome unknown %v; want %v, %v", err, NotSent(err), OutcomeUnknown(err), tt.wantNotSent, tt.wantUnknown)
			}
		})
	}
}

func TestRedirectsNotFollowed(t *testing.T) {
	var followed atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Add(1) }))
	defer target.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target.URL+"/elsewhere", status)
			}))
			defer srv.Close()
			// A client that would follow redirects: rest.Client must not.
			hc := &http.Client{Transport: srv.Client().Transport}
			c := &Client{Backend: "support", BaseURL: srv.URL, HTTP: hc,
				Auth: func(_ context.Context, h http.Header) { h.Set("Authorization", "Bearer s3cret") }}

			_, got, err := c.Do(t.Context(), Request{Op: "customers.get", Method: "GET", Path: "/customers/moved"}, nil)

			var herr *HTTPError
			if !errors.As(err, &herr) || herr.Status != status || got != status || !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err = %v, status %d; want an HTTPError %d wrapping ErrUnavailable", err, got, status)
			}
			if followed.Load() != 0 {
				t.Fatal("the redirect was followed")
			}
			if hc.CheckRedirect != nil {
				t.Fatal("Do changed the caller's http.Client")
			}
		})
	}
}

func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestCanceledWrite: a write whose caller gave up after it was sent may still have
// been applied; a read is just cancelled.
func TestCanceledWrite(t *testing.T) {
	for _, tt := range []struct {
		method      string
		wantUnknown bool
	}{{"POST", true}, {"PUT", true}, {"GET", false}} {
		t.Run(tt.method, func(t *testing.T) {
			arrived := make(chan struct{}, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				arrived <- struct{}{}
				<-r.Context().Done()
			}))
			defer srv.Close()
			c := &Client{Backend: "test", BaseURL: srv.URL, HTTP: srv.Client()}
			ctx, cancel := context.WithCancel(t.Context())
			go func() {
				<-arrived
				cancel()
			}()

			_, _, err := c.Do(ctx, Request{Op: "op", Method: tt.method, Path: "/x", Body: map[string]int{"a": 1}}, nil)

			if !errors.Is(err, context.Canceled) || OutcomeUnknown(err) != tt.wantUnknown {
				t.Fatalf("err = %v: outcome unknown %v, want context.Canceled and %v", err, OutcomeUnknown(err), tt.wantUnknown)
			}
		})
	}
}

// A raw body reads whole whether its length is declared or not, and a body shorter than
// its declared length is an error, not a truncated answer.
func TestRawBodies(t *testing.T) {
	payload := strings.Repeat("0123456789", 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/declared":
			w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
			_, _ = io.WriteString(w, payload)
		case "/chunked":
			for i := 0; i < len(payload); i += 1000 {
				_, _ = io.WriteString(w, payload[i:i+1000])
				w.(http.Flusher).Flush()
			}
		case "/empty":
			w.Header().Set("Content-Length", "0")
		case "/short":
			w.Header().Set("Content-Length", strconv.Itoa(len(payload)+10))
			_, _ = io.WriteString(w, payload)
		}
	}))
	defer srv.Close()
	c := &Client{Backend: "test", BaseURL: srv.URL, HTTP: srv.Client(), Timeout: time.Second}
	for path, want := range map[string]string{"/declared": payload, "/chunked": payload, "/empty": ""} {
		var raw []byte
		if _, _, err := c.Do(context.Background(), Request{Op: "raw", Method: http.MethodGet, Path: path}, &raw); err != nil || string(raw) != want {
			t.Errorf("%s: %d bytes, %v; want %d bytes", path, len(raw), err, len(want))
		}
	}
	var raw []byte
	if _, _, err := c.Do(context.Background(), Request{Op: "raw", Method: http.MethodGet, Path: "/short"}, &raw); err == nil {
		t.Errorf("/short: %d bytes and no error", len(raw))
	}
}

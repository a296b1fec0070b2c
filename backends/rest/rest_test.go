package rest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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
		{503, ErrUnavailable}, {504, ErrTimeout}, {200, nil},
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

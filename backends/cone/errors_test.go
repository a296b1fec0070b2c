package cone_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
)

func TestErrorShapes(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		want       error
		wantMsg    string
		wantFields map[string]string
	}{
		{"query-builder {error}", 400, `{"error":"Invalid query: unknown field \"x\""}`, nil, rest.ErrBadRequest, `Invalid query: unknown field "x"`, nil},
		{"lead form errors object", 400, `{"errors":{"subject":"This value should not be blank.","contact":{"id":["Not valid.","Unknown."]}},"message":"Validation failed"}`, nil,
			rest.ErrBadRequest, "Validation failed", map[string]string{"subject": "This value should not be blank.", "contact.id": "Not valid.; Unknown."}},
		{"ValidationError errors array", 400, `{"errors":["name: This value should not be blank.","primaryEmail: bad"],"message":"Invalid input data"}`, nil,
			rest.ErrBadRequest, "Invalid input data: name: This value should not be blank.; primaryEmail: bad", nil},
		{"errors array without message", 400, `{"errors":["a","b"]}`, nil, rest.ErrBadRequest, "a; b", nil},
		{"task bare string", 400, `"title This value should not be blank."`, nil, rest.ErrBadRequest, "title This value should not be blank.", nil},
		{"JWT not found", 401, `{"code":401,"message":"JWT Token not found"}`, nil, rest.ErrUnauthorized, "JWT Token not found", nil},
		{"forbidden null body", 403, `null`, nil, rest.ErrForbidden, "", nil},
		{"forbidden empty body", 403, ``, nil, rest.ErrForbidden, "", nil},
		{"AccessDeniedError", 403, `{"error":"Access denied"}`, nil, rest.ErrForbidden, "Access denied", nil},
		{"NotFoundError", 404, `{"error":"Lead not found"}`, nil, rest.ErrNotFound, "Lead not found", nil},
		{"404 empty", 404, ``, nil, rest.ErrNotFound, "", nil},
		{"409", 409, `{"error":"Conflict"}`, nil, rest.ErrConflict, "Conflict", nil},
		{"429 with Retry-After", 429, `{"error":"Too many requests"}`, map[string]string{"Retry-After": "7"}, rest.ErrRateLimited, "Too many requests", nil},
		{"500 html", 500, `<html><body>Internal error</body></html>`, nil, rest.ErrUnavailable, "", nil},
		{"500 symfony json", 500, `{"title":"An error occurred","status":500,"detail":"Internal Server Error"}`, nil, rest.ErrUnavailable, "Internal Server Error", nil},
		{"502 plain text", 502, `Bad Gateway`, nil, rest.ErrUnavailable, "Bad Gateway", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Bearer "+token {
					t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
				}
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			c := cone.New(cone.Config{BaseURL: ts.URL, Token: token, HTTP: ts.Client()})
			_, err := c.Stages(t.Context())
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var herr *rest.HTTPError
			if !errors.As(err, &herr) {
				t.Fatalf("err %v is not a *rest.HTTPError", err)
			}
			if herr.Status != tt.status || herr.Message != tt.wantMsg || herr.Backend != "cone" || herr.Operation != "stages.list" {
				t.Errorf("HTTPError = %+v, want status %d message %q", herr, tt.status, tt.wantMsg)
			}
			if len(tt.wantFields) != len(herr.Fields) {
				t.Errorf("Fields = %v, want %v", herr.Fields, tt.wantFields)
			}
			for k, v := range tt.wantFields {
				if herr.Fields[k] != v {
					t.Errorf("Fields[%q] = %q, want %q", k, herr.Fields[k], v)
				}
			}
			if tt.header["Retry-After"] != "" && herr.RetryAfter != 7*time.Second {
				t.Errorf("RetryAfter = %v", herr.RetryAfter)
			}
			assertNoSecrets(t, err, ts.URL)
		})
	}
}

func assertNoSecrets(t *testing.T, err error, url string) {
	t.Helper()
	msg := err.Error()
	host := strings.TrimPrefix(url, "http://")
	if strings.Contains(msg, token) || strings.Contains(msg, host) {
		t.Errorf("error text leaks the token or URL: %q", msg)
	}
}

func TestTransportErrors(t *testing.T) {
	// A server that answers only when the client gives up: the handler reads the body
	// (so the server notices the disconnect) and waits for the request context or the
	// end of the test, so no test sleeps.
	stop := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer hang.Close()
	defer close(stop)
	// A port with nothing listening: start a server, note its URL, close it.
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()

	tests := []struct {
		name string
		url  string
		cfg  func(*cone.Config)
		want error
	}{
		{"per-call timeout", hang.URL, func(c *cone.Config) { c.Timeout = 50 * time.Millisecond }, rest.ErrTimeout},
		{"connection refused", goneURL, func(*cone.Config) {}, rest.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := cone.Config{BaseURL: tt.url, Token: token}
			tt.cfg(&cfg)
			c := cone.New(cfg)
			_, err := c.AccountsByID(t.Context(), []string{"a", "b"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			assertNoSecrets(t, err, tt.url)
		})
	}
}

func TestRuleJSON(t *testing.T) {
	tests := []struct {
		name string
		rule cone.Rule
		want string
	}{
		{"equal", cone.Equal("id", "x"), `{"field":"id","operator":"=","valueSource":"value","value":"x"}`},
		{"in", cone.In("id", []string{"a", "b"}), `{"field":"id","operator":"in","valueSource":"value","value":"a,b"}`},
		{"in with comma falls back to or", cone.In("thirdPartyIds.thirdPartyId", []string{"a,1", "b"}),
			`{"combinator":"or","not":false,"rules":[{"field":"thirdPartyIds.thirdPartyId","operator":"=","valueSource":"value","value":"a,1"},{"field":"thirdPartyIds.thirdPartyId","operator":"=","valueSource":"value","value":"b"}]}`},
		{"empty value kept", cone.Rule{Field: "city", Operator: cone.OpNull}, `{"field":"city","operator":"null","value":""}`},
		{"group", cone.Rule{Combinator: cone.CombinatorAnd, Not: true, Rules: []cone.Rule{cone.Equal("a", "1")}},
			`{"combinator":"and","not":true,"rules":[{"field":"a","operator":"=","valueSource":"value","value":"1"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.rule.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("json = %s\nwant   %s", b, tt.want)
			}
			var back cone.Rule
			if err := back.UnmarshalJSON(b); err != nil {
				t.Fatal(err)
			}
			if again, _ := back.MarshalJSON(); string(again) != tt.want {
				t.Errorf("round trip = %s", again)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		pattern string
		args    []string
		want    string
	}{
		{cone.PathAccount, []string{"0190-ab"}, "/api/account/0190-ab"},
		{cone.PathContactByPhone, []string{"+46 8/123"}, "/api/contact/phone/+46%208%2F123"},
		{cone.PathContactOpenLeads, []string{"c1"}, "/api/contact/c1/lead/open"},
		{cone.PathStages, nil, "/api/stage"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := cone.Expand(tt.pattern, tt.args...); got != tt.want {
				t.Errorf("Expand = %q, want %q", got, tt.want)
			}
		})
	}
}

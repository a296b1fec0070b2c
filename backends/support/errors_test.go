package support_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"crmgraph/backends/rest"
	"crmgraph/backends/support"
)

// assertClean fails when an error text carries the token, the server's address, the
// documentation ref or any URL.
func assertClean(t *testing.T, err error, serverURL string) {
	t.Helper()
	msg := err.Error()
	host := strings.TrimPrefix(serverURL, "http://")
	for _, bad := range []string{token, host, "developers.apideck.com", "://"} {
		if bad != "" && strings.Contains(msg, bad) {
			t.Errorf("error text leaks %q: %q", bad, msg)
		}
	}
}

// TestSandboxErrors drives the sandbox into each error it answers.
func TestSandboxErrors(t *testing.T) {
	tests := []struct {
		name       string
		cfg        func(*support.Config)
		call       func(context.Context, *support.Client) error
		want       error
		status     int
		code       string
		msg        string
		wantFields map[string]string
	}{
		{"401 wrong API key", func(c *support.Config) { c.Token = "wrong-key" },
			func(ctx context.Context, c *support.Client) error {
				_, err := c.Customers(ctx, support.ListQuery{})
				return err
			},
			rest.ErrUnauthorized, 401, "UnauthorizedError", "Unauthorized Request: Invalid API key", nil},
		{"401 wrong app id", func(c *support.Config) { c.AppID = "other-app" },
			func(ctx context.Context, c *support.Client) error {
				_, err := c.Customer(ctx, "cus_500001", nil)
				return err
			},
			rest.ErrUnauthorized, 401, "UnauthorizedError", "Unauthorized Request: Failed to generate valid JWT Session. Verify applicationId is correct", nil},
		{"400 missing consumer id", func(c *support.Config) { c.ConsumerID = "" },
			func(ctx context.Context, c *support.Client) error {
				_, err := c.Customers(ctx, support.ListQuery{})
				return err
			},
			rest.ErrBadRequest, 400, "RequestHeadersValidationError", "Invalid Params: Missing Header: x-apideck-consumer-id", nil},
		{"400 invalid cursor", nil,
			func(ctx context.Context, c *support.Client) error {
				_, err := c.Customers(ctx, support.ListQuery{Cursor: "bm90LWEtY3Vyc29y"})
				return err
			},
			rest.ErrBadRequest, 400, "InvalidCursorError", "Invalid cursor: The cursor is not valid for the kustomer connector", nil},
		{"400 validation with fields", nil,
			func(ctx context.Context, c *support.Client) error {
				_, err := c.CreateCustomer(ctx, support.Customer{Status: "deleted", Emails: []support.Email{{Type: "work"}}})
				return err
			},
			rest.ErrBadRequest, 400, "RequestValidationError", "Invalid Params",
			map[string]string{"status": "must be one of active, archived, gdpr-erasure-request, unknown", "emails[0].email": "required"}},
		{"404 unknown customer", nil,
			func(ctx context.Context, c *support.Client) error {
				_, err := c.UpdateCustomer(ctx, "cus_nope", support.Customer{Notes: "x"})
				return err
			},
			rest.ErrNotFound, 404, "EntityNotFoundError", "Unknown Customer", nil},
		{"404 service not connected", func(c *support.Config) { c.ServiceID = "zendesk" },
			func(ctx context.Context, c *support.Client) error { return c.DeleteCustomer(ctx, "cus_500001") },
			rest.ErrNotFound, 404, "IntegrationNotFoundError", "Integration not found: No zendesk integration is connected for this consumer", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := shared()
			c, _ := clientOf(t, s, tt.cfg)
			err := tt.call(t.Context(), c)
			checkHTTPError(t, err, tt.want, tt.status, tt.code, tt.msg, tt.wantFields)
		})
	}
}

func checkHTTPError(t *testing.T, err, want error, status int, code, msg string, fields map[string]string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	var herr *rest.HTTPError
	if !errors.As(err, &herr) {
		t.Fatalf("err %v is not a *rest.HTTPError", err)
	}
	if herr.Status != status || herr.Code != code || herr.Message != msg || herr.Backend != support.Backend {
		t.Errorf("HTTPError = %+v\nwant status %d code %q message %q", herr, status, code, msg)
	}
	if len(herr.Fields) != len(fields) {
		t.Errorf("Fields = %v, want %v", herr.Fields, fields)
	}
	for k, v := range fields {
		if herr.Fields[k] != v {
			t.Errorf("Fields[%q] = %q, want %q", k, herr.Fields[k], v)
		}
	}
}

// TestErrorBodies covers the error bodies of the seed the sandbox does not produce,
// from the seed's own examples.
func TestErrorBodies(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		want       error
		code       string
		msg        string
		wantFields map[string]string
	}{
		{"400 seed example", 400, `{"status_code":400,"error":"Bad Request","type_name":"RequestValidationError","message":"Invalid Params","detail":{"missing":[{"foobar":"required"}]},"ref":"https://developers.apideck.com/errors#requestvalidationerror"}`,
			nil, rest.ErrBadRequest, "RequestValidationError", "Invalid Params", map[string]string{"foobar": "required"}},
		{"400 string detail", 400, `{"status_code":400,"error":"Bad Request","type_name":"RequestValidationError","message":"Invalid Params","detail":"Missing property foobar","ref":"https://developers.apideck.com/errors#requestvalidationerror"}`,
			nil, rest.ErrBadRequest, "RequestValidationError", "Invalid Params: Missing property foobar", nil},
		{"401", 401, `{"status_code":401,"error":"Unauthorized","type_name":"UnauthorizedError","message":"Unauthorized Request","detail":"Failed to generate valid JWT Session. Verify applicationId is correct","ref":"https://developers.apideck.com/errors#unauthorizederror"}`,
			nil, rest.ErrUnauthorized, "UnauthorizedError", "Unauthorized Request: Failed to generate valid JWT Session. Verify applicationId is correct", nil},
		{"402", 402, `{"status_code":402,"error":"Payment Required","type_name":"RequestLimitError","message":"Request Limit Reached","detail":"You have reached your limit of 2000","ref":"https://developers.apideck.com/errors#requestlimiterror"}`,
			nil, rest.ErrBadRequest, "RequestLimitError", "Request Limit Reached: You have reached your limit of 2000", nil},
		{"404 string detail", 404, `{"status_code":404,"error":"Not Found","type_name":"EntityNotFoundError","message":"Unknown Widget","detail":"Could not find widget with id: '123'","ref":"https://developers.apideck.com/errors#entitynotfounderror"}`,
			nil, rest.ErrNotFound, "EntityNotFoundError", "Unknown Widget: Could not find widget with id: '123'", nil},
		{"422", 422, `{"status_code":422,"error":"Unprocessable Entity","type_name":"InvalidStateError","message":"Invalid State","detail":"Unprocessable request, please verify your request headers and body.","ref":"https://developers.apideck.com/errors#invalidstateerror"}`,
			nil, rest.ErrBadRequest, "InvalidStateError", "Invalid State: Unprocessable request, please verify your request headers and body.", nil},
		{"429 with Retry-After", 429, `{"status_code":429,"error":"Too Many Requests","type_name":"ConnectorRateLimitError","message":"Connector Rate Limit Error","detail":{"context":"Kustomer allows 1000 calls a minute","error":{"code":429}},"ref":"https://developers.apideck.com/errors#connectorratelimiterror"}`,
			map[string]string{"Retry-After": "7"}, rest.ErrRateLimited, "ConnectorRateLimitError", "Connector Rate Limit Error: Kustomer allows 1000 calls a minute", nil},
		{"500 connector error with a URL in detail", 500, `{"status_code":500,"error":"Internal Server Error","type_name":"ConnectorExecutionError","message":"Unexpected error","detail":"GET https://api.kustomer.com/v1/customers?page=2 answered 500"}`,
			nil, rest.ErrUnavailable, "ConnectorExecutionError", "Unexpected error: GET [url] answered 500", nil},
		{"501", 501, `{"status_code":501,"error":"Not Implemented","type_name":"MappingError","message":"Unmapped Attribute","detail":"Failed to retrieve Widget tokenUrl from 'components.securitySchemes.OAuth2.flows'"}`,
			nil, rest.ErrUnavailable, "MappingError", "Unmapped Attribute: Failed to retrieve Widget tokenUrl from 'components.securitySchemes.OAuth2.flows'", nil},
		{"502 html", 502, `<html><body>Bad Gateway</body></html>`, nil, rest.ErrUnavailable, "", "", nil},
		{"503 plain text", 503, `upstream connect error`, nil, rest.ErrUnavailable, "", "upstream connect error", nil},
		{"504 null", 504, `null`, nil, rest.ErrTimeout, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			c := support.New(support.Config{BaseURL: ts.URL, Token: token, AppID: appID, ConsumerID: consumer, HTTP: ts.Client()})
			_, err := c.Customers(t.Context(), support.ListQuery{Limit: 5})
			checkHTTPError(t, err, tt.want, tt.status, tt.code, tt.msg, tt.wantFields)
			var herr *rest.HTTPError
			if errors.As(err, &herr) && tt.header["Retry-After"] != "" && herr.RetryAfter != 7*time.Second {
				t.Errorf("RetryAfter = %v", herr.RetryAfter)
			}
			if herr.Operation != "customers.list" {
				t.Errorf("Operation = %q", herr.Operation)
			}
			assertClean(t, err, ts.URL)
		})
	}
}

func TestTransportErrors(t *testing.T) {
	// A server that answers only when the client gives up: it waits for the request
	// context or the end of the test, so no test sleeps.
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
		name    string
		url     string
		timeout time.Duration
		want    error
	}{
		{"per-call timeout", hang.URL, 50 * time.Millisecond, rest.ErrTimeout},
		{"connection refused", goneURL, 0, rest.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := support.New(support.Config{BaseURL: tt.url, Token: token, AppID: appID, ConsumerID: consumer, Timeout: tt.timeout})
			_, err := c.CreateCustomer(t.Context(), support.Customer{FirstName: "A"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			assertClean(t, err, tt.url)
		})
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		pattern string
		args    []string
		want    string
	}{
		{support.PathCustomer, []string{"cus_500001"}, "/customer-support/customers/cus_500001"},
		{support.PathCustomer, []string{"a/b c"}, "/customer-support/customers/a%2Fb%20c"},
		{support.PathCustomers, nil, "/customer-support/customers"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := support.Expand(tt.pattern, tt.args...); got != tt.want {
				t.Errorf("Expand = %q, want %q", got, tt.want)
			}
		})
	}
}

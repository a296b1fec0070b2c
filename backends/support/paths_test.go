package support_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"crmgraph/backends/rest"
	"crmgraph/backends/support"
)

// pathRecorder answers every request with an empty customer and remembers the escaped
// paths it was asked for.
type pathRecorder struct {
	mu    sync.Mutex
	paths []string
}

func (p *pathRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.paths = append(p.paths, r.URL.EscapedPath())
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status_code":200,"status":"OK","data":{"id":"x"}}`))
}

func (p *pathRecorder) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.paths
	p.paths = nil
	return out
}

func TestCustomerIDsStayOneSegment(t *testing.T) {
	rec := &pathRecorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := support.New(support.Config{BaseURL: srv.URL, Token: "t", AppID: "a", ConsumerID: "c", HTTP: srv.Client()})
	ctx := context.Background()
	calls := map[string]func(id string) error{
		"get":    func(id string) error { _, err := c.Customer(ctx, id, nil); return err },
		"update": func(id string) error { _, err := c.UpdateCustomer(ctx, id, support.Customer{}); return err },
		"delete": func(id string) error { return c.DeleteCustomer(ctx, id) },
	}
	tests := []struct {
		id   string
		want string // the path the server sees; "" means refused before sending
	}{
		{"cus_500001", "/customer-support/customers/cus_500001"},
		{"a/../b", "/customer-support/customers/a%2F..%2Fb"},
		{"a?b#c", "/customer-support/customers/a%3Fb%23c"},
		{"%2e%2e", "/customer-support/customers/%252e%252e"},
		{"..", ""},
		{".", ""},
		{"", ""},
	}
	for name, call := range calls {
		for _, tt := range tests {
			t.Run(name+"/"+tt.id, func(t *testing.T) {
				err := call(tt.id)
				got := rec.take()
				if tt.want == "" {
					if !errors.Is(err, rest.ErrBadRequest) || len(got) != 0 {
						t.Fatalf("err %v, requests %q; want ErrBadRequest and none", err, got)
					}
					return
				}
				if len(got) != 1 || got[0] != tt.want {
					t.Fatalf("err %v, requests %q; want %q", err, got, tt.want)
				}
			})
		}
	}
}

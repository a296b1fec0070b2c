package cone_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
	"crmgraph/transport"
)

// TestQueryBuilderReadsAreRetried: a query-builder filter is a read sent as POST; it
// is marked idempotent, so the transport retries it like a GET, while a real POST
// (a create) is sent once.
func TestQueryBuilderReadsAreRetried(t *testing.T) {
	tests := []struct {
		name     string
		call     func(ctx context.Context, c *cone.Client) error
		wantHits int32
	}{
		{name: "accounts by id (query-builder POST) is retried", wantHits: 2,
			call: func(ctx context.Context, c *cone.Client) error {
				_, err := c.AccountsByID(ctx, []string{"a1"})
				return err
			}},
		{name: "account create (POST) is not", wantHits: 1,
			call: func(ctx context.Context, c *cone.Client) error {
				name := "Acme"
				_, err := c.CreateAccount(ctx, cone.AccountInput{Name: rest.Some(name)})
				if !errors.Is(err, rest.ErrUnavailable) {
					return err
				}
				return nil
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				if hits.Add(1) == 1 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				_, _ = io.WriteString(w, `{"success":true,"data":[]}`)
			}))
			defer ts.Close()
			rt := transport.New(ts.Client().Transport, transport.Options{Backend: cone.Backend,
				Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
			c := cone.New(cone.Config{BaseURL: ts.URL, Token: token, HTTP: &http.Client{Transport: rt}})

			if err := tt.call(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			if got := hits.Load(); got != tt.wantHits {
				t.Errorf("server saw %d requests, want %d", got, tt.wantHits)
			}
		})
	}
}

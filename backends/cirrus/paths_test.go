package cirrus_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/rest"
)

// Cirrus ids are ints, so a path segment cannot walk; a non-positive id names no record
// and is refused before anything is sent.
func TestNonPositiveIDsAreRefused(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = w.Write([]byte(`{"id": 5}`)) // a record, so an update is not read back
	}))
	defer srv.Close()
	c := cirrus.New(cirrus.Config{BaseURL: srv.URL, Token: "t", HTTP: srv.Client()})
	ctx := context.Background()
	calls := []struct {
		name string
		call func(id int) error
	}{
		{"account", func(id int) error { _, err := c.Account(ctx, id, ""); return err }},
		{"update account", func(id int) error { _, err := c.UpdateAccount(ctx, id, cirrus.AccountWrite{}); return err }},
		{"update order", func(id int) error { _, err := c.UpdateOrder(ctx, id, cirrus.OrderWrite{}); return err }},
		{"user", func(id int) error { _, err := c.User(ctx, id, ""); return err }},
	}
	for _, tc := range calls {
		for _, id := range []int{5, 0, -1} {
			t.Run(tc.name, func(t *testing.T) {
				before := requests.Load()
				err := tc.call(id)
				sent := requests.Load() - before
				if id <= 0 {
					if !errors.Is(err, rest.ErrBadRequest) || sent != 0 {
						t.Fatalf("id %d: err %v, %d requests; want ErrBadRequest and none sent", id, err, sent)
					}
					return
				}
				if sent != 1 {
					t.Fatalf("id %d: %d requests, want 1", id, sent)
				}
			})
		}
	}
}

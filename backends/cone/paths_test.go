package cone_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
)

func TestPathIDsStayOneSegment(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.EscapedPath())
		mu.Unlock()
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := paths
		paths = nil
		return out
	}
	c := cone.New(cone.Config{BaseURL: srv.URL, Token: "t", HTTP: srv.Client()})
	ctx := context.Background()
	calls := []struct {
		name string
		call func(id string) error
	}{
		{"update account", func(id string) error { _, err := c.UpdateAccount(ctx, id, cone.AccountInput{}); return err }},
		{"delete account", func(id string) error { return c.DeleteAccount(ctx, id) }},
		{"open leads", func(id string) error { _, err := c.ContactOpenLeads(ctx, id); return err }},
		{"contact by phone", func(id string) error { _, err := c.ContactByPhone(ctx, id); return err }},
		{"copy lead", func(id string) error { _, err := c.CopyLead(ctx, id, cone.CopyLeadData{}); return err }},
		{"stage", func(id string) error { _, err := c.Stage(ctx, id); return err }},
		{"update stage", func(id string) error { _, err := c.UpdateStage(ctx, id, cone.Stage{}); return err }},
		{"delete stage", func(id string) error { return c.DeleteStage(ctx, id) }},
		{"update task", func(id string) error { _, err := c.UpdateTask(ctx, id, cone.TaskRequest{}); return err }},
		{"delete task", func(id string) error { return c.DeleteTask(ctx, id) }},
		{"query builder config", func(id string) error { _, err := c.QueryBuilderConfig(ctx, id); return err }},
	}
	for _, tc := range calls {
		for _, id := range []string{"0190a000-0000-7000-8000-00000000002a", "a/../b", "..", ".", ""} {
			t.Run(tc.name+"/"+id, func(t *testing.T) {
				err := tc.call(id)
				got := take()
				switch id {
				case "..", ".", "":
					if !errors.Is(err, rest.ErrBadRequest) || len(got) != 0 {
						t.Fatalf("err %v, requests %q; want ErrBadRequest and none sent", err, got)
					}
				default:
					want := strings.ReplaceAll(id, "/", "%2F")
					if len(got) != 1 || !strings.Contains(got[0], "/"+want) || strings.Contains(got[0], "/../") {
						t.Fatalf("requests %q; want one with the segment %q", got, want)
					}
				}
			})
		}
	}
}

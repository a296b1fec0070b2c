package clientdata_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"crmgraph/backends/clientdata"
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
	c := clientdata.New(clientdata.Config{BaseURL: srv.URL, Token: "t", HTTP: srv.Client(), ServiceForAnonymous: true})
	ctx := context.Background()

	t.Run("string segments", func(t *testing.T) {
		calls := []struct {
			name string
			call func(s string) error
		}{
			{"export job", func(s string) error { _, err := c.ExportedContacts(ctx, s); return err }},
			{"list lookup", func(s string) error { _, err := c.LookupListItems(ctx, s, clientdata.ListLookup{}); return err }},
			{"schema fields", func(s string) error { _, err := c.SchemaFields(ctx, s, clientdata.FieldsQuery{}); return err }},
		}
		for _, tc := range calls {
			for _, s := range []string{"contact", "a/../b", "..", ".", ""} {
				t.Run(tc.name+"/"+s, func(t *testing.T) {
					err := tc.call(s)
					got := take()
					switch s {
					case "..", ".", "":
						if !errors.Is(err, rest.ErrBadRequest) || len(got) != 0 {
							t.Fatalf("err %v, requests %q; want ErrBadRequest and none sent", err, got)
						}
					default:
						want := strings.ReplaceAll(s, "/", "%2F")
						if len(got) != 1 || !strings.Contains(got[0], "/"+want) {
							t.Fatalf("requests %q; want one with the segment %q", got, want)
						}
					}
				})
			}
		}
	})

	t.Run("int32 ids", func(t *testing.T) {
		calls := []struct {
			name string
			call func(id int32) error
		}{
			{"details", func(id int32) error { _, err := c.ContactDetails(ctx, id); return err }},
			{"username", func(id int32) error { return c.UpdateUsername(ctx, id, "u") }},
			{"change request", func(id int32) error { _, err := c.ChangeRequest(ctx, 7, id); return err }},
			{"cancel change request", func(id int32) error { return c.CancelChangeRequest(ctx, id, 7) }},
		}
		for _, tc := range calls {
			for _, id := range []int32{12, 0, -1} {
				t.Run(tc.name, func(t *testing.T) {
					err := tc.call(id)
					got := take()
					if id <= 0 {
						if !errors.Is(err, rest.ErrBadRequest) || len(got) != 0 {
							t.Fatalf("id %d: err %v, requests %q; want ErrBadRequest and none sent", id, err, got)
						}
						return
					}
					if len(got) != 1 {
						t.Fatalf("id %d: requests %q; want one", id, got)
					}
				})
			}
		}
	})
}

package support_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	sandbox "crmgraph/backends/sandbox/support"
	"crmgraph/backends/support"
)

func TestLinkCursor(t *testing.T) {
	c := support.New(support.Config{BaseURL: "https://unify.example.com/api/", Token: token, AppID: appID, ConsumerID: consumer})
	tests := []struct {
		name, link, want string
		foreign          bool
	}{
		{"absolute, same origin and base path", "https://unify.example.com/api/customer-support/customers?cursor=abc&limit=3", "abc", false},
		{"host case differs", "https://UNIFY.example.com/api/customer-support/customers?cursor=abc", "abc", false},
		{"relative to the host", "/api/customer-support/customers?limit=3&cursor=em9v%3D", "em9v=", false},
		{"another host", "https://evil.example.net/api/customer-support/customers?cursor=abc", "", true},
		{"another port", "https://unify.example.com:8443/api/customer-support/customers?cursor=abc", "", true},
		{"plain http", "http://unify.example.com/api/customer-support/customers?cursor=abc", "", true},
		{"credentials in the link", "https://u:p@unify.example.com/api/customer-support/customers?cursor=abc", "", true},
		{"protocol-relative", "//evil.example.net/api/customer-support/customers?cursor=abc", "", true},
		{"another base path", "https://unify.example.com/customer-support/customers?cursor=abc", "", true},
		{"another resource", "https://unify.example.com/api/crm/companies?cursor=abc", "", true},
		{"no cursor", "https://unify.example.com/api/customer-support/customers?limit=3", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.LinkCursor(tt.link)
			if tt.foreign {
				if !errors.Is(err, support.ErrForeignLink) {
					t.Fatalf("LinkCursor(%q) = %q, %v; want ErrForeignLink", tt.link, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("LinkCursor(%q) = %q, %v; want %q", tt.link, got, err, tt.want)
			}
		})
	}
}

// TestPagingReadings walks the customers under both readings of the paging links, and
// under a connector that answers links.next without meta.cursors.next.
func TestPagingReadings(t *testing.T) {
	alt := sandbox.New(world(), sandbox.Config{Token: token, AppID: appID, Consumer: consumer})
	alt.UseAlternative()
	want := walk(t, clientOfHandler(t, shared(), nil))
	if len(want) < 50 {
		t.Fatalf("default reading: %d customers", len(want))
	}
	t.Run("alt: relative links", func(t *testing.T) {
		if got := walk(t, clientOfHandler(t, alt, nil)); len(got) != len(want) {
			t.Errorf("%d customers, the default reading %d", len(got), len(want))
		}
	})
	t.Run("links only", func(t *testing.T) {
		if got := walk(t, clientOfHandler(t, shared(), dropCursors)); len(got) != len(want) {
			t.Errorf("%d customers, the default reading %d", len(got), len(want))
		}
	})
	t.Run("a link to another host is refused", func(t *testing.T) {
		c := clientOfHandler(t, shared(), func(b map[string]any) {
			dropCursors(b)
			if l, ok := b["links"].(map[string]any); ok && l["next"] != nil {
				l["next"] = "https://elsewhere.example.net/support/customer-support/customers?cursor=x"
			}
		})
		_, err := c.Customers(t.Context(), support.ListQuery{Limit: 5})
		if !errors.Is(err, support.ErrForeignLink) {
			t.Fatalf("err = %v, want ErrForeignLink", err)
		}
	})
}

func walk(t *testing.T, c *support.Client) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	q := support.ListQuery{Limit: 200, Fields: []string{"id"}}
	for range 100 {
		p, err := c.Customers(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, cu := range p.Customers {
			if seen[cu.ID] {
				t.Fatalf("customer %s twice", cu.ID)
			}
			seen[cu.ID] = true
		}
		if p.Next == "" {
			return seen
		}
		q.Cursor = p.Next
	}
	t.Fatal("no last page after 100 pages")
	return nil
}

func dropCursors(b map[string]any) {
	if m, ok := b["meta"].(map[string]any); ok {
		delete(m, "cursors")
	}
}

// clientOfHandler mounts s under /support behind edit, which may change each JSON
// answer, and returns a client of it.
func clientOfHandler(t *testing.T, s *sandbox.Server, edit func(map[string]any)) *support.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/support/", http.StripPrefix("/support", s))
	var h http.Handler = mux
	if edit != nil {
		h = rewriteJSON(mux, edit)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return support.New(support.Config{BaseURL: ts.URL + "/support", Token: token, AppID: appID, ConsumerID: consumer, HTTP: ts.Client()})
}

// rewriteJSON passes every request to h and hands its JSON answer to edit first.
func rewriteJSON(h http.Handler, edit func(map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		edit(body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_ = json.NewEncoder(w).Encode(body)
	})
}

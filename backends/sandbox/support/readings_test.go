package support

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestLinksReadings(t *testing.T) {
	alt := New(world(), Config{Token: testToken, AppID: testApp})
	alt.UseAlternative()
	tests := []struct {
		name         string
		s            *Server
		prefix       string // every link starts with it
		wantPrevious bool   // page 2 names a previous page
	}{
		{"default: absolute links, previous page", shared(), "http://example.com" + base + "?", true},
		{"alt: relative links, no previous page", alt, base + "?", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mounted(tt.s)
			first := do(t, h, "GET", base+"?limit=2", "")
			next, ok := first.body["links"].(map[string]any)["next"].(string)
			if !ok || !strings.HasPrefix(next, tt.prefix) {
				t.Fatalf("links.next = %v, want it to start %q", first.body["links"], tt.prefix)
			}
			second := do(t, h, "GET", next, "")
			ids0, _ := pageOf(t, first)
			ids1, cursor := pageOf(t, second)
			if len(ids1) != 2 || slices.Contains(ids0, ids1[0]) || cursor == "" {
				t.Errorf("page 2 = %v (next %q) after %v", ids1, cursor, ids0)
			}
			links := second.body["links"].(map[string]any)
			cursors := second.body["meta"].(map[string]any)["cursors"].(map[string]any)
			if got := links["previous"] != nil && cursors["previous"] != nil; got != tt.wantPrevious {
				t.Errorf("page 2 previous: link %v, cursor %v; want present %v", links["previous"], cursors["previous"], tt.wantPrevious)
			}
			if cur, _ := links["current"].(string); !strings.HasPrefix(cur, tt.prefix) {
				t.Errorf("links.current = %q", cur)
			}
		})
	}
}

func TestConsumersIsolated(t *testing.T) {
	h := mounted(New(world(), Config{Token: testToken, AppID: testApp, Consumer: "owner"}))
	as := func(consumer string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("x-apideck-consumer-id", consumer) }
	}
	owned, _ := pageOf(t, do(t, h, "GET", base+"?limit=5", "", as("owner")))
	if len(owned) != 5 {
		t.Fatalf("owner sees %v", owned)
	}
	if ids, next := pageOf(t, do(t, h, "GET", base, "", as("stranger"))); len(ids) != 0 || next != "" {
		t.Errorf("another consumer sees %v (next %q), want nothing", ids, next)
	}
	if a := do(t, h, "GET", base+"/"+owned[0], "", as("stranger")); a.status != http.StatusNotFound {
		t.Errorf("another consumer reads the owner's customer: %d", a.status)
	}
	if a := do(t, h, "DELETE", base+"/"+owned[0], "", as("stranger")); a.status != http.StatusNotFound {
		t.Errorf("another consumer deletes the owner's customer: %d", a.status)
	}
	created := do(t, h, "POST", base, `{"first_name":"Ada"}`, as("stranger"))
	if created.status != http.StatusCreated {
		t.Fatalf("create as another consumer: %d %s", created.status, created.raw)
	}
	id := created.body["data"].(map[string]any)["id"].(string)
	if ids, _ := pageOf(t, do(t, h, "GET", base, "", as("stranger"))); !slices.Equal(ids, []string{id}) {
		t.Errorf("the creating consumer sees %v, want [%s]", ids, id)
	}
	if a := do(t, h, "GET", base+"/"+id, "", as("owner")); a.status != http.StatusNotFound {
		t.Errorf("the owner reads another consumer's customer: %d", a.status)
	}
	if ids, _ := pageOf(t, do(t, h, "GET", base+"?limit=5", "", as("owner"))); !slices.Equal(ids, owned) {
		t.Errorf("the owner's first page changed: %v, was %v", ids, owned)
	}
	if ids, _ := pageOf(t, do(t, h, "GET", base, "", as("third"))); len(ids) != 0 {
		t.Errorf("a third consumer sees %v", ids)
	}
}

func TestConsumerStoresBounded(t *testing.T) {
	h := mounted(New(world(), Config{Token: testToken, AppID: testApp}))
	create := func(consumer string) answer {
		return do(t, h, "POST", base, `{"first_name":"Ada"}`, func(r *http.Request) { r.Header.Set("x-apideck-consumer-id", consumer) })
	}
	for i := range maxConsumers {
		if a := create(fmt.Sprintf("c-%d", i)); a.status != http.StatusCreated {
			t.Fatalf("consumer %d: %d %s", i, a.status, a.raw)
		}
	}
	if a := create("one-too-many"); a.status != http.StatusTooManyRequests || a.body["type_name"] != "RequestLimitError" {
		t.Errorf("consumer %d: %d %s", maxConsumers+1, a.status, a.raw)
	}
	// Known consumers, the owner among them, still write.
	for _, c := range []string{"c-0", DefaultConsumer} {
		if a := create(c); a.status != http.StatusCreated {
			t.Errorf("%s after the cap: %d", c, a.status)
		}
	}
}

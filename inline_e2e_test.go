package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// A resolver registered as answering in line (resolvers/inline.go) answers from the
// embedded summary with no call; when the selection needs the full record it still loads
// it (one call per distinct owner: Cirrus reads users one by one), and the fields the
// two share read the same.
func TestInlineFieldsLoadOnlyWhatTheSummaryLacks(t *testing.T) {
	srv := gateway(t)
	const list = `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { edges { node { sourceId owner %s
	  orders(first: 5) { edges { node { sourceId status %s } } } } } } }`
	type owners map[string]struct {
		Owner  *struct{ SourceID, Name *string }
		Orders struct {
			Edges []struct {
				Node struct{ SourceID, Status string }
			}
		}
	}
	read := func(owner, status string) (owners, *gqlResponse) {
		t.Helper()
		r := post(t, srv, request{Query: fmt.Sprintf(list, owner, status)})
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %s", r.raw)
		}
		var data struct {
			Accounts struct {
				Edges []struct {
					Node struct {
						SourceID string
						Owner    *struct{ SourceID, Name *string }
						Orders   struct {
							Edges []struct {
								Node struct {
									SourceID string
									Status   struct{ ID, Name string }
								}
							}
						}
					}
				}
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		out := owners{}
		for _, e := range data.Accounts.Edges {
			v := out[e.Node.SourceID]
			v.Owner = e.Node.Owner
			for _, o := range e.Node.Orders.Edges {
				v.Orders.Edges = append(v.Orders.Edges, struct {
					Node struct{ SourceID, Status string }
				}{
					Node: struct{ SourceID, Status string }{o.Node.SourceID, o.Node.Status.Name}})
			}
			out[e.Node.SourceID] = v
		}
		return out, r
	}
	post(t, srv, request{Query: `{ referenceData { orderStatuses { id } } }`}) // warm the status list
	embedded, r := read("{ sourceId name }", "{ name }")
	if got := callsTo(r, "/users"); got != 0 {
		t.Fatalf("owner { name }: %d /users calls, want 0 (the account embeds it)", got)
	}
	if got := r.calls(""); got != 2 {
		t.Fatalf("owner { name } + status { name }: %d calls, want 2 (accounts, orders)", got)
	}
	full, r := read("{ sourceId name active }", "{ id name }")
	distinct := map[string]bool{}
	for _, a := range full {
		if a.Owner != nil {
			distinct[deref(a.Owner.SourceID)] = true
		}
	}
	if got := callsTo(r, "/users/"); got != len(distinct) || got == 0 {
		t.Fatalf("owner { name active }: %d /users/{id} calls, want one per distinct owner (%d)", got, len(distinct))
	}
	if len(embedded) != 20 || len(full) != 20 {
		t.Fatalf("%d and %d accounts, want 20", len(embedded), len(full))
	}
	for id, e := range embedded {
		f := full[id]
		if (e.Owner == nil) != (f.Owner == nil) || e.Owner != nil && deref(e.Owner.Name) != deref(f.Owner.Name) {
			t.Fatalf("account %s: owner %+v from the summary, %+v from the record", id, e.Owner, f.Owner)
		}
		if len(e.Orders.Edges) != len(f.Orders.Edges) {
			t.Fatalf("account %s: %d and %d orders", id, len(e.Orders.Edges), len(f.Orders.Edges))
		}
		for i := range e.Orders.Edges {
			if e.Orders.Edges[i] != f.Orders.Edges[i] {
				t.Fatalf("account %s order %d: %+v vs %+v", id, i, e.Orders.Edges[i], f.Orders.Edges[i])
			}
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// callsTo counts the traced calls whose path starts with prefix.
func callsTo(r *gqlResponse, prefix string) int {
	n := 0
	for _, c := range r.Extensions.Trace.BackendCalls {
		if strings.HasPrefix(c.Path, prefix) {
			n++
		}
	}
	return n
}

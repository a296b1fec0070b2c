package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

// graph/opcache.go caches collected fields and coerced arguments per operation: one
// document run with other variables (parsed once, from the query cache) must collect
// and coerce anew, and every object of a list must see the operation's values.
func TestOperationCacheFollowsVariables(t *testing.T) {
	srv := gateway(t)
	const q = `query Q($n: Int, $email: Boolean!) { accounts(first: 10, filter: {sources: [CIRRUS]}) { edges { node { sourceId
	  contacts(first: $n) { edges { node { sourceId name email @include(if: $email) } } } } } } }`
	type contacts []map[string]any
	run := func(n int, email bool) map[string]contacts {
		t.Helper()
		r := post(t, srv, request{Query: q, Variables: map[string]any{"n": n, "email": email}})
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %s", r.raw)
		}
		var data struct {
			Accounts struct {
				Edges []struct {
					Node struct {
						SourceID string
						Contacts struct {
							Edges []struct{ Node map[string]any }
						}
					}
				}
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		out := map[string]contacts{}
		for _, e := range data.Accounts.Edges {
			var cs contacts
			for _, c := range e.Node.Contacts.Edges {
				if _, has := c.Node["email"]; has != email {
					t.Errorf("n=%d email=%v: account %s contact %v: email present = %v", n, email, e.Node.SourceID, c.Node["sourceId"], has)
				}
				cs = append(cs, c.Node)
			}
			if len(cs) > n {
				t.Errorf("n=%d: account %s has %d contacts", n, e.Node.SourceID, len(cs))
			}
			out[e.Node.SourceID] = cs
		}
		return out
	}
	one := run(1, false)
	three := run(3, true)
	again := run(1, false)
	if !reflect.DeepEqual(one, again) {
		t.Errorf("the same variables answer differently after another run:\n%v\n%v", one, again)
	}
	more := false
	for id, cs := range three {
		if len(cs) > 1 {
			more = true
		}
		if len(cs) > 0 && len(one[id]) > 0 && cs[0]["name"] != one[id][0]["name"] {
			t.Errorf("account %s: first contact %v with first: 3, %v with first: 1", id, cs[0]["name"], one[id][0]["name"])
		}
	}
	if !more {
		t.Error("no account has more than one contact with first: 3: the test does not show the arguments follow the variables")
	}
}

// The resolvers' own look-ahead (graph.CollectFields, cached per operation on the
// context) follows the variables too: one document whose owner selection asks for a field
// the account's embedded user lacks only when $a is true must load the users then, and
// answer from the summary, with no user call, when it is false. (Below the root, gqlgen
// collects each operation's selections into slices of its own, so the cache's keys differ
// from one operation to the next; what follows the variables here is the look-ahead.)
func TestResolverLookAheadFollowsVariables(t *testing.T) {
	srv := gateway(t)
	const q = `query Q($a: Boolean!) { accounts(first: 10, filter: {sources: [CIRRUS]}) { edges { node { sourceId
	  owner { sourceId name active @include(if: $a) } } } } }`
	run := func(a bool) {
		t.Helper()
		r := post(t, srv, request{Query: q, Variables: map[string]any{"a": a}})
		if len(r.Errors) > 0 {
			t.Fatalf("a=%v: errors: %s", a, r.raw)
		}
		var data struct {
			Accounts struct {
				Edges []struct {
					Node struct {
						SourceID string
						Owner    map[string]any
					}
				}
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		owners := 0
		for _, e := range data.Accounts.Edges {
			if e.Node.Owner == nil {
				continue
			}
			owners++
			active, has := e.Node.Owner["active"]
			if has != a || (a && active == nil) {
				t.Errorf("a=%v: account %s owner %v: active present %v, value %v", a, e.Node.SourceID, e.Node.Owner, has, active)
			}
		}
		if owners == 0 {
			t.Fatalf("a=%v: no account has an owner: the test shows nothing", a)
		}
		if calls := callsTo(r, "/users/"); (calls > 0) != a {
			t.Errorf("a=%v: %d /users/{id} calls; the owners' records are needed only for active", a, calls)
		}
	}
	run(false)
	run(true)
	run(false)
	run(true)
}

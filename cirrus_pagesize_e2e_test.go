package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// With CIRRUS_MAX_PER_PAGE below the seed's 50, a page of accounts is fetched in pages of
// the setting and the call estimate (MAX_BACKEND_CALLS) counts by it: at the estimate
// the operation runs with exactly those calls and answers what the default does; one
// below it, it is refused unrun.
func TestCirrusPagesFollowCirrusMaxPerPage(t *testing.T) {
	const q = `query($n: Int) { accounts(first: $n, filter: {sources: [CIRRUS]}) { edges { node { id name } } } }`
	names := func(t *testing.T, r *gqlResponse) []string {
		var data struct {
			Accounts struct {
				Edges []struct{ Node struct{ ID, Name string } }
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range data.Accounts.Edges {
			out = append(out, e.Node.ID+" "+e.Node.Name)
		}
		return out
	}
	want := names(t, post(t, gateway(t), request{Query: q, Variables: map[string]any{"n": 60}}))
	if len(want) != 60 {
		t.Fatalf("%d accounts from the default gateway, want 60", len(want))
	}
	for _, tt := range []struct {
		perPage  string
		calls    int // accounts pages of 60 records
		estimate int
	}{
		{"50", 2, 2},
		{"25", 3, 3},
		{"7", 9, 9},
	} {
		t.Run("per page "+tt.perPage, func(t *testing.T) {
			gatewayAt := func(limit int) *gqlResponse {
				env := sandboxEnv(t, "sandbox")
				env["CIRRUS_MAX_PER_PAGE"] = tt.perPage
				env["MAX_BACKEND_CALLS"] = fmt.Sprint(limit)
				_, srv := newGateway(t, env)
				return post(t, srv, request{Query: q, Variables: map[string]any{"n": 60}})
			}
			r := gatewayAt(tt.estimate)
			if len(r.Errors) > 0 || r.calls("cirrus") != tt.calls || r.calls("") != tt.calls {
				t.Fatalf("%d cirrus calls of %d, want %d: %s", r.calls("cirrus"), r.calls(""), tt.calls, r.raw)
			}
			if got := names(t, r); !slices.Equal(got, want) {
				t.Fatalf("answers %d accounts, first difference at %d", len(got), firstDifference(got, want))
			}
			r = gatewayAt(tt.estimate - 1)
			if got := r.codes(); len(got) != 1 || got[0] != "BACKEND_CALL_LIMIT_EXCEEDED" ||
				r.Errors[0].Extensions["estimate"] != float64(tt.estimate) || r.calls("") != 0 {
				t.Fatalf("limit %d: want BACKEND_CALL_LIMIT_EXCEEDED with estimate %d and no call: %s", tt.estimate-1, tt.estimate, r.raw)
			}
		})
	}
}

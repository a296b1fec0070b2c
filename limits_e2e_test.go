package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"crmgraph/graph"
	"crmgraph/graph/model"
	"crmgraph/limits"
	"crmgraph/resolvers"
)

// fragmentBomb is a document of about 40·n bytes in which each fragment spreads the next
// twice: 2^n selections for a walker that follows every spread. At 40 deep gqlgen's own
// complexity walker (and the old depth walker) would run for hours, so these tests
// finishing at all shows the limits no longer walk it exponentially.
func fragmentBomb(n int) string {
	var b strings.Builder
	b.WriteString("query { ...F1 }\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", n)
	return b.String()
}

func TestFragmentBombIsCheap(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["COMPLEXITY_LIMIT"] = "0" // nothing refuses it: depth, calls and execution see it all
	_, unlimited := newGateway(t, env)
	tests := []struct {
		name       string
		n          int
		refused    bool // by the default complexity limit: 2^(n-1) __typename
		complexity int
	}{
		{"25 deep", 25, true, 1 << 24},
		{"40 deep", 40, true, 1 << 39},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, gateway(t), request{Query: fragmentBomb(tt.n)})
			if got := r.codes(); len(got) != 1 || got[0] != limits.CodeComplexityLimitExceeded {
				t.Fatalf("codes %v: %s", got, r.raw)
			}
			if c, _ := r.Errors[0].Extensions["complexity"].(float64); int(c) != tt.complexity {
				t.Fatalf("complexity %v, want %d", r.Errors[0].Extensions["complexity"], tt.complexity)
			}
			if !strings.Contains(string(r.raw), `"backendCalls"`) || r.calls("") != 0 {
				t.Fatalf("a refused operation called backends (or the trace is missing): %s", r.raw)
			}

			r = post(t, unlimited, request{Query: fragmentBomb(tt.n)})
			if len(r.Errors) > 0 || string(r.Data) != `{"__typename":"Query"}` || r.calls("") != 0 {
				t.Fatalf("without a complexity limit: %s", r.raw)
			}
		})
	}
}

// fanOutQuery asks for aliases × n distinct Cirrus contacts by global id: Cirrus has no
// batch-by-id endpoint, so each id would be its own GET.
func fanOutQuery(aliases, n int) string {
	var b strings.Builder
	b.WriteString("{")
	for a := range aliases {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = model.GlobalID("Contact", model.SourceCirrus, fmt.Sprint(1+a*n+i))
		}
		list, _ := json.Marshal(ids)
		fmt.Fprintf(&b, " a%d: nodes(ids: %s) { id }", a, list)
	}
	b.WriteString(" }")
	return b.String()
}

func TestNodesFanOutIsRefusedBeforeAnyCall(t *testing.T) {
	q := fanOutQuery(49, 100)
	if len(q) < 140_000 {
		t.Fatalf("the request is %d bytes, not the issue's 143 KB", len(q))
	}
	r := post(t, gateway(t), request{Query: q})
	got := r.codes()
	if len(got) != 1 || got[0] != limits.CodeBackendCallLimitExceeded {
		t.Fatalf("codes %v: %.2000s", got, r.raw) // under COMPLEXITY_LIMIT: only the call limit stops it
	}
	ext := r.Errors[0].Extensions
	if ext["estimate"] != float64(4900) || ext["limit"] != float64(limits.DefaultMaxBackendCalls) {
		t.Fatalf("extensions %v", ext)
	}
	if !strings.Contains(string(r.raw), `"backendCalls"`) || r.calls("") != 0 {
		t.Fatalf("refused, yet %d backend calls (or no trace): %.2000s", r.calls(""), r.raw)
	}

	// One full list still runs: 100 ids, 100 calls.
	one := post(t, gateway(t), request{Query: fanOutQuery(1, 100)})
	if codes := one.codes(); len(codes) > 0 && codes[0] == limits.CodeBackendCallLimitExceeded {
		t.Fatalf("a single nodes list was refused: %.2000s", one.raw)
	}
	if n := one.calls("cirrus"); n == 0 || n > 100 {
		t.Fatalf("one nodes list of 100 ids made %d Cirrus calls", n)
	}
}

// The estimate is an upper bound of what the examples and the canonical query really
// call, and well under the default limit.
func TestCallEstimatesBoundTheExamples(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{}}).Schema()
	queries := map[string]string{"canonical": canonicalQuery}
	for _, tab := range exampleTabs {
		queries[tab.Name] = tab.Query
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(schema, q)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			estimate := limits.EstimateCalls(schema, doc.Operations[0], doc.Fragments, nil, resolvers.CallCost(resolvers.PageCaps{}))
			r := post(t, gateway(t), request{Query: q})
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %s", r.raw)
			}
			actual := r.calls("")
			t.Logf("%s: estimate %d, actual %d calls", name, estimate, actual)
			if actual > estimate || estimate > limits.DefaultMaxBackendCalls/10 {
				t.Fatalf("estimate %d, actual %d calls, limit %d", estimate, actual, limits.DefaultMaxBackendCalls)
			}
		})
	}
}

func TestRepeatedFieldsAreRefusedBeforeQuadraticValidation(t *testing.T) {
	srv := gateway(t)
	for _, q := range []string{
		"{ " + strings.Repeat("__typename ", 5000) + "}",
		"{ accounts(first: 1) { " + strings.Repeat("totalCount ", 3000) + "} }",
		"query { ...A ...B } fragment A on Query { " + strings.Repeat("x: __typename ", 1500) + "} fragment B on Query { " + strings.Repeat("x: __typename ", 1500) + "}",
	} {
		r := post(t, srv, request{Query: q})
		if got := r.codes(); len(got) != 1 || got[0] != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(r.Errors[0].Message, "repeats response names") {
			t.Fatalf("%.60s…: %.300s", q, r.raw)
		}
		if r.calls("") != 0 {
			t.Fatalf("%d backend calls", r.calls(""))
		}
	}
	// Ordinary repetition (a field selected by several fragments) still validates.
	r := post(t, srv, request{Query: `{ accounts(first: 2) { edges { node { id ...A ...B ... on Account { id name } } } } }
	  fragment A on Account { id name } fragment B on Account { id name owner { id } }`})
	if len(r.Errors) > 0 {
		t.Fatalf("%s", r.raw)
	}
	for _, tab := range exampleTabs {
		doc, err := parser.ParseQuery(&ast.Source{Input: tab.Query})
		if err != nil {
			t.Fatal(err)
		}
		if w := limits.MergeWork(doc); w > limits.DefaultMaxMergeWork/100 {
			t.Errorf("%s: merge work %d is within 1%% of the limit", tab.Name, w)
		}
	}
}

package limits

import (
	"context"
	"math"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql/handler/extension"
)

// ComplexityOf must price every operation as gqlgen's walker does, so COMPLEXITY_LIMIT
// keeps its meaning; only the work to get there changes.
func TestComplexityMatchesGqlgen(t *testing.T) {
	s := testSchema(t)
	es := testExec{s}
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  int
	}{
		{"scalar", `{ a }`, nil, 1},
		{"page times its selection", `{ items(first: 5) { edges { node { name } } } }`, nil, 1 + 5*3},
		{"default first", `{ items { totalCount } }`, nil, 1 + 10*1},
		{"first from a variable", `query($n: Int) { items(first: $n) { totalCount } }`, map[string]any{"n": 7}, 1 + 7*1},
		{"pages of pages", `{ items(first: 10) { edges { node { children(first: 10) { totalCount } } } } }`, nil, 1 + 10*(1+1+(1+10))},
		{"interface field takes the dearest implementation", `{ node(id: "1") { id ... on Item { name } } }`, nil, 3},
		{"nodes", `{ nodes(ids: ["1", "2", "3"]) { id } }`, nil, 1 + 3*1},
		{"fragments count once per spread", `{ ...F ...F a } fragment F on Query { item(id: "1") { name } }`, nil, 2*2 + 1},
		{"introspection schema is free", `{ __schema { types { name } } a }`, nil, 1},
		{"typename", `{ __typename }`, nil, 1},
		{"bomb 12", fragmentBomb(12), nil, 1 << 11},
		{"nested bomb 8", nestedBomb(8), nil, 1 + (1<<8 - 1) + 1<<7 - 1},
		{"mutation", `mutation { touch(id: "1") { name } }`, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, vars := testDoc(t, s, tt.query, tt.vars)
			op := doc.Operations[0]
			got := ComplexityOf(context.Background(), es, op, doc.Fragments, vars)
			if reference := complexity.Calculate(context.Background(), es, op, vars); got != reference {
				t.Fatalf("complexity = %d, gqlgen says %d", got, reference)
			}
			if got != tt.want {
				t.Fatalf("complexity = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestComplexityIsLinearOnFragmentBombs(t *testing.T) {
	s := testSchema(t)
	es := testExec{s}
	for _, tt := range []struct {
		name  string
		query string
		want  int
	}{
		{"25 deep", fragmentBomb(25), 1 << 24},
		{"40 deep", fragmentBomb(40), 1 << 39},
		{"70 deep saturates", fragmentBomb(70), math.MaxInt},
		{"nested 40 deep", nestedBomb(40), 1<<40 - 1 + 1<<39},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := testDoc(t, s, tt.query, nil)
			w := newComplexityWalker(context.Background(), es, doc.Fragments, nil)
			if got := w.set(doc.Operations[0].SelectionSet); got != tt.want {
				t.Fatalf("complexity = %d, want %d", got, tt.want)
			}
			if limit := selectionsIn(doc); w.visits > limit {
				t.Fatalf("visited %d selections, the document has %d", w.visits, limit)
			}
		})
	}
}

func TestComplexityLimit(t *testing.T) {
	s := testSchema(t)
	tests := []struct {
		name     string
		max      int
		query    string
		wantCode string
	}{
		{"under", 100, `{ items(first: 5) { edges { node { name } } } }`, ""},
		{"over", 100, `{ items(first: 10) { edges { node { children(first: 10) { totalCount } } } } }`, CodeComplexityLimitExceeded},
		{"the bomb is refused, cheaply", 5000, fragmentBomb(40), CodeComplexityLimitExceeded},
		{"disabled", 0, fragmentBomb(40), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Complexity{Max: tt.max}
			if err := c.Validate(testExec{s}); err != nil {
				t.Fatal(err)
			}
			doc, vars := testDoc(t, s, tt.query, nil)
			oc := opContext(doc, vars)
			err := c.MutateOperationContext(context.Background(), oc)
			switch {
			case tt.wantCode == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantCode != "" && (err == nil || err.Extensions["code"] != tt.wantCode):
				t.Fatalf("err = %v, want code %s", err, tt.wantCode)
			}
			if tt.max > 0 {
				st, _ := oc.Stats.GetExtension("ComplexityLimit").(*extension.ComplexityStats)
				if st == nil || st.ComplexityLimit != tt.max || st.Complexity <= 0 {
					t.Fatalf("stats = %+v", st)
				}
			}
		})
	}
}

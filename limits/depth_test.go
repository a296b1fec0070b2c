package limits

import (
	"context"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestDepthOf(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"flat", `{ a b }`, 1},
		{"nested", `{ a { b { c } } d }`, 3},
		{"inline fragment adds nothing", `{ a { ... on T { b { c } } } }`, 3},
		{"fragment followed", `query { a { ...F } } fragment F on T { b { c { d } } }`, 4},
		{"deepest branch wins", `{ a { b } x { y { z { w } } } }`, 4},
		{"fragment reused at different depths", `query { ...F a { b { ...F } } } fragment F on T { c { d } }`, 4},
		{"fragment chain", `query { a { ...F } } fragment F on T { b { ...G } } fragment G on T { c }`, 3},
		{"cycle does not loop", `query { ...F } fragment F on T { a { ...G } } fragment G on T { b { ...F } }`, 2},
		{"unknown fragment", `query { a { ...Nope } }`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if got := Of(doc.Operations[0].SelectionSet, doc.Fragments); got != tt.want {
				t.Fatalf("depth = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDepthLimit(t *testing.T) {
	s := testSchema(t)
	tests := []struct {
		name    string
		max     int
		query   string
		wantErr bool
	}{
		{"under", 3, `{ item(id: "1") { parent { name } } }`, false},
		{"at", 3, `{ item(id: "1") { parent { parent { name } } } }`, true},
		{"through fragments", 2, `{ item(id: "1") { ...F } } fragment F on Item { parent { name } }`, true},
		{"disabled", 0, `{ item(id: "1") { parent { parent { name } } } }`, false},
		{"bomb is shallow", 3, fragmentBomb(40), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, vars := testDoc(t, s, tt.query, nil)
			err := Depth{Max: tt.max}.MutateOperationContext(context.Background(), opContext(doc, vars))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && err.Extensions["code"] != CodeDepthLimitExceeded {
				t.Fatalf("code = %v", err.Extensions["code"])
			}
		})
	}
}

// The walk visits each written selection once, however often a fragment is spread: a
// walker without the memo visits 2^n selections on these documents.
func TestDepthIsLinearOnFragmentBombs(t *testing.T) {
	s := testSchema(t)
	for _, tt := range []struct {
		name      string
		query     string
		wantDepth int
	}{
		{"25 deep", fragmentBomb(25), 1},
		{"40 deep", fragmentBomb(40), 1},
		{"nested 25 deep", nestedBomb(25), 26},
		{"nested 40 deep", nestedBomb(40), 41},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := testDoc(t, s, tt.query, nil)
			w := newDepthWalker(doc.Fragments)
			if got := w.depth(doc.Operations[0].SelectionSet); got != tt.wantDepth {
				t.Fatalf("depth = %d, want %d", got, tt.wantDepth)
			}
			if limit := selectionsIn(doc); w.visits > limit {
				t.Fatalf("visited %d selections, the document has %d", w.visits, limit)
			}
		})
	}
}

package limits

import (
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

package limits

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestMergeWork(t *testing.T) {
	bomb := "query { ...F1 }\n"
	for i := 1; i < 25; i++ {
		bomb += "fragment F" + strconv.Itoa(i) + " on Query { ...F" + strconv.Itoa(i+1) + " ...F" + strconv.Itoa(i+1) + " }\n"
	}
	bomb += "fragment F25 on Query { __typename }"
	for _, tc := range []struct {
		name     string
		doc      string
		min, max int64
	}{
		{"one field", `{ a }`, 1, 1},
		{"distinct names", `{ a b c }`, 3, 3},
		{"a repeated name: 3·2 pairs", `{ a a a }`, 7, 7},
		{"aliases are their own names", `{ x: a y: a }`, 2, 2},
		{"one big field compares nothing", `{ p { a b c d e f } }`, 7, 7},
		{"children count into their pair", `{ p { a b } p { a } }`, 1 + 2*3*2 + 2 + 1, 1 + 2*3*2 + 2 + 1},
		{"fragments merge in", `{ a ...F } fragment F on Query { a }`, 3 + 1, 3 + 1},
		{"a fragment spread twice merges once", `{ ...F ...F } fragment F on Query { a }`, 1 + 1, 1 + 1},
		{"distinct fragments add up", `{ ...F ...G } fragment F on Query { a } fragment G on Query { a }`, 3 + 1 + 1, 3 + 1 + 1},
		{"15,000 repeats", "{ " + strings.Repeat("__typename ", 15000) + "}", 15000*15000 - 15000, 15000*15000 - 15000 + 1},
		{"3,740 nested repeats", "{ " + strings.Repeat("parent { name } ", 3740) + "}", 7480*7480 - 4*3740, 7480*7480 - 4*3740 + 3741},
		{"the fragment bomb stays small, as for the rule", bomb, 25, 100},
		{"a cycle is left to its own rule", `{ ...A } fragment A on Query { ...B } fragment B on Query { ...A a }`, 1, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tc.doc})
			if err != nil {
				t.Fatal(err)
			}
			if got := MergeWork(doc); got < tc.min || got > tc.max {
				t.Fatalf("MergeWork = %d, want %d..%d", got, tc.min, tc.max)
			}
		})
	}
}

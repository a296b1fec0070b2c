package limits

import (
	"context"
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/complexity"
)

// BenchmarkFragmentBomb walks the document (each fragment spreads the next
// twice) with every walker. gqlgen's own complexity walker is the reference for what
// the memo saves; it is left out at 40 deep, where it would run for hours.
//
//	go test -run '^$' -bench FragmentBomb ./limits/
func BenchmarkFragmentBomb(b *testing.B) {
	s := testSchema(b)
	es := testExec{s}
	ctx := context.Background()
	for _, n := range []int{20, 25, 40} {
		doc, vars := testDoc(b, s, fragmentBomb(n), nil)
		op := doc.Operations[0]
		b.Run(fmt.Sprintf("depth/%d", n), func(b *testing.B) {
			for b.Loop() {
				Of(op.SelectionSet, doc.Fragments)
			}
		})
		b.Run(fmt.Sprintf("complexity/%d", n), func(b *testing.B) {
			for b.Loop() {
				ComplexityOf(ctx, es, op, doc.Fragments, vars)
			}
		})
		b.Run(fmt.Sprintf("calls/%d", n), func(b *testing.B) {
			for b.Loop() {
				EstimateCalls(s, op, doc.Fragments, vars, testCost)
			}
		})
		if n <= 25 {
			b.Run(fmt.Sprintf("gqlgen-complexity/%d", n), func(b *testing.B) {
				for b.Loop() {
					complexity.Calculate(ctx, es, op, vars)
				}
			})
		}
	}
}

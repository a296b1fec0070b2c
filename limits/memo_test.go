package limits

import (
	"context"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/extension"
)

// The figures are kept per document and variables: one parsed document (as the query
// cache shares it) run with other variables is priced anew each time, and the value from
// the memo is the value computed.
func TestFiguresFollowTheVariables(t *testing.T) {
	s := testSchema(t)
	const q = `query($n: Int, $m: Int) { items(first: $n) { edges { node { children(first: $m) { totalCount } } } } }`
	doc, _ := testDoc(t, s, q, map[string]any{"n": 1, "m": 1})
	c := &Complexity{Max: 1 << 20}
	calls := &Calls{Max: 1 << 20, Cost: testCost}
	if err := c.Validate(testExec{s}); err != nil {
		t.Fatal(err)
	}
	if err := calls.Validate(testExec{s}); err != nil {
		t.Fatal(err)
	}
	figures := func(n, m int) (complexity, estimate int) {
		t.Helper()
		_, vars := testDoc(t, s, q, map[string]any{"n": n, "m": m})
		oc := opContext(doc, vars)
		if err := c.MutateOperationContext(context.Background(), oc); err != nil {
			t.Fatal(err)
		}
		if err := calls.MutateOperationContext(context.Background(), oc); err != nil {
			t.Fatal(err)
		}
		cs, _ := oc.Stats.GetExtension("ComplexityLimit").(*extension.ComplexityStats)
		es, _ := oc.Stats.GetExtension(callStatsKey).(*CallStats)
		return cs.Complexity, es.Estimate
	}
	fresh := func(n, m int) (complexity, estimate int) {
		t.Helper()
		d, vars := testDoc(t, s, q, map[string]any{"n": n, "m": m})
		return ComplexityOf(context.Background(), testExec{s}, d.Operations[0], d.Fragments, vars),
			EstimateCalls(s, d.Operations[0], d.Fragments, vars, testCost)
	}
	seen := map[[2]int]bool{}
	for _, nm := range [][2]int{{1, 1}, {5, 2}, {1, 1}, {5, 20}, {5, 2}} {
		gotC, gotE := figures(nm[0], nm[1])
		wantC, wantE := fresh(nm[0], nm[1])
		if gotC != wantC || gotE != wantE {
			t.Errorf("first: %d, %d: complexity %d, estimate %d; computed anew %d, %d", nm[0], nm[1], gotC, gotE, wantC, wantE)
		}
		seen[[2]int{gotC, gotE}] = true
	}
	if len(seen) != 3 {
		t.Errorf("three sets of variables gave %d different figures: the test cannot tell them apart", len(seen))
	}
	if c.memo.cache.Len() != 3 || calls.memo.cache.Len() != 3 {
		t.Errorf("memo entries %d, %d; want 3 each (one per set of variables)", c.memo.cache.Len(), calls.memo.cache.Len())
	}

	// Variables too large to key on are computed every time, not kept.
	_, vars := testDoc(t, s, q, map[string]any{"n": 1, "m": 1})
	vars["pad"] = strings.Repeat("x", maxMemoVars)
	oc := opContext(doc, vars)
	if err := c.MutateOperationContext(context.Background(), oc); err != nil {
		t.Fatal(err)
	}
	if c.memo.cache.Len() != 3 {
		t.Errorf("memo entries %d after large variables, want 3", c.memo.cache.Len())
	}
}

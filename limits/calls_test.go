package limits

import (
	"context"
	"math"
	"strings"
	"testing"
)

// The test table's sources: A fans out (one call per record), B batches two keys per call.
const (
	srcA Sources = 1 << iota
	srcB
)

// testCost prices the test schema like crmgraph's table prices its own: by-id lookups,
// paged lists, a shared detail load, a once-per-operation list.
func testCost(f Field) Price {
	byID := func(src Sources) Load {
		if src == srcB {
			return Load{PerParent: 0.5, Batch: 1}
		}
		return Load{PerParent: 1}
	}
	// ids are "<source>:<type>:<n>"; anything else does not decode and costs nothing.
	decode := func(id string) (Sources, string, bool) {
		parts := strings.Split(id, ":")
		if len(parts) != 3 {
			return 0, "", false
		}
		switch parts[0] {
		case "A":
			return srcA, parts[1], true
		case "B":
			return srcB, parts[1], true
		}
		return 0, "", false
	}
	switch f.Parent + "." + f.Name {
	case "Query.item":
		return Price{Loads: []Load{{PerParent: 1}}, Children: []Children{{Sources: srcA, Count: 1}}}
	case "Query.node":
		id, _ := f.Args["id"].(string)
		if id == "*" { // an id the table cannot place: any Node
			return Price{Loads: []Load{{PerParent: 1}}}
		}
		src, typ, ok := decode(id)
		if !ok {
			return Price{NoChildren: true}
		}
		return Price{Loads: []Load{byID(src)}, Children: []Children{{Type: typ, Sources: src, Count: 1}}}
	case "Query.nodes":
		ids, _ := f.Args["ids"].([]any)
		groups := map[[2]any]float64{}
		var loads []Load
		for _, v := range ids {
			id, _ := v.(string)
			if src, typ, ok := decode(id); ok {
				groups[[2]any{src, typ}]++
			}
		}
		var children []Children
		for g, n := range groups {
			src, typ := g[0].(Sources), g[1].(string)
			l := byID(src)
			loads = append(loads, Load{PerParent: l.PerParent * n, Batch: l.Batch})
			children = append(children, Children{Type: typ, Sources: src, Count: n})
		}
		return Price{Loads: loads, Children: children, NoChildren: len(children) == 0}
	case "Query.items":
		first := intArg(f.Args["first"])
		pages := float64(max(1, (first+49)/50))
		node := f.Selects("Item", "edges", "node")
		if node["detail"] {
			pages = 10 // a summary does not do: read the full records
		}
		return Price{Loads: []Load{{Batch: pages}}, Children: []Children{{Sources: srcA, Count: 1, Items: float64(first)}}}
	case "ItemConnection.edges":
		return Price{PerItem: true}
	case "Item.parent":
		return Price{Loads: []Load{byID(f.Sources)}}
	case "Item.children":
		return Price{Loads: []Load{{PerParent: 1}}, Children: []Children{{Count: 1, Items: float64(intArg(f.Args["first"]))}}}
	case "Item.name":
		return Price{Loads: []Load{{PerParent: 1, Key: "detail"}}}
	case "Item.tags":
		return Price{Loads: []Load{{Once: "tags"}}, Children: []Children{{Count: 3}}}
	case "Tag.label":
		return Price{Loads: []Load{{PerParent: 3}}}
	case "Mutation.touch":
		return Price{Loads: []Load{{PerParent: 2}}, Children: []Children{{Sources: srcA, Count: 1}}}
	}
	return Price{}
}

func TestEstimateCalls(t *testing.T) {
	s := testSchema(t)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  int
	}{
		{"nothing to call", `{ a __typename }`, nil, 0},
		{"one record", `{ item(id: "1") { id } }`, nil, 1},
		{"siblings share a keyed load", `{ item(id: "1") { name again: name } }`, nil, 2},
		{"a page", `{ items(first: 20) { totalCount } }`, nil, 1},
		{"two pages", `{ items(first: 100) { totalCount } }`, nil, 2},
		{"a fan-out per item", `{ items(first: 20) { edges { node { parent { id } } } } }`, nil, 1 + 20},
		{"an empty page runs nothing per item", `{ items(first: 0) { edges { node { parent { id } } } } }`, nil, 1},
		{"pages of pages", `{ items(first: 20) { edges { node { children(first: 5) { edges { node { parent { id } } } } } } } }`, nil,
			1 + 20 + 20*5},
		{"per page, not per item", `{ items(first: 20) { edges { node { children(first: 5) { totalCount } } } } }`, nil, 1 + 20},
		{"once per operation", `{ items(first: 20) { edges { node { tags { id } } } } item(id: "1") { tags { id } } }`, nil, 1 + 1 + 1},
		{"decoded id", `{ node(id: "A:Item:1") { ... on Item { parent { id } } } }`, nil, 1 + 1},
		{"type condition that does not apply", `{ node(id: "A:Tag:1") { ... on Item { parent { id } } } }`, nil, 1},
		{"id that does not decode", `{ node(id: "nope") { ... on Item { parent { id } } } }`, nil, 0},
		{"abstract child: the dearest implementation", `{ node(id: "*") { ... on Item { parent { id } } ... on Tag { label } } }`, nil, 1 + 3},
		{"ids from variables, grouped by source and type",
			`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Item { parent { id } } } }`,
			map[string]any{"ids": []any{"A:Item:1", "A:Item:2", "A:Tag:1", "zz"}}, 2 + 1 + 2},
		{"batched shares add up before rounding", `{ nodes(ids: ["B:Item:1", "B:Item:2", "B:Item:3"]) { ... on Item { parent { id } } } }`, nil,
			5}, // 3·0.5 + 1 for the nodes, 3·0.5 + 1 for their parents
		{"one fragment in two contexts", `{ a: node(id: "A:Item:1") { ...P } b: node(id: "B:Item:1") { ...P } } fragment P on Item { parent { id } }`, nil,
			2 + 3}, // A: 1 + 1; B: 0.5 + 1 for the node, 0.5 + 1 for its parent
		{"a fragment spread twice counts twice", `{ ...Q ...Q } fragment Q on Query { item(id: "1") { id } }`, nil, 2},
		{"a selection the summary covers", `{ items { edges { node { id parent { id } } } } }`, nil, 1 + 10},
		{"a selection it does not cover, through a fragment", `{ items { edges { node { ...N } } } } fragment N on Item { detail parent { id } }`, nil,
			10 + 10},
		{"mutation", `mutation { touch(id: "1") { parent { id } } }`, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, vars := testDoc(t, s, tt.query, tt.vars)
			if got := EstimateCalls(s, doc.Operations[0], doc.Fragments, vars, testCost); got != tt.want {
				t.Fatalf("estimate = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSelects(t *testing.T) {
	s := testSchema(t)
	doc, _ := testDoc(t, s, `{ items { edges { node { name ...N ... on Item { tags { id } } } } ...E } }
		fragment N on Item { id ...M } fragment M on Node { id ... on Item { parent { id } } }
		fragment E on ItemConnection { edges { node { children { totalCount } } } }`, nil)
	var got map[string]bool
	cost := func(f Field) Price {
		if f.Name == "items" {
			got = f.Selects("Item", "edges", "node")
		}
		return Price{}
	}
	EstimateCalls(s, doc.Operations[0], doc.Fragments, nil, cost)
	want := []string{"name", "id", "parent", "tags", "children"}
	if len(got) != len(want) {
		t.Fatalf("selects %v, want %v", got, want)
	}
	for _, n := range want {
		if !got[n] {
			t.Fatalf("selects %v, want %v", got, want)
		}
	}
}

// Every fragment is priced once per concrete type and sources, however often it is
// spread: a walker without the memo visits 2^n selections on these documents.
func TestEstimateIsLinearOnFragmentBombs(t *testing.T) {
	s := testSchema(t)
	for _, tt := range []struct {
		name     string
		query    string
		contexts int // the (type, sources) pairs a fragment can be priced in
		want     int
	}{
		{"25 deep", fragmentBomb(25), 1, 0},
		{"40 deep", fragmentBomb(40), 1, 0},
		{"nested 25 deep", nestedBomb(25), 1, math.MaxInt}, // 2^25 parents, each a call
		{"nested 40 deep", nestedBomb(40), 1, math.MaxInt},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := testDoc(t, s, tt.query, nil)
			w := newCallWalker(s, doc.Fragments, nil, testCost)
			got := w.estimate(doc.Operations[0])
			if got != tt.want && !(tt.want == math.MaxInt && got > 1<<24) {
				t.Fatalf("estimate = %d, want %d", got, tt.want)
			}
			if limit := tt.contexts * selectionsIn(doc); w.visits > limit {
				t.Fatalf("visited %d selections, the document has %d", w.visits, limit)
			}
		})
	}
}

func TestCallLimit(t *testing.T) {
	s := testSchema(t)
	tests := []struct {
		name    string
		max     int
		query   string
		wantErr bool
	}{
		{"under", 25, `{ items(first: 20) { edges { node { parent { id } } } } }`, false},
		{"over", 20, `{ items(first: 20) { edges { node { parent { id } } } } }`, true},
		{"disabled", 0, `{ items(first: 20) { edges { node { parent { id } } } } }`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Calls{Max: tt.max, Cost: testCost}
			if err := c.Validate(testExec{s}); err != nil {
				t.Fatal(err)
			}
			doc, vars := testDoc(t, s, tt.query, nil)
			oc := opContext(doc, vars)
			err := c.MutateOperationContext(context.Background(), oc)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if err.Extensions["code"] != CodeBackendCallLimitExceeded || err.Extensions["estimate"] != 21 || err.Extensions["limit"] != tt.max {
					t.Fatalf("extensions = %v", err.Extensions)
				}
			}
			if st, _ := oc.Stats.GetExtension(callStatsKey).(*CallStats); tt.max > 0 && (st == nil || st.Estimate != 21) {
				t.Fatalf("stats = %+v", st)
			}
		})
	}
	if err := (&Calls{Max: 1}).Validate(testExec{s}); err == nil {
		t.Fatal("a limit without a cost table validated")
	}
}

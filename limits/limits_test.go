package limits

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// A small schema with what the walkers care about: pages, an interface, nested records.
const testSDL = `
schema { query: Query mutation: Mutation }
type Query {
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  items(first: Int = 10): ItemConnection!
  item(id: ID!): Item
  a: String
}
type Mutation { touch(id: ID!): Item }
interface Node { id: ID! }
type Item implements Node {
  id: ID!
  name: String
  detail: String
  parent: Item
  children(first: Int = 10): ItemConnection
  tags: [Tag!]!
}
type Tag implements Node { id: ID! label: String }
type ItemConnection { edges: [ItemEdge!]! totalCount: Int! }
type ItemEdge { node: Item! cursor: String }
`

func testSchema(t testing.TB) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphqls", Input: testSDL})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testDoc parses and validates q against the test schema, as the handler does before
// any extension runs, and coerces vars.
func testDoc(t testing.TB, s *ast.Schema, q string, vars map[string]any) (*ast.QueryDocument, map[string]any) {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(s, q)
	if len(errs) > 0 {
		t.Fatalf("invalid test query: %v", errs)
	}
	coerced, err := validator.VariableValues(s, doc.Operations[0], vars)
	if err != nil {
		t.Fatal(err)
	}
	return doc, coerced
}

// fragmentBomb is the document of the issue: each fragment spreads the next twice, so a
// walker without memo does 2^n work for about 40·n bytes.
func fragmentBomb(n int) string {
	var b strings.Builder
	b.WriteString("query { ...F1 }\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", n)
	return b.String()
}

// nestedBomb is the same chain one record deeper per step: parent { ...F } twice.
func nestedBomb(n int) string {
	var b strings.Builder
	b.WriteString("query { item(id: \"1\") { ...F1 } }\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Item { parent { ...F%d } parent { ...F%d } }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Item { name }\n", n)
	return b.String()
}

// selectionsIn counts the selections written in a document: a linear walker visits each
// at most once per context.
func selectionsIn(doc *ast.QueryDocument) int {
	var count func(ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			n++
			switch s := sel.(type) {
			case *ast.Field:
				n += count(s.SelectionSet)
			case *ast.InlineFragment:
				n += count(s.SelectionSet)
			}
		}
		return n
	}
	n := 0
	for _, op := range doc.Operations {
		n += count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n += count(f.SelectionSet)
	}
	return n
}

// testExec is an executable schema with page-style complexity on the connections.
type testExec struct{ schema *ast.Schema }

func (e testExec) Schema() *ast.Schema { return e.schema }

func (e testExec) Complexity(_ context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	switch typeName + "." + field {
	case "Query.items", "Item.children":
		return 1 + intArg(args["first"])*child, true
	case "Query.nodes":
		ids, _ := args["ids"].([]any)
		return 1 + max(len(ids), 1)*child, true
	}
	return 0, false
}

// intArg reads an Int argument: int64 from a literal, whatever Go type a test's variables use.
func intArg(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	}
	return 0
}

func (testExec) Exec(context.Context) graphql.ResponseHandler { return nil }

var _ graphql.ExecutableSchema = testExec{}

func opContext(doc *ast.QueryDocument, vars map[string]any) *graphql.OperationContext {
	return &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: vars}
}

func TestSafeAdd(t *testing.T) {
	tests := []struct{ a, b, want int }{
		{1, 2, 3},
		{math.MaxInt, 1, math.MaxInt},
		{math.MaxInt - 1, math.MaxInt - 1, math.MaxInt},
		{-5, 3, 3},
		{3, -5, 3},
		{-1, -1, 1},
	}
	for _, tt := range tests {
		if got := safeAdd(tt.a, tt.b); got != tt.want {
			t.Errorf("safeAdd(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

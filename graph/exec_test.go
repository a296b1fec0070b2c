package graph

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// The implementors marshalSlice's look-ahead collects fields with are the generated ones.
func TestObjectImplementorsMatchGenerated(t *testing.T) {
	for typ, want := range map[string][]string{
		"Account":     accountImplementors,
		"Contact":     contactImplementors,
		"ContactEdge": contactEdgeImplementors,
		"Order":       orderImplementors,
	} {
		got := slices.Clone(objectImplementors[typ])
		want = slices.Clone(want)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: implementors %v, generated %v", typ, got, want)
		}
	}
	if !concurrentFields["Account.owner"] || concurrentFields["Account.name"] || concurrentFields["ContactEdge.node"] {
		t.Fatalf("concurrentFields disagrees with gqlgen.yml: owner %v, name %v, edge node %v",
			concurrentFields["Account.owner"], concurrentFields["Account.name"], concurrentFields["ContactEdge.node"])
	}
}

// A list's elements run in order exactly when nothing selected under them is resolved
// concurrently, through fragments, @skip/@include and nested objects.
func TestListLookAhead(t *testing.T) {
	cases := []struct {
		name  string
		query string
		vars  map[string]any
		want  bool
	}{
		{"plain fields", `{ accounts { edges { node { name number } } } }`, nil, false},
		{"nested plain object", `{ accounts { edges { cursor node { id name } } } }`, nil, false},
		{"resolver field", `{ accounts { edges { node { name owner { name } } } } }`, nil, true},
		{"resolver under a fragment", `{ accounts { edges { node { ...F } } } } fragment F on Account { name type { name } }`, nil, true},
		{"resolver under an interface fragment", `{ accounts { edges { node { ... on Node { ... on Account { contacts { totalCount } } } } } } }`, nil, true},
		{"skipped resolver", `{ accounts { edges { node { name owner @skip(if: true) { name } } } } }`, nil, false},
		{"resolver skipped by a variable", `query($s: Boolean!) { accounts { edges { node { name owner @skip(if: $s) { name } } } } }`, map[string]any{"s": true}, false},
		{"resolver included by a variable", `query($s: Boolean!) { accounts { edges { node { name owner @skip(if: $s) { name } } } } }`, map[string]any{"s": false}, true},
		{"typename only", `{ accounts { edges { __typename } } }`, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(parsedSchema, c.query)
			if errs != nil {
				t.Fatal(errs)
			}
			oc := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: c.vars}
			edges := findField(doc.Operations[0].SelectionSet, "edges")
			if edges == nil {
				t.Fatal("no edges field")
			}
			ctx := graphql.WithOperationContext(context.Background(), oc)
			cached := WithOperationCache(ctx)
			for i, ctx := range []context.Context{ctx, cached, cached} { // uncached, cached, from the cache
				if got := selectionMayBlock(ctx, edges.SelectionSet, edges.Definition.Type.Name(), 0); got != c.want {
					t.Fatalf("run %d: may block = %v, want %v", i, got, c.want)
				}
			}
		})
	}
}

func findField(sel ast.SelectionSet, name string) *ast.Field {
	for _, s := range sel {
		if f, ok := s.(*ast.Field); ok {
			if f.Name == name {
				return f
			}
			if found := findField(f.SelectionSet, name); found != nil {
				return found
			}
		}
	}
	return nil
}

// fieldTasks keeps gqlgen's field-set contract: every value lands at its index, a null in
// a non-null field (or a required null in a nullable one) marks the object invalid, a
// panic becomes that field's error and null, and the other fields still resolve.
func TestFieldTasksKeepTheFieldSetContract(t *testing.T) {
	oc := &graphql.OperationContext{RecoverFunc: func(_ context.Context, v any) error { return fmt.Errorf("internal: %v", v) }}
	fields := make([]graphql.CollectedField, 5)
	for i := range fields {
		fields[i] = graphql.CollectedField{Field: &ast.Field{Name: fmt.Sprintf("f%d", i), Alias: fmt.Sprintf("f%d", i)}}
	}
	value := func(s string) func(context.Context) graphql.Marshaler {
		return func(context.Context) graphql.Marshaler { return graphql.MarshalString(s) }
	}
	cases := []struct {
		name    string
		last    func(context.Context) graphql.Marshaler
		nonNull bool
		invalid uint32
		errors  int
	}{
		{"all values", value("e"), true, 0, 0},
		{"null in a non-null field", func(context.Context) graphql.Marshaler { return graphql.Null }, true, 1, 0},
		{"null in a nullable field", func(context.Context) graphql.Marshaler { return graphql.Null }, false, 0, 0},
		{"required null below a nullable field", func(context.Context) graphql.Marshaler { return graphql.RequiredNull }, false, 1, 0},
		{"panic in a nullable field", func(context.Context) graphql.Marshaler { panic("boom") }, false, 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := graphql.WithResponseContext(t.Context(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
			out := graphql.NewFieldSet(fields)
			var tasks fieldTasks
			for i, s := range []string{"a", "b", "c", "d"} {
				tasks.resolve(ctx, out, fields[i], oc, nil, i, true, true, value(s))
			}
			tasks.resolve(ctx, out, fields[4], oc, nil, 4, true, c.nonNull, c.last)
			tasks.dispatch(ctx, out)
			for i, s := range []string{"a", "b", "c", "d"} {
				if got := render(out.Values[i]); got != strconv.Quote(s) {
					t.Errorf("field %d = %s, want %q", i, got, s)
				}
			}
			if out.Invalids != c.invalid {
				t.Errorf("invalids = %d, want %d", out.Invalids, c.invalid)
			}
			if errs := graphql.GetErrors(ctx); len(errs) != c.errors {
				t.Errorf("errors = %v, want %d", errs, c.errors)
			} else if c.errors > 0 && !strings.Contains(errs[0].Message, "internal: boom") {
				t.Errorf("error %q does not carry the recovered panic", errs[0].Message)
			}
		})
	}
}

// marshalSlice keeps gqlgen's list contract whether elements run in order or on workers:
// each element sees its own index, and a panic nulls that element only.
func TestMarshalSliceElementsAndPanics(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		ctx := graphql.WithResponseContext(t.Context(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
		if concurrent { // no field context: the look-ahead cannot tell, so elements run concurrently
			if !mayBlockBelow(ctx) {
				t.Fatal("without a field context the look-ahead must answer 'may block'")
			}
		} else {
			oc, field := listField(t, `{ accounts { edges { cursor } } }`, "edges")
			ctx = graphql.WithFieldContext(graphql.WithOperationContext(ctx, oc), &graphql.FieldContext{Field: field})
			if mayBlockBelow(ctx) {
				t.Fatal("edges { cursor } may block?")
			}
		}
		ret := marshalSlice(ctx, 6, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			if got := *graphql.GetFieldContext(ctx).Index; got != i {
				t.Errorf("element %d sees index %d", i, got)
			}
			if i == 3 {
				panic("boom")
			}
			return graphql.MarshalInt(i)
		})
		for i, v := range ret {
			want := strconv.Itoa(i)
			if i == 3 {
				want = "null"
			}
			if render(v) != want {
				t.Errorf("concurrent=%v: element %d = %v, want %v", concurrent, i, v, want)
			}
		}
		if errs := graphql.GetErrors(ctx); len(errs) != 1 {
			t.Errorf("concurrent=%v: errors %v, want the one panic", concurrent, errs)
		}
	}
}

func listField(t *testing.T, query, name string) (*graphql.OperationContext, graphql.CollectedField) {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(parsedSchema, query)
	if errs != nil {
		t.Fatal(errs)
	}
	f := findField(doc.Operations[0].SelectionSet, name)
	return &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]}, graphql.CollectedField{Field: f, Selections: f.SelectionSet}
}

func render(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

// resolveDirect gives the answer graphql.ResolveField gives without field middleware:
// the value marshalled under the field's context (its path), which the resolver sees too;
// a nil reported by the marshaller at that path; a resolver's error at that path and
// null; a panic in the resolver or the marshaller recovered into an error at that path
// and null; a failed field context null without an error.
func TestResolveDirectAnswersAsResolveField(t *testing.T) {
	oc := &graphql.OperationContext{
		RecoverFunc:        func(_ context.Context, v any) error { return fmt.Errorf("internal: %v", v) },
		ResolverMiddleware: func(ctx context.Context, next graphql.Resolver) (any, error) { return next(ctx) },
	}
	field := graphql.CollectedField{Field: &ast.Field{Name: "node", Alias: "node"}}
	fieldContext := func(_ context.Context, f graphql.CollectedField) (*graphql.FieldContext, error) {
		return &graphql.FieldContext{Object: "AccountEdge", Field: f}, nil
	}
	failing := func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error) {
		return nil, fmt.Errorf("no such field")
	}
	// marshal is what a generated marshalN… does: null and an error at the path for nil.
	marshal := func(ctx context.Context, _ ast.SelectionSet, v *string) graphql.Marshaler {
		if v == nil {
			graphql.AddErrorf(ctx, "the requested element is null which the schema does not allow")
			return graphql.Null
		}
		if strings.HasPrefix(*v, "panic in marshal") {
			panic("boom")
		}
		return graphql.MarshalString(*v + " at " + graphql.GetFieldContext(ctx).Path().String())
	}
	// resolver returns its value as seen from the field's context, or fails.
	resolver := func(v *string) func(context.Context) (*string, error) {
		return func(ctx context.Context) (*string, error) {
			switch {
			case v == nil:
				return nil, nil
			case *v == "error":
				return nil, fmt.Errorf("backend down")
			case *v == "panic in resolver":
				panic("bang")
			}
			s := *v + " from " + graphql.GetFieldContext(ctx).Object
			return &s, nil
		}
	}
	str := func(s string) *string { return &s }
	type answer struct {
		out    string
		errors []string
	}
	run := func(resolve func(ctx context.Context) graphql.Marshaler) answer {
		ctx := graphql.WithResponseContext(t.Context(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "edges"}}})
		var a answer
		a.out = render(resolve(ctx))
		for _, e := range graphql.GetErrors(ctx) {
			a.errors = append(a.errors, e.Path.String()+": "+e.Message)
		}
		return a
	}
	for _, c := range []struct {
		name string
		v    *string
		fc   func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error)
		want answer
	}{
		{"set", str("ok"), fieldContext, answer{out: `"ok from AccountEdge at edges.node"`}},
		{"nil", nil, fieldContext, answer{out: "null", errors: []string{"edges.node: the requested element is null which the schema does not allow"}}},
		{"resolver error", str("error"), fieldContext, answer{out: "null", errors: []string{"edges.node: backend down"}}},
		{"panic in the resolver", str("panic in resolver"), fieldContext, answer{out: "null", errors: []string{"edges.node: internal: bang"}}},
		{"panic in the marshaller", str("panic in marshal"), fieldContext, answer{out: "null", errors: []string{"edges.node: internal: boom"}}},
		{"no field context", str("ok"), failing, answer{out: "null"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			resolve := resolver(c.v)
			gqlgen := run(func(ctx context.Context) graphql.Marshaler {
				return graphql.ResolveField(ctx, oc, field, c.fc, func(ctx context.Context) (any, error) { return resolve(ctx) }, nil, marshal, true, true)
			})
			ours := run(func(ctx context.Context) graphql.Marshaler {
				return resolveDirect(ctx, oc, field, c.fc, resolve, marshal, true)
			})
			if !reflect.DeepEqual(gqlgen, c.want) {
				t.Fatalf("graphql.ResolveField answers %+v, the test expects %+v", gqlgen, c.want)
			}
			if !reflect.DeepEqual(ours, gqlgen) {
				t.Errorf("resolveDirect answers %+v, graphql.ResolveField %+v", ours, gqlgen)
			}
		})
	}
}

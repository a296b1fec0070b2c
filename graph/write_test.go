package graph

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

func written2(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

func TestStringPtrWritesAsGqlgen(t *testing.T) {
	samples := []string{"", "plain", `quote " and \ backslash`, "tab\tcr\rlf\n", "\x00\x01\x1f\x7f", "Grüße, 日本, 🙂",
		"\u2028\u2029 <script>&amp;", "invalid \xff\xfe utf-8 \xe2\x22", "\xe2\x80"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		samples = append(samples, string(b))
	}
	for _, s := range samples {
		if got, want := written2(marshalStringPtr(&s)), written2(graphql.MarshalString(s)); got != want {
			t.Fatalf("%q: wrote %s, gqlgen writes %s", s, got, want)
		}
	}
}

func TestObjectWritesAsFieldSet(t *testing.T) {
	fields := []graphql.CollectedField{
		{Field: &ast.Field{Alias: "id", Name: "id"}},
		{Field: &ast.Field{Alias: "first", Name: "name"}},
		{Field: &ast.Field{Alias: "first", Name: "email"}}, // a second field with one alias: the first wins
		{Field: &ast.Field{Alias: "n", Name: "count"}},
		{Field: &ast.Field{Alias: "nested", Name: "owner"}},
	}
	name := "Ada"
	innerAlloc, inner := newObject(fields[:2])
	inner.Values[0], inner.Values[1] = graphql.MarshalID("7"), graphql.Null
	values := []graphql.Marshaler{graphql.MarshalID("1"), marshalStringPtr(&name), graphql.MarshalString("x"), graphql.MarshalInt(3),
		innerAlloc.value(inner, fields[:2], 0)}
	const want = `{"id":"1","first":"Ada","n":3,"nested":{"id":"7","first":null}}`

	gqlgen := graphql.NewFieldSet(fields)
	copy(gqlgen.Values, values)
	if got := written2(gqlgen); got != want {
		t.Errorf("gqlgen's FieldSet wrote %s, want %s (the two must agree)", got, want)
	}
	for _, n := range []int{len(fields), 12} { // values in the allocation, and past it
		fs := fields
		for len(fs) < n {
			fs = append(fs, graphql.CollectedField{Field: &ast.Field{Alias: "n", Name: "count"}})
		}
		alloc, out := newObject(fs)
		if alloc == nil || len(out.Values) != n {
			t.Fatalf("%d fields: alloc %v, %d values", n, alloc, len(out.Values))
		}
		copy(out.Values, values)
		for i := len(values); i < n; i++ {
			out.Values[i] = graphql.MarshalInt(i)
		}
		if got := written2(alloc.value(out, fs, 0)); got != want {
			t.Errorf("%d fields: wrote %s, want %s", n, got, want)
		}
	}
	deferred := append([]graphql.CollectedField{}, fields...)
	deferred[3].Deferrables = []*graphql.Deferrable{{Label: "later"}}
	alloc, out := newObject(deferred)
	if alloc != nil || alloc.value(out, deferred, 1) != graphql.Marshaler(out) {
		t.Error("with a deferred field the field set is gqlgen's and is itself the value (gqlgen's views read it)")
	}
	if alloc, out := newObject(nil); written2(alloc.value(out, nil, 0)) != "{}" {
		t.Error("empty object")
	}
}

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

func TestObjectValueWritesAsFieldSet(t *testing.T) {
	fields := []graphql.CollectedField{
		{Field: &ast.Field{Alias: "id", Name: "id"}},
		{Field: &ast.Field{Alias: "first", Name: "name"}},
		{Field: &ast.Field{Alias: "first", Name: "email"}}, // a second field with one alias: the first wins
		{Field: &ast.Field{Alias: "n", Name: "count"}},
		{Field: &ast.Field{Alias: "nested", Name: "owner"}},
	}
	out := graphql.NewFieldSet(fields)
	name := "Ada"
	inner := graphql.NewFieldSet(fields[:2])
	inner.Values[0], inner.Values[1] = graphql.MarshalID("7"), graphql.Null
	out.Values = []graphql.Marshaler{graphql.MarshalID("1"), marshalStringPtr(&name), graphql.MarshalString("x"), graphql.MarshalInt(3),
		objectValue(inner, fields[:2], 0)}
	want := `{"id":"1","first":"Ada","n":3,"nested":{"id":"7","first":null}}`
	if got := written2(objectValue(out, fields, 0)); got != want {
		t.Errorf("objectValue wrote %s, want %s", got, want)
	}
	if got := written2(out); got != want {
		t.Errorf("gqlgen's FieldSet wrote %s, want %s (the two must agree)", got, want)
	}
	if objectValue(out, fields, 1) != graphql.Marshaler(out) {
		t.Error("with deferred fragments the field set itself is returned (gqlgen's views read it)")
	}
	if got := written2(objectValue(graphql.NewFieldSet(nil), nil, 0)); got != "{}" {
		t.Errorf("empty object: %s", got)
	}
}

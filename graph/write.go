package graph

import (
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// The response writers internal/gqlgenpost points generated.go at. gqlgen allocates an
// object's field set and its values apart, writes the object through an iterator over
// them (a closure, a copy of each field on the heap, a map of written aliases) and a
// string through a closure holding it; on the canonical query that was about 2,500 of
// the gateway's 19,450 allocations. These write the same bytes with one allocation an
// object.

// objectAlloc is one object's field set, its values and what it writes, allocated
// together: gqlgen allocates the field set and its values apart, and the iterator it
// writes through on top. An object marshaller starts with alloc, out := newObject(fields)
// and ends with alloc.value(out, fields, len(deferred.Defers)).
type objectAlloc struct {
	set    graphql.FieldSet // out: the generated code fills Values and counts Invalids
	obj    object
	values [8]graphql.Marshaler
}

// newObject returns the field set an object marshaller fills. With a deferred field
// it is gqlgen's own (graphql.NewFieldSet), since gqlgen's @defer views read it, and
// alloc is nil. Otherwise the set holds only Values and Invalids, all that the
// generated code and graph/exec.go's field tasks use of it; value, not the set,
// writes the object.
func newObject(fields []graphql.CollectedField) (alloc *objectAlloc, out *graphql.FieldSet) {
	if anyDeferred(fields) {
		return nil, graphql.NewFieldSet(fields)
	}
	a := &objectAlloc{}
	if len(fields) <= len(a.values) {
		a.set.Values = a.values[:len(fields):len(fields)]
	} else {
		a.set.Values = make([]graphql.Marshaler, len(fields))
	}
	return a, &a.set
}

// value is what the object marshaller returns: the object, written as gqlgen's
// graphql.FieldSet.MarshalGQL would write it, or gqlgen's field set itself when
// fragments are deferred.
func (a *objectAlloc) value(out *graphql.FieldSet, fields []graphql.CollectedField, deferred int) graphql.Marshaler {
	if a == nil || deferred > 0 {
		return out
	}
	a.obj = object{fields: fields, values: out.Values}
	return &a.obj
}

type object struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

// MarshalGQL writes {"alias":value,…} in field order, each alias once (as gqlgen does:
// the first of two fields with one alias wins; CollectFields merges them, so it does
// not happen in practice). An alias is a GraphQL name, [_A-Za-z][_0-9A-Za-z]*, which
// JSON needs no escape for.
func (o *object) MarshalGQL(w io.Writer) {
	io.WriteString(w, "{")
	for i := range o.fields {
		alias := o.fields[i].Alias
		if written(o.fields[:i], alias) {
			continue
		}
		if i > 0 {
			io.WriteString(w, ",")
		}
		io.WriteString(w, `"`)
		io.WriteString(w, alias)
		io.WriteString(w, `":`)
		o.values[i].MarshalGQL(w)
	}
	io.WriteString(w, "}")
}

func written(before []graphql.CollectedField, alias string) bool {
	for i := range before {
		if before[i].Alias == alias {
			return true
		}
	}
	return false
}

// stringPtr writes the string it points to as graphql.MarshalString does. A *string
// converts to an interface without an allocation; the string it points to belongs to
// a model the resolvers no longer change.
type stringPtr string

func marshalStringPtr(v *string) graphql.Marshaler { return (*stringPtr)(v) }

func (s *stringPtr) MarshalGQL(w io.Writer) { writeQuoted(w, string(*s)) }

// writeQuoted writes s as a JSON string the way gqlgen does: ", \ and control
// characters escaped (\t \r \n by name, others as \u00XX, upper-case hex), everything else, invalid
// UTF-8 included, as it is.
func writeQuoted(w io.Writer, s string) {
	const hex = "0123456789ABCDEF"
	io.WriteString(w, `"`)
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		io.WriteString(w, s[start:i])
		switch c {
		case '\t':
			io.WriteString(w, `\t`)
		case '\r':
			io.WriteString(w, `\r`)
		case '\n':
			io.WriteString(w, `\n`)
		case '\\':
			io.WriteString(w, `\\`)
		case '"':
			io.WriteString(w, `\"`)
		default:
			io.WriteString(w, `\u00`)
			io.WriteString(w, hex[c>>4:c>>4+1])
			io.WriteString(w, hex[c&0xf:c&0xf+1])
		}
		start = i + 1
	}
	io.WriteString(w, s[start:])
	io.WriteString(w, `"`)
}

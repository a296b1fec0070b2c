package graph

import (
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// The response writers internal/gqlgenpost points generated.go at. gqlgen writes an
// object through an iterator over its field set (a closure, a copy of each field on the
// heap, a map of written aliases) and a string through a closure holding it; on the
// canonical query those are a tenth of the gateway's allocations. These write the same
// bytes without them.

// objectValue is what an object marshaller returns: its field set as gqlgen would write
// it (graphql.FieldSet.MarshalGQL). With deferred fragments the field set itself is
// returned, since gqlgen's @defer views take values out of it.
func objectValue(out *graphql.FieldSet, fields []graphql.CollectedField, deferred int) graphql.Marshaler {
	if deferred > 0 {
		return out
	}
	return &object{fields: fields, values: out.Values}
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

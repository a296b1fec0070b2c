package cirrus

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The sandbox has its own JSON model, independent of the client's wire structs, so a
// field-name mismatch between the two shows up in the client tests. Records are
// rendered as ordered trees (flask-restx marshals in model order), the X-Fields mask is
// applied to the tree, and the writer prints it the way flask-restx does: Python's
// json.dumps with ensure_ascii and ", "/": " separators, plus a trailing newline.

type field struct {
	k string
	v any // nil, string, *string, int, bool, num, obj, []obj, []any
}

type obj []field

// num is a JSON number already in its final text form (money as "1250.5").
type num string

func (o obj) get(k string) (any, bool) {
	for _, f := range o {
		if f.k == k {
			return f.v, true
		}
	}
	return nil, false
}

func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, x)
	case *string:
		if x == nil {
			return append(b, "null"...)
		}
		return appendString(b, *x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case bool:
		return strconv.AppendBool(b, x)
	case num:
		return append(b, x...)
	case obj:
		b = append(b, '{')
		for i, f := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendString(b, f.k)
			b = append(b, ": "...)
			b = appendJSON(b, f.v)
		}
		return append(b, '}')
	case []obj:
		b = append(b, '[')
		for i, o := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSON(b, o)
		}
		return append(b, ']')
	case []any:
		b = append(b, '[')
		for i, o := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSON(b, o)
		}
		return append(b, ']')
	}
	panic("cirrus sandbox: unsupported JSON value")
}

const hexDigits = "0123456789abcdef"

// appendString escapes like Python's json.dumps(ensure_ascii=True).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, '\\', '"')
		case r == '\\':
			b = append(b, '\\', '\\')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20 || r >= 0x7f:
			if r == utf8.RuneError {
				r = 0xfffd
			}
			if r > 0xffff {
				r -= 0x10000
				b = appendU(b, 0xd800+(r>>10))
				b = appendU(b, 0xdc00+(r&0x3ff))
			} else {
				b = appendU(b, r)
			}
		default:
			b = append(b, byte(r))
		}
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// mask is a parsed X-Fields header in flask-restx syntax: "{id,name,user{id,name}}",
// outer braces optional, "*" for all remaining fields.
type mask struct {
	fields []maskField
	star   bool
}

type maskField struct {
	name string
	sub  *mask
}

// parseMask follows flask_restx.mask.Mask.parse, including its error wording.
func parseMask(s string) (*mask, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\n", ""))
	if s == "" {
		return nil, nil
	}
	if s[0] == '{' {
		if s[len(s)-1] != '}' {
			return nil, errors.New("Missing closing bracket")
		}
		s = s[1 : len(s)-1]
	}
	root := &mask{}
	cur := root
	var stack []*mask
	prev := ""
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '{':
			if prev == "" || prev == "{" || prev == "}" || prev == "," || len(cur.fields) == 0 || cur.fields[len(cur.fields)-1].name != prev {
				return nil, errors.New("Unexpected opening bracket")
			}
			sub := &mask{}
			cur.fields[len(cur.fields)-1].sub = sub
			stack = append(stack, cur)
			cur = sub
			prev = "{"
			i++
		case '}':
			if len(stack) == 0 {
				return nil, errors.New("Unexpected closing bracket")
			}
			cur = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			prev = "}"
			i++
		case ',':
			prev = ","
			i++
		default:
			j := i
			for j < len(s) && s[j] != '{' && s[j] != '}' && s[j] != ',' {
				j++
			}
			tok := strings.TrimSpace(s[i:j])
			i = j
			if tok == "" {
				continue
			}
			if tok == "*" {
				cur.star = true
			} else {
				cur.fields = append(cur.fields, maskField{name: tok})
			}
			prev = tok
		}
	}
	if len(stack) > 0 {
		return nil, errors.New("Missing closing bracket")
	}
	return root, nil
}

// apply filters a rendered record: unknown names are skipped (flask-restx masks the
// model's fields with skip=True), nested masks recurse into objects and lists.
func (m *mask) apply(v any) any {
	switch x := v.(type) {
	case obj:
		out := make(obj, 0, len(m.fields))
		for _, f := range m.fields {
			val, ok := x.get(f.name)
			if !ok {
				continue
			}
			if f.sub != nil {
				val = f.sub.apply(val)
			}
			out = append(out, field{f.name, val})
		}
		if m.star {
			for _, f := range x {
				if _, done := out.get(f.k); !done {
					out = append(out, f)
				}
			}
		}
		return out
	case []obj:
		out := make([]obj, len(x))
		for i, o := range x {
			out[i] = m.apply(o).(obj)
		}
		return out
	}
	return v
}

package clientdata

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The contacts export takes a HotChocolate GraphQL document over one root field,
// `contacts`, with the CollectionSegment paging arguments skip/take and a `where`
// filter input (and/or lists, nested objects down to a field, then operators). This
// file parses just that much GraphQL; the selection set is checked for balance only,
// because the export always writes every exportable attribute.

// exportQuery is a parsed export request; the zero value exports everything.
type exportQuery struct {
	skip, take int // take < 0: no limit
	where      predicate
}

type predicate func(*contact) bool

type tokenKind byte

const (
	tokEOF tokenKind = iota
	tokPunct
	tokName
	tokString
	tokInt
	tokFloat
)

type token struct {
	kind tokenKind
	text string // punctuator, name, raw number, or the decoded string
	pos  int    // byte offset, for error messages
}

type queryError struct {
	pos int
	msg string
}

func (e *queryError) Error() string { return fmt.Sprintf("%s (at offset %d)", e.msg, e.pos) }

func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++ // commas are insignificant in GraphQL
		case strings.HasPrefix(src[i:], "\ufeff"):
			i += len("\ufeff")
		case c == '#':
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
		case strings.IndexByte("{}()[]:$!=@|&", c) >= 0:
			out = append(out, token{tokPunct, string(c), i})
			i++
		case c == '.':
			return nil, &queryError{i, "fragments are not supported"}
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			out = append(out, token{tokName, src[i:j], i})
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j, kind := i+1, tokInt
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || strings.IndexByte(".eE+-", src[j]) >= 0) {
				if strings.IndexByte(".eE", src[j]) >= 0 {
					kind = tokFloat
				}
				j++
			}
			if _, err := strconv.ParseFloat(src[i:j], 64); err != nil {
				return nil, &queryError{i, fmt.Sprintf("invalid number %q", src[i:j])}
			}
			out = append(out, token{kind, src[i:j], i})
			i = j
		case c == '"':
			if strings.HasPrefix(src[i:], `"""`) {
				return nil, &queryError{i, "block strings are not supported"}
			}
			s, n, err := lexString(src[i:])
			if err != nil {
				return nil, &queryError{i, err.Error()}
			}
			out = append(out, token{tokString, s, i})
			i += n
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, &queryError{i, fmt.Sprintf("unexpected character %q", r)}
		}
	}
	return append(out, token{tokEOF, "", len(src)}), nil
}

// lexString decodes the string literal at the start of s and returns its length.
func lexString(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), i + 1, nil
		case c == '\n' || c == '\r':
			return "", 0, fmt.Errorf("unterminated string")
		case c == '\\':
			if i+1 >= len(s) {
				return "", 0, fmt.Errorf("unterminated string")
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if i+6 > len(s) {
					return "", 0, fmt.Errorf("invalid unicode escape")
				}
				n, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
				if err != nil {
					return "", 0, fmt.Errorf("invalid unicode escape")
				}
				b.WriteRune(rune(n))
				i += 4
			default:
				return "", 0, fmt.Errorf("invalid escape \\%c", e)
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, fmt.Errorf("unterminated string")
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) is(kind tokenKind, text string) bool {
	t := p.peek()
	return t.kind == kind && t.text == text
}

func (p *parser) expect(text string) error {
	if t := p.next(); t.kind != tokPunct || t.text != text {
		return p.unexpected(t, "'"+text+"'")
	}
	return nil
}

func (p *parser) unexpected(t token, want string) error {
	got := "end of query"
	if t.kind != tokEOF {
		got = fmt.Sprintf("%q", t.text)
	}
	return &queryError{t.pos, fmt.Sprintf("expected %s, got %s", want, got)}
}

// enumValue is a bare name in value position (HotChocolate enum values such as ASC).
type enumValue string

// value parses a GraphQL input value. Objects keep their keys in source order so
// errors and evaluation are deterministic.
func (p *parser) value() (any, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return t.text, nil
	case tokInt:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, &queryError{t.pos, fmt.Sprintf("invalid integer %q", t.text)}
		}
		return n, nil
	case tokFloat:
		f, _ := strconv.ParseFloat(t.text, 64)
		return f, nil
	case tokName:
		switch t.text {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return enumValue(t.text), nil
	case tokPunct:
		switch t.text {
		case "$":
			return nil, &queryError{t.pos, "variables are not supported"}
		case "[":
			list := []any{}
			for !p.is(tokPunct, "]") {
				if p.peek().kind == tokEOF {
					return nil, p.unexpected(p.peek(), "']'")
				}
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			p.next()
			return list, nil
		case "{":
			obj := &object{}
			for !p.is(tokPunct, "}") {
				k := p.next()
				if k.kind != tokName {
					return nil, p.unexpected(k, "a field name or '}'")
				}
				if obj.get(k.text) != nil {
					return nil, &queryError{k.pos, fmt.Sprintf("field %q given twice", k.text)}
				}
				if err := p.expect(":"); err != nil {
					return nil, err
				}
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				obj.fields = append(obj.fields, objectField{k.text, v, k.pos})
			}
			p.next()
			return obj, nil
		}
	}
	return nil, p.unexpected(t, "a value")
}

type objectField struct {
	name  string
	value any
	pos   int
}

type object struct{ fields []objectField }

func (o *object) get(name string) *objectField {
	for i := range o.fields {
		if o.fields[i].name == name {
			return &o.fields[i]
		}
	}
	return nil
}

// skipSelection checks a selection set for balanced braces and parentheses. An empty
// selection is accepted: the seed's own sample has `items { }`.
func (p *parser) skipSelection() error {
	if err := p.expect("{"); err != nil {
		return err
	}
	depth := 1
	for depth > 0 {
		t := p.next()
		switch {
		case t.kind == tokEOF:
			return p.unexpected(t, "'}'")
		case t.kind == tokPunct && t.text == "{":
			depth++
		case t.kind == tokPunct && t.text == "}":
			depth--
		case t.kind == tokPunct && t.text == "(":
			for !p.is(tokPunct, ")") { // field arguments inside the selection
				if p.peek().kind == tokEOF {
					return p.unexpected(p.peek(), "')'")
				}
				p.next()
			}
			p.next()
		}
	}
	return nil
}

// parseExportQuery parses a query document: `query [Name] { contacts(args) { … } }`
// or the shorthand `{ contacts … }`, with an optional alias on the root field.
func parseExportQuery(src string) (exportQuery, error) {
	q := exportQuery{take: -1}
	toks, err := lex(src)
	if err != nil {
		return q, err
	}
	p := &parser{toks: toks}
	if p.is(tokName, "query") {
		p.next()
		if p.peek().kind == tokName {
			p.next() // operation name
		}
		if p.is(tokPunct, "(") {
			return q, &queryError{p.peek().pos, "variables are not supported"}
		}
	} else if t := p.peek(); t.kind == tokName {
		return q, &queryError{t.pos, fmt.Sprintf("only query operations are supported, got %q", t.text)}
	}
	if err := p.expect("{"); err != nil {
		return q, err
	}
	field := p.next()
	if field.kind != tokName {
		return q, p.unexpected(field, "the field 'contacts'")
	}
	if p.is(tokPunct, ":") { // alias
		p.next()
		if field = p.next(); field.kind != tokName {
			return q, p.unexpected(field, "the field 'contacts'")
		}
	}
	if field.text != "contacts" {
		return q, &queryError{field.pos, fmt.Sprintf("unknown root field %q: the export reads 'contacts'", field.text)}
	}
	if p.is(tokPunct, "(") {
		p.next()
		seen := map[string]bool{}
		for !p.is(tokPunct, ")") {
			name := p.next()
			if name.kind != tokName {
				return q, p.unexpected(name, "an argument name or ')'")
			}
			if seen[name.text] {
				return q, &queryError{name.pos, fmt.Sprintf("argument %q given twice", name.text)}
			}
			seen[name.text] = true
			if err := p.expect(":"); err != nil {
				return q, err
			}
			v, err := p.value()
			if err != nil {
				return q, err
			}
			if err := q.argument(name, v); err != nil {
				return q, err
			}
		}
		p.next()
	}
	if p.is(tokPunct, "{") {
		if err := p.skipSelection(); err != nil {
			return q, err
		}
	}
	if err := p.expect("}"); err != nil {
		return q, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return q, p.unexpected(t, "end of query")
	}
	return q, nil
}

func (q *exportQuery) argument(name token, v any) error {
	switch name.text {
	case "skip", "take":
		n, ok := v.(int64)
		if !ok || n < 0 || n > 1<<31-1 {
			return &queryError{name.pos, fmt.Sprintf("%s must be a non-negative Int", name.text)}
		}
		if name.text == "skip" {
			q.skip = int(n)
		} else {
			q.take = int(n)
		}
	case "where":
		obj, ok := v.(*object)
		if !ok {
			return &queryError{name.pos, "where must be a ContactFilterInput object"}
		}
		pred, err := compileFilter(obj, "")
		if err != nil {
			return err
		}
		q.where = pred
	default:
		return &queryError{name.pos, fmt.Sprintf("unknown argument %q of 'contacts' (skip, take, where)", name.text)}
	}
	return nil
}

// Filterable leaves besides the schema paths.
const (
	filterID       = "id"
	filterUID      = "uId"
	filterUsername = "username"
)

// leafValue returns the getter of a filterable leaf, nil when path is none.
func leafValue(path string) func(*contact) string {
	switch path {
	case filterID:
		return func(c *contact) string { return strconv.Itoa(int(c.id)) }
	case filterUID:
		return func(c *contact) string { return c.uid }
	case filterUsername:
		return func(c *contact) string { return c.username }
	}
	if fieldFor(path) != nil {
		return func(c *contact) string { return c.details[path] }
	}
	return nil
}

// isBranch reports whether path is an object level of the schema (e.g. "addresses").
func isBranch(path string) bool {
	for _, f := range contactFields {
		if strings.HasPrefix(f.path, path+".") {
			return true
		}
	}
	return false
}

// compileFilter turns a filter input object at path into a predicate: its fields are
// ANDed; `and`/`or` take lists of filter objects; a leaf takes operator objects.
func compileFilter(obj *object, path string) (predicate, error) {
	var preds []predicate
	for _, f := range obj.fields {
		var pred predicate
		var err error
		switch f.name {
		case "and", "or":
			pred, err = compileCombinator(f, path)
		default:
			child := f.name
			if path != "" {
				child = path + "." + f.name
			}
			sub, ok := f.value.(*object)
			switch {
			case !ok:
				err = &queryError{f.pos, fmt.Sprintf("%s expects a filter object", child)}
			case leafValue(child) != nil:
				pred, err = compileOperations(sub, child)
			case isBranch(child):
				pred, err = compileFilter(sub, child)
			default:
				err = &queryError{f.pos, fmt.Sprintf("unknown filter field %q", child)}
			}
		}
		if err != nil {
			return nil, err
		}
		preds = append(preds, pred)
	}
	return all(preds), nil
}

func compileCombinator(f objectField, path string) (predicate, error) {
	list, ok := f.value.([]any)
	if !ok {
		if obj, single := f.value.(*object); single { // GraphQL input coercion of a lone item
			list = []any{obj}
		} else {
			return nil, &queryError{f.pos, f.name + " expects a list of filter objects"}
		}
	}
	var preds []predicate
	for _, item := range list {
		obj, ok := item.(*object)
		if !ok {
			return nil, &queryError{f.pos, f.name + " expects a list of filter objects"}
		}
		pred, err := compileFilter(obj, path)
		if err != nil {
			return nil, err
		}
		preds = append(preds, pred)
	}
	if f.name == "and" {
		return all(preds), nil
	}
	return func(c *contact) bool {
		for _, p := range preds {
			if p(c) {
				return true
			}
		}
		return false
	}, nil
}

func all(preds []predicate) predicate {
	return func(c *contact) bool {
		for _, p := range preds {
			if !p(c) {
				return false
			}
		}
		return true
	}
}

// compileOperations compiles the operators of one leaf. String comparisons ignore
// case, as the API's SQL store would with a case-insensitive collation; `id` compares
// numerically.
func compileOperations(ops *object, path string) (predicate, error) {
	get := leafValue(path)
	numeric := path == filterID
	var preds []predicate
	for _, op := range ops.fields {
		bad := func(want string) error {
			return &queryError{op.pos, fmt.Sprintf("%s.%s expects %s", path, op.name, want)}
		}
		var pred predicate
		switch op.name {
		case "eq", "neq":
			want, ok := scalar(op.value, numeric)
			if !ok {
				return nil, bad(kindName(numeric))
			}
			neg := op.name == "neq"
			pred = func(c *contact) bool { return strings.EqualFold(get(c), want) != neg }
		case "in", "nin":
			list, ok := op.value.([]any)
			if !ok {
				return nil, bad("a list")
			}
			wants := map[string]bool{}
			for _, v := range list {
				s, ok := scalar(v, numeric)
				if !ok {
					return nil, bad("a list of " + kindName(numeric))
				}
				wants[strings.ToLower(s)] = true
			}
			neg := op.name == "nin"
			pred = func(c *contact) bool { return wants[strings.ToLower(get(c))] != neg }
		case "contains", "ncontains", "startsWith", "nstartsWith", "endsWith", "nendsWith":
			s, ok := op.value.(string)
			if numeric || !ok {
				if numeric {
					return nil, &queryError{op.pos, fmt.Sprintf("%s has no operator %q", path, op.name)}
				}
				return nil, bad("a String")
			}
			want := strings.ToLower(s)
			test := strings.Contains
			switch strings.TrimPrefix(op.name, "n") {
			case "startsWith":
				test = strings.HasPrefix
			case "endsWith":
				test = strings.HasSuffix
			}
			neg := strings.HasPrefix(op.name, "n")
			pred = func(c *contact) bool { return test(strings.ToLower(get(c)), want) != neg }
		case "gt", "gte", "lt", "lte":
			n, ok := op.value.(int64)
			if !numeric {
				return nil, &queryError{op.pos, fmt.Sprintf("%s has no operator %q", path, op.name)}
			}
			if !ok {
				return nil, bad("an Int")
			}
			name := op.name
			pred = func(c *contact) bool {
				id := int64(c.id)
				switch name {
				case "gt":
					return id > n
				case "gte":
					return id >= n
				case "lt":
					return id < n
				}
				return id <= n
			}
		default:
			return nil, &queryError{op.pos, fmt.Sprintf("%s has no operator %q", path, op.name)}
		}
		preds = append(preds, pred)
	}
	return all(preds), nil
}

// scalar reads an eq/in operand: an Int for id, a String (null: empty) otherwise.
func scalar(v any, numeric bool) (string, bool) {
	if numeric {
		n, ok := v.(int64)
		return strconv.FormatInt(n, 10), ok
	}
	switch v := v.(type) {
	case string:
		return v, true
	case nil:
		return "", true
	}
	return "", false
}

func kindName(numeric bool) string {
	if numeric {
		return "an Int"
	}
	return "a String"
}

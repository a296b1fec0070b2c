package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Selections generated from schema.graphqls, so that a field added to the schema is
// read (and compared) by the value tests without anyone listing it.

var testSchema struct {
	once sync.Once
	s    *ast.Schema
	err  error
}

func schemaForTests(t testing.TB) *ast.Schema {
	t.Helper()
	testSchema.once.Do(func() {
		b, err := os.ReadFile("schema.graphqls")
		if err != nil {
			testSchema.err = err
			return
		}
		testSchema.s, testSchema.err = gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(b)})
	})
	if testSchema.err != nil {
		t.Fatal(testSchema.err)
	}
	return testSchema.s
}

// connectionWindow is how many ids of a connection field a full selection reads.
const connectionWindow = 5

// fieldKind tells how a field is selected.
type fieldKind int

const (
	leafField       fieldKind = iota // scalar or enum (or a list of them)
	valueField                       // an object without an id of its own (Address, OrderRow, AccountType…)
	edgeField                        // a Node or a list of Nodes: selected as { id }
	connectionField                  // an XConnection: selected as its ids in order
)

// selField is one field of a type with the selection that reads all of it.
type selField struct {
	name   string
	kind   fieldKind
	target string // the named type of the field
	text   string // e.g. `owner { id }`
}

func isNodeType(s *ast.Schema, def *ast.Definition) bool {
	for _, i := range def.Interfaces {
		if i == "Node" {
			return true
		}
	}
	return false
}

// fieldsOf lists every field of typ that takes no required argument, in schema order.
func fieldsOf(t testing.TB, typ string) []selField {
	t.Helper()
	s := schemaForTests(t)
	def := s.Types[typ]
	if def == nil {
		t.Fatalf("no type %s in the schema", typ)
	}
	var out []selField
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") || requiresArgs(f) {
			continue
		}
		target := s.Types[f.Type.Name()]
		sf := selField{name: f.Name, target: target.Name}
		switch {
		case target.Kind == ast.Scalar || target.Kind == ast.Enum:
			sf.kind, sf.text = leafField, f.Name
		case target.Kind == ast.Object && isNodeType(s, target):
			sf.kind, sf.text = edgeField, f.Name+" { id }"
		case target.Kind == ast.Object && strings.HasSuffix(target.Name, "Connection"):
			args := ""
			if f.Arguments.ForName("first") != nil {
				args = fmt.Sprintf("(first: %d)", connectionWindow)
			}
			sf.kind, sf.text = connectionField, f.Name+args+" { totalCount edges { node { id } } pageInfo { hasNextPage } }"
		case target.Kind == ast.Object:
			sf.kind, sf.text = valueField, f.Name+" { "+fullSelection(t, target.Name)+" }"
		default:
			t.Fatalf("%s.%s: no selection for a %s", typ, f.Name, target.Kind)
		}
		out = append(out, sf)
	}
	return out
}

func requiresArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// fullSelection reads every field of typ: leaves, value objects in full, edges as ids.
func fullSelection(t testing.TB, typ string) string {
	t.Helper()
	fs := fieldsOf(t, typ)
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.text
	}
	return strings.Join(parts, " ")
}

// leafPaths lists the dotted paths of every leaf a value holds ("addresses.city"), for
// reporting which fields a comparison covered.
func leafPaths(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			leafPaths(x[k], p, out)
		}
	case []any:
		for _, e := range x {
			leafPaths(e, prefix, out)
		}
	default:
		out[prefix] = true
	}
}

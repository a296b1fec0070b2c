package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"crmgraph/limits"
)

// The standard introspection query (graphql-js getIntrospectionQuery with every option
// on, as GraphiQL, GraphQL Code Generator and IDE plugins send it) nests 16 deep, past
// DEPTH_LIMIT: introspection is bounded on its own terms, so it works with the defaults.
func TestStandardIntrospectionQueryWorksWithDefaultLimits(t *testing.T) {
	b, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: string(b)})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := LoadConfig(nil, func(string) string { return "" })
	if d := deepest(doc.Operations[0].SelectionSet, doc); d <= cfg.DepthLimit {
		t.Fatalf("the test query nests %d deep: it would not test the limit (%d)", d, cfg.DepthLimit)
	}
	r := post(t, gateway(t), request{Query: string(b)})
	var out struct {
		Schema struct {
			Types []struct{ Name string }
		} `json:"__schema"`
	}
	if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil || len(out.Schema.Types) < 50 {
		t.Fatalf("introspection: %.500s", r.raw)
	}
	if r.calls("") != 0 {
		t.Fatalf("introspection made %d backend calls", r.calls(""))
	}
	// Data queries stay under the depth limit: introspection does not open a door.
	deep := `{ accounts(first: 1) { edges { node { contacts(first: 1) { edges { node { account { contacts(first: 1) { edges { node { account { owner { name } } } } } } } } } } } } }`
	if r := post(t, gateway(t), request{Query: deep}); len(r.codes()) != 1 || r.codes()[0] != limits.CodeDepthLimitExceeded {
		t.Fatalf("a deep data query: %.300s", r.raw)
	}
}

// deepest is the selection depth counting every field, introspection included.
func deepest(set ast.SelectionSet, doc *ast.QueryDocument) int {
	d := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			d = max(d, 1+deepest(s.SelectionSet, doc))
		case *ast.InlineFragment:
			d = max(d, deepest(s.SelectionSet, doc))
		case *ast.FragmentSpread:
			d = max(d, deepest(doc.Fragments.ForName(s.Name).SelectionSet, doc))
		}
	}
	return d
}

// TestCustomScalarsAreSpecified: every custom scalar names its specification
// (@specifiedBy, read by code generators to type it) and says what it carries.
func TestCustomScalarsAreSpecified(t *testing.T) {
	var out struct {
		Schema struct {
			Types []struct {
				Kind, Name     string
				Description    *string
				SpecifiedByURL *string
			}
		} `json:"__schema"`
	}
	query(t, `{ __schema { types { kind name description specifiedByURL } } }`, nil, &out)
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	seen := 0
	for _, typ := range out.Schema.Types {
		if typ.Kind != "SCALAR" || builtin[typ.Name] {
			continue
		}
		seen++
		if typ.SpecifiedByURL == nil || !strings.HasPrefix(*typ.SpecifiedByURL, "https://") {
			t.Errorf("scalar %s has no https specifiedByURL", typ.Name)
		}
		if typ.Description == nil || len(*typ.Description) < 40 {
			t.Errorf("scalar %s has no description worth the name", typ.Name)
		}
	}
	if seen != 4 {
		t.Errorf("%d custom scalars, want DateTime, Date, Decimal and JSON", seen)
	}
}

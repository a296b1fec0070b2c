package main

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// undocumented lists every type, field, argument, input field and enum value of the
// schema without a description, skipping the built-in (prelude and __*) definitions.
func undocumented(t *testing.T, src string) []string {
	t.Helper()
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: src})
	if err != nil {
		t.Fatalf("schema.graphqls: %v", err)
	}
	var missing []string
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	for name, def := range schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if blank(def.Description) {
			missing = append(missing, name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if blank(f.Description) {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if blank(a.Description) {
					missing = append(missing, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range def.EnumValues {
			if blank(v.Description) {
				missing = append(missing, name+"."+v.Name)
			}
		}
	}
	sort.Strings(missing)
	return missing
}

// TestSchemaDescriptions: the Docs panel is the frontend's manual, so every type,
// field, argument, input field and enum value says what it is.
func TestSchemaDescriptions(t *testing.T) {
	b, err := os.ReadFile("schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	if missing := undocumented(t, string(b)); len(missing) > 0 {
		t.Errorf("%d schema definitions have no description:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}

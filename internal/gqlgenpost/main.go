// Command gqlgenpost finishes `go tool gqlgen generate` for crmgraph (make generate
// runs both). gqlgen's executor gives every element of an object list its own new
// goroutine, and builds every object's @defer bookkeeping (the response path, a field
// set, a map) whether or not the operation defers anything; on the canonical query
// that is ~300 goroutines, each growing its stack, and a sixth of all allocations.
// Its field sets likewise start a new goroutine for every concurrently resolved field
// after the first. This pass points those call sites at crmgraph's own versions
// (graph/exec.go), which keep gqlgen's semantics:
//
//   - graphql.MarshalSliceConcurrently(  →  marshalSlice(
//   - graphql.NewDeferredGroup(ctx)      →  newDeferredGroup(ctx, fields)
//   - out.ResolveConcurrently(…)         →  tasks.resolve(ctx, out, field, …), with var tasks fieldTasks
//   - out.Dispatch(ctx)                  →  tasks.dispatch(ctx, out)
//
// and writes graph/concurrency_gen.go: for every object, the fields gqlgen resolves
// concurrently (a resolver, or a method taking a context), read from the generated
// object marshallers. marshalSlice uses it to run a list's elements in order when
// nothing under them can block.
//
// The pass is idempotent and fails loudly when gqlgen's output no longer has the shapes
// it rewrites, so an upgrade cannot silently drop it; scripts/test.sh runs it as part
// of the generated-code-is-current check.
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	if err := run("graph"); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgenpost:", err)
		os.Exit(1)
	}
}

type rewrite struct{ from, to string }

var rewrites = []rewrite{
	{"graphql.MarshalSliceConcurrently(", "marshalSlice("},
	{"graphql.NewDeferredGroup(ctx)", "newDeferredGroup(ctx, fields)"},
	{"\tdeferred := newDeferredGroup(ctx, fields)\n", "\tdeferred := newDeferredGroup(ctx, fields)\n\tvar tasks fieldTasks\n"},
	{"out.ResolveConcurrently(ec.OperationContext, &deferred, i,", "tasks.resolve(ctx, out, field, ec.OperationContext, &deferred, i,"},
	{"\tout.Dispatch(ctx)\n", "\ttasks.dispatch(ctx, out)\n"},
}

func run(dir string) error {
	path := filepath.Join(dir, "generated.go")
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, r := range rewrites { // in order; one already applied (a second run) is skipped
		switch {
		case bytes.Contains(src, []byte(r.to)):
		case bytes.Contains(src, []byte(r.from)):
			src = bytes.ReplaceAll(src, []byte(r.from), []byte(r.to))
		default:
			return fmt.Errorf("%s has neither %q nor %q: gqlgen's output changed, update internal/gqlgenpost", path, r.from, r.to)
		}
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		return fmt.Errorf("rewritten %s does not parse: %w", path, err)
	}
	table := concurrentFields(file)
	if len(table) == 0 {
		return fmt.Errorf("%s: found no object marshallers: gqlgen's output changed, update internal/gqlgenpost", path)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "concurrency_gen.go"), tableSource(table), 0o644)
}

// concurrentFields reads each object marshaller (func (ec *executionContext) _Type(ctx,
// sel, obj) graphql.Marshaler) and returns "Type.field" for every case of its field
// switch that schedules the field concurrently (ResolveConcurrently, ResolveRootConcurrently,
// or tasks.resolve after the rewrite).
// An object with no such field still gets an entry (false for "Type."), so the table
// also says which objects exist.
func concurrentFields(file *ast.File) map[string]bool {
	table := map[string]bool{}
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "_") {
			continue
		}
		object, concurrent := "", []string(nil)
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			sw, ok := n.(*ast.SwitchStmt)
			if !ok || !isFieldName(sw.Tag) {
				return true
			}
			for _, stmt := range sw.Body.List {
				cc := stmt.(*ast.CaseClause)
				if len(cc.List) != 1 {
					continue
				}
				lit, ok := cc.List[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				name, _ := strconv.Unquote(lit.Value)
				switch {
				case name == "__typename":
					object = typenameOf(cc)
				case schedulesConcurrently(cc):
					concurrent = append(concurrent, name)
				}
			}
			return false
		})
		if object == "" { // not an object marshaller (a field or subscription function)
			continue
		}
		table[object+"."] = false
		for _, f := range concurrent {
			table[object+"."+f] = true
		}
	}
	return table
}

// isFieldName reports whether e is field.Name (or fields[0].Name).
func isFieldName(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Name"
}

// typenameOf returns "X" from the __typename case: out.Values[i] = graphql.MarshalString("X").
func typenameOf(cc *ast.CaseClause) string {
	name := ""
	ast.Inspect(cc, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "MarshalString" {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok {
				name, _ = strconv.Unquote(lit.Value)
			}
		}
		return true
	})
	return name
}

func schedulesConcurrently(cc *ast.CaseClause) bool {
	found := false
	ast.Inspect(cc, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			switch sel.Sel.Name {
			case "ResolveConcurrently", "ResolveRootConcurrently", "Concurrently":
				found = true
			case "resolve": // tasks.resolve, the rewritten ResolveConcurrently
				x, ok := sel.X.(*ast.Ident)
				found = ok && x.Name == "tasks"
			}
		}
		return !found
	})
	return found
}

func tableSource(table map[string]bool) []byte {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/gqlgenpost from generated.go. DO NOT EDIT.\n\npackage graph\n\n")
	b.WriteString("// concurrentFields holds, for every object gqlgen marshals, \"Type.\" (false) and\n")
	b.WriteString("// \"Type.field\" (true) for each field gqlgen resolves on its own goroutine.\n")
	b.WriteString("var concurrentFields = map[string]bool{\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "\t%q: %v,\n", k, table[k])
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		panic(err)
	}
	return out
}

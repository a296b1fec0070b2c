// Command gqlgenpost finishes `go tool gqlgen generate` for crmgraph (make generate
// runs both). gqlgen's executor gives every element of an object list its own new
// goroutine, and builds every object's @defer bookkeeping (the response path, a field
// set, a map) whether or not the operation defers anything; on the canonical query
// that is ~300 goroutines, each growing its stack, and a sixth of all allocations.
// Its field sets likewise start a new goroutine for every concurrently resolved field
// after the first, and every object allocates its field set, writer and cache key
// apart. This pass points those call sites at crmgraph's own versions (graph/exec.go,
// write.go, opcache.go), which keep gqlgen's semantics:
//
//   - graphql.MarshalSliceConcurrently(  →  marshalSlice(
//   - graphql.NewDeferredGroup(ctx)      →  newDeferredGroup(ctx, fields)
//   - out.ResolveConcurrently(…)         →  tasks.resolve(ctx, out, field, …), with var tasks fieldTasks
//   - out.Dispatch(ctx)                  →  tasks.dispatch(ctx, out)
//   - out := graphql.NewFieldSet(fields) →  alloc, out := newObject(fields), and the
//     object's return out                →  return alloc.value(out, fields, len(deferred.Defers))
//   - graphql.MarshalString(*v)          →  marshalStringPtr(v)   (graph/write.go)
//   - graphql.CollectFields(ec.OperationContext, sel, …) → ec.collectFields(sel, …), and
//     ec.field_T_f_args(ctx, field.ArgumentMap(ec.Variables)) → ec.fieldArgs(ctx, field, ec.field_T_f_args),
//     both cached for the operation in ec.cache (graph/opcache.go)
//
// It also gives every leaf property a fast path past ResolveField (leafFastPaths, below),
// points every other field without a directive at graph/exec.go's resolveDirect
// (directPaths), and writes graph/concurrency_gen.go: for every object, the fields
// gqlgen resolves concurrently (a resolver, or a method taking a context), read from the
// generated object marshallers. marshalSlice uses it to run a list's elements in order when
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
	"regexp"
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

// argsCall is a field context's coercion of its field's arguments.
var argsCall = regexp.MustCompile(`ec\.(field_[A-Za-z0-9_]+_args)\(ctx, field\.ArgumentMap\(ec\.Variables\)\)`)

var rewrites = []rewrite{
	{"graphql.MarshalSliceConcurrently(", "marshalSlice("},
	{"graphql.NewDeferredGroup(ctx)", "newDeferredGroup(ctx, fields)"},
	{"\tdeferred := newDeferredGroup(ctx, fields)\n", "\tdeferred := newDeferredGroup(ctx, fields)\n\tvar tasks fieldTasks\n"},
	{"out.ResolveConcurrently(ec.OperationContext, &deferred, i,", "tasks.resolve(ctx, out, field, ec.OperationContext, &deferred, i,"},
	{"\tout.Dispatch(ctx)\n", "\ttasks.dispatch(ctx, out)\n"},
	{"\t\tec.ProcessDeferredGroup(deferred)\n\t}\n\n\treturn out\n}", "\t\tec.ProcessDeferredGroup(deferred)\n\t}\n\n\treturn alloc.value(out, fields, len(deferred.Defers))\n}"},
	{"\tout := graphql.NewFieldSet(fields)\n", "\talloc, out := newObject(fields)\n"},
	{"res := graphql.MarshalString(*v)", "res := marshalStringPtr(v)"},
	{"type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n}",
		"type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n\tcache opCache\n}"},
	{"graphql.CollectFields(ec.OperationContext, sel, ", "ec.collectFields(sel, "},
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
	src = argsCall.ReplaceAll(src, []byte("ec.fieldArgs(ctx, field, ec.$1)"))
	if !bytes.Contains(src, []byte("ec.fieldArgs(ctx, field, ec.field_")) {
		return fmt.Errorf("%s: no field_T_f_args(ctx, field.ArgumentMap(ec.Variables)) call: gqlgen's output changed, update internal/gqlgenpost", path)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		return fmt.Errorf("rewritten %s does not parse: %w", path, err)
	}
	src, fast := leafFastPaths(fset, file, src)
	if fast == 0 {
		return fmt.Errorf("%s: found no leaf property to give a fast path: gqlgen's output changed, update internal/gqlgenpost", path)
	}
	if file, err = parser.ParseFile(fset, path, src, 0); err != nil {
		return fmt.Errorf("%s with leaf fast paths does not parse: %w", path, err)
	}
	src, direct := directPaths(fset, file, src)
	if direct == 0 {
		return fmt.Errorf("%s: found no field for resolveDirect: gqlgen's output changed, update internal/gqlgenpost", path)
	}
	if src, err = format.Source(src); err != nil { // the resolvers moved into resolveDirect calls
		return fmt.Errorf("%s with direct paths does not format: %w", path, err)
	}
	if file, err = parser.ParseFile(fset, path, src, 0); err != nil {
		return fmt.Errorf("%s with direct paths does not parse: %w", path, err)
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

// A leaf property is a scalar or enum field without arguments that gqlgen reads straight
// from the model (return obj.F, nil) and marshals with a function that needs no field
// context while the value is set. gqlgen still runs it through ResolveField: a field
// context, a context value, three closures and the resolver middleware for each of the
// hundreds of leaves of a nested list. leafFastPaths gives each such function a first
// statement that marshals the value directly:
//
//	if v := obj.F; v != nil { return ec.marshalX(ctx, field.Selections, v) }  // pointer
//	return ec.marshalX(ctx, field.Selections, obj.F)                          // value
//
// A nil pointer still takes gqlgen's path, which reports a null in a non-null field
// with its path. crmgraph installs no field middleware (resolvers.Middleware wraps
// operations), which is what makes skipping it for leaves the same answer: server.go
// adds extensions through use(), which refuses a field interceptor, and the root
// package's TestNoFieldMiddleware fails on any other way of adding one.
//
// It returns the edited source and how many functions have a fast path (added now or
// by an earlier run).
func leafFastPaths(fset *token.FileSet, file *ast.File, src []byte) ([]byte, int) {
	funcs := methods(file)
	var edits []edit
	count := 0
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "_") {
			continue
		}
		if hasFastPath(fn) {
			count++
			continue
		}
		getter, marshal, pointer, ok := leafProperty(fn, funcs)
		if !ok {
			continue
		}
		count++
		text := func(n ast.Node) string {
			return string(src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset])
		}
		call := "ec." + marshal + "(ctx, field.Selections, "
		if pointer {
			at := fset.Position(fn.Body.Lbrace).Offset + 1
			edits = append(edits, edit{at, at, "\n\tif v := " + text(getter) + "; v != nil {\n\t\treturn " + call + "v)\n\t}"})
		} else {
			edits = append(edits, edit{fset.Position(fn.Body.Lbrace).Offset, fset.Position(fn.Body.Rbrace).Offset + 1,
				"{\n\treturn " + call + text(getter) + ")\n}"})
		}
	}
	return applyEdits(src, edits), count
}

// methods indexes file's methods (the executionContext's) by name.
func methods(file *ast.File) map[string]*ast.FuncDecl {
	funcs := map[string]*ast.FuncDecl{}
	for _, decl := range file.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv != nil && fn.Body != nil {
			funcs[fn.Name.Name] = fn
		}
	}
	return funcs
}

// edit replaces src[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// applyEdits applies edits, which are in file order and do not overlap.
func applyEdits(src []byte, edits []edit) []byte {
	var out bytes.Buffer
	last := 0
	for _, e := range edits {
		out.Write(src[last:e.from])
		out.WriteString(e.text)
		last = e.to
	}
	out.Write(src[last:])
	return out.Bytes()
}

// leafProperty matches a field function whose body is
//
//	return graphql.ResolveField(ctx, ec.OperationContext, field,
//		func(ctx, field) { return ec.fieldContext_T_f(ctx, field) },  // NewScalarFieldContext
//		func(ctx) (any, error) { return obj.F, nil },
//		nil,
//		func(ctx, selections, v T) graphql.Marshaler { return ec.marshalX(ctx, selections, v) },
//		…)
//
// with T not a slice and marshalX safe without a field context, and returns obj.F,
// marshalX and whether T is a pointer.
func leafProperty(fn *ast.FuncDecl, funcs map[string]*ast.FuncDecl) (getter ast.Expr, marshal string, pointer, ok bool) {
	if len(fn.Body.List) != 1 {
		return nil, "", false, false
	}
	ret, isRet := fn.Body.List[0].(*ast.ReturnStmt)
	if !isRet || len(ret.Results) != 1 {
		return nil, "", false, false
	}
	call, isCall := ret.Results[0].(*ast.CallExpr)
	if !isCall || !isSelector(call.Fun, "graphql", "ResolveField") || len(call.Args) != 9 {
		return nil, "", false, false
	}
	if id, isIdent := call.Args[5].(*ast.Ident); !isIdent || id.Name != "nil" { // field middleware (directives)
		return nil, "", false, false
	}
	// the field context: a scalar or enum without arguments
	init := onlyReturn(call.Args[3])
	if init == nil {
		return nil, "", false, false
	}
	fcCall, isCall := init.(*ast.CallExpr)
	if !isCall {
		return nil, "", false, false
	}
	fcSel, isSel := fcCall.Fun.(*ast.SelectorExpr)
	if !isSel {
		return nil, "", false, false
	}
	fcFn := funcs[fcSel.Sel.Name]
	if fcFn == nil || len(fcFn.Body.List) != 1 {
		return nil, "", false, false
	}
	if r, isRet := fcFn.Body.List[0].(*ast.ReturnStmt); !isRet || len(r.Results) != 1 || !isCallTo(r.Results[0], "graphql", "NewScalarFieldContext") {
		return nil, "", false, false
	}
	// the resolver: return obj.F, nil
	res, isLit := call.Args[4].(*ast.FuncLit)
	if !isLit || len(res.Body.List) != 1 {
		return nil, "", false, false
	}
	r, isRet := res.Body.List[0].(*ast.ReturnStmt)
	if !isRet || len(r.Results) != 2 {
		return nil, "", false, false
	}
	get, isSel := r.Results[0].(*ast.SelectorExpr)
	if !isSel {
		return nil, "", false, false
	}
	if x, isIdent := get.X.(*ast.Ident); !isIdent || x.Name != "obj" {
		return nil, "", false, false
	}
	// the result: return ec.marshalX(ctx, selections, v)
	result, isLit := call.Args[6].(*ast.FuncLit)
	if !isLit || len(result.Type.Params.List) != 3 {
		return nil, "", false, false
	}
	vType := result.Type.Params.List[2].Type
	if _, isSlice := vType.(*ast.ArrayType); isSlice {
		return nil, "", false, false
	}
	_, pointer = vType.(*ast.StarExpr)
	mc, isCall := onlyReturnOf(result.Body).(*ast.CallExpr)
	if !isCall {
		return nil, "", false, false
	}
	ms, isSel := mc.Fun.(*ast.SelectorExpr)
	if !isSel || !strings.HasPrefix(ms.Sel.Name, "marshal") {
		return nil, "", false, false
	}
	if m := funcs[ms.Sel.Name]; m == nil || !marshalsWithoutFieldContext(m) {
		return nil, "", false, false
	}
	return get, ms.Sel.Name, pointer, true
}

// A field without a directive still goes through ResolveField's resolver middleware: a
// closure for the middleware chain, one for the resolver, and the context moved to the
// heap, for every field of every object that is not a leaf on its fast path.
// directPaths points each at graph/exec.go's resolveDirect, which builds the same field
// context, calls the same resolver code under it (now typed: it returns the marshaller's
// T instead of any), reports errors and recovers panics the same way and marshals the
// value with it:
//
//	return resolveDirect(ctx, ec.OperationContext, field, ec.fieldContext_T_f,
//		func(ctx context.Context) (T, error) { …as generated… }, ec.marshalX, recover)
//
// A leaf's fast path stays first; its nil pointer then takes resolveDirect too. A field
// whose T is an interface keeps ResolveField (see resolveDirect). Like leafFastPaths it
// relies on crmgraph installing no field middleware. It returns the edited source and how
// many functions call resolveDirect.
func directPaths(fset *token.FileSet, file *ast.File, src []byte) ([]byte, int) {
	funcs := methods(file)
	var edits []edit
	count := 0
	text := func(n ast.Node) string {
		return string(src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset])
	}
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Body == nil || len(fn.Body.List) == 0 || !strings.HasPrefix(fn.Name.Name, "_") {
			continue
		}
		last, isRet := fn.Body.List[len(fn.Body.List)-1].(*ast.ReturnStmt)
		if !isRet || len(last.Results) != 1 {
			continue
		}
		if isIdentCall(last.Results[0], "resolveDirect") {
			count++
			continue
		}
		f, ok := directField(last.Results[0], funcs)
		if !ok {
			continue
		}
		count++
		edits = append(edits, edit{fset.Position(last.Pos()).Offset, fset.Position(last.End()).Offset,
			"return resolveDirect(ctx, ec.OperationContext, field, ec." + f.fieldContext +
				", func(ctx context.Context) (" + text(f.typ) + ", error) " + text(f.resolver.Body) +
				", ec." + f.marshal + ", " + text(f.recover) + ")"})
	}
	return applyEdits(src, edits), count
}

// direct is a ResolveField call's parts that resolveDirect takes.
type direct struct {
	fieldContext string       // ec.fieldContext_T_f
	resolver     *ast.FuncLit // func(ctx context.Context) (any, error) { … }
	typ          ast.Expr     // what the marshaller takes
	marshal      string       // ec.marshalX
	recover      ast.Expr     // recoverFromPanic
}

// directField matches what a field function returns last:
//
//	graphql.ResolveField(ctx, ec.OperationContext, field,
//		func(ctx, field) { return ec.fieldContext_T_f(ctx, field) },
//		func(ctx context.Context) (any, error) { … },
//		nil,
//		func(ctx, selections, v T) graphql.Marshaler { return ec.marshalX(ctx, selections, v) },
//		recover, nonNull)
//
// with T not an interface: a T that is neither a pointer nor a slice, whose marshaller
// compares v with nil.
func directField(returned ast.Expr, funcs map[string]*ast.FuncDecl) (direct, bool) {
	call, isCall := returned.(*ast.CallExpr)
	if !isCall || !isSelector(call.Fun, "graphql", "ResolveField") || len(call.Args) != 9 {
		return direct{}, false
	}
	if !isIdentNamed(call.Args[0], "ctx") || !isSelector(call.Args[1], "ec", "OperationContext") || !isIdentNamed(call.Args[2], "field") ||
		!isIdentNamed(call.Args[5], "nil") {
		return direct{}, false
	}
	fc, isCall := onlyReturn(call.Args[3]).(*ast.CallExpr)
	if !isCall || len(fc.Args) != 2 || !isIdentNamed(fc.Args[0], "ctx") || !isIdentNamed(fc.Args[1], "field") {
		return direct{}, false
	}
	fcSel, isSel := fc.Fun.(*ast.SelectorExpr)
	if !isSel || !isIdentNamed(fcSel.X, "ec") || !strings.HasPrefix(fcSel.Sel.Name, "fieldContext_") {
		return direct{}, false
	}
	res, isLit := call.Args[4].(*ast.FuncLit)
	if !isLit || res.Type.Results == nil || len(res.Type.Results.List) != 2 || !isIdentNamed(res.Type.Results.List[0].Type, "any") ||
		len(res.Type.Params.List) != 1 || len(res.Type.Params.List[0].Names) != 1 || !isIdentNamed(res.Type.Params.List[0].Names[0], "ctx") {
		return direct{}, false
	}
	result, isLit := call.Args[6].(*ast.FuncLit)
	if !isLit || len(result.Type.Params.List) != 3 {
		return direct{}, false
	}
	typ := result.Type.Params.List[2].Type
	mc, isCall := onlyReturnOf(result.Body).(*ast.CallExpr)
	if !isCall || len(mc.Args) != 3 || !isIdentNamed(mc.Args[0], "ctx") || !isIdentNamed(mc.Args[1], "selections") || !isIdentNamed(mc.Args[2], "v") {
		return direct{}, false
	}
	ms, isSel := mc.Fun.(*ast.SelectorExpr)
	if !isSel || !isIdentNamed(ms.X, "ec") || !strings.HasPrefix(ms.Sel.Name, "marshal") {
		return direct{}, false
	}
	switch typ.(type) {
	case *ast.StarExpr, *ast.ArrayType:
	default:
		m := funcs[ms.Sel.Name]
		if m == nil || comparesWithNil(m, "v") {
			return direct{}, false
		}
	}
	return direct{fieldContext: fcSel.Sel.Name, resolver: res, typ: typ, marshal: ms.Sel.Name, recover: call.Args[7]}, true
}

// comparesWithNil reports whether fn's body compares the identifier name with nil.
func comparesWithNil(fn *ast.FuncDecl, name string) bool {
	found := false
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if b, isBin := n.(*ast.BinaryExpr); isBin && (b.Op == token.EQL || b.Op == token.NEQ) &&
			((isIdentNamed(b.X, name) && isIdentNamed(b.Y, "nil")) || (isIdentNamed(b.Y, name) && isIdentNamed(b.X, "nil"))) {
			found = true
		}
		return !found
	})
	return found
}

func isIdentCall(e ast.Expr, name string) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	if ix, isIndex := c.Fun.(*ast.IndexExpr); isIndex {
		return isIdentNamed(ix.X, name)
	}
	return isIdentNamed(c.Fun, name)
}

// marshalsWithoutFieldContext reports whether a marshal function reads ctx only where a
// set value cannot reach: under `if v == nil` (the fast path passes only set pointers)
// or under `if res == graphql.Null` after a context-free graphql.MarshalX builtin, which
// never returns Null. A function that hands ctx on (graphql.WrapContextMarshaler,
// another marshaller, a child object) does not qualify.
func marshalsWithoutFieldContext(fn *ast.FuncDecl) bool {
	builtinRes := false
	for _, stmt := range fn.Body.List {
		if a, isAssign := stmt.(*ast.AssignStmt); isAssign && len(a.Lhs) == 1 && len(a.Rhs) == 1 {
			if id, isIdent := a.Lhs[0].(*ast.Ident); isIdent && id.Name == "res" {
				if c, isCall := a.Rhs[0].(*ast.CallExpr); isCall {
					if s, isSel := c.Fun.(*ast.SelectorExpr); isSel && isIdentNamed(s.X, "graphql") &&
						strings.HasPrefix(s.Sel.Name, "Marshal") && !strings.Contains(s.Sel.Name, "Context") {
						builtinRes = true
					}
				}
			}
		}
	}
	safe := true
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if !safe {
			return false
		}
		if a, isAssign := n.(*ast.AssignStmt); isAssign && len(a.Lhs) == 1 && isIdentNamed(a.Lhs[0], "_") {
			return false // _ = ctx
		}
		if ifs, isIf := n.(*ast.IfStmt); isIf {
			if b, isBin := ifs.Cond.(*ast.BinaryExpr); isBin && b.Op == token.EQL {
				if isIdentNamed(b.X, "v") && isIdentNamed(b.Y, "nil") {
					return false // not reached with a set value
				}
				if builtinRes && isIdentNamed(b.X, "res") && isSelector(b.Y, "graphql", "Null") {
					return false
				}
			}
		}
		if id, isIdent := n.(*ast.Ident); isIdent && id.Name == "ctx" {
			safe = false
		}
		return true
	})
	return safe
}

// hasFastPath recognizes a function an earlier run already gave a fast path.
func hasFastPath(fn *ast.FuncDecl) bool {
	if len(fn.Body.List) == 0 {
		return false
	}
	switch s := fn.Body.List[0].(type) {
	case *ast.IfStmt:
		a, isAssign := s.Init.(*ast.AssignStmt)
		return isAssign && len(a.Lhs) == 1 && isIdentNamed(a.Lhs[0], "v") && isObjField(a.Rhs[0])
	case *ast.ReturnStmt:
		if len(fn.Body.List) != 1 || len(s.Results) != 1 {
			return false
		}
		c, isCall := s.Results[0].(*ast.CallExpr)
		if !isCall || len(c.Args) != 3 {
			return false
		}
		ms, isSel := c.Fun.(*ast.SelectorExpr)
		return isSel && strings.HasPrefix(ms.Sel.Name, "marshal") && isObjField(c.Args[2])
	}
	return false
}

func isObjField(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && isIdentNamed(s.X, "obj")
}

func isIdentNamed(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func isSelector(e ast.Expr, x, sel string) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && isIdentNamed(s.X, x) && s.Sel.Name == sel
}

func isCallTo(e ast.Expr, x, sel string) bool {
	c, ok := e.(*ast.CallExpr)
	return ok && isSelector(c.Fun, x, sel)
}

// onlyReturn returns the single returned expression of a function literal's body.
func onlyReturn(e ast.Expr) ast.Expr {
	lit, ok := e.(*ast.FuncLit)
	if !ok {
		return nil
	}
	return onlyReturnOf(lit.Body)
}

func onlyReturnOf(body *ast.BlockStmt) ast.Expr {
	if len(body.List) != 1 {
		return nil
	}
	r, ok := body.List[0].(*ast.ReturnStmt)
	if !ok || len(r.Results) != 1 {
		return nil
	}
	return r.Results[0]
}

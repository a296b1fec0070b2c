package graph

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"crmgraph/internal/workers"
)

// This file holds crmgraph's versions of gqlgen's list marshalling, field scheduling and
// @defer group; internal/gqlgenpost points generated.go's calls at them (see its doc
// comment for why), and the resolvers register the fields that answer in line.

// marshalSlice marshals the elements of an object list, as graphql.MarshalSliceConcurrently
// does, with the same contract: every element gets a FieldContext with its Index, a
// recovered panic (unless omitPanicHandler) is reported and nulls that element only.
//
// Elements run concurrently only when something under them may block: when the list's
// selection, followed down through its objects, reaches a field gqlgen resolves
// concurrently (a resolver, which may wait for a batch its siblings fill) that is not
// registered as answering in line for its selection. Otherwise every field below answers
// from values in hand and the elements run in order on the calling goroutine. Concurrent
// elements run on reused workers rather than new goroutines, so their stacks are grown
// once, not per element.
func marshalSlice(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if workerLimit > 0 { // gqlgen.yml exec.worker_limit: gqlgen's bounded version
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalElement)
	}
	ret := make(graphql.Array, length)
	if length <= 1 || !mayBlockBelow(ctx) {
		for i := range length {
			ret[i] = marshalOne(ctx, i, omitPanicHandler, marshalElement)
		}
		return ret
	}
	var wg sync.WaitGroup
	wg.Add(length - 1)
	for i := 1; i < length; i++ {
		workers.Shared.Go(func() {
			defer wg.Done()
			ret[i] = marshalOne(ctx, i, omitPanicHandler, marshalElement)
		})
	}
	ret[0] = marshalOne(ctx, 0, omitPanicHandler, marshalElement)
	wg.Wait()
	return ret
}

func marshalOne(ctx context.Context, i int, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (res graphql.Marshaler) {
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				res = graphql.Null
			}
		}()
	}
	return marshalElement(ctx, i)
}

// mayBlockBelow reports whether marshalling the elements of the list field in ctx can
// reach a concurrently resolved field. It answers true when unsure (no field context, an
// interface or union element type).
// The answer depends only on the field's selection and the operation's variables: it is
// kept for the operation (WithOperationCache), as every object of a list asks it again.
func mayBlockBelow(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return true
	}
	c := operationCache(ctx)
	if c == nil {
		return selectionMayBlock(ctx, fc.Field.Selections, fc.Field.Definition.Type.Name(), 0)
	}
	if may, ok := lookup(&c.mu, &c.mayBlock, fc.Field.Field); ok {
		return may
	}
	may := selectionMayBlock(ctx, fc.Field.Selections, fc.Field.Definition.Type.Name(), 0)
	store(&c.mu, &c.mayBlock, fc.Field.Field, may)
	return may
}

// maxLookahead bounds how deep mayBlockBelow follows a selection; deeper is "may block".
const maxLookahead = 8

func selectionMayBlock(ctx context.Context, sel ast.SelectionSet, typeName string, depth int) bool {
	if len(sel) == 0 {
		return false // a scalar or enum list
	}
	satisfies, ok := objectImplementors[typeName]
	if !ok || depth >= maxLookahead {
		return true
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), sel, satisfies) {
		if concurrentFields[typeName+"."+f.Name] && !answersInLine(ctx, typeName, f) {
			return true
		}
		if f.Definition != nil && len(f.Selections) > 0 && selectionMayBlock(ctx, f.Selections, f.Definition.Type.Name(), depth+1) {
			return true
		}
	}
	return false
}

// objectImplementors is, for every object type gqlgen marshals, what a fragment's type
// condition may name to apply to it: the type, its interfaces and its unions (what the
// generated <type>Implementors lists hold).
var objectImplementors = func() map[string][]string {
	m := map[string][]string{}
	for name, def := range parsedSchema.Types {
		if def.Kind != ast.Object {
			continue
		}
		if _, known := concurrentFields[name+"."]; !known {
			continue
		}
		satisfies := []string{name}
		for _, d := range parsedSchema.GetImplements(def) {
			satisfies = append(satisfies, d.Name)
		}
		m[name] = satisfies
	}
	return m
}()

// newDeferredGroup is graphql.NewDeferredGroup for an object's collected fields. When none
// of them is deferred (every operation without @defer) it returns a group with no field
// set, path or map: ResolveConcurrently only touches those for a deferred field, and
// the generated code processes the group only when it holds a defer.
func newDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	if anyDeferred(fields) {
		return graphql.NewDeferredGroup(ctx)
	}
	return graphql.DeferredGroup{Context: ctx}
}

// anyDeferred reports whether an object's collected fields include a deferred one: only
// then does it need gqlgen's @defer group and field set.
func anyDeferred(fields []graphql.CollectedField) bool {
	for i := range fields {
		if fields[i].IsDeferred() {
			return true
		}
	}
	return false
}

// fieldTasks replaces a field set's own scheduling of concurrently resolved fields
// (FieldSet.ResolveConcurrently and Dispatch) for the fields of one object: the first runs
// on the calling goroutine, as gqlgen's does, the rest on reused workers instead of new
// goroutines (a resolver's stack is deep: gqlgen, the resolver, a loader). A deferred
// field is left to gqlgen, which resolves it in a later payload.
type fieldTasks struct {
	list []fieldTask
}

type fieldTask struct {
	oc               *graphql.OperationContext
	i                int
	recoverFromPanic bool
	nonNull          bool
	resolve          func(ctx context.Context) graphql.Marshaler
}

// resolve schedules field i of out, as out.ResolveConcurrently would, or resolves it
// now when its resolver answers in line for this selection (see InlineField).
func (t *fieldTasks) resolve(ctx context.Context, out *graphql.FieldSet, field graphql.CollectedField, oc *graphql.OperationContext, deferred *graphql.DeferredGroup, i int, recoverFromPanic, nonNull bool, resolve func(ctx context.Context) graphql.Marshaler) {
	if field.IsDeferred() {
		out.ResolveConcurrently(oc, deferred, i, recoverFromPanic, nonNull, resolve)
		return
	}
	task := fieldTask{oc: oc, i: i, recoverFromPanic: recoverFromPanic, nonNull: nonNull, resolve: resolve}
	if field.ObjectDefinition != nil && answersInLine(ctx, field.ObjectDefinition.Name, field) {
		task.run(ctx, out)
		return
	}
	t.list = append(t.list, task)
}

// InlineField reports, for one collected field of a concurrently resolved "Type.field",
// whether its resolver answers from the object in hand, without waiting for anything
// (a record's embedded {id, name} reference when that is all the selection asks for).
// Such a field resolves on the calling goroutine, and does not make a list's elements
// run concurrently. A predicate that answers true for a resolver that does wait costs
// only concurrency: the wait happens in line.
type InlineField func(ctx context.Context, f graphql.CollectedField) bool

// inlineFields holds the registered predicates by type, then field; written only by
// RegisterInlineFields during package initialization.
var inlineFields = map[string]map[string]InlineField{}

// RegisterInlineFields adds predicates by type and field. Call it from an init function:
// the map is read without locks while operations run.
func RegisterInlineFields(m map[string]map[string]InlineField) {
	for typ, fields := range m {
		if inlineFields[typ] == nil {
			inlineFields[typ] = map[string]InlineField{}
		}
		for name, p := range fields {
			if !concurrentFields[typ+"."+name] {
				panic("graph.RegisterInlineFields: " + typ + "." + name + " is not a concurrently resolved field")
			}
			inlineFields[typ][name] = p
		}
	}
}

func answersInLine(ctx context.Context, typ string, f graphql.CollectedField) bool {
	p := inlineFields[typ][f.Name]
	return p != nil && p(ctx, f)
}

// dispatch resolves the scheduled fields into out and returns when all are done.
func (t *fieldTasks) dispatch(ctx context.Context, out *graphql.FieldSet) {
	out.Dispatch(ctx) // what gqlgen scheduled itself (root fields)
	switch len(t.list) {
	case 0:
		return
	case 1:
		t.list[0].run(ctx, out)
		return
	}
	var wg sync.WaitGroup
	wg.Add(len(t.list) - 1)
	for k := 1; k < len(t.list); k++ {
		task := &t.list[k]
		workers.Shared.Go(func() {
			defer wg.Done()
			task.run(ctx, out)
		})
	}
	t.list[0].run(ctx, out)
	wg.Wait()
}

// run stores the field's value and, when it is the value that nulls the object (null
// for a non-null field, a required null below a nullable one), counts it as invalid.
func (task *fieldTask) run(ctx context.Context, out *graphql.FieldSet) {
	res := task.call(ctx)
	out.Values[task.i] = res
	invalid := graphql.RequiredNull
	if task.nonNull {
		invalid = graphql.Null
	}
	if res == invalid {
		atomic.AddUint32(&out.Invalids, 1)
	}
}

func (task *fieldTask) call(ctx context.Context) (res graphql.Marshaler) {
	if task.recoverFromPanic {
		defer func() {
			if r := recover(); r != nil {
				task.oc.Error(ctx, task.oc.Recover(ctx, r))
				res = graphql.Null
			}
		}()
	}
	return task.resolve(ctx)
}

// resolveDirect is graphql.ResolveField for a field without a directive, as
// internal/gqlgenpost rewrites those: the same field context on ctx (the resolver, the
// children's paths and their resolvers read it), the resolver called under it, an error
// reported at the field's path, a panic recovered into an error and null, the value
// marshalled the same way. It skips the resolver middleware and the closures
// ResolveField builds to call through it, which is the same answer because crmgraph
// installs no field middleware (server.go's use() refuses one). T is never an
// interface (gqlgenpost leaves those to ResolveField, which reports a nil interface
// itself); ResolveField's nonNull only acts on such a nil or on a middleware's
// MarkNonNull, so it is not passed.
func resolveDirect[T any](ctx context.Context, oc *graphql.OperationContext, field graphql.CollectedField,
	fieldContext func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error),
	resolve func(context.Context) (T, error),
	marshal func(context.Context, ast.SelectionSet, T) graphql.Marshaler, recoverFromPanic bool) (ret graphql.Marshaler) {
	fc, err := fieldContext(ctx, field)
	if err != nil {
		return graphql.Null
	}
	ctx = graphql.WithFieldContext(ctx, fc)
	if recoverFromPanic {
		defer func() {
			if r := recover(); r != nil {
				oc.Error(ctx, oc.Recover(ctx, r))
				ret = graphql.Null
			}
		}()
	}
	v, err := resolve(ctx)
	if err != nil {
		oc.Error(ctx, graphql.AddFieldLocationToError(ctx, err))
		return graphql.Null
	}
	fc.Result = v
	return marshal(ctx, field.Selections, v)
}

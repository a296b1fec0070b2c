package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// opCache holds, for one operation, what gqlgen recomputes for every object of a list
// although it depends only on the operation's document and variables. The generated
// executor keeps one in its executionContext (internal/gqlgenpost adds the field); code
// that has only a context (resolvers, the list look-ahead) reads the one
// WithOperationCache puts on the operation's context. It holds:
//
//   - the collected fields of a selection set for an object type. gqlgen caches them
//     too, behind a key it hashes anew each time (an FNV hasher and a copy of each
//     type name the object satisfies, allocated for every object);
//   - the coerced arguments of a field (first: 5 on every account's contacts), which
//     gqlgen builds per object from the field's arguments and the variables.
//
// The values are shared by every object the selection reaches and only read: gqlgen
// itself shares collected fields the same way, and the resolvers do not write through
// their arguments.
type opCache struct {
	mu     sync.RWMutex
	fields map[collectKey][]graphql.CollectedField
	args   map[*ast.Field]map[string]any
	// What code outside the generated executor looks up through the operation's
	// context (WithOperationCache): resolvers reading their selection ahead, and
	// whether a list's elements may block.
	named    map[namedKey][]graphql.CollectedField
	mayBlock map[*ast.Field]bool
}

// namedKey is a selection set and the (at most two) type names it is collected for.
type namedKey struct {
	sel    *ast.Selection
	n      int
	s0, s1 string
	m      int
}

type collectKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string // an xImplementors array of generated.go
	m         int
}

// collectFields is graphql.CollectFields, cached for the operation.
func (ec *executionContext) collectFields(sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	return ec.cache.collect(ec.OperationContext, sel, satisfies)
}

// collect is graphql.CollectFields for a satisfies slice that does not change (an
// xImplementors array of generated.go), cached by its address.
func (c *opCache) collect(oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	if len(sel) == 0 || len(satisfies) == 0 {
		return graphql.CollectFields(oc, sel, satisfies)
	}
	k := collectKey{&sel[0], len(sel), &satisfies[0], len(satisfies)}
	if fields, ok := lookup(&c.mu, &c.fields, k); ok {
		return fields
	}
	fields := graphql.CollectFields(oc, sel, satisfies)
	store(&c.mu, &c.fields, k, fields)
	return fields
}

// lookup and store read and write one of an opCache's maps under its lock.
func lookup[K comparable, V any](mu *sync.RWMutex, m *map[K]V, k K) (V, bool) {
	mu.RLock()
	defer mu.RUnlock()
	v, ok := (*m)[k]
	return v, ok
}

func store[K comparable, V any](mu *sync.RWMutex, m *map[K]V, k K, v V) {
	mu.Lock()
	defer mu.Unlock()
	if *m == nil {
		*m = map[K]V{}
	}
	(*m)[k] = v
}

// fieldArgs is coerce(ctx, field.ArgumentMap(ec.Variables)), cached for the operation per
// field of the document. An error is not cached: each object reports it, as before.
func (ec *executionContext) fieldArgs(ctx context.Context, field graphql.CollectedField,
	coerce func(context.Context, map[string]any) (map[string]any, error)) (map[string]any, error) {
	c := &ec.cache
	if args, ok := lookup(&c.mu, &c.args, field.Field); ok {
		return args, nil
	}
	args, err := coerce(ctx, field.ArgumentMap(ec.Variables))
	if err != nil {
		return nil, err
	}
	store(&c.mu, &c.args, field.Field, args)
	return args, nil
}

type opCacheKey struct{}

// WithOperationCache gives the context of one operation the cache that CollectFields and
// the list scheduling read (server.go adds it around every operation). It is per
// operation, not per request: a batch runs one document with other variables.
func WithOperationCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, opCacheKey{}, &opCache{})
}

func operationCache(ctx context.Context) *opCache {
	c, _ := ctx.Value(opCacheKey{}).(*opCache)
	return c
}

// CollectFields is graphql.CollectFields for code outside the generated executor (a
// resolver looking at what its field selects), cached for the operation when ctx
// carries WithOperationCache: gqlgen's own cache hashes a new key, three allocations,
// on every call.
func CollectFields(ctx context.Context, sel ast.SelectionSet, satisfies ...string) []graphql.CollectedField {
	c := operationCache(ctx)
	if c == nil || len(sel) == 0 || len(satisfies) > 2 {
		return graphql.CollectFields(graphql.GetOperationContext(ctx), sel, slices.Clone(satisfies))
	}
	k := namedKey{sel: &sel[0], n: len(sel), m: len(satisfies)}
	if len(satisfies) > 0 {
		k.s0 = satisfies[0]
	}
	if len(satisfies) > 1 {
		k.s1 = satisfies[1]
	}
	if fields, ok := lookup(&c.mu, &c.named, k); ok {
		return fields
	}
	fields := graphql.CollectFields(graphql.GetOperationContext(ctx), sel, slices.Clone(satisfies))
	store(&c.mu, &c.named, k, fields)
	return fields
}

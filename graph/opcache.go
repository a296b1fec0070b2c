package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// opCache holds, for one operation (one executionContext, which internal/gqlgenpost
// gives the field), what gqlgen recomputes for every object of a list although it
// depends only on the operation's document and variables:
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
}

type collectKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string // an xImplementors array of generated.go
	m         int
}

// collectFields is graphql.CollectFields, cached for the operation.
func (ec *executionContext) collectFields(sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	if len(sel) == 0 || len(satisfies) == 0 {
		return graphql.CollectFields(ec.OperationContext, sel, satisfies)
	}
	k := collectKey{&sel[0], len(sel), &satisfies[0], len(satisfies)}
	c := &ec.cache
	c.mu.RLock()
	fields, ok := c.fields[k]
	c.mu.RUnlock()
	if ok {
		return fields
	}
	fields = graphql.CollectFields(ec.OperationContext, sel, satisfies)
	c.mu.Lock()
	if c.fields == nil {
		c.fields = map[collectKey][]graphql.CollectedField{}
	}
	c.fields[k] = fields
	c.mu.Unlock()
	return fields
}

// fieldArgs is coerce(ctx, field.ArgumentMap(ec.Variables)), cached for the operation per
// field of the document. An error is not cached: each object reports it, as before.
func (ec *executionContext) fieldArgs(ctx context.Context, field graphql.CollectedField,
	coerce func(context.Context, map[string]any) (map[string]any, error)) (map[string]any, error) {
	c := &ec.cache
	c.mu.RLock()
	args, ok := c.args[field.Field]
	c.mu.RUnlock()
	if ok {
		return args, nil
	}
	args, err := coerce(ctx, field.ArgumentMap(ec.Variables))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.args == nil {
		c.args = map[*ast.Field]map[string]any{}
	}
	c.args[field.Field] = args
	c.mu.Unlock()
	return args, nil
}

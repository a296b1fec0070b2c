package limits

import (
	"context"
	"errors"
	"math"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeComplexityLimitExceeded is the extensions.code of a rejected operation: the code
// gqlgen's extension.ComplexityLimit uses, so clients see no change.
const CodeComplexityLimitExceeded = "COMPLEXITY_LIMIT_EXCEEDED"

// complexityStatsKey is where gqlgen's extension.GetComplexityStats looks for the figures.
const complexityStatsKey = "ComplexityLimit"

// Complexity rejects operations whose complexity exceeds Max. It computes what gqlgen's
// extension.FixedComplexityLimit computes, with the schema's complexity functions, but
// walks each fragment once instead of once per spread. Max ≤ 0 disables it. Use a
// pointer: Validate keeps the executable schema.
type Complexity struct {
	Max  int
	es   graphql.ExecutableSchema
	memo memo
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &Complexity{}

// ExtensionName implements graphql.HandlerExtension.
func (*Complexity) ExtensionName() string { return "ComplexityLimit" }

// Validate implements graphql.HandlerExtension.
func (c *Complexity) Validate(es graphql.ExecutableSchema) error {
	if es == nil {
		return errors.New("limits: complexity needs an executable schema")
	}
	c.es, c.memo = es, newMemo()
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (c *Complexity) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if c.Max <= 0 || oc.Operation == nil {
		return nil
	}
	n := c.memo.get(oc, func() int { return ComplexityOf(ctx, c.es, oc.Operation, oc.Doc.Fragments, oc.Variables) })
	oc.Stats.SetExtension(complexityStatsKey, &extension.ComplexityStats{Complexity: n, ComplexityLimit: c.Max})
	if n > c.Max {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", n, c.Max)
		errcode.Set(err, CodeComplexityLimitExceeded)
		err.Extensions["complexity"] = n
		err.Extensions["limit"] = c.Max
		return err
	}
	return nil
}

// ComplexityOf returns the complexity of op as gqlgen's complexity.Calculate defines it
// (the schema's complexity functions, else 1 + the children; interface fields cost
// their most expensive implementation; introspection's __schema is free), in time
// linear in the document: a fragment's complexity does not depend on where it is
// spread, so each is computed once.
func ComplexityOf(ctx context.Context, es graphql.ExecutableSchema, op *ast.OperationDefinition,
	fragments ast.FragmentDefinitionList, vars map[string]any) int {
	return newComplexityWalker(ctx, es, fragments, vars).set(op.SelectionSet)
}

type complexityWalker struct {
	ctx       context.Context
	es        graphql.ExecutableSchema
	schema    *ast.Schema
	vars      map[string]any
	fragments fragmentIndex
	memo      map[string]int
	visiting  map[string]bool
	visits    int // selections walked; tests read it to prove the walk is linear
}

func newComplexityWalker(ctx context.Context, es graphql.ExecutableSchema, fragments ast.FragmentDefinitionList, vars map[string]any) *complexityWalker {
	return &complexityWalker{ctx: ctx, es: es, schema: es.Schema(), vars: vars, fragments: indexFragments(fragments),
		memo: map[string]int{}, visiting: map[string]bool{}}
}

func (w *complexityWalker) set(set ast.SelectionSet) int {
	total := 0
	for _, sel := range set {
		w.visits++
		switch s := sel.(type) {
		case *ast.Field:
			total = safeAdd(total, w.field(s))
		case *ast.FragmentSpread:
			total = safeAdd(total, w.fragment(s))
		case *ast.InlineFragment:
			total = safeAdd(total, w.set(s.SelectionSet))
		}
	}
	return total
}

func (w *complexityWalker) field(s *ast.Field) int {
	if s.Definition == nil || s.ObjectDefinition == nil {
		return 0 // not validated against this schema; gqlgen would not get this far
	}
	typ := w.schema.Types[s.Definition.Type.Name()]
	if typ == nil || typ.Name == "__Schema" {
		return 0
	}
	child := 0
	switch typ.Kind {
	case ast.Object, ast.Interface, ast.Union:
		child = w.set(s.SelectionSet)
	}
	args := s.ArgumentMap(w.vars)
	if s.ObjectDefinition.Kind != ast.Interface {
		return w.fieldOn(s.ObjectDefinition, typ.Kind, s.Name, child, args)
	}
	// An interface field has no price of its own: the most expensive implementation's.
	most := 0
	for _, t := range w.schema.GetPossibleTypes(s.ObjectDefinition) {
		most = max(most, w.fieldOn(t, typ.Kind, s.Name, child, args))
	}
	return most
}

func (w *complexityWalker) fieldOn(def *ast.Definition, kind ast.DefinitionKind, name string, child int, args map[string]any) int {
	if c, ok := w.es.Complexity(w.ctx, def.Name, name, child, args); ok && c >= 1 {
		return c
	}
	return safeAdd(1, child) // scalars and enums cost 1 too, as in gqlgen
}

func (w *complexityWalker) fragment(s *ast.FragmentSpread) int {
	if c, ok := w.memo[s.Name]; ok {
		return c
	}
	f := w.fragments.of(s)
	if f == nil || w.visiting[s.Name] {
		return 0
	}
	w.visiting[s.Name] = true
	c := w.set(f.SelectionSet)
	delete(w.visiting, s.Name)
	w.memo[s.Name] = c
	return c
}

// safeAdd adds saturating at MaxInt and ignores negative operands, as gqlgen does, so a
// document cannot overflow its way under the limit and a negative custom complexity
// cannot subtract.
func safeAdd(a, b int) int {
	switch {
	case a < 0 && b < 0:
		return 1
	case a < 0:
		return b
	case b < 0:
		return a
	case a > math.MaxInt-b:
		return math.MaxInt
	}
	return a + b
}

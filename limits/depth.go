// Package limits holds the operation limits crmgraph enforces before execution: selection
// depth, complexity (a connection costs `first` × its selection) and an estimate of the
// backend REST calls. Every walker here visits each fragment once per context, so its work
// is linear in the document: a chain of fragments that each spread the next twice stays
// cheap instead of costing 2^n. (Parser-token limits come from gqlgen itself.)
package limits

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeDepthLimitExceeded is the extensions.code of a rejected operation.
const CodeDepthLimitExceeded = "DEPTH_LIMIT_EXCEEDED"

// Depth rejects operations whose selections nest deeper than Max fields (fragments
// are followed; inline fragments and spreads add no depth; __schema and __type count
// as one field, whatever they select). Max ≤ 0 disables it.
type Depth struct {
	Max int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Depth{}

// ExtensionName implements graphql.HandlerExtension.
func (Depth) ExtensionName() string { return "DepthLimit" }

// Validate implements graphql.HandlerExtension.
func (Depth) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (d Depth) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if d.Max <= 0 || oc.Operation == nil {
		return nil
	}
	depth := Of(oc.Operation.SelectionSet, oc.Doc.Fragments)
	if depth > d.Max {
		err := gqlerror.Errorf("operation has depth %d, more than the limit of %d", depth, d.Max)
		err.Extensions = map[string]any{"code": CodeDepthLimitExceeded, "depth": depth, "limit": d.Max}
		return err
	}
	return nil
}

// Of returns the depth of a selection set: 1 for `{ a }`, 2 for `{ a { b } }`.
func Of(set ast.SelectionSet, fragments ast.FragmentDefinitionList) int {
	return newDepthWalker(fragments).depth(set)
}

// depthWalker memoizes each fragment's depth by name: a fragment's depth does not depend
// on where it is spread, so every fragment body is walked once.
type depthWalker struct {
	fragments fragmentIndex
	memo      map[string]int
	visiting  map[string]bool
	visits    int // selections walked; tests read it to prove the walk is linear
}

func newDepthWalker(fragments ast.FragmentDefinitionList) *depthWalker {
	return &depthWalker{fragments: indexFragments(fragments), memo: map[string]int{}, visiting: map[string]bool{}}
}

func (w *depthWalker) depth(set ast.SelectionSet) int {
	maxDepth := 0
	for _, sel := range set {
		w.visits++
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			d = 1
			// Introspection is bounded on its own terms (gqlparser's MaxIntrospectionDepth
			// rule) and reaches no backend: the standard introspection query of GraphiQL
			// and codegen nests 15 deep, and must work under any data-query limit.
			if !isIntrospection(s.Name) {
				d += w.depth(s.SelectionSet)
			}
		case *ast.InlineFragment:
			d = w.depth(s.SelectionSet)
		case *ast.FragmentSpread:
			d = w.fragment(s)
		default:
			panic(fmt.Sprintf("limits: unknown selection %T", sel))
		}
		maxDepth = max(maxDepth, d)
	}
	return maxDepth
}

func isIntrospection(field string) bool { return field == "__schema" || field == "__type" }

func (w *depthWalker) fragment(s *ast.FragmentSpread) int {
	if d, ok := w.memo[s.Name]; ok {
		return d
	}
	f := w.fragments.of(s)
	if f == nil || w.visiting[s.Name] { // unknown or a cycle: validation rejects both, do not loop
		return 0
	}
	w.visiting[s.Name] = true
	d := w.depth(f.SelectionSet)
	delete(w.visiting, s.Name)
	w.memo[s.Name] = d
	return d
}

// fragmentIndex finds a spread's definition in constant time. The validator links each
// spread to its definition; the index covers documents that did not go through it
// (FragmentDefinitionList.ForName is a linear scan, quadratic over a whole document).
type fragmentIndex map[string]*ast.FragmentDefinition

func indexFragments(fragments ast.FragmentDefinitionList) fragmentIndex {
	idx := make(fragmentIndex, len(fragments))
	for _, f := range fragments {
		if _, dup := idx[f.Name]; !dup {
			idx[f.Name] = f
		}
	}
	return idx
}

func (idx fragmentIndex) of(s *ast.FragmentSpread) *ast.FragmentDefinition {
	if s.Definition != nil {
		return s.Definition
	}
	return idx[s.Name]
}

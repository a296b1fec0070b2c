// Package limits holds operation limits gqlgen does not ship: a selection-depth limit.
// (Complexity and parser-token limits come from gqlgen itself.)
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
// are followed; inline fragments and spreads add no depth). Max ≤ 0 disables it.
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
	return depthOf(set, fragments, map[string]bool{})
}

func depthOf(set ast.SelectionSet, fragments ast.FragmentDefinitionList, visiting map[string]bool) int {
	maxDepth := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			d = 1 + depthOf(s.SelectionSet, fragments, visiting)
		case *ast.InlineFragment:
			d = depthOf(s.SelectionSet, fragments, visiting)
		case *ast.FragmentSpread:
			if visiting[s.Name] { // a cycle; validation rejects it, do not loop
				continue
			}
			f := fragments.ForName(s.Name)
			if f == nil {
				continue
			}
			visiting[s.Name] = true
			d = depthOf(f.SelectionSet, fragments, visiting)
			delete(visiting, s.Name)
		default:
			panic(fmt.Sprintf("limits: unknown selection %T", sel))
		}
		maxDepth = max(maxDepth, d)
	}
	return maxDepth
}

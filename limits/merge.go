package limits

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// DefaultMaxMergeWork bounds MergeWork. gqlparser's OverlappingFieldsCanBeMerged costs
// about 0.14 µs per unit of MergeWork on this project's 2-core machine (1,000
// `__typename`, 10⁶ units, validate in 137 ms; 14,990 took 40 s), so the default keeps
// the rule near 35 ms at worst, while ordinary frontend queries cost a few hundred units.
const DefaultMaxMergeWork = 250_000

// saturate caps the arithmetic: beyond it, the answer is "too much" whatever it is.
const saturate = int64(1) << 40

// MergeWork estimates the comparisons the field-merging validation makes on doc: for
// every selection set and response name, 1 plus the products of the sizes of each pair
// of fields sharing that name (a field's size is 1 plus the fields below it: comparing
// two fields compares their subtrees), with fragments and inline
// fragments merged in, each distinct fragment once per set, as the rule compares them).
// It is linear in the document: each fragment is summed once.
func MergeWork(doc *ast.QueryDocument) int64 {
	m := mergeWalk{doc: doc, frags: map[string]map[string]group{}, visiting: map[string]bool{}}
	for _, op := range doc.Operations {
		m.set(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		m.fragment(f.Name)
	}
	return m.work
}

type mergeWalk struct {
	doc      *ast.QueryDocument
	frags    map[string]map[string]group // fragment → its fields by response name
	visiting map[string]bool
	work     int64
}

func add(a, b int64) int64 { return min(a+b, saturate) }

// group sums the sizes of the fields sharing one response name.
type group struct{ sum, squares int64 }

func (g group) plus(o group) group { return group{add(g.sum, o.sum), add(g.squares, o.squares)} }

// pairs is Σ_{i≠j} sᵢ·sⱼ: the comparisons between the fields of the group.
func (g group) pairs() int64 {
	s := min(g.sum, 1<<20)
	return max(s*s-min(g.squares, 1<<40), 0)
}

// set returns the group sizes of a selection set by response name, and adds the set's
// own work.
func (m *mergeWalk) set(s ast.SelectionSet) map[string]group {
	groups := map[string]group{}
	m.collect(s, groups, map[string]bool{})
	for _, g := range groups {
		m.work = add(m.work, add(1, g.pairs()))
	}
	return groups
}

// collect merges the fields of s (through inline fragments and spreads) into groups.
// A fragment spread twice in one set is merged once, as the rule itself does.
func (m *mergeWalk) collect(s ast.SelectionSet, groups map[string]group, spread map[string]bool) {
	for _, sel := range s {
		switch x := sel.(type) {
		case *ast.Field:
			size := int64(1)
			if len(x.SelectionSet) > 0 {
				for _, g := range m.set(x.SelectionSet) {
					size = add(size, g.sum)
				}
			}
			name := x.Alias
			if name == "" {
				name = x.Name
			}
			groups[name] = groups[name].plus(group{size, min(size, 1<<20) * min(size, 1<<20)})
		case *ast.InlineFragment:
			m.collect(x.SelectionSet, groups, spread)
		case *ast.FragmentSpread:
			if spread[x.Name] {
				continue
			}
			spread[x.Name] = true
			for name, g := range m.fragment(x.Name) {
				groups[name] = groups[name].plus(g)
			}
		}
	}
}

// fragment returns a fragment's group sizes, summing its body once.
func (m *mergeWalk) fragment(name string) map[string]group {
	if g, ok := m.frags[name]; ok {
		return g
	}
	f := m.doc.Fragments.ForName(name)
	if f == nil || m.visiting[name] { // unknown or cyclic: other rules report it
		return nil
	}
	m.visiting[name] = true
	g := m.set(f.SelectionSet)
	delete(m.visiting, name)
	m.frags[name] = g
	return g
}

// BoundedFieldMerging wraps gqlparser's OverlappingFieldsCanBeMerged rule, whose
// pairwise comparisons are quadratic in the fields sharing a response name: a document
// whose MergeWork exceeds max is refused with a validation error before the rule runs.
// Use it with handler.Server.SetValidationRulesFn.
func BoundedFieldMerging(r *rules.Rules, max int64) *rules.Rules {
	orig := rules.OverlappingFieldsCanBeMergedRule
	r.ReplaceRule(orig.Name, func(observers *core.Events, addError core.AddErrFunc) {
		inner := &core.Events{}
		orig.RuleFunc(inner, addError)
		checked := false
		observers.OnOperation(func(w *core.Walker, op *ast.OperationDefinition) {
			if checked { // the rule looks at the whole document once
				return
			}
			checked = true
			if work := MergeWork(w.Document); work > max {
				addError(core.Message("the document repeats response names too often to validate (merge work %d, limit %d): select each field once", work, max), core.At(op.Position))
				return
			}
			core.Walk(w.Schema, w.Document, inner)
		})
	})
	return r
}

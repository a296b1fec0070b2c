package limits

import (
	"context"
	"errors"
	"math"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeBackendCallLimitExceeded is the extensions.code of an operation refused because it
// could make more backend calls than allowed.
const CodeBackendCallLimitExceeded = "BACKEND_CALL_LIMIT_EXCEEDED"

// DefaultMaxBackendCalls is the backend-call limit until it is configured: ten times a
// full `nodes` list of records that fan out (100 ids, 100 calls) and some forty times the
// README's canonical query, so ordinary operations pass with room to spare, while one
// request can no longer fan out into thousands of REST calls.
const DefaultMaxBackendCalls = 1000

// callStatsKey names the estimate in the operation's stats.
const callStatsKey = "BackendCallLimit"

// CallStats is what Calls found for an operation (read it with GetCallStats).
type CallStats struct {
	Estimate int
	Limit    int
}

// GetCallStats returns the estimate Calls made for the current operation, nil when it
// did not run.
func GetCallStats(ctx context.Context) *CallStats {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	s, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(callStatsKey).(*CallStats)
	return s
}

// Calls refuses, before anything executes, operations that could make more than Max
// backend calls by Cost's estimate. Max ≤ 0 disables it. Use a pointer: Validate keeps
// the schema.
type Calls struct {
	Max  int
	Cost CallCost // a pure function of the field: its estimates are kept per document and variables

	schema *ast.Schema
	memo   memo
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &Calls{}

// ExtensionName implements graphql.HandlerExtension.
func (*Calls) ExtensionName() string { return "BackendCallLimit" }

// Validate implements graphql.HandlerExtension.
func (c *Calls) Validate(es graphql.ExecutableSchema) error {
	if c.Cost == nil {
		return errors.New("limits: the backend-call limit needs a cost table")
	}
	c.schema, c.memo = es.Schema(), newMemo()
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (c *Calls) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if c.Max <= 0 || oc.Operation == nil {
		return nil
	}
	n := c.memo.get(oc, func() int { return EstimateCalls(c.schema, oc.Operation, oc.Doc.Fragments, oc.Variables, c.Cost) })
	oc.Stats.SetExtension(callStatsKey, &CallStats{Estimate: n, Limit: c.Max})
	if n > c.Max {
		err := gqlerror.Errorf("operation may make %d backend calls, more than the limit of %d", n, c.Max)
		err.Extensions = map[string]any{"code": CodeBackendCallLimitExceeded, "estimate": n, "limit": c.Max}
		return err
	}
	return nil
}

// Sources is a set of record origins. The cost table gives the bits their meaning
// (crmgraph: the backends, and whether a record is a summary); the walker only carries
// them from a field to its children, so a field can be priced by where its parent
// records come from.
type Sources uint32

// Has reports whether s holds every bit of t.
func (s Sources) Has(t Sources) bool { return s&t == t && t != 0 }

// Field is one field of the operation as a CallCost sees it.
type Field struct {
	// Parent is the concrete type of the records the field is resolved on.
	Parent string
	// Sources are where those records can come from.
	Sources Sources
	Name    string
	// Args are the field's arguments with variables and defaults applied.
	Args map[string]any

	w   *callWalker
	ast *ast.Field
}

// Selects returns the names of the fields selected on the concrete type typ at path
// below this field, through fragments: Selects("Contact", "edges", "node") for the
// node fields of a connection, Selects("Account") for an object field's own selection.
func (f Field) Selects(typ string, path ...string) map[string]bool {
	if f.w == nil || f.ast == nil {
		return map[string]bool{}
	}
	return f.w.selects(f.ast.SelectionSet, typ, path)
}

// Load is one kind of backend request a field makes. For n parent records it costs
// PerParent·n + Batch calls: a backend without a batch form fans out (PerParent 1), a
// dataloader that sends k keys per call costs PerParent 1/k and Batch 1.
type Load struct {
	PerParent float64
	Batch     float64
	// Key names a load that sibling fields share (one loader serves every field that
	// needs it): loads with the same Key in one selection set are counted once.
	Key string
	// Once names a load made at most once per operation whatever asks for it (a
	// reference list read once per request): it costs one call in total.
	Once string
}

// Children are the records a field yields for each parent record.
type Children struct {
	// Type is their concrete type ("": the field's type; an abstract type is priced as
	// its most expensive implementation).
	Type string
	// Sources are where they come from (0: the parent's).
	Sources Sources
	// Count is how many each parent yields.
	Count float64
	// Items is the page size when the children are pages (connections): their fields
	// marked PerItem are priced once per item.
	Items float64
}

// Price is what a field costs.
type Price struct {
	Loads []Load
	// Children default to one record of the field's type from the parent's sources.
	Children []Children
	// NoChildren says the field yields nothing worth pricing (or nothing at all, e.g.
	// a lookup of an id that does not decode), overriding the default.
	NoChildren bool
	// PerItem marks a field of a page that is resolved once per item (a connection's
	// edges): it costs Items times per page.
	PerItem bool
}

// CallCost prices one field. It must be cheap and must not look beyond the field's own
// arguments and Selects: the walker calls it once per field and context.
type CallCost func(Field) Price

// EstimateCalls returns how many backend calls op can make by cost's prices: an upper-ish
// bound, rounded up, saturating at MaxInt. Its work is linear in the document: each
// fragment is priced once per concrete parent type and set of sources.
func EstimateCalls(schema *ast.Schema, op *ast.OperationDefinition, fragments ast.FragmentDefinitionList,
	vars map[string]any, cost CallCost) int {
	w := newCallWalker(schema, fragments, vars, cost)
	return w.estimate(op)
}

// price is the cost of a selection set resolved on n records of one page of k items:
// perParent·n + perItem·n·k + fixed, plus one call per once key.
type price struct {
	perParent float64
	perItem   float64
	fixed     float64
	once      map[string]struct{}
}

func (p *price) addOnce(keys map[string]struct{}) {
	if len(keys) == 0 {
		return
	}
	if p.once == nil {
		p.once = make(map[string]struct{}, len(keys))
	}
	for k := range keys {
		p.once[k] = struct{}{}
	}
}

// atLeast raises p to q component by component (an upper bound of either).
func (p *price) atLeast(q price) {
	p.perParent = max(p.perParent, q.perParent)
	p.perItem = max(p.perItem, q.perItem)
	p.fixed = max(p.fixed, q.fixed)
	p.addOnce(q.once)
}

type fragmentContext struct {
	name    string
	typ     string
	sources Sources
}

type selectsKey struct {
	name string
	typ  string
	path string
}

type callWalker struct {
	schema    *ast.Schema
	vars      map[string]any
	cost      CallCost
	fragments fragmentIndex
	memo      map[fragmentContext]price
	visiting  map[fragmentContext]bool
	selMemo   map[selectsKey]map[string]bool
	selBusy   map[selectsKey]bool
	visits    int // selections priced; tests read it to prove the walk is linear
}

func newCallWalker(schema *ast.Schema, fragments ast.FragmentDefinitionList, vars map[string]any, cost CallCost) *callWalker {
	return &callWalker{schema: schema, vars: vars, cost: cost, fragments: indexFragments(fragments),
		memo: map[fragmentContext]price{}, visiting: map[fragmentContext]bool{},
		selMemo: map[selectsKey]map[string]bool{}, selBusy: map[selectsKey]bool{}}
}

func (w *callWalker) estimate(op *ast.OperationDefinition) int {
	var root *ast.Definition
	switch op.Operation {
	case ast.Mutation:
		root = w.schema.Mutation
	case ast.Subscription:
		root = w.schema.Subscription
	default:
		root = w.schema.Query
	}
	if root == nil {
		return 0
	}
	p := w.set(op.SelectionSet, root, 0)
	total := p.perParent + p.fixed + float64(len(p.once)) // one root object
	switch {
	case math.IsNaN(total) || total >= math.MaxInt:
		return math.MaxInt
	case total <= 0:
		return 0
	}
	// Shares of batched calls are fractions; the small epsilon keeps 21.000000001 at 21.
	return int(math.Ceil(total - 1e-9))
}

// applies reports whether a fragment with type condition cond applies to records of the
// concrete type typ.
func (w *callWalker) applies(cond string, typ *ast.Definition) bool {
	if cond == "" || cond == typ.Name {
		return true
	}
	def := w.schema.Types[cond]
	if def == nil || (def.Kind != ast.Interface && def.Kind != ast.Union) {
		return false
	}
	for _, t := range w.schema.GetPossibleTypes(def) {
		if t.Name == typ.Name {
			return true
		}
	}
	return false
}

// set prices a selection set resolved on records of the concrete type typ from sources.
func (w *callWalker) set(set ast.SelectionSet, typ *ast.Definition, sources Sources) price {
	var p price
	shared := map[string]Load{}
	w.collect(set, typ, sources, &p, shared)
	for _, l := range shared {
		p.perParent += l.PerParent
		p.fixed += l.Batch
	}
	return p
}

// collect adds the fields of set, and of the inline fragments in it, to p: they are
// siblings, so loads with the same key are shared.
func (w *callWalker) collect(set ast.SelectionSet, typ *ast.Definition, sources Sources, p *price, shared map[string]Load) {
	for _, sel := range set {
		w.visits++
		switch s := sel.(type) {
		case *ast.Field:
			w.field(s, typ, sources, p, shared)
		case *ast.InlineFragment:
			if w.applies(s.TypeCondition, typ) {
				w.collect(s.SelectionSet, typ, sources, p, shared)
			}
		case *ast.FragmentSpread:
			f := w.fragments.of(s)
			if f == nil || !w.applies(f.TypeCondition, typ) {
				continue
			}
			q := w.fragment(f, typ, sources)
			p.perParent += q.perParent
			p.perItem += q.perItem
			p.fixed += q.fixed
			p.addOnce(q.once)
		}
	}
}

func (w *callWalker) fragment(f *ast.FragmentDefinition, typ *ast.Definition, sources Sources) price {
	key := fragmentContext{name: f.Name, typ: typ.Name, sources: sources}
	if q, ok := w.memo[key]; ok {
		return q
	}
	if w.visiting[key] { // a cycle: validation rejects it, do not loop
		return price{}
	}
	w.visiting[key] = true
	q := w.set(f.SelectionSet, typ, sources)
	delete(w.visiting, key)
	w.memo[key] = q
	return q
}

func (w *callWalker) field(s *ast.Field, typ *ast.Definition, sources Sources, p *price, shared map[string]Load) {
	if s.Definition == nil {
		return // not validated against this schema
	}
	f := Field{Parent: typ.Name, Sources: sources, Name: s.Name, Args: s.ArgumentMap(w.vars), w: w, ast: s}
	pr := w.cost(f)
	var own price
	for _, l := range pr.Loads {
		switch {
		case l.Once != "":
			own.addOnce(map[string]struct{}{l.Once: {}})
		case l.Key != "" && !pr.PerItem:
			prev := shared[l.Key]
			shared[l.Key] = Load{PerParent: max(prev.PerParent, l.PerParent), Batch: max(prev.Batch, l.Batch)}
		default:
			own.perParent += l.PerParent
			own.fixed += l.Batch
		}
	}
	if !pr.NoChildren && len(s.SelectionSet) > 0 {
		children := pr.Children
		if children == nil {
			children = []Children{{Count: 1}}
		}
		for _, c := range children {
			w.children(s, c, sources, &own)
		}
	}
	if pr.PerItem {
		p.perItem += own.perParent
	} else {
		p.perParent += own.perParent
	}
	p.fixed += own.fixed
	p.addOnce(own.once)
}

// children adds to own what the records c describes cost for each parent record.
func (w *callWalker) children(s *ast.Field, c Children, sources Sources, own *price) {
	if c.Count <= 0 {
		return // no records: nothing below them runs
	}
	name := c.Type
	if name == "" {
		name = s.Definition.Type.Name()
	}
	def := w.schema.Types[name]
	if def == nil {
		return
	}
	if c.Sources != 0 {
		sources = c.Sources
	}
	var q price
	switch def.Kind {
	case ast.Object:
		q = w.set(s.SelectionSet, def, sources)
	case ast.Interface, ast.Union:
		for _, t := range w.schema.GetPossibleTypes(def) {
			q.atLeast(w.set(s.SelectionSet, t, sources))
		}
	default:
		return
	}
	own.perParent += c.Count * (q.perParent + c.Items*q.perItem)
	own.fixed += q.fixed
	own.addOnce(q.once)
}

// selects collects the names selected on typ at path below set. Fragments are memoized
// per type and path: a name set holds at most the fields of one type, so a lookup costs
// no more than the selections it reads.
func (w *callWalker) selects(set ast.SelectionSet, typ string, path []string) map[string]bool {
	out := map[string]bool{}
	w.selectInto(out, set, typ, path)
	return out
}

func (w *callWalker) selectInto(out map[string]bool, set ast.SelectionSet, typ string, path []string) {
	def := w.schema.Types[typ]
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			switch {
			case len(path) == 0:
				out[s.Name] = true
			case s.Name == path[0]:
				w.selectInto(out, s.SelectionSet, typ, path[1:])
			}
		case *ast.InlineFragment:
			if len(path) > 0 || def == nil || w.applies(s.TypeCondition, def) {
				w.selectInto(out, s.SelectionSet, typ, path)
			}
		case *ast.FragmentSpread:
			f := w.fragments.of(s)
			if f == nil || (len(path) == 0 && def != nil && !w.applies(f.TypeCondition, def)) {
				continue
			}
			for name := range w.fragmentSelects(f, typ, path) {
				out[name] = true
			}
		}
	}
}

func (w *callWalker) fragmentSelects(f *ast.FragmentDefinition, typ string, path []string) map[string]bool {
	key := selectsKey{name: f.Name, typ: typ, path: pathKey(path)}
	if names, ok := w.selMemo[key]; ok {
		return names
	}
	if w.selBusy[key] {
		return nil
	}
	w.selBusy[key] = true
	names := w.selects(f.SelectionSet, typ, path)
	delete(w.selBusy, key)
	w.selMemo[key] = names
	return names
}

func pathKey(path []string) string {
	k := ""
	for _, p := range path {
		k += p + "."
	}
	return k
}

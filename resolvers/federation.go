package resolvers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"crmgraph/graph/model"
)

// lister reads records [offset, offset+limit) of one part of a list and that part's
// total. limit 0 asks for the total only.
type lister[T any] func(ctx context.Context, offset, limit int) ([]T, int, error)

// parts is a list made of sub-lists, each already in the list's order: the sources of a
// federated list one after the other (cmp nil), or the k-way merge of disjoint
// searches in cmp order. A cursor holds every part's position (how many of its records
// come at or before the cursor's record), so a window can be cut from either end, and
// walking the pages forward with first/after or backward with last/before returns
// every record exactly once, in the same order.
type parts[T any] struct {
	keys    []string
	listers map[string]lister[T]
	cmp     func(a, b T) int
	// partial: a failing part adds its error to the response and the others answer;
	// only when every part fails does the list fail. Otherwise a failing part fails it.
	partial bool
	// offset: a single part with offset cursors ("o:N").
	offset bool
}

// listPage is a window of a list.
type listPage[T any] struct {
	Nodes   []T
	Cursors []string
	HasNext bool
	HasPrev bool
	Total   int
	// Start is the first node's offset in the list (single-part lists).
	Start int
}

// offsetList pages one offset-addressed list.
func offsetList[T any](ctx context.Context, a pageArgs, list lister[T]) (listPage[T], error) {
	return parts[T]{keys: []string{"o"}, listers: map[string]lister[T]{"o": list}, offset: true}.page(ctx, a)
}

// bySource is a federated list: the sources' records one source after the other, in
// the order given. A source that fails leaves the others to answer.
func bySource[T any](sources []model.Source, listers map[model.Source]lister[T]) parts[T] {
	p := parts[T]{listers: map[string]lister[T]{}, partial: true}
	for s, l := range listers {
		p.listers[string(s)] = l
	}
	for _, s := range sources {
		p.keys = append(p.keys, string(s))
	}
	return p
}

// plan is what a connection's arguments ask of the parts before any call: each part's
// position after `after`, its bound before `before` (nil: none), and the first read.
type plan struct {
	start, end []int
	reads      []window
}

func (l parts[T]) plan(a pageArgs) (plan, error) {
	if err := a.check(); err != nil {
		return plan{}, err
	}
	n := len(l.keys)
	p := plan{start: make([]int, n), reads: make([]window, n)}
	if a.After != nil && *a.After != "" {
		at, _, err := l.decode(*a.After)
		if err != nil {
			return plan{}, err
		}
		for i, k := range l.keys {
			p.start[i] = at[k]
		}
	}
	if a.Before != nil && *a.Before != "" {
		at, edge, err := l.decode(*a.Before)
		if err != nil {
			return plan{}, err
		}
		if !slices.Contains(l.keys, edge) {
			return plan{}, badInput("cursor does not belong to this list")
		}
		at[edge]-- // before the cursor's record, not at it
		p.end = make([]int, n)
		for i, k := range l.keys {
			p.end[i] = max(at[k], p.start[i])
		}
	}
	switch {
	case !a.backward():
		for i := range p.reads {
			limit := a.size()
			if p.end != nil {
				limit = min(limit, p.end[i]-p.start[i])
			}
			p.reads[i] = window{Offset: p.start[i], First: limit}
		}
	case p.end != nil:
		lo := l.backFrom(p.start, p.end, nil, *a.Last)
		for i := range p.reads {
			p.reads[i] = window{Offset: lo[i], First: p.end[i] - lo[i]}
		}
	default:
		// The end is unknown: read last records from the start of each part, which
		// answers its total and, for a short part, the window too.
		for i := range p.reads {
			p.reads[i] = window{Offset: p.start[i], First: *a.Last}
		}
	}
	return p, nil
}

// backFrom plans a window of size records that ends at hi: where each part's share of
// it starts. One part after another, the last parts give first; a merge may take up
// to size records from any part. Parts marked failed give nothing.
func (l parts[T]) backFrom(start, hi []int, failed []bool, size int) []int {
	lo := make([]int, len(hi))
	remaining := size
	for i := len(hi) - 1; i >= 0; i-- {
		lo[i] = hi[i]
		if failed != nil && failed[i] {
			continue
		}
		take := min(hi[i]-start[i], size)
		if l.cmp == nil {
			take = min(take, remaining)
			remaining -= take
		}
		lo[i] = hi[i] - max(take, 0)
	}
	return lo
}

// part is what one part answered: items are its records from offset from; the window
// may take those in [lo, hi).
type part[T any] struct {
	from   int
	items  []T
	total  int
	err    error
	lo, hi int
}

// read runs the reads concurrently (a read of nil skips the part), so the list costs
// its slowest part, not their sum.
func (l parts[T]) read(ctx context.Context, ps []part[T], reads []*window) {
	var wg sync.WaitGroup
	for i, w := range reads {
		if w == nil {
			continue
		}
		wg.Go(func() {
			items, total, err := l.listers[l.keys[i]](ctx, w.Offset, w.First)
			if len(items) > w.First {
				items = items[:w.First]
			}
			ps[i].from, ps[i].items, ps[i].total, ps[i].err = w.Offset, items, total, err
		})
	}
	wg.Wait()
}

func (l parts[T]) page(ctx context.Context, a pageArgs) (listPage[T], error) {
	var out listPage[T]
	// Backward paging finds the end from the totals; forward, a source that can count
	// only by reading everything counts only when totalCount is asked for.
	ctx = context.WithValue(ctx, totalWantedKey{}, a.backward() || selects(ctx, "totalCount"))
	p, err := l.plan(a)
	if err != nil {
		return out, err
	}
	n := len(l.keys)
	ps := make([]part[T], n)
	reads := make([]*window, n)
	for i := range p.reads {
		reads[i] = &p.reads[i]
	}
	l.read(ctx, ps, reads)
	var seq, s []int
	if a.backward() {
		seq, s = l.backward(ctx, ps, p, *a.Last)
	} else {
		seq, s = l.forward(ps, p, a)
	}

	var errs []error
	for i := range ps {
		if ps[i].err != nil {
			errs = append(errs, ps[i].err)
			continue
		}
		out.Total += ps[i].total
	}
	if len(errs) > 0 {
		if !l.partial {
			return listPage[T]{}, errs[0]
		}
		if len(errs) == n {
			for _, err := range errs[1:] {
				graphql.AddError(ctx, err)
			}
			return listPage[T]{}, errs[0]
		}
		for _, err := range errs {
			graphql.AddError(ctx, err)
		}
	}

	cur := slices.Clone(s)
	for _, i := range seq {
		out.Nodes = append(out.Nodes, ps[i].items[cur[i]-ps[i].from])
		cur[i]++
		out.Cursors = append(out.Cursors, l.encode(cur, i))
	}
	for i := range ps {
		out.HasPrev = out.HasPrev || s[i] > 0
		out.HasNext = out.HasNext || (ps[i].err == nil && cur[i] < ps[i].total)
	}
	if n > 0 {
		out.Start = s[0]
	}
	return out, nil
}

// forward takes the window from the front of what the parts read from their start
// positions. It returns the part of each record in list order and every part's
// position before the window's first record.
func (l parts[T]) forward(ps []part[T], p plan, a pageArgs) (seq, s []int) {
	s = slices.Clone(p.start)
	for i := range ps {
		ps[i].lo, ps[i].hi = p.start[i], p.start[i]+len(ps[i].items)
	}
	seq, _ = l.pick(ps, a.size(), true)
	if a.Last != nil && len(seq) > *a.Last { // first, then the last of those
		for _, i := range seq[:len(seq)-*a.Last] {
			s[i]++
		}
		seq = seq[len(seq)-*a.Last:]
	}
	return seq, s
}

// backward takes the last records before the parts' bounds: the cursor's, or, without
// one, the parts' ends, which the first read answered with the totals; then only the
// parts whose share of the window that read did not hold are read again.
func (l parts[T]) backward(ctx context.Context, ps []part[T], p plan, last int) (seq, s []int) {
	n := len(ps)
	hi, lo := p.end, make([]int, n)
	if hi == nil {
		hi = make([]int, n)
		failed := make([]bool, n)
		for i := range ps {
			hi[i], failed[i] = max(ps[i].total, p.start[i]), ps[i].err != nil
		}
		lo = l.backFrom(p.start, hi, failed, last)
		again := make([]*window, n)
		for i := range ps {
			covered := ps[i].from <= lo[i] && hi[i] <= ps[i].from+len(ps[i].items)
			if ps[i].err == nil && lo[i] < hi[i] && !covered {
				again[i] = &window{Offset: lo[i], First: hi[i] - lo[i]}
			}
		}
		l.read(ctx, ps, again)
	} else {
		for i := range ps {
			lo[i] = p.reads[i].Offset
		}
	}
	s = make([]int, n)
	for i := range ps {
		ps[i].lo, ps[i].hi, s[i] = lo[i], hi[i], hi[i]
		switch {
		case ps[i].err == nil:
			// A part that shrank since the cursor was made ends where its records do.
			ps[i].hi = min(ps[i].hi, ps[i].total)
			if ps[i].lo < ps[i].hi {
				ps[i].hi = min(ps[i].hi, ps[i].from+len(ps[i].items))
			}
		case p.end == nil:
			s[i] = p.start[i] // failed before its end was known
		}
		ps[i].lo = min(ps[i].lo, ps[i].hi)
	}
	seq, taken := l.pick(ps, last, false)
	slices.Reverse(seq)
	for i := range ps {
		if ps[i].err == nil {
			s[i] = ps[i].hi - taken[i]
		}
	}
	return seq, s
}

// pick takes up to size records from the parts' ranges, from the front or from the back,
// in the list's order. It returns the part of each record taken (in the order taken)
// and how many it took from each part.
func (l parts[T]) pick(ps []part[T], size int, front bool) (seq, taken []int) {
	taken = make([]int, len(ps))
	head := func(i int) T {
		if front {
			return ps[i].items[ps[i].lo+taken[i]-ps[i].from]
		}
		return ps[i].items[ps[i].hi-1-taken[i]-ps[i].from]
	}
	for len(seq) < size {
		best := -1
		for i := range ps {
			if ps[i].err != nil || ps[i].lo+taken[i] >= ps[i].hi {
				continue
			}
			if best < 0 || l.precedes(i, head(i), best, head(best)) == front {
				best = i
			}
		}
		if best < 0 {
			break
		}
		seq = append(seq, best)
		taken[best]++
	}
	return seq, taken
}

// precedes reports whether x of part i comes before y of part j (i ≠ j) in the list.
func (l parts[T]) precedes(i int, x T, j int, y T) bool {
	if l.cmp != nil {
		if c := l.cmp(x, y); c != 0 {
			return c < 0
		}
	}
	return i < j
}

// encode is the cursor after a record of part edge, at positions cur.
func (l parts[T]) encode(cur []int, edge int) string {
	if l.offset {
		return offsetCursor(cur[0])
	}
	c := make(federatedCursor, len(cur))
	for i, k := range l.keys {
		c[k] = cur[i]
	}
	if l.cmp != nil && len(l.keys) > 1 {
		return c.encode(l.keys[edge]) // which part's record it is does not follow from the positions
	}
	return c.encode("")
}

// decode reads a cursor of this list: every part's position and the part the cursor's
// record comes from ("" when it cannot tell).
func (l parts[T]) decode(s string) (federatedCursor, string, error) {
	if l.offset {
		n, err := parseOffsetCursor(s)
		if err != nil {
			return nil, "", err
		}
		edge := ""
		if n > 0 {
			edge = l.keys[0]
		}
		return federatedCursor{l.keys[0]: n}, edge, nil
	}
	at, edge, err := parseFederatedCursor(s)
	if err != nil {
		return nil, "", err
	}
	for k := range at {
		if _, ok := l.listers[k]; !ok {
			return nil, "", badInput("cursor does not belong to this list")
		}
	}
	if edge != "" {
		if _, ok := l.listers[edge]; !ok || at[edge] < 1 {
			return nil, "", badInput("cursor does not belong to this list")
		}
		return at, edge, nil
	}
	if l.cmp == nil || len(l.keys) == 1 {
		for _, k := range l.keys { // one part after another: the last part it has reached
			if at[k] > 0 {
				edge = k
			}
		}
	}
	return at, edge, nil
}

// resolveSources validates the requested sources against what the entity supports.
// Without sources, def applies.
func resolveSources(entity string, requested []model.Source, supported, def []model.Source) ([]model.Source, error) {
	if len(requested) == 0 {
		return def, nil
	}
	var out []model.Source
	for _, s := range requested {
		if !slices.Contains(supported, s) {
			names := make([]string, len(supported))
			for i, x := range supported {
				names[i] = string(x)
			}
			return nil, badInput(fmt.Sprintf("%s are not available from %s (supported sources: %s)", entity, s, strings.Join(names, ", ")))
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// pageEdges turns a window into edges and page info.
func pageEdges[T any, E any](lp listPage[T], mk func(cursor string, node T) E) ([]E, *model.PageInfo) {
	edges := make([]E, len(lp.Nodes))
	for i, n := range lp.Nodes {
		edges[i] = mk(lp.Cursors[i], n)
	}
	pi := &model.PageInfo{HasNextPage: lp.HasNext, HasPreviousPage: lp.HasPrev}
	if n := len(lp.Cursors); n > 0 {
		pi.StartCursor, pi.EndCursor = &lp.Cursors[0], &lp.Cursors[n-1]
	}
	return edges, pi
}

type totalWantedKey struct{}

// totalWanted tells a lister whether the page needs its exact total: a source that can
// only count by reading everything (ConeCRM contacts) counts only then, and answers "at
// least one more" otherwise.
func totalWanted(ctx context.Context) bool {
	w, ok := ctx.Value(totalWantedKey{}).(bool)
	return !ok || w
}

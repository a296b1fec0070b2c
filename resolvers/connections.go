package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"crmgraph/backends/cirrus"
	"crmgraph/graph"
	"crmgraph/graph/model"
)

// fetchWindow reads the records a window covers from a page-numbered list (Cirrus):
// one call when one page of at most perPage can hold the window, else consecutive pages
// of perPage (the client's cap, CIRRUS_MAX_PER_PAGE, so no page is split again below).
func fetchWindow[T any](perPage int, w window, fetch func(page, perPage int) (page[T], error)) ([]T, int, error) {
	if w.First == 0 {
		p, err := fetch(1, 1)
		return nil, p.Total, err
	}
	if pg, per, skip, ok := pageFor(w.Offset, w.First, perPage); ok {
		p, err := fetch(pg, per)
		if err != nil {
			return nil, 0, err
		}
		return sliceWindow(p.Items, window{Offset: skip, First: w.First}), p.Total, nil
	}
	var out []T
	total := 0
	skip := w.Offset % perPage
	for pg := w.Offset/perPage + 1; len(out) < w.First; pg++ {
		p, err := fetch(pg, perPage)
		if err != nil {
			return nil, 0, err
		}
		total = p.Total
		items := p.Items
		if skip > 0 {
			items = sliceWindow(items, window{Offset: skip, First: len(items)})
			skip = 0
		}
		out = append(out, items...)
		if len(p.Items) < perPage {
			break
		}
	}
	if len(out) > w.First {
		out = out[:w.First]
	}
	return out, total, nil
}

// cirrusPerPage is the largest Cirrus page the request's client asks for.
func cirrusPerPage(ctx context.Context) int {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok && l.cirrusPerPage > 0 {
		return l.cirrusPerPage
	}
	return cirrus.MaxPerPage
}

// edgesOf builds Relay edges for a single-source window.
func edgesOf[T any, E any](items []T, offset int, mk func(cursor string, node T) E) []E {
	edges := make([]E, len(items))
	for i, it := range items {
		edges[i] = mk(offsetCursor(offset+i+1), it)
	}
	return edges
}

func pageInfo(offset, n, total int) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: offset+n < total, HasPreviousPage: offset > 0}
	if n > 0 {
		start, end := offsetCursor(offset+1), offsetCursor(offset+n)
		pi.StartCursor, pi.EndCursor = &start, &end
	}
	return pi
}

// offsetConnection pages an offset-addressed list into a connection.
func offsetConnection[T any, C any](ctx context.Context, a pageArgs, list lister[T], mk func(items []T, offset, total int) *C) (*C, error) {
	p, err := offsetList(ctx, a, list)
	if err != nil {
		return nil, err
	}
	return mk(p.Nodes, p.Start, p.Total), nil
}

// sliceConnection pages records already in hand.
func sliceConnection[T any, C any](ctx context.Context, all []T, a pageArgs, mk func(items []T, offset, total int) *C) (*C, error) {
	return offsetConnection(ctx, a, func(_ context.Context, offset, limit int) ([]T, int, error) {
		return sliceWindow(all, window{Offset: offset, First: limit}), len(all), nil
	}, mk)
}

func accountConnection(items []*model.Account, offset, total int) *model.AccountConnection {
	return &model.AccountConnection{TotalCount: total, PageInfo: pageInfo(offset, len(items), total),
		Edges: edgesOf(items, offset, func(c string, n *model.Account) *model.AccountEdge { return &model.AccountEdge{Cursor: c, Node: n} })}
}

func contactConnection(items []*model.Contact, offset, total int) *model.ContactConnection {
	return &model.ContactConnection{TotalCount: total, PageInfo: pageInfo(offset, len(items), total),
		Edges: edgesOf(items, offset, func(c string, n *model.Contact) *model.ContactEdge { return &model.ContactEdge{Cursor: c, Node: n} })}
}

func opportunityConnection(items []*model.Opportunity, offset, total int) *model.OpportunityConnection {
	return &model.OpportunityConnection{TotalCount: total, PageInfo: pageInfo(offset, len(items), total),
		Edges: edgesOf(items, offset, func(c string, n *model.Opportunity) *model.OpportunityEdge {
			return &model.OpportunityEdge{Cursor: c, Node: n}
		})}
}

func orderConnection(items []*model.Order, offset, total int) *model.OrderConnection {
	return &model.OrderConnection{TotalCount: total, PageInfo: pageInfo(offset, len(items), total),
		Edges: edgesOf(items, offset, func(c string, n *model.Order) *model.OrderEdge { return &model.OrderEdge{Cursor: c, Node: n} })}
}

func leadConnection(items []*model.Lead, offset, total int) *model.LeadConnection {
	return &model.LeadConnection{TotalCount: total, PageInfo: pageInfo(offset, len(items), total),
		Edges: edgesOf(items, offset, func(c string, n *model.Lead) *model.LeadEdge { return &model.LeadEdge{Cursor: c, Node: n} })}
}

func changeRequestConnection(items []*model.ChangeRequest, offset, total int) *model.ChangeRequestConnection {
	return &model.ChangeRequestConnection{TotalCount: total, PageInfo: pageInfo(offset, len(items), total),
		Edges: edgesOf(items, offset, func(c string, n *model.ChangeRequest) *model.ChangeRequestEdge {
			return &model.ChangeRequestEdge{Cursor: c, Node: n}
		})}
}

// nodeFields returns the fields selected on `edges { node { … } }` of the connection the
// current resolver returns, for the given concrete type.
func nodeFields(ctx context.Context, typename string) []graphql.CollectedField {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil
	}
	for _, e := range graph.CollectFields(ctx, fc.Field.Selections) {
		if e.Name != "edges" {
			continue
		}
		for _, n := range graph.CollectFields(ctx, e.Selections) {
			if n.Name == "node" {
				return graph.CollectFields(ctx, n.Selections, typename, "Node")
			}
		}
	}
	return nil
}

// selects reports whether the current field's selection asks for name (e.g. totalCount).
func selects(ctx context.Context, name string) bool {
	if !graphql.HasOperationContext(ctx) {
		return true
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return true
	}
	for _, f := range graph.CollectFields(ctx, fc.Field.Selections) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// argWindow is the first read a child offset connection makes for the arguments of a
// collected field (variables applied), so a prefetch queues the very page it will load.
func argWindow(ctx context.Context, f graphql.CollectedField) (window, bool) {
	args := f.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
	p, err := parts[struct{}]{keys: []string{"o"}, offset: true}.plan(relayArgs(intArg(args["first"]), strArg(args["after"]), intArg(args["last"]), strArg(args["before"])))
	if err != nil {
		return window{}, false
	}
	return p.reads[0], true
}

func intArg(v any) *int {
	switch n := v.(type) {
	case int64:
		i := int(n)
		return &i
	case int:
		return &n
	}
	return nil
}

func strArg(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}

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

// lister reads records [offset, offset+limit) of one source's list and that list's total.
// limit 0 asks for the total only.
type lister[T any] func(ctx context.Context, offset, limit int) ([]T, int, error)

// federate pages a list over several sources: all of the first source, then the next.
// The cursor holds each source's position, so walking every page returns every record
// once. A source that fails adds its error (with path) to the response and the other
// sources still answer.
type federatedPage[T any] struct {
	Nodes   []T
	Cursors []string
	HasNext bool
	Total   int
}

func federate[K ~string, T any](ctx context.Context, sources []K, listers map[K]lister[T], after *string, first int, wantTotal bool) (federatedPage[T], error) {
	var out federatedPage[T]
	pos, err := parseFederatedCursor(after)
	if err != nil {
		return out, err
	}
	for k := range pos {
		if _, ok := listers[K(k)]; !ok {
			return out, badInput("cursor does not belong to this list")
		}
	}
	ctx = context.WithValue(ctx, totalWantedKey{}, wantTotal)
	cur := federatedCursor{}
	for s, n := range pos {
		cur[s] = n
	}
	// Every source is asked at once for a whole page from its position, so the list
	// costs its slowest source, not the sum; the page is then filled in source order
	// and the rest dropped.
	type answer struct {
		items []T
		total int
		err   error
	}
	answers := make([]answer, len(sources))
	var wg sync.WaitGroup
	for i, key := range sources {
		offset := cur[string(key)]
		wg.Go(func() {
			items, total, err := listers[key](ctx, offset, first)
			answers[i] = answer{items, total, err}
		})
	}
	wg.Wait()
	remaining := first
	for i, key := range sources {
		src, a := string(key), answers[i]
		if a.err != nil {
			graphql.AddError(ctx, a.err)
			continue
		}
		offset := cur[src]
		out.Total += a.total
		take := a.items[:min(len(a.items), remaining)]
		for _, it := range take {
			cur[src]++
			out.Nodes = append(out.Nodes, it)
			out.Cursors = append(out.Cursors, cur.encode())
		}
		remaining -= len(take)
		if offset+len(take) < a.total {
			out.HasNext = true
		}
	}
	return out, nil
}

type totalWantedKey struct{}

// totalWanted tells a lister whether the connection asks for its total: a source that
// can only count by reading everything (ConeCRM contacts) counts only then, and answers
// "at least one more" otherwise.
func totalWanted(ctx context.Context) bool {
	w, ok := ctx.Value(totalWantedKey{}).(bool)
	return !ok || w
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

// fedEdges turns a federated page into edges and page info.
func fedEdges[T any, E any](fp federatedPage[T], mk func(cursor string, node T) E) ([]E, *model.PageInfo) {
	edges := make([]E, len(fp.Nodes))
	for i, n := range fp.Nodes {
		edges[i] = mk(fp.Cursors[i], n)
	}
	pi := &model.PageInfo{HasNextPage: fp.HasNext}
	if n := len(fp.Cursors); n > 0 {
		pi.EndCursor = &fp.Cursors[n-1]
	}
	return edges, pi
}

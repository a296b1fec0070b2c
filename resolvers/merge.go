package resolvers

import (
	"context"
	"sync"
)

// mergePage pages a list that is the union of several disjoint sub-lists, each already
// in the order cmp describes (a one-status search each, for instance): the page is a
// k-way merge of the sub-lists' windows, and each cursor holds every sub-list's
// position, so walking the pages returns each record exactly once, in cmp order, and
// the total is the sum of the sub-lists' totals.
//
// Every sub-list reads first records from its position: a page of first merged
// records can take at most that many from any one of them, so the merge never runs
// past what it has read. A sub-list that fails fails the page: a merge without one of
// its parts would be silently incomplete.
func mergePage[T any](ctx context.Context, keys []string, listers map[string]lister[T], cmp func(a, b T) int, after *string, first int) (federatedPage[T], error) {
	var out federatedPage[T]
	pos, err := parseFederatedCursor(after)
	if err != nil {
		return out, err
	}
	for k := range pos {
		if _, ok := listers[k]; !ok {
			return out, badInput("cursor does not belong to this list")
		}
	}
	type part struct {
		items []T
		total int
		err   error
	}
	parts := make([]part, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() {
			parts[i].items, parts[i].total, parts[i].err = listers[k](ctx, pos[k], first)
		})
	}
	wg.Wait()
	for _, p := range parts {
		if p.err != nil {
			return out, p.err
		}
		out.Total += p.total
	}
	cur := federatedCursor{}
	for _, k := range keys {
		cur[k] = pos[k]
	}
	heads := make([]int, len(keys))
	for len(out.Nodes) < first {
		best := -1
		for i, p := range parts {
			if heads[i] < len(p.items) && (best < 0 || cmp(p.items[heads[i]], parts[best].items[heads[best]]) < 0) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		out.Nodes = append(out.Nodes, parts[best].items[heads[best]])
		heads[best]++
		cur[keys[best]]++
		out.Cursors = append(out.Cursors, cur.encode())
	}
	for i, k := range keys {
		if cur[k] < parts[i].total {
			out.HasNext = true
		}
	}
	return out, nil
}

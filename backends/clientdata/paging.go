package clientdata

import "context"

// A page the client is asked for (1-based page, any size) is fetched as the API pages
// that cover it: the API's first page is numbered pageBase, and no API page is larger
// than pageSize (a real API may cap pages lower than the sandbox; the seed names no
// cap). Page 0 means the API's default page, and size 0 its default size: both go
// out as they are, in one call.

// wirePage is one API page: its items and the API's total count.
type wirePage[T any] struct {
	results         []T
	total           int32
	size, pageCount int32 // as the API answers them
}

// paged is the page the client answers, with Page counted from 1.
type paged[T any] struct {
	results                  []T
	page, size, count, total int32
}

func fetchPaged[T any](ctx context.Context, c *Client, page, size int32,
	fetch func(ctx context.Context, wire, size int32) (wirePage[T], error)) (paged[T], error) {
	if size <= 0 || size <= c.pageSize {
		wire := int32(0)
		if page > 0 {
			wire = page - 1 + c.pageBase
		}
		p, err := fetch(ctx, wire, size)
		if err != nil {
			return paged[T]{}, err
		}
		if size <= 0 { // the API's default size: its own figures
			return paged[T]{results: p.results, page: max(page, 1), size: p.size, count: p.pageCount, total: p.total}, nil
		}
		return paged[T]{results: p.results, page: max(page, 1), size: size, count: pageCount(p.total, size), total: p.total}, nil
	}
	page = max(page, 1)
	from := int64(page-1) * int64(size)
	to := from + int64(size)
	s := int64(c.pageSize)
	var out []T
	var total int32
	for idx := from / s; idx*s < to; idx++ {
		p, err := fetch(ctx, int32(idx)+c.pageBase, c.pageSize)
		if err != nil {
			return paged[T]{}, err
		}
		total = p.total
		lo, hi := max(from-idx*s, 0), min(to-idx*s, int64(len(p.results)))
		if lo < hi {
			out = append(out, p.results[lo:hi]...)
		}
		if int64(len(p.results)) < s || (idx+1)*s >= int64(total) {
			break
		}
	}
	return paged[T]{results: out, page: page, size: size, count: pageCount(total, size), total: total}, nil
}

func pageCount(total, size int32) int32 {
	if size <= 0 {
		return 0
	}
	return (total + size - 1) / size
}

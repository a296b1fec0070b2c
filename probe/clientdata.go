package probe

import (
	"context"
	"fmt"

	"crmgraph/backends/clientdata"
)

func clientDataChecks(c *clientdata.Client) []Check {
	return []Check{
		{Backend: "clientdata", Assumption: "change-request statuses at the inferred path, one per configured code",
			Run: func(ctx context.Context) Finding {
				xs, err := c.ChangeRequestStatuses(ctx)
				if f := reached(err, "statuses"); f != nil {
					return *f
				}
				return Verdict(len(xs) > 0, fmt.Sprintf("%d statuses", len(xs)), "")
			}},
		{Backend: "clientdata", Assumption: "change-request search answers {results,page,pageSize,pageCount,totalCount}",
			Run: func(ctx context.Context) Finding {
				r, err := c.SearchChangeRequests(clientdata.WithService(ctx), clientdata.SearchQuery{Page: 1, PageSize: 2})
				if f := reached(err, "search"); f != nil {
					return *f
				}
				return Verdict(len(r.Results) <= 2 && int(r.TotalCount) >= len(r.Results),
					fmt.Sprintf("page %d, pageSize %d, totalCount %d, %d results", r.Page, r.PageSize, r.TotalCount, len(r.Results)), "")
			}},
		{Backend: "clientdata", Assumption: "search pages are 1-based (without a page, the first page is page 1)",
			Run: func(ctx context.Context) Finding {
				ctx = clientdata.WithService(ctx)
				p1, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{Page: 1, PageSize: 1})
				if f := reached(err, "search page 1"); f != nil {
					return *f
				}
				if p1.TotalCount < 2 || len(p1.Results) == 0 {
					return Inconclusive("fewer than two change requests")
				}
				// The API's default page is its first: equal to page 1 when pages are
				// 1-based, to page 0 (so not to page 1) when they are 0-based.
				first, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{PageSize: 1})
				if f := reached(err, "search without a page"); f != nil {
					return *f
				}
				if len(first.Results) == 0 {
					return Inconclusive("the default page is empty")
				}
				return Verdict(first.Results[0].ID == p1.Results[0].ID,
					fmt.Sprintf("the default page starts at %d, page 1 at %d (the seed's sample shows page: 0)", first.Results[0].ID, p1.Results[0].ID), "")
			}},
	}
}

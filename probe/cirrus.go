package probe

import (
	"context"
	"fmt"

	"crmgraph/backends/cirrus"
)

func cirrusChecks(c *cirrus.Client) []Check {
	return []Check{
		{Backend: "cirrus", Assumption: "accounts list at the inferred path answers the page envelope {page,pages,per_page,total,items}",
			Run: func(ctx context.Context) Finding {
				p, err := c.Accounts(ctx, cirrus.AccountQuery{ListOptions: cirrus.ListOptions{Page: 1, PerPage: 2}})
				if f := reached(err, "GET accounts"); f != nil {
					return *f
				}
				return Verdict(p.Page == 1 && p.PerPage == 2 && p.Total >= len(p.Items) && len(p.Items) <= 2,
					fmt.Sprintf("page %d, per_page %d, total %d, %d items", p.Page, p.PerPage, p.Total, len(p.Items)), "")
			}},
		{Backend: "cirrus", Assumption: "per_page up to 50 is honoured (the seed's maximum)",
			Run: func(ctx context.Context) Finding {
				p, err := c.Accounts(ctx, cirrus.AccountQuery{ListOptions: cirrus.ListOptions{Page: 1, PerPage: cirrus.MaxPerPage}})
				if f := reached(err, "GET accounts"); f != nil {
					return *f
				}
				if p.Total < cirrus.MaxPerPage {
					return Inconclusive(fmt.Sprintf("only %d accounts: a full page cannot be seen", p.Total))
				}
				return Verdict(len(p.Items) == cirrus.MaxPerPage, fmt.Sprintf("asked %d, got %d", cirrus.MaxPerPage, len(p.Items)), "")
			}},
		{Backend: "cirrus", Assumption: "reference lists (account types) at the inferred path",
			Run: func(ctx context.Context) Finding {
				xs, err := c.AccountTypes(ctx)
				if f := reached(err, "GET account types"); f != nil {
					return *f
				}
				return Verdict(true, fmt.Sprintf("%d account types", len(xs)), "")
			}},
	}
}

package probe

import (
	"context"
	"fmt"

	"crmgraph/backends/cone"
)

func coneChecks(c *cone.Client) []Check {
	return []Check{
		{Backend: "cone", Assumption: "accounts list answers {total, accounts} with offset/limit",
			Run: func(ctx context.Context) Finding {
				l, err := c.Accounts(ctx, cone.AccountQuery{Offset: 0, Limit: 2})
				if f := reached(err, "GET /api/account"); f != nil {
					return *f
				}
				return Verdict(len(l.Accounts) <= 2 && l.Total >= len(l.Accounts),
					fmt.Sprintf("total %d, %d accounts for limit 2", l.Total, len(l.Accounts)), "")
			}},
		{Backend: "cone", Assumption: "contacts list is a bare array paged by start/limit",
			Run: func(ctx context.Context) Finding {
				xs, err := c.Contacts(ctx, cone.ContactQuery{Start: 0, Limit: 2})
				if f := reached(err, "GET /api/contact"); f != nil {
					return *f
				}
				return Verdict(len(xs) <= 2, fmt.Sprintf("%d contacts for limit 2", len(xs)), "")
			}},
		{Backend: "cone", Assumption: "stages (a reference list) are readable",
			Run: func(ctx context.Context) Finding {
				xs, err := c.Stages(ctx)
				if f := reached(err, "GET /api/stage"); f != nil {
					return *f
				}
				return Verdict(true, fmt.Sprintf("%d stages", len(xs)), "")
			}},
	}
}

package probe

import (
	"context"
	"fmt"

	"crmgraph/backends/support"
)

func supportChecks(c *support.Client) []Check {
	return []Check{
		{Backend: "support", Assumption: "customers list answers the Unify envelope with data",
			Run: func(ctx context.Context) Finding {
				p, err := c.Customers(ctx, support.ListQuery{Limit: 2, Fields: []string{"id"}})
				if f := reached(err, "GET customers"); f != nil {
					return *f
				}
				return Verdict(len(p.Customers) <= 2, fmt.Sprintf("%d customers for limit 2", len(p.Customers)), "")
			}},
		{Backend: "support", Assumption: "the next cursor reaches a different page",
			Run: func(ctx context.Context) Finding {
				p1, err := c.Customers(ctx, support.ListQuery{Limit: 1, Fields: []string{"id"}})
				if f := reached(err, "GET customers"); f != nil {
					return *f
				}
				if p1.Next == "" || len(p1.Customers) == 0 {
					return Inconclusive("a single page of customers")
				}
				p2, err := c.Customers(ctx, support.ListQuery{Limit: 1, Cursor: p1.Next, Fields: []string{"id"}})
				if f := reached(err, "GET customers (next)"); f != nil {
					return *f
				}
				return Verdict(len(p2.Customers) == 1 && p2.Customers[0].ID != p1.Customers[0].ID, "", "")
			}},
		{Backend: "support", Assumption: "the fields parameter restricts the answer",
			Run: func(ctx context.Context) Finding {
				p, err := c.Customers(ctx, support.ListQuery{Limit: 1, Fields: []string{"id"}})
				if f := reached(err, "GET customers"); f != nil {
					return *f
				}
				if len(p.Customers) == 0 {
					return Inconclusive("no customers")
				}
				cu := p.Customers[0]
				return Verdict(cu.ID != "" && len(cu.Emails) == 0 && cu.CompanyName == "", fmt.Sprintf("customer %s", cu.ID), "")
			}},
	}
}

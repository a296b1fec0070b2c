package probe

import (
	"context"
	"fmt"
	"strings"

	"crmgraph/backends/support"
)

// otherConsumer is the consumer id the isolation check reads as: one no deployment uses.
const otherConsumer = "crmgraph-probe-other-consumer"

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
		{Backend: "support", Assumption: "links.next stays on the configured origin and base path (absolute, as the seed shows)",
			Run: func(ctx context.Context) Finding {
				p, err := c.Customers(ctx, support.ListQuery{Limit: 1, Fields: []string{"id"}})
				if f := reached(err, "GET customers"); f != nil {
					return *f
				}
				if p.NextLink == "" {
					return Inconclusive("no links.next (a single page, or no links): paging rests on meta.cursors.next")
				}
				if _, err := c.LinkCursor(p.NextLink); err != nil {
					return Verdict(false, "links.next leaves the configured base URL; the client never follows it and pages by meta.cursors.next: "+err.Error(), "")
				}
				form := "absolute"
				if !strings.Contains(p.NextLink, "://") {
					form = "relative to the host (the client takes both forms)"
				}
				return Verdict(true, "links.next is "+form, "")
			}},
		{Backend: "support", Assumption: "x-apideck-consumer-id scopes the customers (another consumer sees none of them)",
			Run: func(ctx context.Context) Finding {
				mine, err := c.Customers(ctx, support.ListQuery{Limit: 20, Fields: []string{"id"}})
				if f := reached(err, "GET customers"); f != nil {
					return *f
				}
				if len(mine.Customers) == 0 {
					return Inconclusive("the configured consumer has no customers (cmd/sandbox's belong to SUPPORT_CONSUMER_ID=sandbox-consumer)")
				}
				theirs, err := c.WithConsumer(otherConsumer).Customers(ctx, support.ListQuery{Limit: 200, Fields: []string{"id"}})
				if err != nil {
					return Verdict(true, "another consumer id is refused: "+err.Error(), "")
				}
				seen := map[string]bool{}
				for _, cu := range mine.Customers {
					seen[cu.ID] = true
				}
				shared := 0
				for _, cu := range theirs.Customers {
					if seen[cu.ID] {
						shared++
					}
				}
				return Verdict(shared == 0, fmt.Sprintf("consumer %q sees %d customers, %d of them the configured consumer's", otherConsumer, len(theirs.Customers), shared), "")
			}},
	}
}

package resolvers

import (
	"crmgraph/graph"
	"crmgraph/graph/model"
)

// Complexity makes a connection cost what it can fan out to: its page size times what
// each node selects, so `accounts(first: 100) { orders(first: 100) { … } }` is priced
// as the ten thousand records it may touch and COMPLEXITY_LIMIT means something.
func Complexity() graph.ComplexityRoot {
	var c graph.ComplexityRoot
	// A window is first records, or last, or the last of the first (at most the smaller).
	page := func(child int, first, last *int) int {
		n := defaultPageSize
		switch {
		case first != nil && last != nil:
			n = min(*first, *last)
		case first != nil:
			n = *first
		case last != nil:
			n = *last
		}
		return 1 + max(n, 1)*child
	}
	c.Query.Accounts = func(child int, _ *model.AccountFilter, first *int, _ *string, last *int, _ *string) int {
		return page(child, first, last)
	}
	c.Query.Contacts = func(child int, _ *model.ContactFilter, first *int, _ *string, last *int, _ *string) int {
		return page(child, first, last)
	}
	c.Query.Opportunities = func(child int, _ *model.OpportunityFilter, first *int, _ *string, last *int, _ *string) int {
		return page(child, first, last)
	}
	c.Query.Orders = func(child int, _ *model.OrderFilter, first *int, _ *string, last *int, _ *string) int {
		return page(child, first, last)
	}
	c.Query.Leads = func(child int, _ *model.LeadFilter, first *int, _ *string, last *int, _ *string) int {
		return page(child, first, last)
	}
	c.Query.ChangeRequests = func(child int, _ *model.ChangeRequestFilter, first *int, _ *string, last *int, _ *string) int {
		return page(child, first, last)
	}
	c.Query.SupportCustomers = func(child int, first *int, _ *string, last *int, _ *string) int { return page(child, first, last) }
	c.Query.Nodes = func(child int, ids []string) int { return 1 + max(len(ids), 1)*child }
	c.Account.Contacts = func(child int, first *int, _ *string, last *int, _ *string) int { return page(child, first, last) }
	c.Account.Opportunities = func(child int, first *int, _ *string, last *int, _ *string) int { return page(child, first, last) }
	c.Account.Orders = func(child int, first *int, _ *string, last *int, _ *string) int { return page(child, first, last) }
	c.Contact.Opportunities = func(child int, first *int, _ *string, last *int, _ *string) int { return page(child, first, last) }
	c.Contact.Orders = func(child int, first *int, _ *string, last *int, _ *string) int { return page(child, first, last) }
	c.Contact.ChangeRequests = func(child int, _ *model.ContactChangeRequestFilter, first *int, _ *string, last *int, _ *string) int {
		return page(child, first, last)
	}
	c.Opportunity.Orders = func(child int, first *int, _ *string, last *int, _ *string) int { return page(child, first, last) }
	return c
}

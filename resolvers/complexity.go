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
	page := func(child int, first *int) int {
		n := 20 // the schema default
		if first != nil {
			n = max(*first, 1)
		}
		return 1 + n*child
	}
	c.Query.Accounts = func(child int, _ *model.AccountFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.Contacts = func(child int, _ *model.ContactFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.Opportunities = func(child int, _ *model.OpportunityFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.Orders = func(child int, _ *model.OrderFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.Leads = func(child int, _ *model.LeadFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.ChangeRequests = func(child int, _ *model.ChangeRequestFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.SupportCustomers = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Query.Nodes = func(child int, ids []string) int { return 1 + max(len(ids), 1)*child }
	c.Account.Contacts = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Account.Opportunities = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Account.Orders = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Contact.Opportunities = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Contact.Orders = func(child int, first *int, _ *string) int { return page(child, first) }
	c.Contact.ChangeRequests = func(child int, _ *model.ContactChangeRequestFilter, first *int, _ *string) int {
		return page(child, first)
	}
	c.Opportunity.Orders = func(child int, first *int, _ *string) int { return page(child, first) }
	return c
}

package probe

import (
	"context"
	"errors"
	"fmt"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/clientdata"
	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
	"crmgraph/backends/support"
)

// Targets are the configured backends' clients.
type Targets struct {
	Cirrus     *cirrus.Client
	Cone       *cone.Client
	ClientData *clientdata.Client
	Support    *support.Client
}

// Checks lists every check for the targets.
func Checks(t Targets) []Check {
	var out []Check
	if t.Cirrus != nil {
		out = append(out, cirrusChecks(t.Cirrus)...)
	}
	if t.Cone != nil {
		out = append(out, coneChecks(t.Cone)...)
	}
	if t.ClientData != nil {
		out = append(out, clientDataChecks(t.ClientData)...)
	}
	if t.Support != nil {
		out = append(out, supportChecks(t.Support)...)
	}
	return out
}

// reached turns a call's error into a finding when it says nothing about the
// assumption (no access, backend down); nil when the call answered.
func reached(err error, what string) *Finding {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rest.ErrUnauthorized), errors.Is(err, rest.ErrForbidden):
		f := Inconclusive(what + ": the backend refused the configured credential")
		return &f
	case errors.Is(err, rest.ErrNotFound):
		f := Finding{Result: Differs, Detail: what + ": the path is not found (404)"}
		return &f
	case errors.Is(err, rest.ErrUnavailable), errors.Is(err, rest.ErrTimeout):
		f := Inconclusive(what + ": the backend did not answer")
		return &f
	}
	f := Finding{Result: Differs, Detail: fmt.Sprintf("%s: %v", what, err)}
	return &f
}

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

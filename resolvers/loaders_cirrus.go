package resolvers

import (
	"context"
	"slices"
	"strconv"

	"github.com/graph-gophers/dataloader/v7"
	"golang.org/x/sync/errgroup"

	"crmgraph/backends/cirrus"
	"crmgraph/graph/model"
)

// pageKey asks for one page of a single-valued Cirrus filter (accountid=…, contactid=…).
type pageKey struct {
	ID      int
	Page    int
	PerPage int
}

// cirrusLoaders batch Cirrus lookups. Cirrus has no by-id batch endpoint, so records by
// id fan out (deduplicated, bounded); orders of many accounts come from one
// `orders?accountids=` walk.
type cirrusLoaders struct {
	AccountByID            *dataloader.Loader[int, *model.Account]
	ContactByID            *dataloader.Loader[int, *model.Contact]
	OpportunityByID        *dataloader.Loader[int, *model.Opportunity]
	OrderByID              *dataloader.Loader[int, *model.Order]
	LeadByID               *dataloader.Loader[int, *model.Lead]
	UserByID               *dataloader.Loader[int, *model.User]
	OrdersByAccountID      *dataloader.Loader[int, []*model.Order]
	OpportunitiesByAccount *dataloader.Loader[pageKey, page[*model.Opportunity]]
	ContactsByAccountID    *dataloader.Loader[int, []*model.Contact]
	OpportunitiesByContact *dataloader.Loader[pageKey, page[*model.Opportunity]]
	OrdersByContact        *dataloader.Loader[pageKey, page[*model.Order]]
	OrdersByOpportunity    *dataloader.Loader[pageKey, page[*model.Order]]
}

func (r *Resolver) newCirrusLoaders() cirrusLoaders {
	c := r.Cirrus
	wrap := func(err error) error { return fromBackend("cirrus", err) }
	return cirrusLoaders{
		AccountByID: fanOutLoader(r, "AccountByID", func(ctx context.Context, id int) (*model.Account, error) {
			a, err := c.Account(ctx, id, masks(ctx).cirrus("Account"))
			if err != nil {
				return nil, wrap(err)
			}
			return cirrusAccount(a), nil
		}),
		ContactByID: fanOutLoader(r, "ContactByID", func(ctx context.Context, id int) (*model.Contact, error) {
			x, err := c.Contact(ctx, id, masks(ctx).cirrus("Contact"))
			if err != nil {
				return nil, wrap(err)
			}
			return cirrusContact(x), nil
		}),
		OpportunityByID: fanOutLoader(r, "OpportunityByID", func(ctx context.Context, id int) (*model.Opportunity, error) {
			x, err := c.Opportunity(ctx, id, masks(ctx).cirrus("Opportunity"))
			if err != nil {
				return nil, wrap(err)
			}
			return cirrusOpportunity(x), nil
		}),
		OrderByID: fanOutLoader(r, "OrderByID", func(ctx context.Context, id int) (*model.Order, error) {
			x, err := c.Order(ctx, id, masks(ctx).cirrus("Order"))
			if err != nil {
				return nil, wrap(err)
			}
			return cirrusOrder(x), nil
		}),
		LeadByID: fanOutLoader(r, "LeadByID", func(ctx context.Context, id int) (*model.Lead, error) {
			x, err := c.Lead(ctx, id, masks(ctx).cirrus("Lead"))
			if err != nil {
				return nil, wrap(err)
			}
			return cirrusLead(x), nil
		}),
		UserByID: fanOutLoader(r, "UserByID", func(ctx context.Context, id int) (*model.User, error) {
			x, err := c.User(ctx, id, "")
			if err != nil {
				return nil, wrap(err)
			}
			return cirrusUser(x), nil
		}),
		OrdersByAccountID: batchLoader(r, "OrdersByAccountID", func(ctx context.Context, ids []int) (map[int][]*model.Order, error) {
			orders, err := r.cirrusOrdersOfAccounts(ctx, ids)
			return orders, wrap(err)
		}, func(int) ([]*model.Order, error) { return nil, nil }),
		OpportunitiesByAccount: fanOutLoader(r, "OpportunitiesByAccount", func(ctx context.Context, k pageKey) (page[*model.Opportunity], error) {
			return r.cirrusOpportunities(ctx, cirrus.OpportunityQuery{AccountID: k.ID}, k)
		}),
		OpportunitiesByContact: fanOutLoader(r, "OpportunitiesByContact", func(ctx context.Context, k pageKey) (page[*model.Opportunity], error) {
			return r.cirrusOpportunities(ctx, cirrus.OpportunityQuery{ContactID: k.ID}, k)
		}),
		ContactsByAccountID: fanOutLoader(r, "ContactsByAccountID", func(ctx context.Context, id int) ([]*model.Contact, error) {
			return r.cirrusContactsOfAccount(ctx, id)
		}),
		OrdersByContact: fanOutLoader(r, "OrdersByContact", func(ctx context.Context, k pageKey) (page[*model.Order], error) {
			return r.cirrusOrders(ctx, cirrus.OrderQuery{ContactID: k.ID}, k)
		}),
		OrdersByOpportunity: fanOutLoader(r, "OrdersByOpportunity", func(ctx context.Context, k pageKey) (page[*model.Order], error) {
			return r.cirrusOrders(ctx, cirrus.OrderQuery{OpportunityID: k.ID}, k)
		}),
	}
}

// cirrusContactsOfAccount walks `contacts?accountid=` (50 a page; one page for most
// accounts). The order is the API's: callers order them as the account lists them.
func (r *Resolver) cirrusContactsOfAccount(ctx context.Context, id int) ([]*model.Contact, error) {
	q := cirrus.ContactQuery{AccountID: id}
	q.PerPage, q.Mask = cirrus.MaxPerPage, masks(ctx).cirrus("Contact")
	var out []*model.Contact
	for q.Page = 1; ; q.Page++ {
		p, err := r.Cirrus.Contacts(ctx, q)
		if err != nil {
			return nil, fromBackend("cirrus", err)
		}
		out = append(out, mapPage(p, cirrusContact).Items...)
		if q.Page >= p.Pages || len(p.Items) == 0 {
			return out, nil
		}
	}
}

func (r *Resolver) cirrusOpportunities(ctx context.Context, q cirrus.OpportunityQuery, k pageKey) (page[*model.Opportunity], error) {
	q.Page, q.PerPage, q.Mask = k.Page, k.PerPage, masks(ctx).cirrus("Opportunity")
	p, err := r.Cirrus.Opportunities(ctx, q)
	if err != nil {
		return page[*model.Opportunity]{}, fromBackend("cirrus", err)
	}
	return mapPage(p, cirrusOpportunity), nil
}

func (r *Resolver) cirrusOrders(ctx context.Context, q cirrus.OrderQuery, k pageKey) (page[*model.Order], error) {
	q.Page, q.PerPage, q.Mask = k.Page, k.PerPage, masks(ctx).cirrus("Order")
	p, err := r.Cirrus.Orders(ctx, q)
	if err != nil {
		return page[*model.Order]{}, fromBackend("cirrus", err)
	}
	return mapPage(p, cirrusOrder), nil
}

// cirrusOrdersOfAccounts walks `orders?accountids=…` (50 per page: the API's maximum):
// the first page tells how many pages follow, which are then fetched concurrently.
func (r *Resolver) cirrusOrdersOfAccounts(ctx context.Context, ids []int) (map[int][]*model.Order, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	q := cirrus.OrderQuery{AccountIDs: ids}
	q.PerPage, q.Mask = cirrus.MaxPerPage, masks(ctx).cirrusWith("Order", "account{id}")
	q.Page = 1
	first, err := r.Cirrus.Orders(ctx, q)
	if err != nil {
		return nil, err
	}
	pages := make([][]cirrus.Order, max(first.Pages, 1))
	pages[0] = first.Items
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fanOutLimit)
	for p := 2; p <= first.Pages; p++ {
		g.Go(func() error {
			pq := q
			pq.Page = p
			res, err := r.Cirrus.Orders(gctx, pq)
			if err != nil {
				return err
			}
			pages[p-1] = res.Items
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make(map[int][]*model.Order, len(ids))
	for _, items := range pages {
		for i := range items {
			o := cirrusOrder(&items[i])
			id, _ := strconv.Atoi(o.AccountID)
			out[id] = append(out[id], o)
		}
	}
	return out, nil
}

func mapPage[W any, M any](p *cirrus.Page[W], f func(*W) M) page[M] {
	out := page[M]{Total: p.Total, Items: make([]M, len(p.Items))}
	for i := range p.Items {
		out.Items[i] = f(&p.Items[i])
	}
	return out
}

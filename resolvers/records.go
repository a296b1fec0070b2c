package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/graph-gophers/dataloader/v7"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"crmgraph/graph/model"
)

// Contact, Opportunity, Order and Lead edges.

// fullContact returns c itself unless it is a summary lacking one of fields, else the
// full record. (A client-data contact reference is completed by its own resolvers.)
func (r *Resolver) fullContact(ctx context.Context, c *model.Contact, fields ...string) (*model.Contact, error) {
	if c.Summary == nil {
		return c, nil
	}
	for _, f := range fields {
		if !c.Summary.Answers(f) {
			return r.contactByID(ctx, c)
		}
	}
	return c, nil
}

func (r *Resolver) contactByID(ctx context.Context, c *model.Contact) (*model.Contact, error) {
	if c.Source == model.SourceCone {
		return load(ctx, r.loaders(ctx).Cone.ContactByID, c.SourceID)
	}
	return load(ctx, r.loaders(ctx).Cirrus.ContactByID, cirrusKey(c.SourceID))
}

func (r *Resolver) contactAccount(ctx context.Context, c *model.Contact) (*model.Account, error) {
	c, err := r.fullContact(ctx, c, "account")
	if err != nil {
		return nil, err
	}
	switch c.Source {
	case model.SourceCirrus:
		if c.AccountID == "" {
			return nil, nil
		}
		return load(ctx, r.loaders(ctx).Cirrus.AccountByID, cirrusKey(c.AccountID))
	case model.SourceCone:
		if len(c.AccountRefs) > 0 {
			xs, err := r.coneAccounts(ctx, c.AccountRefs[:1])
			if err != nil {
				return nil, err
			}
			return xs[0], nil
		}
	}
	return nil, nil
}

func (r *Resolver) contactAccounts(ctx context.Context, c *model.Contact) ([]*model.Account, error) {
	if c.Source == model.SourceCone {
		c, err := r.fullContact(ctx, c, "accounts")
		if err != nil {
			return nil, err
		}
		return r.coneAccounts(ctx, c.AccountRefs)
	}
	a, err := r.contactAccount(ctx, c)
	if err != nil || a == nil {
		return []*model.Account{}, err
	}
	return []*model.Account{a}, nil
}

// coneAccounts answers a ConeCRM contact's accounts with the ones it embeds when they
// carry the selection, else with the full records (one batch).
func (r *Resolver) coneAccounts(ctx context.Context, embedded []*model.Account) ([]*model.Account, error) {
	if len(embedded) == 0 {
		return []*model.Account{}, nil
	}
	if summaryServes(ctx, coneAccountSummary) {
		return embedded, nil
	}
	ids := make([]string, len(embedded))
	for i, a := range embedded {
		ids[i] = a.SourceID
	}
	xs, errs := r.loaders(ctx).Cone.AccountByID.LoadMany(ctx, ids)()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return xs, nil
}

// cirrusEdge reads a connection window of a Cirrus list filtered by one parent id
// (opportunities?contactid=…) through the loader that batches those calls.
func cirrusEdge[T any, C any](ctx context.Context, l *dataloader.Loader[pageKey, page[T]], parentID string, args pageArgs,
	mk func(items []T, offset, total int) *C) (*C, error) {
	id := cirrusKey(parentID)
	return offsetConnection(ctx, args, func(ctx context.Context, offset, limit int) ([]T, int, error) {
		return fetchWindow(cirrusPerPage(ctx), window{Offset: offset, First: limit}, func(pg, per int) (page[T], error) {
			return load(ctx, l, pageKey{ID: id, Page: pg, PerPage: per})
		})
	}, mk)
}

func (r *Resolver) contactOpportunities(ctx context.Context, c *model.Contact, args pageArgs) (*model.OpportunityConnection, error) {
	if c.Source != model.SourceCirrus {
		return nil, nil // Cirrus only: not applicable
	}
	return cirrusEdge(ctx, r.loaders(ctx).Cirrus.OpportunitiesByContact, c.SourceID, args, opportunityConnection)
}

func (r *Resolver) contactOrders(ctx context.Context, c *model.Contact, args pageArgs) (*model.OrderConnection, error) {
	if c.Source != model.SourceCirrus {
		return nil, nil // Cirrus only: not applicable
	}
	return cirrusEdge(ctx, r.loaders(ctx).Cirrus.OrdersByContact, c.SourceID, args, orderConnection)
}

func (r *Resolver) contactLeads(ctx context.Context, c *model.Contact) ([]*model.Lead, error) {
	if c.Source != model.SourceCone {
		return nil, nil // ConeCRM only: not applicable
	}
	return load(ctx, r.loaders(ctx).Cone.OpenLeadsByContactID, c.SourceID)
}

func (r *Resolver) contactExternalIDs(ctx context.Context, c *model.Contact) ([]*model.ExternalID, error) {
	c, err := r.fullContact(ctx, c, "externalIds")
	if err != nil {
		return nil, err
	}
	return r.Systems.resolve(c.ExternalIDs), nil
}

func (r *Resolver) opportunityAccount(ctx context.Context, o *model.Opportunity) (*model.Account, error) {
	if o.AccountID == "" {
		return nil, nil
	}
	return load(ctx, r.loaders(ctx).Cirrus.AccountByID, cirrusKey(o.AccountID))
}

func (r *Resolver) opportunityContact(ctx context.Context, o *model.Opportunity) (*model.Contact, error) {
	if o.ContactID == "" {
		return nil, nil
	}
	return load(ctx, r.loaders(ctx).Cirrus.ContactByID, cirrusKey(o.ContactID))
}

func (r *Resolver) opportunityOrders(ctx context.Context, o *model.Opportunity, args pageArgs) (*model.OrderConnection, error) {
	return cirrusEdge(ctx, r.loaders(ctx).Cirrus.OrdersByOpportunity, o.SourceID, args, orderConnection)
}

func (r *Resolver) orderAccount(ctx context.Context, o *model.Order) (*model.Account, error) {
	if o.AccountID == "" {
		return nil, nil
	}
	if o.AccountRef != nil && summaryServes(ctx, listedAccountSummary) {
		return o.AccountRef, nil
	}
	return load(ctx, r.loaders(ctx).Cirrus.AccountByID, cirrusKey(o.AccountID))
}

func (r *Resolver) orderContact(ctx context.Context, o *model.Order) (*model.Contact, error) {
	if o.ContactID == "" {
		return nil, nil
	}
	if o.ContactRef != nil && summaryServes(ctx, listedContactSummary) {
		return o.ContactRef, nil
	}
	return load(ctx, r.loaders(ctx).Cirrus.ContactByID, cirrusKey(o.ContactID))
}

// cirrusOwner answers a record's owner from the ListedUser it embeds when that carries
// the selection, else from the user record.
func (r *Resolver) cirrusOwner(ctx context.Context, u *model.User) (*model.User, error) {
	if u == nil || u.Source != model.SourceCirrus || summaryServes(ctx, listedUserSummary) {
		return u, nil
	}
	return load(ctx, r.loaders(ctx).Cirrus.UserByID, cirrusKey(u.SourceID))
}

func (r *Resolver) orderOpportunity(ctx context.Context, o *model.Order) (*model.Opportunity, error) {
	if o.OpportunityID == "" {
		return nil, nil
	}
	return load(ctx, r.loaders(ctx).Cirrus.OpportunityByID, cirrusKey(o.OpportunityID))
}

func (r *Resolver) leadOwner(ctx context.Context, l *model.Lead) (*model.User, error) {
	return r.cirrusOwner(ctx, l.OwnerRef)
}

func (r *Resolver) leadContact(ctx context.Context, l *model.Lead) (*model.Contact, error) {
	if l.Source != model.SourceCone || l.ContactID == "" {
		return nil, nil
	}
	return load(ctx, r.loaders(ctx).Cone.ContactByID, l.ContactID)
}

func (r *Resolver) leadAccount(ctx context.Context, l *model.Lead) (*model.Account, error) {
	if l.Source != model.SourceCone || l.AccountID == "" {
		return nil, nil
	}
	return load(ctx, r.loaders(ctx).Cone.AccountByID, l.AccountID)
}

func (r *Resolver) leadStage(ctx context.Context, l *model.Lead) (*model.Stage, error) {
	if l.Source != model.SourceCone {
		return nil, nil
	}
	return r.coneStage(ctx, l.StageID)
}

// nodeThunk is a queued node lookup: the loader has the key, the value comes on call.
type nodeThunk func() (model.Node, error)

func nodeOf[K comparable, T model.Node](ctx context.Context, l *dataloader.Loader[K, T], key K) nodeThunk {
	th := l.Load(ctx, key)
	return func() (model.Node, error) {
		v, err := th()
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}

func failedNode(err error) nodeThunk { return func() (model.Node, error) { return nil, err } }

// node resolves any global id through the loaders.
func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	return r.queueNode(ctx, id)()
}

// queueNode hands a global id to its loader without waiting, so nodes() can queue a
// whole list before the first batch runs.
func (r *Resolver) queueNode(ctx context.Context, id string) nodeThunk {
	p, err := model.ParseGlobalID(id)
	if err != nil {
		return failedNode(err)
	}
	if th, ok := r.referenceNode(ctx, p); ok {
		return th
	}
	l := r.loaders(ctx)
	switch p.Source {
	case model.SourceCirrus:
		n, err := cirrusSourceID(p)
		if err != nil {
			return failedNode(err)
		}
		switch p.Type {
		case "Account":
			return nodeOf(ctx, l.Cirrus.AccountByID, n)
		case "Contact":
			return nodeOf(ctx, l.Cirrus.ContactByID, n)
		case "Opportunity":
			return nodeOf(ctx, l.Cirrus.OpportunityByID, n)
		case "Order":
			return nodeOf(ctx, l.Cirrus.OrderByID, n)
		case "Lead":
			return nodeOf(ctx, l.Cirrus.LeadByID, n)
		case "User":
			return nodeOf(ctx, l.Cirrus.UserByID, n)
		}
	case model.SourceCone:
		switch p.Type {
		case "Account":
			return nodeOf(ctx, l.Cone.AccountByID, p.SourceID)
		case "Contact":
			return nodeOf(ctx, l.Cone.ContactByID, p.SourceID)
		case "Lead":
			return nodeOf(ctx, l.Cone.LeadByID, p.SourceID)
		case "User":
			// ConeCRM has no user endpoint: a user is known by its id alone.
			u := coneUser(p.SourceID)
			return func() (model.Node, error) { return u, nil }
		}
	case model.SourceClientData:
		switch p.Type {
		case "ChangeRequest":
			k, err := parseCRSourceID(p.SourceID)
			if err != nil {
				return failedNode(err)
			}
			return nodeOf(ctx, l.ClientData.ChangeRequestByID, k)
		case "Contact":
			n, err := parseCDContactID(p.SourceID)
			if err != nil {
				return failedNode(err)
			}
			return nodeOf(ctx, l.ClientData.ContactByID, n)
		}
	case model.SourceSupport:
		if p.Type == "SupportCustomer" {
			return nodeOf(ctx, l.Support.CustomerByID, p.SourceID)
		}
	}
	return failedNode(notFound("no " + p.Type + " in " + string(p.Source)))
}

func (r *Resolver) nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	if len(ids) > MaxFirst {
		return nil, badInput("at most 100 ids per nodes call")
	}
	// Queue every id first so each loader batches the whole list, then collect.
	thunks := make([]nodeThunk, len(ids))
	for i, id := range ids {
		thunks[i] = r.queueNode(ctx, id)
	}
	out := make([]model.Node, len(ids))
	for i, th := range thunks {
		n, err := th()
		if err != nil {
			graphql.AddError(ctx, withIndex(ctx, i, err))
			continue
		}
		out[i] = n
	}
	return out, nil
}

// withIndex places err at position i of the current list field.
func withIndex(ctx context.Context, i int, err error) error {
	return &gqlerror.Error{Message: err.Error(), Path: append(graphql.GetPath(ctx), ast.PathIndex(i)), Err: err}
}

package resolvers

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"crmgraph/graph/model"
)

// Account edges.

func cirrusKey(sourceID string) int {
	n, _ := strconv.Atoi(sourceID)
	return n
}

// accountOpportunityKey is the page request that serves an Account.opportunities window.
func accountPageKey(id int, w window) (pageKey, bool) {
	pg, per, _, ok := pageFor(w.Offset, max(w.First, 1), 50)
	return pageKey{ID: id, Page: pg, PerPage: per}, ok
}

// prefetchAccounts queues, for every account of a list, the loads its selected child
// fields will make, so each batch holds every key no matter how the executor schedules
// the children.
func (r *Resolver) prefetchAccounts(ctx context.Context, accounts []*model.Account) {
	if len(accounts) == 0 {
		return
	}
	l := r.loaders(ctx)
	// Records already in hand answer later lookups of the same id (e.g. contact.account).
	for _, a := range accounts {
		switch a.Source {
		case model.SourceCirrus:
			l.Cirrus.AccountByID.Prime(ctx, cirrusKey(a.SourceID), a)
		case model.SourceCone:
			l.Cone.AccountByID.Prime(ctx, a.SourceID, a)
		}
	}
	for _, f := range nodeFields(ctx, "Account") {
		w, ok := argWindow(ctx, f)
		for _, a := range accounts {
			switch {
			case a.Source == model.SourceCirrus && f.Name == "orders":
				l.Cirrus.OrdersByAccountID.Load(ctx, cirrusKey(a.SourceID))
			case a.Source == model.SourceCirrus && f.Name == "opportunities" && ok:
				if k, ok := accountPageKey(cirrusKey(a.SourceID), w); ok {
					l.Cirrus.OpportunitiesByAccount.Load(ctx, k)
				}
			case f.Name == "links":
				r.queueAccountLinks(ctx, a)
			}
		}
	}
}

func (r *Resolver) accountType(ctx context.Context, a *model.Account) (*model.AccountType, error) {
	if a.TypeRef == nil {
		return nil, nil
	}
	// The embedded type has id and name; the cached list adds the flags.
	types, err := r.cirrusAccountTypes(ctx)
	if err == nil {
		for _, t := range types {
			if t.ID == a.TypeRef.ID {
				return t, nil
			}
		}
	}
	return a.TypeRef, nil
}

func (r *Resolver) accountOwner(ctx context.Context, a *model.Account) (*model.User, error) {
	return a.OwnerRef, nil
}

func (r *Resolver) accountParent(ctx context.Context, a *model.Account) (*model.Account, error) {
	if a.ParentID == "" || a.Source != model.SourceCirrus {
		return nil, nil
	}
	return load(ctx, r.loaders(ctx).Cirrus.AccountByID, cirrusKey(a.ParentID))
}

func (r *Resolver) accountPrimaryContact(ctx context.Context, a *model.Account) (*model.Contact, error) {
	return a.PrimaryRef, nil
}

func (r *Resolver) accountContacts(ctx context.Context, a *model.Account, args pageArgs) (*model.ContactConnection, error) {
	if a.Contacts != nil && (a.Source == model.SourceCone || embeddedCovers(ctx, "Contact", embeddedContactFields)) {
		return sliceConnection(ctx, a.Contacts, args, contactConnection)
	}
	if a.Source != model.SourceCirrus {
		return sliceConnection(ctx, []*model.Contact(nil), args, contactConnection)
	}
	return cirrusEdge(ctx, r.loaders(ctx).Cirrus.ContactsByAccount, a.SourceID, args, contactConnection)
}

// embeddedCovers reports whether the node selection of the current connection field
// asks only for fields an embedded summary carries.
func embeddedCovers(ctx context.Context, typename string, covered map[string]bool) bool {
	for _, f := range nodeFields(ctx, typename) {
		if !covered[f.Name] {
			return false
		}
	}
	return true
}

func (r *Resolver) accountOpportunities(ctx context.Context, a *model.Account, args pageArgs) (*model.OpportunityConnection, error) {
	if a.Source != model.SourceCirrus {
		return nil, nil // ConeCRM has no opportunities: not applicable
	}
	return cirrusEdge(ctx, r.loaders(ctx).Cirrus.OpportunitiesByAccount, a.SourceID, args, opportunityConnection)
}

func (r *Resolver) accountOrders(ctx context.Context, a *model.Account, args pageArgs) (*model.OrderConnection, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	if a.Source != model.SourceCirrus {
		return nil, nil // ConeCRM has no orders: not applicable
	}
	all, err := load(ctx, r.loaders(ctx).Cirrus.OrdersByAccountID, cirrusKey(a.SourceID))
	if err != nil {
		return nil, err
	}
	return sliceConnection(ctx, all, args, orderConnection)
}

// unsupported is the error for an operation a source does not offer.
func unsupported(what string, src model.Source) error {
	return badInput(string(src) + " has no " + what)
}

func (r *Resolver) accountExternalIDs(_ context.Context, a *model.Account) ([]*model.ExternalID, error) {
	return r.Systems.resolve(a.ExternalIDs), nil
}

// queueAccountLinks starts the loads links will need (no waiting).
func (r *Resolver) queueAccountLinks(ctx context.Context, a *model.Account) {
	l := r.loaders(ctx)
	switch a.Source {
	case model.SourceCirrus:
		l.Cone.AccountsByCirrusID.Load(ctx, a.SourceID)
		for _, e := range r.Systems.resolve(a.ExternalIDs) {
			if e.Source != nil && *e.Source == model.SourceCone {
				l.Cone.AccountByID.Load(ctx, e.ExternalID)
			}
		}
	case model.SourceCone:
		for _, e := range r.Systems.resolve(a.ExternalIDs) {
			if e.Source != nil && *e.Source == model.SourceCirrus {
				if n, err := strconv.Atoi(e.ExternalID); err == nil {
					l.Cirrus.AccountByID.Load(ctx, n)
				}
			}
		}
	}
}

// accountLinks follows the external keys in both directions: the keys this record holds
// (Cirrus externalkey, ConeCRM thirdPartyIds) and the records elsewhere that name it
// (ConeCRM thirdPartyIds naming a Cirrus id). Each linked record appears once.
func (r *Resolver) accountLinks(ctx context.Context, a *model.Account) ([]*model.Account, error) {
	r.queueAccountLinks(ctx, a)
	l := r.loaders(ctx)
	out := []*model.Account{}
	seen := map[string]bool{a.ID: true}
	add := func(xs ...*model.Account) {
		for _, x := range xs {
			if x != nil && !seen[x.ID] {
				seen[x.ID] = true
				out = append(out, x)
			}
		}
	}
	switch a.Source {
	case model.SourceCirrus:
		for _, e := range r.Systems.resolve(a.ExternalIDs) {
			if e.Source != nil && *e.Source == model.SourceCone {
				x, err := load(ctx, l.Cone.AccountByID, e.ExternalID)
				if err != nil && !isNotFound(err) {
					graphql.AddError(ctx, err)
				}
				add(x)
			}
		}
		xs, err := load(ctx, l.Cone.AccountsByCirrusID, a.SourceID)
		if err != nil {
			graphql.AddError(ctx, err)
		}
		add(xs...)
	case model.SourceCone:
		for _, e := range r.Systems.resolve(a.ExternalIDs) {
			if e.Source != nil && *e.Source == model.SourceCirrus {
				n, err := strconv.Atoi(e.ExternalID)
				if err != nil {
					continue
				}
				x, err := load(ctx, l.Cirrus.AccountByID, n)
				if err != nil && !isNotFound(err) {
					graphql.AddError(ctx, err)
				}
				add(x)
			}
		}
	}
	return out, nil
}

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
	// The page's keys are all queued: send now rather than after the loader's wait.
	l.Cirrus.OrdersByAccountID.Flush()
	l.Cirrus.OpportunitiesByAccount.Flush()
}

func (r *Resolver) accountType(ctx context.Context, a *model.Account) (*model.AccountType, error) {
	return listItem(ctx, "AccountType", a.TypeRef, func(x *model.AccountType) string { return x.ID }, r.cirrusAccountTypes)
}

// listItem answers a reference a record embeds ({id,name}) with the item of its cached
// reference list when the selection asks for more than the id and name, so the item
// reads the same here as in referenceData; with the embedded one when that is enough,
// or when the list cannot be read or lacks the item.
func listItem[T any](ctx context.Context, typ string, ref *T, id func(*T) string, list func(context.Context) ([]*T, error)) (*T, error) {
	if ref == nil || summaryServesAs(ctx, idNameSummary, typ) {
		return ref, nil
	}
	items, err := list(ctx)
	if err == nil {
		for _, x := range items {
			if id(x) == id(ref) {
				return x, nil
			}
		}
	}
	return ref, nil
}

func (r *Resolver) accountOwner(ctx context.Context, a *model.Account) (*model.User, error) {
	return r.cirrusOwner(ctx, a.OwnerRef)
}

func (r *Resolver) accountParent(ctx context.Context, a *model.Account) (*model.Account, error) {
	if a.ParentID == "" || a.Source != model.SourceCirrus {
		return nil, nil
	}
	return load(ctx, r.loaders(ctx).Cirrus.AccountByID, cirrusKey(a.ParentID))
}

// fullAccount returns a itself unless it is a summary that lacks one of fields.
func (r *Resolver) fullAccount(ctx context.Context, a *model.Account, fields ...string) (*model.Account, error) {
	if a.Summary == nil {
		return a, nil
	}
	for _, f := range fields {
		if !a.Summary.Answers(f) {
			return r.accountByID(ctx, a)
		}
	}
	return a, nil
}

func (r *Resolver) accountByID(ctx context.Context, a *model.Account) (*model.Account, error) {
	if a.Source == model.SourceCone {
		return load(ctx, r.loaders(ctx).Cone.AccountByID, a.SourceID)
	}
	return load(ctx, r.loaders(ctx).Cirrus.AccountByID, cirrusKey(a.SourceID))
}

// accountEmbeds returns the account's embedded contacts (summaries) and the summary
// they are, reading the full account when a is itself a summary without them.
func (r *Resolver) accountEmbeds(ctx context.Context, a *model.Account) (*model.Account, *recordSummary, error) {
	a, err := r.fullAccount(ctx, a, "contacts", "primaryContact")
	if err != nil {
		return nil, nil, err
	}
	if a.Source == model.SourceCone {
		return a, coneContactSummary, nil
	}
	if a.Contacts == nil {
		// Read without its contacts (no operation to derive the mask from).
		if a, err = r.accountByID(ctx, a); err != nil {
			return nil, nil, err
		}
	}
	return a, accountContactSummary, nil
}

func (r *Resolver) accountPrimaryContact(ctx context.Context, a *model.Account) (*model.Contact, error) {
	a, s, err := r.accountEmbeds(ctx, a)
	if err != nil || a.PrimaryRef == nil || summaryServes(ctx, s) {
		return a.PrimaryRef, err
	}
	full, err := r.fullContacts(ctx, a, []*model.Contact{a.PrimaryRef})
	if err != nil {
		return nil, err
	}
	return full[0], nil
}

// accountContacts lists the contacts in the order the account embeds them, whatever the
// selection: the summaries when they carry it, else the full records in that order.
func (r *Resolver) accountContacts(ctx context.Context, a *model.Account, args pageArgs) (*model.ContactConnection, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	a, s, err := r.accountEmbeds(ctx, a)
	if err != nil {
		return nil, err
	}
	return offsetConnection(ctx, args, func(ctx context.Context, offset, limit int) ([]*model.Contact, int, error) {
		items := sliceWindow(a.Contacts, window{Offset: offset, First: limit})
		if len(items) > 0 && !summaryServesNodes(ctx, s) {
			full, err := r.fullContacts(ctx, a, items)
			if err != nil {
				return nil, 0, err
			}
			items = full
		}
		return items, len(a.Contacts), nil
	}, contactConnection)
}

// fullContacts replaces contact summaries of account a with the full records, in order.
func (r *Resolver) fullContacts(ctx context.Context, a *model.Account, summaries []*model.Contact) ([]*model.Contact, error) {
	l := r.loaders(ctx)
	out := make([]*model.Contact, len(summaries))
	if a.Source == model.SourceCone {
		ids := make([]string, len(summaries))
		for i, c := range summaries {
			ids[i] = c.SourceID
		}
		xs, errs := l.Cone.ContactByID.LoadMany(ctx, ids)()
		for i := range xs {
			if len(errs) > i && errs[i] != nil {
				return nil, errs[i]
			}
			out[i] = xs[i]
		}
		return out, nil
	}
	// Cirrus: one walk of the account's contact list (usually a page) serves them all.
	all, err := load(ctx, l.Cirrus.ContactsByAccountID, cirrusKey(a.SourceID))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*model.Contact, len(all))
	for _, c := range all {
		byID[c.SourceID] = c
	}
	for i, c := range summaries {
		if out[i] = byID[c.SourceID]; out[i] == nil {
			// Not in the list (e.g. created since): by id.
			if out[i], err = load(ctx, l.Cirrus.ContactByID, cirrusKey(c.SourceID)); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
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

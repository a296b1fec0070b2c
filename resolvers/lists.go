package resolvers

import (
	"context"
	"strconv"
	"strings"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/cone"
	"crmgraph/graph/model"
)

func atoi(s string) (int, error) { return strconv.Atoi(s) }

// bareCirrusID reads a Cirrus id given as it is (articles, which have no global id),
// refusing anything but a positive integer before a request is built.
func bareCirrusID(s, what string) (int, error) {
	n, ok := model.ParseCirrusID(s)
	if !ok {
		return 0, malformedID(what, s)
	}
	return n, nil
}

// malformedID is the BAD_USER_INPUT answer to an id that cannot be one of what.
func malformedID(what, id string) error {
	if len(id) > 40 {
		id = strings.ToValidUTF8(id[:40], "") + "…"
	}
	return badInput("malformed id " + strconv.Quote(id) + ": want a " + what + " id")
}

// globalSourceID decodes a global id of typename and returns its source id in want.
func globalSourceID(id, typename string, want model.Source) (string, error) {
	p, err := model.ParseGlobalID(id)
	if err != nil {
		return "", err
	}
	if p.Type != typename {
		return "", badInput("id is a " + p.Type + ", not a " + typename)
	}
	if p.Source != want {
		return "", badInput(typename + " filters here take " + string(want) + " ids, got " + string(p.Source))
	}
	return p.SourceID, nil
}

func globalCirrusID(id, typename string) (int, error) {
	s, err := globalSourceID(id, typename, model.SourceCirrus)
	if err != nil {
		return 0, err
	}
	n, ok := model.ParseCirrusID(s)
	if !ok {
		return 0, model.ErrBadID
	}
	return n, nil
}

// cirrusUserIDs accepts global User ids or bare Cirrus user ids.
func cirrusUserIDs(ids []string) ([]int, error) {
	out := make([]int, 0, len(ids))
	for _, s := range ids {
		if n, ok := model.ParseCirrusID(s); ok {
			out = append(out, n)
			continue
		}
		n, err := globalCirrusID(s, "User")
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func (r *Resolver) accounts(ctx context.Context, f *model.AccountFilter, args pageArgs) (*model.AccountConnection, error) {
	if f == nil {
		f = &model.AccountFilter{}
	}
	var err error
	cirrusOnly := len(f.OwnerIds) > 0 || len(f.TypeIds) > 0 || f.Active != nil
	def := []model.Source{model.SourceCirrus, model.SourceCone}
	if cirrusOnly {
		def = []model.Source{model.SourceCirrus}
	}
	sources, err := resolveSources("accounts", f.Sources, []model.Source{model.SourceCirrus, model.SourceCone}, def)
	if err != nil {
		return nil, err
	}
	if cirrusOnly && containsSource(sources, model.SourceCone) {
		return nil, badInput("ownerIds, typeIds and active filter Cirrus accounts only; ConeCRM cannot apply them")
	}
	q := cirrus.AccountQuery{Active: f.Active}
	if f.Search != nil {
		q.Fulltext = *f.Search
	}
	if q.UserIDs, err = cirrusUserIDs(f.OwnerIds); err != nil {
		return nil, err
	}
	if q.TypeIDs, err = cirrusIDsOf(f.TypeIds, typename[model.AccountType]()); err != nil {
		return nil, err
	}
	listers := map[model.Source]lister[*model.Account]{
		model.SourceCirrus: func(ctx context.Context, offset, limit int) ([]*model.Account, int, error) {
			items, total, err := fetchWindow(cirrusPerPage(ctx), window{Offset: offset, First: limit}, func(pg, per int) (page[*model.Account], error) {
				q := q
				q.Page, q.PerPage, q.Sorting, q.Mask = pg, per, "name_asc", masks(ctx).cirrus("Account")
				p, err := r.Cirrus.Accounts(ctx, q)
				if err != nil {
					return page[*model.Account]{}, fromBackend("cirrus", err)
				}
				return mapPage(p, cirrusAccount), nil
			})
			return items, total, err
		},
		model.SourceCone: func(ctx context.Context, offset, limit int) ([]*model.Account, int, error) {
			cq := cone.AccountQuery{Offset: offset, Limit: max(limit, 1), SortField: "name", SortDirection: "ASC"}
			if f.Search != nil {
				cq.Search = *f.Search
			}
			res, err := r.Cone.Accounts(ctx, cq)
			if err != nil {
				return nil, 0, fromBackend("cone", err)
			}
			out := make([]*model.Account, 0, len(res.Accounts))
			for i := range res.Accounts {
				if len(out) < limit {
					out = append(out, coneAccount(&res.Accounts[i]))
				}
			}
			return out, res.Total, nil
		},
	}
	fp, err := bySource(sources, listers).page(ctx, args)
	if err != nil {
		return nil, err
	}
	r.prefetchAccounts(ctx, fp.Nodes)
	edges, pi := pageEdges(fp, func(c string, n *model.Account) *model.AccountEdge { return &model.AccountEdge{Cursor: c, Node: n} })
	return &model.AccountConnection{Edges: edges, PageInfo: pi, TotalCount: fp.Total}, nil
}

func containsSource(xs []model.Source, s model.Source) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// cirrusLister adapts a page-numbered Cirrus list to a lister.
func cirrusLister[W any, M any](ctx context.Context, fetch func(ctx context.Context, pg, per int) (*cirrus.Page[W], error), conv func(*W) M) lister[M] {
	return func(ctx context.Context, offset, limit int) ([]M, int, error) {
		return fetchWindow(cirrusPerPage(ctx), window{Offset: offset, First: limit}, func(pg, per int) (page[M], error) {
			p, err := fetch(ctx, pg, per)
			if err != nil {
				return page[M]{}, fromBackend("cirrus", err)
			}
			return mapPage(p, conv), nil
		})
	}
}

func (r *Resolver) contacts(ctx context.Context, f *model.ContactFilter, args pageArgs) (*model.ContactConnection, error) {
	if f == nil {
		f = &model.ContactFilter{}
	}
	var err error
	cirrusOnly := f.AccountID != nil || f.Email != nil
	def := []model.Source{model.SourceCirrus, model.SourceCone}
	if cirrusOnly {
		def = []model.Source{model.SourceCirrus}
	}
	sources, err := resolveSources("contacts", f.Sources, []model.Source{model.SourceCirrus, model.SourceCone, model.SourceClientData}, def)
	if err != nil {
		return nil, err
	}
	if cirrusOnly && (containsSource(sources, model.SourceCone) || containsSource(sources, model.SourceClientData)) {
		return nil, badInput("accountId and email filter Cirrus contacts only")
	}
	q := cirrus.ContactQuery{}
	if f.Search != nil {
		q.Fulltext = *f.Search
	}
	if f.Email != nil {
		q.Email = *f.Email
	}
	if f.AccountID != nil {
		if q.AccountID, err = globalCirrusID(*f.AccountID, "Account"); err != nil {
			return nil, err
		}
	}
	listers := map[model.Source]lister[*model.Contact]{
		model.SourceCirrus: cirrusLister(ctx, func(ctx context.Context, pg, per int) (*cirrus.Page[cirrus.Contact], error) {
			q := q
			q.Page, q.PerPage, q.Sorting, q.Mask = pg, per, "surname_asc", masks(ctx).cirrus("Contact")
			return r.Cirrus.Contacts(ctx, q)
		}, cirrusContact),
		model.SourceCone:       r.coneContactLister(f.Search),
		model.SourceClientData: r.clientDataContactLister(f.Search),
	}
	fp, err := bySource(sources, listers).page(ctx, args)
	if err != nil {
		return nil, err
	}
	r.prefetchContacts(ctx, fp.Nodes)
	edges, pi := pageEdges(fp, func(c string, n *model.Contact) *model.ContactEdge { return &model.ContactEdge{Cursor: c, Node: n} })
	return &model.ContactConnection{Edges: edges, PageInfo: pi, TotalCount: fp.Total}, nil
}

// coneContactLister pages GET /api/contact (start/limit, a bare array without total).
// One more row than asked tells whether more follow; the total comes from the
// query-builder (every contact) only when the connection asks for it.
func (r *Resolver) coneContactLister(search *string) lister[*model.Contact] {
	return func(ctx context.Context, offset, limit int) ([]*model.Contact, int, error) {
		q := cone.ContactQuery{Start: offset, Limit: limit + 1, SortField: "lastName", SortDirection: "ASC"}
		if search != nil {
			q.Search = *search
		}
		rows, err := r.Cone.Contacts(ctx, q)
		if err != nil {
			return nil, 0, fromBackend("cone", err)
		}
		more := len(rows) > limit
		if more {
			rows = rows[:limit]
		}
		out := make([]*model.Contact, len(rows))
		for i := range rows {
			out[i] = coneContact(&rows[i])
		}
		total := offset + len(rows)
		if more {
			total++ // at least one more
			if totalWanted(ctx) {
				n, err := r.coneContactCount(ctx, search)
				if err != nil {
					return nil, 0, err
				}
				total = max(n, total)
			}
		}
		return out, total, nil
	}
}

func (r *Resolver) opportunities(ctx context.Context, f *model.OpportunityFilter, args pageArgs) (*model.OpportunityConnection, error) {
	if f == nil {
		f = &model.OpportunityFilter{}
	}
	var err error
	if _, err := resolveSources("opportunities", f.Sources, []model.Source{model.SourceCirrus}, []model.Source{model.SourceCirrus}); err != nil {
		return nil, err
	}
	q := cirrus.OpportunityQuery{Closed: f.Closed}
	if f.Search != nil {
		q.Fulltext = *f.Search
	}
	if f.AccountID != nil {
		if q.AccountID, err = globalCirrusID(*f.AccountID, "Account"); err != nil {
			return nil, err
		}
	}
	if f.ContactID != nil {
		if q.ContactID, err = globalCirrusID(*f.ContactID, "Contact"); err != nil {
			return nil, err
		}
	}
	if q.UserIDs, err = cirrusUserIDs(f.OwnerIds); err != nil {
		return nil, err
	}
	if q.StatusIDs, err = cirrusIDsOf(f.StatusIds, typename[model.OpportunityStatus]()); err != nil {
		return nil, err
	}
	return offsetConnection(ctx, args, cirrusLister(ctx, func(ctx context.Context, pg, per int) (*cirrus.Page[cirrus.Opportunity], error) {
		q := q
		q.Page, q.PerPage, q.Mask = pg, per, masks(ctx).cirrus("Opportunity")
		return r.Cirrus.Opportunities(ctx, q)
	}, cirrusOpportunity), opportunityConnection)
}

func (r *Resolver) orders(ctx context.Context, f *model.OrderFilter, args pageArgs) (*model.OrderConnection, error) {
	if f == nil {
		f = &model.OrderFilter{}
	}
	var err error
	if _, err := resolveSources("orders", f.Sources, []model.Source{model.SourceCirrus}, []model.Source{model.SourceCirrus}); err != nil {
		return nil, err
	}
	q := cirrus.OrderQuery{}
	if f.Search != nil {
		q.Fulltext = *f.Search
	}
	for _, id := range f.AccountIds {
		n, err := globalCirrusID(id, "Account")
		if err != nil {
			return nil, err
		}
		q.AccountIDs = append(q.AccountIDs, n)
	}
	if f.ContactID != nil {
		if q.ContactID, err = globalCirrusID(*f.ContactID, "Contact"); err != nil {
			return nil, err
		}
	}
	if f.OpportunityID != nil {
		if q.OpportunityID, err = globalCirrusID(*f.OpportunityID, "Opportunity"); err != nil {
			return nil, err
		}
	}
	if q.UserIDs, err = cirrusUserIDs(f.OwnerIds); err != nil {
		return nil, err
	}
	if q.StatusIDs, err = cirrusIDsOf(f.StatusIds, typename[model.OrderStatus]()); err != nil {
		return nil, err
	}
	return offsetConnection(ctx, args, cirrusLister(ctx, func(ctx context.Context, pg, per int) (*cirrus.Page[cirrus.Order], error) {
		q := q
		q.Page, q.PerPage, q.Mask = pg, per, masks(ctx).cirrus("Order")
		return r.Cirrus.Orders(ctx, q)
	}, cirrusOrder), orderConnection)
}

func (r *Resolver) leads(ctx context.Context, f *model.LeadFilter, args pageArgs) (*model.LeadConnection, error) {
	if f == nil {
		f = &model.LeadFilter{}
	}
	var err error
	cirrusOnly := f.StatusID != nil || len(f.OwnerIds) > 0
	def := []model.Source{model.SourceCirrus, model.SourceCone}
	if cirrusOnly {
		def = []model.Source{model.SourceCirrus}
	}
	sources, err := resolveSources("leads", f.Sources, []model.Source{model.SourceCirrus, model.SourceCone}, def)
	if err != nil {
		return nil, err
	}
	if cirrusOnly && containsSource(sources, model.SourceCone) {
		return nil, badInput("statusId and ownerIds filter Cirrus leads only; ConeCRM cannot apply them")
	}
	q := cirrus.LeadQuery{}
	if f.Search != nil {
		q.Fulltext = *f.Search
	}
	if f.StatusID != nil {
		if q.Status, err = cirrusIDOf(*f.StatusID, typename[model.LeadStatus]()); err != nil {
			return nil, err
		}
	}
	if q.UserIDs, err = cirrusUserIDs(f.OwnerIds); err != nil {
		return nil, err
	}
	listers := map[model.Source]lister[*model.Lead]{
		model.SourceCirrus: cirrusLister(ctx, func(ctx context.Context, pg, per int) (*cirrus.Page[cirrus.Lead], error) {
			q := q
			q.Page, q.PerPage, q.Mask = pg, per, masks(ctx).cirrus("Lead")
			return r.Cirrus.Leads(ctx, q)
		}, cirrusLead),
		model.SourceCone: func(ctx context.Context, offset, limit int) ([]*model.Lead, int, error) {
			// ConeCRM has no lead list: the query-builder answers every lead at once, in id
			// order. Unless the total is wanted, the read stops once the window and one
			// more lead (for hasNextPage) are in; the total is then a lower bound.
			w := coneLeadsWindow{}
			if f.Search != nil {
				w.Search = strings.ToLower(*f.Search)
			}
			if !totalWanted(ctx) {
				w.Want = max(offset+limit+1, 0)
			}
			rows, err := load(ctx, r.loaders(ctx).Cone.LeadsByWindow, w)
			if err != nil {
				return nil, 0, err
			}
			if w.Search != "" {
				rows = filterConeLeads(rows, w.Search)
			}
			out := []*model.Lead{}
			for i := offset; i < len(rows) && len(out) < limit; i++ {
				out = append(out, coneLead(&rows[i]))
			}
			return out, len(rows), nil
		},
	}
	fp, err := bySource(sources, listers).page(ctx, args)
	if err != nil {
		return nil, err
	}
	r.prefetchLeads(ctx, fp.Nodes)
	edges, pi := pageEdges(fp, func(c string, n *model.Lead) *model.LeadEdge { return &model.LeadEdge{Cursor: c, Node: n} })
	return &model.LeadConnection{Edges: edges, PageInfo: pi, TotalCount: fp.Total}, nil
}

func filterConeLeads(rows []cone.Lead, search string) []cone.Lead {
	needle := strings.ToLower(search)
	out := rows[:0:0]
	for i := range rows {
		if coneLeadMatches(&rows[i], needle) {
			out = append(out, rows[i])
		}
	}
	return out
}

// coneLeadMatches reports whether a lead's subject or description holds needle
// (lowercased); every lead holds "".
func coneLeadMatches(l *cone.Lead, needle string) bool {
	d := ""
	if l.Description != nil {
		d = *l.Description
	}
	return strings.Contains(strings.ToLower(l.Subject+" "+d), needle)
}

package resolvers

import (
	"context"
	"slices"
	"strings"

	"github.com/graph-gophers/dataloader/v7"

	"crmgraph/backends/cone"
	"crmgraph/graph/model"
)

// coneLoaders batch ConeCRM lookups. ConeCRM has no GET by id: every batch is one
// query-builder `in` request (the client splits above cone.MaxFilterIDs ids).
type coneLoaders struct {
	AccountByID          *dataloader.Loader[string, *model.Account]
	ContactByID          *dataloader.Loader[string, *model.Contact]
	LeadByID             *dataloader.Loader[string, *model.Lead]
	OpenLeadsByContactID *dataloader.Loader[string, []*model.Lead]
	// LeadsByWindow reads the lead lists (the API has no lead list and no paging): one read per
	// batch of windows, stopped once every window of the batch is filled.
	// The rows are the start of the lead list in list (id) order, at least Want matching
	// leads for every window of the batch (every lead when some window wants all).
	LeadsByWindow *dataloader.Loader[coneLeadsWindow, []cone.Lead]
	// Reverse lookups through thirdPartyIds: Cirrus id → ConeCRM records.
	AccountsByCirrusID *dataloader.Loader[string, []*model.Account]
	ContactsByCirrusID *dataloader.Loader[string, []*model.Contact]
}

// coneLeadsWindow is what one lead list needs read: Want leads that match Search (a
// lowercased needle; "" matches every lead), or every lead when Want is 0 (a totalCount,
// backward paging).
type coneLeadsWindow struct {
	Search string
	Want   int
}

func (r *Resolver) newConeLoaders() coneLoaders {
	c := r.Cone
	wrap := func(err error) error { return fromBackend("cone", err) }
	cirrusSystem := r.Systems.Name(model.SourceCirrus)
	notFoundIn := func(what string) func(string) (*model.Account, error) {
		return func(id string) (*model.Account, error) {
			return nil, notFound("ConeCRM " + what + " " + id + " not found")
		}
	}
	return coneLoaders{
		AccountByID: batchLoader(r, "ConeAccountByID", func(ctx context.Context, ids []string) (map[string]*model.Account, error) {
			rows, err := c.AccountsByID(ctx, ids)
			if err != nil {
				return nil, wrap(err)
			}
			out := make(map[string]*model.Account, len(rows))
			for i := range rows {
				out[rows[i].ID] = coneAccount(&rows[i])
			}
			return out, nil
		}, notFoundIn("account")),
		ContactByID: batchLoader(r, "ConeContactByID", func(ctx context.Context, ids []string) (map[string]*model.Contact, error) {
			rows, err := c.ContactsByID(ctx, ids)
			if err != nil {
				return nil, wrap(err)
			}
			out := make(map[string]*model.Contact, len(rows))
			for i := range rows {
				out[rows[i].ID] = coneContact(&rows[i])
			}
			return out, nil
		}, func(id string) (*model.Contact, error) { return nil, notFound("ConeCRM contact " + id + " not found") }),
		LeadByID: batchLoader(r, "ConeLeadByID", func(ctx context.Context, ids []string) (map[string]*model.Lead, error) {
			rows, err := c.LeadsByID(ctx, ids)
			if err != nil {
				return nil, wrap(err)
			}
			out := make(map[string]*model.Lead, len(rows))
			for i := range rows {
				out[rows[i].ID] = coneLead(&rows[i])
			}
			return out, nil
		}, func(id string) (*model.Lead, error) { return nil, notFound("ConeCRM lead " + id + " not found") }),
		OpenLeadsByContactID: batchLoader(r, "ConeOpenLeadsByContactID", func(ctx context.Context, ids []string) (map[string][]*model.Lead, error) {
			rows, err := c.LeadsByContactID(ctx, ids)
			if err != nil {
				return nil, wrap(err)
			}
			out := make(map[string][]*model.Lead, len(ids))
			for i := range rows {
				if rows[i].Contact != nil && rows[i].Open() {
					out[rows[i].Contact.ID] = append(out[rows[i].Contact.ID], coneLead(&rows[i]))
				}
			}
			return out, nil
		}, func(string) ([]*model.Lead, error) { return []*model.Lead{}, nil }),
		LeadsByWindow: batchLoader(r, "ConeLeadsByWindow", func(ctx context.Context, ws []coneLeadsWindow) (map[coneLeadsWindow][]cone.Lead, error) {
			all := slices.ContainsFunc(ws, func(w coneLeadsWindow) bool { return w.Want <= 0 })
			got := make([]int, len(ws))
			rows, _, err := c.LeadsUntil(ctx, cone.LeadFilter{}, func(l cone.Lead) bool {
				if all {
					return false
				}
				enough := true
				for i, w := range ws {
					if got[i] < w.Want && coneLeadMatches(&l, w.Search) {
						got[i]++
					}
					enough = enough && got[i] >= w.Want
				}
				return enough
			})
			if err != nil {
				return nil, wrap(err)
			}
			out := make(map[coneLeadsWindow][]cone.Lead, len(ws))
			for _, w := range ws {
				out[w] = rows
			}
			return out, nil
		}, func(coneLeadsWindow) ([]cone.Lead, error) { return nil, nil }),
		AccountsByCirrusID: batchLoader(r, "ConeAccountsByCirrusID", func(ctx context.Context, ids []string) (map[string][]*model.Account, error) {
			rows, err := c.AccountsByThirdPartyID(ctx, cirrusSystem, ids)
			if err != nil {
				return nil, wrap(err)
			}
			out := map[string][]*model.Account{}
			for i := range rows {
				m := coneAccount(&rows[i])
				for _, t := range rows[i].ThirdPartyIDs {
					if strings.EqualFold(t.SystemName, cirrusSystem) {
						out[t.ThirdPartyID] = append(out[t.ThirdPartyID], m)
					}
				}
			}
			return out, nil
		}, func(string) ([]*model.Account, error) { return nil, nil }),
		ContactsByCirrusID: batchLoader(r, "ConeContactsByCirrusID", func(ctx context.Context, ids []string) (map[string][]*model.Contact, error) {
			rows, err := c.ContactsByThirdPartyID(ctx, cirrusSystem, ids)
			if err != nil {
				return nil, wrap(err)
			}
			out := map[string][]*model.Contact{}
			for i := range rows {
				m := coneContact(&rows[i])
				for _, t := range rows[i].ThirdPartyIDs {
					if strings.EqualFold(t.SystemName, cirrusSystem) {
						out[t.ThirdPartyID] = append(out[t.ThirdPartyID], m)
					}
				}
			}
			return out, nil
		}, func(string) ([]*model.Contact, error) { return nil, nil }),
	}
}

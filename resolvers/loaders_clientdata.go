package resolvers

import (
	"context"

	"github.com/graph-gophers/dataloader/v7"

	"crmgraph/backends/clientdata"
	"crmgraph/graph/model"
)

// crKey names a change request: the API addresses it by contact and request id.
type crKey struct {
	Contact int32
	ID      int32
}

// externalKey is a (system, external id) pair for the reverse lookup.
type externalKey struct {
	System string
	ID     string
}

// clientDataLoaders batch client-data lookups: change requests of many contacts come
// from one search with contactIds; the rest of the API is per contact.
type clientDataLoaders struct {
	ChangeRequestByID         *dataloader.Loader[crKey, *model.ChangeRequest]
	ChangeRequestsByContactID *dataloader.Loader[int32, []*model.ChangeRequest]
	// PendingByContactID is the API's pending check (nil: none pending). It is per
	// contact and, unlike the search, not limited to what the caller may see.
	PendingByContactID     *dataloader.Loader[int32, *model.ChangeRequest]
	ContactByID            *dataloader.Loader[int32, *model.Contact]
	ExternalIDsByContactID *dataloader.Loader[int32, []*model.ExternalID]
	ContactIDByExternalID  *dataloader.Loader[externalKey, int32]
	UsernameByContactID    *dataloader.Loader[int32, string]
}

// searchPageSize is the page size of change-request searches: the client's
// (CLIENT_DATA_PAGE_SIZE, at most what the API accepts), so a page is one call and the
// call estimate (CallCost) counts the same pages.
func (r *Resolver) searchPageSize() int {
	if r.ClientData == nil {
		return int(clientdata.DefaultPageSize)
	}
	return int(r.ClientData.PageSize())
}

func (r *Resolver) newClientDataLoaders() clientDataLoaders {
	c := r.ClientData
	wrap := func(err error) error { return fromBackend("clientdata", err) }
	return clientDataLoaders{
		ChangeRequestByID: fanOutLoader(r, "ChangeRequestByID", func(ctx context.Context, k crKey) (*model.ChangeRequest, error) {
			x, err := c.ChangeRequest(ctx, k.Contact, k.ID)
			if err != nil {
				return nil, wrap(err)
			}
			return cdChangeRequest(x), nil
		}),
		ChangeRequestsByContactID: batchLoader(r, "ChangeRequestsByContactID", func(ctx context.Context, ids []int32) (map[int32][]*model.ChangeRequest, error) {
			all, _, err := r.searchAllChangeRequests(ctx, clientdata.SearchQuery{ContactIDs: ids})
			if err != nil {
				return nil, wrap(err)
			}
			out := make(map[int32][]*model.ChangeRequest, len(ids))
			for _, cr := range all {
				out[cr.ContactID] = append(out[cr.ContactID], cr)
			}
			return out, nil
		}, func(int32) ([]*model.ChangeRequest, error) { return []*model.ChangeRequest{}, nil }),
		PendingByContactID: fanOutLoader(r, "PendingChangeRequestByContactID", func(ctx context.Context, id int32) (*model.ChangeRequest, error) {
			x, err := c.PendingChangeRequest(ctx, id)
			if err != nil {
				return nil, wrap(err)
			}
			return r.cdPendingChangeRequest(id, x), nil
		}),
		ContactByID: fanOutLoader(r, "ClientDataContactByID", func(ctx context.Context, id int32) (*model.Contact, error) {
			d, err := c.ContactDetails(ctx, id)
			if err != nil {
				return nil, wrap(err)
			}
			return cdContact(d, r.clientDataPaths()), nil
		}),
		ExternalIDsByContactID: fanOutLoader(r, "ExternalIDsByContactID", func(ctx context.Context, id int32) ([]*model.ExternalID, error) {
			conns, err := c.ExternalConnections(ctx, id)
			if err != nil {
				return nil, wrap(err)
			}
			out := make([]*model.ExternalID, 0, len(conns))
			for _, x := range conns {
				out = append(out, &model.ExternalID{System: x.System, ExternalID: x.ExternalID})
			}
			return out, nil
		}),
		ContactIDByExternalID: fanOutLoader(r, "ClientDataContactByExternalID", func(ctx context.Context, k externalKey) (int32, error) {
			x, err := c.ContactByExternalID(ctx, k.System, k.ID)
			if err != nil {
				return 0, wrap(err)
			}
			return x.ID, nil
		}),
		UsernameByContactID: fanOutLoader(r, "UsernameByContactID", func(ctx context.Context, id int32) (string, error) {
			u, err := c.Username(ctx, id)
			return u, wrap(err)
		}),
	}
}

// searchAllChangeRequests walks every page of a search.
func (r *Resolver) searchAllChangeRequests(ctx context.Context, q clientdata.SearchQuery) ([]*model.ChangeRequest, int, error) {
	q.PageSize = int32(r.searchPageSize())
	var out []*model.ChangeRequest
	for pg := int32(1); ; pg++ {
		q.Page = pg
		res, err := r.ClientData.SearchChangeRequests(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		for i := range res.Results {
			out = append(out, cdChangeRequestSummary(&res.Results[i]))
		}
		if pg >= res.PageCount || len(res.Results) == 0 {
			return out, int(res.TotalCount), nil
		}
	}
}

func parseCRSourceID(s string) (crKey, error) {
	c, id, ok := model.ParseChangeRequestID(s)
	if !ok {
		return crKey{}, model.ErrBadID
	}
	return crKey{Contact: c, ID: id}, nil
}

func parseCDContactID(s string) (int32, error) {
	n, ok := model.ParseInt32ID(s)
	if !ok {
		return 0, model.ErrBadID
	}
	return n, nil
}

// prefetchClientDataContact queues, for every client-data contact of a list, the one
// search that serves their change requests or their pending checks (one a contact,
// made together).
func (r *Resolver) prefetchClientDataContact(ctx context.Context, field string, c *model.Contact) {
	if c.Source != model.SourceClientData {
		return
	}
	id, err := parseCDContactID(c.SourceID)
	if err != nil {
		return
	}
	switch field {
	case "changeRequests":
		r.loaders(ctx).ClientData.ChangeRequestsByContactID.Load(ctx, id)
	case "pendingChangeRequest":
		r.loaders(ctx).ClientData.PendingByContactID.Load(ctx, id)
	}
}

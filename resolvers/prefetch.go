package resolvers

import (
	"context"

	"crmgraph/backends/cone"
	"crmgraph/graph/model"
)

// prefetchContacts queues the loads the selected child fields of a contact list make.
func (r *Resolver) prefetchContacts(ctx context.Context, contacts []*model.Contact) {
	if len(contacts) == 0 {
		return
	}
	l := r.loaders(ctx)
	for _, c := range contacts {
		switch {
		case c.Partial:
		case c.Source == model.SourceCirrus:
			l.Cirrus.ContactByID.Prime(ctx, cirrusKey(c.SourceID), c)
		case c.Source == model.SourceCone:
			l.Cone.ContactByID.Prime(ctx, c.SourceID, c)
		}
	}
	for _, f := range nodeFields(ctx, "Contact") {
		for _, c := range contacts {
			switch {
			case f.Name == "account" && c.Source == model.SourceCirrus && c.AccountID != "":
				l.Cirrus.AccountByID.Load(ctx, cirrusKey(c.AccountID))
			case f.Name == "leads" && c.Source == model.SourceCone:
				l.Cone.OpenLeadsByContactID.Load(ctx, c.SourceID)
			case f.Name == "links":
				r.queueContactLinks(ctx, c)
			default:
				r.prefetchClientDataContact(ctx, f.Name, c)
			}
		}
	}
	// The page's keys are all queued: send now rather than after the loaders' wait.
	l.Cirrus.AccountByID.Flush()
	l.Cone.OpenLeadsByContactID.Flush()
}

// prefetchLeads queues the ConeCRM contacts and accounts of a lead list.
func (r *Resolver) prefetchLeads(ctx context.Context, leads []*model.Lead) {
	if len(leads) == 0 {
		return
	}
	l := r.loaders(ctx)
	for _, f := range nodeFields(ctx, "Lead") {
		for _, x := range leads {
			switch {
			case f.Name == "contact" && x.Source == model.SourceCone && x.ContactID != "":
				l.Cone.ContactByID.Load(ctx, x.ContactID)
			case f.Name == "account" && x.Source == model.SourceCone && x.AccountID != "":
				l.Cone.AccountByID.Load(ctx, x.AccountID)
			}
		}
	}
	l.Cone.ContactByID.Flush()
	l.Cone.AccountByID.Flush()
}

// coneContactCount counts ConeCRM contacts (the list endpoint has no total): the
// query-builder with no rule answers every contact, counted without decoding them (the
// whole answer is still read: the API has no count); with a search the list is walked.
func (r *Resolver) coneContactCount(ctx context.Context, search *string) (int, error) {
	if search == nil || *search == "" {
		n, err := r.Cone.Count(ctx, cone.EntityContact, cone.Query{Combinator: "and", Rules: []cone.Rule{}})
		if err != nil {
			return 0, fromBackend("cone", err)
		}
		return n, nil
	}
	const step = 500
	n := 0
	for start := 0; ; start += step {
		rows, err := r.Cone.Contacts(ctx, cone.ContactQuery{Start: start, Limit: step, Search: *search})
		if err != nil {
			return 0, fromBackend("cone", err)
		}
		n += len(rows)
		if len(rows) < step {
			return n, nil
		}
	}
}

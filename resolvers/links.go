package resolvers

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"crmgraph/graph/model"
)

// Contact links: the same person in the other systems, through the external keys in
// both directions (Cirrus externalkey ↔ ConeCRM thirdPartyIds; client-data external
// connections and their reverse lookup).

func (r *Resolver) contactExternalIDsAll(ctx context.Context, c *model.Contact) ([]*model.ExternalID, error) {
	if c.Source == model.SourceClientData {
		id, err := parseCDContactID(c.SourceID)
		if err != nil {
			return nil, err
		}
		ext, err := load(ctx, r.loaders(ctx).ClientData.ExternalIDsByContactID, id)
		return r.Systems.resolve(ext), err
	}
	return r.contactExternalIDs(ctx, c)
}

// queueContactLinks starts the lookups links will make for c (no waiting), so a list's
// contacts share their batches.
func (r *Resolver) queueContactLinks(ctx context.Context, c *model.Contact) {
	l := r.loaders(ctx)
	switch c.Source {
	case model.SourceCirrus:
		l.Cone.ContactsByCirrusID.Load(ctx, c.SourceID)
		l.ClientData.ContactIDByExternalID.Load(ctx, externalKey{System: r.Systems.Name(model.SourceCirrus), ID: c.SourceID})
	case model.SourceClientData:
		if id, err := parseCDContactID(c.SourceID); err == nil {
			l.ClientData.ExternalIDsByContactID.Load(ctx, id)
		}
	}
	for _, e := range r.Systems.resolve(c.ExternalIDs) {
		switch {
		case e.Source == nil:
		case *e.Source == model.SourceCone && c.Source != model.SourceCone:
			l.Cone.ContactByID.Load(ctx, e.ExternalID)
		case *e.Source == model.SourceCirrus && c.Source != model.SourceCirrus:
			if n, err := strconv.Atoi(e.ExternalID); err == nil {
				l.Cirrus.ContactByID.Load(ctx, n)
			}
		}
	}
}

func (r *Resolver) contactLinks(ctx context.Context, c *model.Contact) ([]*model.Contact, error) {
	l := r.loaders(ctx)
	out := []*model.Contact{}
	seen := map[string]bool{c.ID: true}
	add := func(x *model.Contact, err error) {
		if err != nil {
			if !isNotFound(err) {
				graphql.AddError(ctx, err)
			}
			return
		}
		if x != nil && !seen[x.ID] {
			seen[x.ID] = true
			out = append(out, x)
		}
	}
	ext, err := r.contactExternalIDsAll(ctx, c)
	if err != nil {
		return nil, err
	}
	// Forward: the keys this record holds.
	for _, e := range ext {
		if e.Source == nil {
			continue
		}
		switch *e.Source {
		case model.SourceCirrus:
			if n, err := strconv.Atoi(e.ExternalID); err == nil && c.Source != model.SourceCirrus {
				add(load(ctx, l.Cirrus.ContactByID, n))
			}
		case model.SourceCone:
			if c.Source != model.SourceCone {
				add(load(ctx, l.Cone.ContactByID, e.ExternalID))
			}
		}
	}
	// Reverse: records elsewhere that name this one.
	if c.Source == model.SourceCirrus {
		xs, err := load(ctx, l.Cone.ContactsByCirrusID, c.SourceID)
		if err != nil {
			graphql.AddError(ctx, err)
		}
		for _, x := range xs {
			add(x, nil)
		}
		id, err := load(ctx, l.ClientData.ContactIDByExternalID, externalKey{System: r.Systems.Name(model.SourceCirrus), ID: c.SourceID})
		if err == nil {
			add(load(ctx, l.ClientData.ContactByID, id))
		} else if !isNotFound(err) {
			graphql.AddError(ctx, err)
		}
	}
	// A linked Cirrus contact's own links (e.g. ConeCRM ↔ client-data through Cirrus)
	// are one more hop; callers ask for them with links { links }.
	return out, nil
}

// supportExternalID returns the SUPPORT customer id among resolved external ids.
func supportExternalID(ext []*model.ExternalID) string {
	for _, e := range ext {
		if e.Source != nil && *e.Source == model.SourceSupport {
			return e.ExternalID
		}
	}
	return ""
}

package resolvers

import (
	"strings"
	"time"

	"crmgraph/backends/cone"
	"crmgraph/graph/model"
)

func coneExternalIDs(tps []cone.ThirdPartyID) []*model.ExternalID {
	out := make([]*model.ExternalID, 0, len(tps))
	for _, t := range tps {
		out = append(out, &model.ExternalID{System: t.SystemName, ExternalID: t.ThirdPartyID})
	}
	return out
}

func coneAddress(c *cone.Customer) *model.Address {
	if c.Address == "" && c.City == "" && c.PostalCode == "" && c.Country == "" && c.Province == "" {
		return nil
	}
	return &model.Address{Kind: "main", Street: str(c.Address), City: str(c.City), PostalCode: str(c.PostalCode),
		Province: str(c.Province), Country: str(c.Country)}
}

func coneAccount(a *cone.Account) *model.Account {
	m := &model.Account{
		ID: model.GlobalID("Account", model.SourceCone, a.ID), Source: model.SourceCone, SourceID: a.ID,
		Name: str(a.Name), Email: str(a.PrimaryEmail), SecondaryEmail: str(a.SecondaryEmail),
		Phone: str(firstNonEmpty(a.WorkPhone, a.HomePhone)), Mobile: str(a.MobilePhone),
		Active: boolp(a.IsActive), Language: str(a.Language), Addresses: []*model.Address{},
		ExternalIDs: coneExternalIDs(a.ThirdPartyIDs),
	}
	if ad := coneAddress(&a.Customer); ad != nil {
		m.Addresses = append(m.Addresses, ad)
	}
	m.Contacts = make([]*model.Contact, 0, len(a.Contacts))
	for i := range a.Contacts {
		m.Contacts = append(m.Contacts, coneEmbeddedContact(&a.Contacts[i]))
	}
	if a.PrimaryContact != nil && a.PrimaryContact.ID != "" {
		m.PrimaryRef = coneEmbeddedContact(a.PrimaryContact)
	}
	return m
}

// coneEmbeddedContact maps a contact an account embeds: the API does not expand its
// accounts again.
func coneEmbeddedContact(c *cone.Contact) *model.Contact {
	m := coneContact(c)
	m.AccountRefs, m.Partial, m.Summary = nil, true, coneContactSummary
	return m
}

// coneEmbeddedAccount maps an account a contact embeds: the API does not expand its
// contacts again.
func coneEmbeddedAccount(a *cone.Account) *model.Account {
	m := coneAccount(a)
	m.Contacts, m.PrimaryRef, m.Summary = nil, nil, coneAccountSummary
	return m
}

func coneContact(c *cone.Contact) *model.Contact {
	m := &model.Contact{
		ID: model.GlobalID("Contact", model.SourceCone, c.ID), Source: model.SourceCone, SourceID: c.ID,
		FirstName: str(c.FirstName), LastName: str(c.LastName), Name: str(strings.TrimSpace(c.FirstName + " " + c.LastName)),
		Email: str(c.PrimaryEmail), Phone: str(firstNonEmpty(c.WorkPhone, c.HomePhone)), Mobile: str(c.MobilePhone),
		CompanyName: str(c.CompanyName), Active: boolp(c.IsActive), Address: coneAddress(&c.Customer),
		Language: str(c.Language), ExternalIDs: coneExternalIDs(c.ThirdPartyIDs),
	}
	m.AccountRefs = make([]*model.Account, 0, len(c.Accounts))
	for i := range c.Accounts {
		m.AccountRefs = append(m.AccountRefs, coneEmbeddedAccount(&c.Accounts[i]))
	}
	return m
}

func coneLead(l *cone.Lead) *model.Lead {
	m := &model.Lead{
		ID: model.GlobalID("Lead", model.SourceCone, l.ID), Source: model.SourceCone, SourceID: l.ID,
		Title: str(l.Subject), Description: l.Description, Category: l.Category,
		Qualified: boolp(l.IsQualified), Open: boolp(l.Open()), DueDate: utc(l.DueDate),
		CreatedAt: utc(l.DateCreated), UpdatedAt: utc(l.DateModified),
	}
	if l.Status != nil && l.Status.ID != "" {
		m.StatusID = str(l.Status.ID)
	}
	if l.Source != nil && l.Source.ID != "" {
		m.LeadSourceID = str(l.Source.ID)
	}
	if l.Stage != nil {
		m.StageID = l.Stage.ID
	}
	if l.Contact != nil {
		m.ContactID = l.Contact.ID
	}
	if l.Account != nil {
		m.AccountID = l.Account.ID
	}
	if l.CreatedBy != nil && l.CreatedBy.ID != "" {
		// The seed's only user on a lead read (assignees are write-only): its creator.
		m.OwnerRef = coneUser(l.CreatedBy.ID)
	}
	return m
}

// coneUser is a ConeCRM user: the API has no user endpoint, so only the id is known.
func coneUser(id string) *model.User {
	return &model.User{ID: model.GlobalID("User", model.SourceCone, id), Source: model.SourceCone, SourceID: id}
}

func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

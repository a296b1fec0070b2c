package resolvers

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
	"crmgraph/graph/model"
)

// Record mutations map onto each backend's POST/PUT/PATCH. Fields a backend cannot store
// are refused (BAD_USER_INPUT), never silently dropped.

func flag(b *bool) *cirrus.Flag {
	if b == nil {
		return nil
	}
	f := cirrus.FlagOf(*b)
	return &f
}

func val(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func decimalNumber(d *model.Decimal) json.Number {
	if d == nil {
		return ""
	}
	return json.Number(string(*d))
}

// optionalCirrusID reads an optional global id (or a bare Cirrus id for users/types).
func optionalCirrusID(id *string, typename string) (int, error) {
	if id == nil || *id == "" {
		return 0, nil
	}
	if n, ok := model.ParseCirrusID(*id); ok {
		return n, nil
	}
	return globalCirrusID(*id, typename)
}

// cirrusRecord decodes the global id of a Cirrus record a mutation changes.
func cirrusRecord(id, typename string) (int, error) {
	p, err := recordOf(id, typename)
	if err != nil {
		return 0, err
	}
	if p.Source != model.SourceCirrus {
		return 0, badInput(typename + " " + string(p.Source) + " records cannot be changed here: CIRRUS only")
	}
	return cirrusSourceID(p)
}

// cirrusSourceID is the Cirrus id of a parsed global id; ParseGlobalID has checked its
// shape, so the error is only a guard.
func cirrusSourceID(p model.ParsedID) (int, error) {
	n, ok := model.ParseCirrusID(p.SourceID)
	if !ok {
		return 0, model.ErrBadID
	}
	return n, nil
}

// recordOf decodes the id of a mutation's target and checks its type.
func recordOf(id, typename string) (model.ParsedID, error) {
	p, err := model.ParseGlobalID(id)
	if err != nil {
		return p, err
	}
	if p.Type != typename {
		return p, badInput("id is a " + p.Type + ", not a " + typename)
	}
	return p, nil
}

func cirrusAccountWrite(in *model.AccountInput) (cirrus.AccountWrite, error) {
	owner, err := optionalCirrusID(in.OwnerID, "User")
	if err != nil {
		return cirrus.AccountWrite{}, err
	}
	typeID := 0
	if in.TypeID != nil {
		if typeID, err = bareCirrusID(*in.TypeID, "Cirrus account type"); err != nil {
			return cirrus.AccountWrite{}, err
		}
	}
	return cirrus.AccountWrite{Name: val(in.Name), Number: val(in.Number), Email: val(in.Email), Phone: val(in.Phone),
		Cellphone: val(in.Mobile), URL: val(in.Website), VatNo: val(in.VatNumber), Active: flag(in.Active),
		Info: val(in.Info), TypeID: typeID, UserID: owner, ExternalKey: val(in.ExternalKey)}, nil
}

func coneAccountInput(in *model.AccountInput) (cone.AccountInput, error) {
	if in.TypeID != nil || in.OwnerID != nil || in.Number != nil || in.Website != nil || in.VatNumber != nil ||
		in.Info != nil || in.ExternalKey != nil {
		return cone.AccountInput{}, badInput("ConeCRM accounts have no type, owner, number, website, VAT number, info or external key")
	}
	return cone.AccountInput{Name: in.Name, PrimaryEmail: in.Email, WorkPhone: in.Phone, MobilePhone: in.Mobile, IsActive: in.Active}, nil
}

func (r *Resolver) createAccount(ctx context.Context, in model.CreateAccountInput) (*model.CreateAccountPayload, error) {
	switch in.Source {
	case model.SourceCirrus:
		w, err := cirrusAccountWrite(in.Account)
		if err != nil {
			return nil, err
		}
		if w.Name == "" || w.TypeID == 0 || w.UserID == 0 {
			return nil, badInput("a Cirrus account needs name, typeId and ownerId")
		}
		a, err := r.Cirrus.CreateAccount(ctx, w)
		if err != nil {
			return nil, fromBackend("cirrus", err)
		}
		if a == nil {
			return nil, fromBackend("cirrus", errNoRecord)
		}
		return &model.CreateAccountPayload{Account: cirrusAccount(a)}, nil
	case model.SourceCone:
		ci, err := coneAccountInput(in.Account)
		if err != nil {
			return nil, err
		}
		if ci.Name == nil {
			return nil, badInput("a ConeCRM account needs a name")
		}
		a, err := r.Cone.CreateAccount(ctx, ci)
		if err != nil {
			return nil, fromBackend("cone", err)
		}
		return &model.CreateAccountPayload{Account: coneAccount(a)}, nil
	}
	return nil, unsupported("accounts", in.Source)
}

func (r *Resolver) updateAccount(ctx context.Context, in model.UpdateAccountInput) (*model.UpdateAccountPayload, error) {
	p, err := recordOf(in.ID, "Account")
	if err != nil {
		return nil, err
	}
	switch p.Source {
	case model.SourceCirrus:
		id, err := cirrusSourceID(p)
		if err != nil {
			return nil, err
		}
		w, err := cirrusAccountWrite(in.Account)
		if err != nil {
			return nil, err
		}
		a, err := r.Cirrus.UpdateAccount(ctx, id, w)
		if err == nil && a == nil {
			a, err = r.Cirrus.Account(ctx, id, "")
		}
		if err != nil {
			return nil, fromBackend("cirrus", err)
		}
		return &model.UpdateAccountPayload{Account: cirrusAccount(a)}, nil
	case model.SourceCone:
		ci, err := coneAccountInput(in.Account)
		if err != nil {
			return nil, err
		}
		a, err := r.Cone.UpdateAccount(ctx, p.SourceID, ci)
		if err != nil {
			return nil, fromBackend("cone", err)
		}
		return &model.UpdateAccountPayload{Account: coneAccount(a)}, nil
	}
	return nil, unsupported("accounts", p.Source)
}

func cirrusContactWrite(in *model.ContactInput) cirrus.ContactWrite {
	return cirrus.ContactWrite{Name: val(in.FirstName), Surname: val(in.LastName), Title: val(in.Title), Email: val(in.Email),
		Officephone: val(in.Phone), Cellphone: val(in.Mobile), Active: flag(in.Active), ExternalKey: val(in.ExternalKey)}
}

func (r *Resolver) createContact(ctx context.Context, in model.CreateContactInput) (*model.CreateContactPayload, error) {
	if in.Source != model.SourceCirrus {
		return nil, badInput("contacts can be created in CIRRUS only (ConeCRM has no contact create endpoint; use client-data for CLIENT_DATA)")
	}
	w := cirrusContactWrite(in.Contact)
	if in.Contact.AccountID == nil || w.Name == "" || w.Surname == "" {
		return nil, badInput("a Cirrus contact needs firstName, lastName and accountId")
	}
	var err error
	if w.AccountID, err = globalCirrusID(*in.Contact.AccountID, "Account"); err != nil {
		return nil, err
	}
	c, err := r.Cirrus.CreateContact(ctx, w)
	if err == nil && c == nil {
		err = errNoRecord
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.CreateContactPayload{Contact: cirrusContact(c)}, nil
}

func (r *Resolver) updateContact(ctx context.Context, in model.UpdateContactInput) (*model.UpdateContactPayload, error) {
	p, err := recordOf(in.ID, "Contact")
	if err != nil {
		return nil, err
	}
	switch {
	case p.Source == model.SourceClientData:
		return nil, badInput("client-data contacts change through updateContactDetails (it may need approval)")
	case p.Source != model.SourceCirrus:
		return nil, badInput("ConeCRM has no contact update endpoint")
	case in.Contact.AccountID != nil:
		return nil, badInput("a Cirrus contact cannot move to another account")
	}
	id, err := cirrusSourceID(p)
	if err != nil {
		return nil, err
	}
	c, err := r.Cirrus.UpdateContact(ctx, id, cirrusContactWrite(in.Contact))
	if err == nil && c == nil {
		c, err = r.Cirrus.Contact(ctx, id, "")
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.UpdateContactPayload{Contact: cirrusContact(c)}, nil
}

func cirrusLeadWrite(in *model.LeadInput) (cirrus.LeadWrite, error) {
	w := cirrus.LeadWrite{Title: val(in.Title), Description: val(in.Description), Value: decimalNumber(in.Value)}
	if in.Rating != nil {
		w.Rating = *in.Rating
	}
	owner, err := optionalCirrusID(in.OwnerID, "User")
	if err != nil {
		return w, err
	}
	w.User = cirrus.Ref(owner)
	if in.StatusID != nil {
		n, err := bareCirrusID(*in.StatusID, "Cirrus lead status")
		if err != nil {
			return w, err
		}
		w.Status = cirrus.Ref(n)
	}
	if p := in.Prospect; p != nil {
		w.ContactTitle, w.ContactName, w.ContactSurname, w.ContactCompany = val(p.Title), val(p.FirstName), val(p.LastName), val(p.Company)
		w.ContactEmail, w.ContactPhone, w.ContactCellphone = val(p.Email), val(p.Phone), val(p.Mobile)
	}
	return w, nil
}

func (r *Resolver) createLead(ctx context.Context, in model.CreateLeadInput) (*model.CreateLeadPayload, error) {
	if in.Source != model.SourceCirrus {
		return nil, badInput("leads can be created in CIRRUS only: a ConeCRM lead needs department, source and franchise ids that no ConeCRM endpoint lists")
	}
	w, err := cirrusLeadWrite(in.Lead)
	if err != nil {
		return nil, err
	}
	l, err := r.Cirrus.CreateLead(ctx, w)
	if err == nil && l == nil {
		err = errNoRecord
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.CreateLeadPayload{Lead: cirrusLead(l)}, nil
}

func (r *Resolver) updateLead(ctx context.Context, in model.UpdateLeadInput) (*model.UpdateLeadPayload, error) {
	p, err := recordOf(in.ID, "Lead")
	if err != nil {
		return nil, err
	}
	if p.Source != model.SourceCirrus {
		return nil, badInput("ConeCRM has no lead update endpoint")
	}
	id, err := cirrusSourceID(p)
	if err != nil {
		return nil, err
	}
	w, err := cirrusLeadWrite(in.Lead)
	if err != nil {
		return nil, err
	}
	l, err := r.Cirrus.UpdateLead(ctx, id, w)
	if err == nil && l == nil {
		l, err = r.Cirrus.Lead(ctx, id, "")
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.UpdateLeadPayload{Lead: cirrusLead(l)}, nil
}

// opportunityEdit is an OpportunityInput with its ids read (nil where not given).
type opportunityEdit struct {
	in                                  *model.OpportunityInput
	account, contact, owner, status, ty *int
}

// readOpportunityInput reads the ids of in, so a malformed one is refused before any
// backend call (an update reads the current record first).
func readOpportunityInput(in *model.OpportunityInput) (opportunityEdit, error) {
	e := opportunityEdit{in: in}
	for _, ref := range []struct {
		dst      **int
		id       *string
		typename string
	}{{&e.account, in.AccountID, "Account"}, {&e.contact, in.ContactID, "Contact"}, {&e.owner, in.OwnerID, "User"},
		{&e.status, in.StatusID, "OpportunityStatus"}, {&e.ty, in.TypeID, "OpportunityType"}} {
		if ref.id == nil {
			continue
		}
		n, err := optionalCirrusID(ref.id, ref.typename)
		if err != nil {
			return e, err
		}
		*ref.dst = &n
	}
	return e, nil
}

// overlay applies the edit to base: the API requires the same fields on PUT as on
// POST, so an update sends the current values for what the caller leaves out.
func (e opportunityEdit) overlay(base cirrus.OpportunityWrite) (cirrus.OpportunityWrite, error) {
	w, in := base, e.in
	for _, ref := range []struct {
		dst *int
		n   *int
	}{{&w.AccountID, e.account}, {&w.ContactID, e.contact}, {&w.UserID, e.owner}, {&w.StatusID, e.status}, {&w.TypeID, e.ty}} {
		if ref.n != nil {
			*ref.dst = *ref.n
		}
	}
	if in.Title != nil {
		w.Title = *in.Title
	}
	if in.Description != nil {
		w.Description = *in.Description
	}
	if in.Value != nil {
		w.Value = decimalNumber(in.Value)
	}
	if in.EstimatedCloseDate != nil {
		w.EstimatedEndDate = string(*in.EstimatedCloseDate)
	}
	if in.Closed != nil {
		w.Closed = flag(in.Closed)
	}
	if w.AccountID == 0 || w.ContactID == 0 || w.Title == "" || w.Description == "" || w.UserID == 0 ||
		w.StatusID == 0 || w.EstimatedEndDate == "" || w.TypeID == 0 {
		return w, badInput("a Cirrus opportunity needs accountId, contactId, title, description, ownerId, statusId, typeId and estimatedCloseDate")
	}
	return w, nil
}

func (r *Resolver) createOpportunity(ctx context.Context, in model.CreateOpportunityInput) (*model.CreateOpportunityPayload, error) {
	edit, err := readOpportunityInput(in.Opportunity)
	if err != nil {
		return nil, err
	}
	w, err := edit.overlay(cirrus.OpportunityWrite{})
	if err != nil {
		return nil, err
	}
	o, err := r.Cirrus.CreateOpportunity(ctx, w)
	if err == nil && o == nil {
		err = errNoRecord
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.CreateOpportunityPayload{Opportunity: cirrusOpportunity(o)}, nil
}

func (r *Resolver) updateOpportunity(ctx context.Context, in model.UpdateOpportunityInput) (*model.UpdateOpportunityPayload, error) {
	id, err := cirrusRecord(in.ID, "Opportunity")
	if err != nil {
		return nil, err
	}
	edit, err := readOpportunityInput(in.Opportunity)
	if err != nil {
		return nil, err
	}
	cur, err := r.Cirrus.Opportunity(ctx, id, "")
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	base := cirrus.OpportunityWrite{AccountID: cur.AccountID, ContactID: cur.ContactID, Title: cur.Title,
		Description: cur.Description, UserID: cur.UserID, StatusID: cur.StatusID, EstimatedEndDate: cur.EstimatedEndDate,
		TypeID: cur.TypeID, Value: cur.Value}
	w, err := edit.overlay(base)
	if err != nil {
		return nil, err
	}
	o, err := r.Cirrus.UpdateOpportunity(ctx, id, w)
	if err == nil && o == nil {
		o, err = r.Cirrus.Opportunity(ctx, id, "")
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.UpdateOpportunityPayload{Opportunity: cirrusOpportunity(o)}, nil
}

func orderWrite(in *model.OrderInput) (cirrus.OrderWrite, error) {
	w := cirrus.OrderWrite{CurrencyCode: val(in.Currency), Marking: val(in.Marking)}
	if in.PlacedAt != nil {
		w.PlaceDate = string(*in.PlacedAt)
	}
	for _, ref := range []struct {
		dst      **cirrus.IDObject
		id       *string
		typename string
	}{{&w.Account, in.AccountID, "Account"}, {&w.Contact, in.ContactID, "Contact"}, {&w.User, in.OwnerID, "User"}, {&w.Status, in.StatusID, "OrderStatus"}} {
		n, err := optionalCirrusID(ref.id, ref.typename)
		if err != nil {
			return w, err
		}
		*ref.dst = cirrus.Ref(n)
	}
	for i, row := range in.Rows {
		article, err := bareCirrusID(row.ArticleID, "Cirrus article")
		if err != nil {
			return w, err
		}
		w.Rows = append(w.Rows, cirrus.OrderRowWrite{Article: cirrus.Ref(article), QuantityOrdered: decimalNumber(&row.Quantity),
			Price: decimalNumber(&row.Price), DiscountPercent: decimalNumber(row.DiscountPercent), Specification: val(row.Specification),
			SortOrder: i + 1})
	}
	return w, nil
}

func (r *Resolver) createOrder(ctx context.Context, in model.CreateOrderInput) (*model.CreateOrderPayload, error) {
	w, err := orderWrite(in.Order)
	if err != nil {
		return nil, err
	}
	if w.PlaceDate == "" || w.Account == nil || w.User == nil || w.Contact == nil || w.Status == nil {
		return nil, badInput("a Cirrus order needs placedAt, accountId, contactId, ownerId and statusId")
	}
	o, err := r.Cirrus.CreateOrder(ctx, w)
	if err == nil && o == nil {
		err = errNoRecord
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.CreateOrderPayload{Order: cirrusOrder(o)}, nil
}

func (r *Resolver) updateOrder(ctx context.Context, in model.UpdateOrderInput) (*model.UpdateOrderPayload, error) {
	id, err := cirrusRecord(in.ID, "Order")
	if err != nil {
		return nil, err
	}
	w, err := orderWrite(in.Order)
	if err != nil {
		return nil, err
	}
	o, err := r.Cirrus.UpdateOrder(ctx, id, w)
	if err == nil && o == nil {
		o, err = r.Cirrus.Order(ctx, id, "")
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.UpdateOrderPayload{Order: cirrusOrder(o)}, nil
}

// invalidateStages drops the cached stage list on every replica; a failure only delays
// the change until the cached copies expire. It runs even when the request has timed
// out, since that is when a write's outcome is unknown.
func (r *Resolver) invalidateStages(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := r.Cache.Invalidate(ctx, "cone", "stages"); err != nil && r.Log != nil {
		r.Log.WarnContext(ctx, "stage cache invalidation failed; replicas serve the old list until it expires", slog.String("error", err.Error()))
	}
}

func (r *Resolver) createStage(ctx context.Context, in model.CreateStageInput) (*model.CreateStagePayload, error) {
	s, err := r.Cone.CreateStage(ctx, cone.Stage{Name: in.Stage.Name})
	if err != nil {
		if rest.OutcomeUnknown(err) { // it may have been applied: the cached list may be stale
			r.invalidateStages(ctx)
		}
		return nil, fromBackend("cone", err)
	}
	r.invalidateStages(ctx)
	return &model.CreateStagePayload{Stage: coneStage(s, 0)}, nil
}

func (r *Resolver) updateStage(ctx context.Context, in model.UpdateStageInput) (*model.UpdateStagePayload, error) {
	if !model.ValidConeID(in.ID) {
		return nil, malformedID("ConeCRM stage", in.ID)
	}
	s, err := r.Cone.UpdateStage(ctx, in.ID, cone.Stage{Name: in.Stage.Name})
	if err != nil {
		if rest.OutcomeUnknown(err) { // it may have been applied: the cached list may be stale
			r.invalidateStages(ctx)
		}
		return nil, fromBackend("cone", err)
	}
	r.invalidateStages(ctx)
	return &model.UpdateStagePayload{Stage: coneStage(s, 0)}, nil
}

package resolvers

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
	"crmgraph/graph/model"
)

// Record mutations map onto each backend's POST/PUT/PATCH. Every nullable input field
// is a graphql.Omittable with three meanings, carried to the wire as a rest.Optional:
// absent leaves the backend's value alone (the field is not in the body), null clears it
// and a value sets it, zero values included. The Cirrus and ConeCRM seeds type their
// text fields as plain strings, so a text is cleared by sending ""; a number, flag,
// date or reference they cannot empty refuses null (BAD_USER_INPUT) instead of
// dropping it. Fields a backend cannot store are refused too, never silently dropped.

// text maps a nullable text input: absent stays absent, null is "" (the APIs' empty
// text), a value is sent as is.
func text(o graphql.Omittable[*string]) rest.Optional[string] {
	p, ok := o.ValueOK()
	switch {
	case !ok:
		return rest.Optional[string]{}
	case p == nil:
		return rest.Some("")
	}
	return rest.Some(*p)
}

// input reads one mutation input, keeping the first error so that a mapping reads as a
// list of fields.
type input struct {
	source string // the backend, for messages ("Cirrus")
	err    error
}

func (in *input) fail(err error) {
	if in.err == nil {
		in.err = err
	}
}

// notNull reads a field the backend cannot clear: null is refused.
func notNull[T any](in *input, o graphql.Omittable[*T], field string) (T, bool) {
	var zero T
	p, ok := o.ValueOK()
	if !ok {
		return zero, false
	}
	if p == nil {
		in.fail(badInput(field + " cannot be null: " + in.source + " has no empty value for it (set a value or leave it out)"))
		return zero, false
	}
	return *p, true
}

func (in *input) flag(o graphql.Omittable[*bool], field string) rest.Optional[cirrus.Flag] {
	if b, ok := notNull(in, o, field); ok {
		return rest.Some(cirrus.FlagOf(b))
	}
	return rest.Optional[cirrus.Flag]{}
}

func (in *input) boolean(o graphql.Omittable[*bool], field string) rest.Optional[bool] {
	if b, ok := notNull(in, o, field); ok {
		return rest.Some(b)
	}
	return rest.Optional[bool]{}
}

func (in *input) number(o graphql.Omittable[*int], field string) rest.Optional[int] {
	if n, ok := notNull(in, o, field); ok {
		return rest.Some(n)
	}
	return rest.Optional[int]{}
}

func (in *input) decimal(o graphql.Omittable[*model.Decimal], field string) rest.Optional[json.Number] {
	if d, ok := notNull(in, o, field); ok {
		return rest.Some(json.Number(string(d)))
	}
	return rest.Optional[json.Number]{}
}

func (in *input) date(o graphql.Omittable[*model.Date], field string) rest.Optional[string] {
	if d, ok := notNull(in, o, field); ok {
		return rest.Some(string(d))
	}
	return rest.Optional[string]{}
}

// cirrusID reads an id the API needs (it has no empty reference): a global id of
// typename, or a bare Cirrus id.
func (in *input) cirrusID(o graphql.Omittable[*string], field, typename string) rest.Optional[int] {
	id, ok := notNull(in, o, field)
	if !ok {
		return rest.Optional[int]{}
	}
	n, ok := model.ParseCirrusID(id)
	if !ok {
		var err error
		if n, err = globalCirrusID(id, typename); err != nil {
			in.fail(err)
			return rest.Optional[int]{}
		}
	}
	return rest.Some(n)
}

// bareID reads a reference-list id (account type, lead status): a bare Cirrus id.
func (in *input) bareID(o graphql.Omittable[*string], field, what string) rest.Optional[int] {
	id, ok := notNull(in, o, field)
	if !ok {
		return rest.Optional[int]{}
	}
	n, err := bareCirrusID(id, what)
	if err != nil {
		in.fail(err)
		return rest.Optional[int]{}
	}
	return rest.Some(n)
}

func ref(id rest.Optional[int]) rest.Optional[cirrus.IDObject] {
	if n, ok := id.Get(); ok {
		return cirrus.Ref(n)
	}
	return rest.Optional[cirrus.IDObject]{}
}

// refuse fails for fields a backend cannot store, whether set or null.
func (in *input) refuse(msg string, fields ...interface{ IsSet() bool }) {
	for _, f := range fields {
		if f.IsSet() {
			in.fail(badInput(msg))
			return
		}
	}
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

func cirrusAccountWrite(a *model.AccountInput) (cirrus.AccountWrite, error) {
	in := &input{source: "Cirrus"}
	w := cirrus.AccountWrite{Name: text(a.Name), Number: text(a.Number), Email: text(a.Email), Phone: text(a.Phone),
		Cellphone: text(a.Mobile), URL: text(a.Website), VatNo: text(a.VatNumber), Info: text(a.Info),
		ExternalKey: text(a.ExternalKey), Active: in.flag(a.Active, "active"),
		TypeID: in.bareID(a.TypeID, "typeId", "Cirrus account type"), UserID: in.cirrusID(a.OwnerID, "ownerId", "User")}
	return w, in.err
}

func coneAccountInput(a *model.AccountInput) (cone.AccountInput, error) {
	in := &input{source: "ConeCRM"}
	in.refuse("ConeCRM accounts have no type, owner, number, website, VAT number, info or external key",
		a.TypeID, a.OwnerID, a.Number, a.Website, a.VatNumber, a.Info, a.ExternalKey)
	w := cone.AccountInput{Name: text(a.Name), PrimaryEmail: text(a.Email), WorkPhone: text(a.Phone),
		MobilePhone: text(a.Mobile), IsActive: in.boolean(a.Active, "active")}
	return w, in.err
}

func isSet[T any](o rest.Optional[T]) bool { _, ok := o.Get(); return ok }

func (r *Resolver) createAccount(ctx context.Context, in model.CreateAccountInput) (*model.CreateAccountPayload, error) {
	switch in.Source {
	case model.SourceCirrus:
		w, err := cirrusAccountWrite(in.Account)
		if err != nil {
			return nil, err
		}
		if !isSet(w.Name) || !isSet(w.TypeID) || !isSet(w.UserID) {
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

func cirrusContactWrite(c *model.ContactInput) (cirrus.ContactWrite, error) {
	in := &input{source: "Cirrus"}
	w := cirrus.ContactWrite{Name: text(c.FirstName), Surname: text(c.LastName), Title: text(c.Title), Email: text(c.Email),
		Officephone: text(c.Phone), Cellphone: text(c.Mobile), ExternalKey: text(c.ExternalKey), Active: in.flag(c.Active, "active")}
	return w, in.err
}

func (r *Resolver) createContact(ctx context.Context, in model.CreateContactInput) (*model.CreateContactPayload, error) {
	if in.Source != model.SourceCirrus {
		return nil, badInput("contacts can be created in CIRRUS only (ConeCRM has no contact create endpoint; use client-data for CLIENT_DATA)")
	}
	w, err := cirrusContactWrite(in.Contact)
	if err != nil {
		return nil, err
	}
	read := &input{source: "Cirrus"}
	if w.AccountID = read.cirrusID(in.Contact.AccountID, "accountId", "Account"); read.err != nil {
		return nil, read.err
	}
	if !isSet(w.AccountID) || !isSet(w.Name) || !isSet(w.Surname) {
		return nil, badInput("a Cirrus contact needs firstName, lastName and accountId")
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
	case in.Contact.AccountID.IsSet():
		return nil, badInput("a Cirrus contact cannot move to another account")
	}
	id, err := cirrusSourceID(p)
	if err != nil {
		return nil, err
	}
	w, err := cirrusContactWrite(in.Contact)
	if err != nil {
		return nil, err
	}
	c, err := r.Cirrus.UpdateContact(ctx, id, w)
	if err == nil && c == nil {
		c, err = r.Cirrus.Contact(ctx, id, "")
	}
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	return &model.UpdateContactPayload{Contact: cirrusContact(c)}, nil
}

func cirrusLeadWrite(l *model.LeadInput) (cirrus.LeadWrite, error) {
	in := &input{source: "Cirrus"}
	w := cirrus.LeadWrite{Title: text(l.Title), Description: text(l.Description), Value: in.decimal(l.Value, "value"),
		Rating: in.number(l.Rating, "rating"), User: ref(in.cirrusID(l.OwnerID, "ownerId", "User")),
		Status: ref(in.bareID(l.StatusID, "statusId", "Cirrus lead status"))}
	switch p, ok := l.Prospect.ValueOK(); {
	case ok && p == nil: // null clears the whole prospect, the fields ProspectInput cannot reach included
		empty := rest.Some("")
		for _, f := range []*rest.Optional[string]{&w.ContactTitle, &w.ContactName, &w.ContactSurname, &w.ContactCompany,
			&w.ContactStreet, &w.ContactCity, &w.ContactZip, &w.ContactPhone, &w.ContactCellphone, &w.ContactEmail, &w.ContactVatNo} {
			*f = empty
		}
	case ok:
		w.ContactTitle, w.ContactName, w.ContactSurname, w.ContactCompany = text(p.Title), text(p.FirstName), text(p.LastName), text(p.Company)
		w.ContactEmail, w.ContactPhone, w.ContactCellphone = text(p.Email), text(p.Phone), text(p.Mobile)
	}
	return w, in.err
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

// opportunityWrite reads an OpportunityInput, so a malformed id is refused before any
// backend call (an update reads the current record first).
func opportunityWrite(o *model.OpportunityInput) (cirrus.OpportunityWrite, error) {
	in := &input{source: "Cirrus"}
	w := cirrus.OpportunityWrite{Title: text(o.Title), Description: text(o.Description), Value: in.decimal(o.Value, "value"),
		AccountID: in.cirrusID(o.AccountID, "accountId", "Account"), ContactID: in.cirrusID(o.ContactID, "contactId", "Contact"),
		UserID: in.cirrusID(o.OwnerID, "ownerId", "User"), StatusID: in.cirrusID(o.StatusID, "statusId", "OpportunityStatus"),
		TypeID: in.cirrusID(o.TypeID, "typeId", "OpportunityType"), EstimatedEndDate: in.date(o.EstimatedCloseDate, "estimatedCloseDate"),
		Closed: in.flag(o.Closed, "closed")}
	return w, in.err
}

// overlay puts the edit over base: the API requires the same fields on PUT as on
// POST, so an update sends the current values of the required fields the caller
// leaves out.
func overlay(base, edit cirrus.OpportunityWrite) (cirrus.OpportunityWrite, error) {
	w := edit
	for _, f := range []struct{ dst, cur *rest.Optional[int] }{{&w.AccountID, &base.AccountID}, {&w.ContactID, &base.ContactID},
		{&w.UserID, &base.UserID}, {&w.StatusID, &base.StatusID}, {&w.TypeID, &base.TypeID}} {
		if !isSet(*f.dst) {
			*f.dst = *f.cur
		}
	}
	for _, f := range []struct{ dst, cur *rest.Optional[string] }{{&w.Title, &base.Title}, {&w.Description, &base.Description},
		{&w.EstimatedEndDate, &base.EstimatedEndDate}} {
		if !isSet(*f.dst) {
			*f.dst = *f.cur
		}
	}
	if w.AccountID.Or(0) == 0 || w.ContactID.Or(0) == 0 || !isSet(w.Title) || !isSet(w.Description) || w.UserID.Or(0) == 0 ||
		w.StatusID.Or(0) == 0 || w.EstimatedEndDate.Or("") == "" || w.TypeID.Or(0) == 0 {
		return w, badInput("a Cirrus opportunity needs accountId, contactId, title, description, ownerId, statusId, typeId and estimatedCloseDate")
	}
	return w, nil
}

func (r *Resolver) createOpportunity(ctx context.Context, in model.CreateOpportunityInput) (*model.CreateOpportunityPayload, error) {
	edit, err := opportunityWrite(in.Opportunity)
	if err != nil {
		return nil, err
	}
	w, err := overlay(cirrus.OpportunityWrite{}, edit)
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
	edit, err := opportunityWrite(in.Opportunity)
	if err != nil {
		return nil, err
	}
	cur, err := r.Cirrus.Opportunity(ctx, id, "")
	if err != nil {
		return nil, fromBackend("cirrus", err)
	}
	base := cirrus.OpportunityWrite{AccountID: rest.Some(cur.AccountID), ContactID: rest.Some(cur.ContactID),
		Title: rest.Some(cur.Title), Description: rest.Some(cur.Description), UserID: rest.Some(cur.UserID),
		StatusID: rest.Some(cur.StatusID), EstimatedEndDate: rest.Some(cur.EstimatedEndDate), TypeID: rest.Some(cur.TypeID)}
	w, err := overlay(base, edit)
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

// orderDate is a Date in the API's _DateTime form (seed L4899: "only the date part will
// be used"; sample "2019-01-25T00:00:00.000Z").
func orderDate(d rest.Optional[string]) rest.Optional[string] {
	if s, ok := d.Get(); ok {
		return rest.Some(s + "T00:00:00.000Z")
	}
	return d
}

func orderWrite(o *model.OrderInput) (cirrus.OrderWrite, error) {
	in := &input{source: "Cirrus"}
	w := cirrus.OrderWrite{CurrencyCode: text(o.Currency), Marking: text(o.Marking),
		PlaceDate: orderDate(in.date(o.PlacedAt, "placedAt")), Account: ref(in.cirrusID(o.AccountID, "accountId", "Account")),
		Contact: ref(in.cirrusID(o.ContactID, "contactId", "Contact")), User: ref(in.cirrusID(o.OwnerID, "ownerId", "User")),
		Status: ref(in.cirrusID(o.StatusID, "statusId", "OrderStatus"))}
	rows, ok := o.Rows.ValueOK()
	if !ok || in.err != nil {
		return w, in.err
	}
	out := make([]cirrus.OrderRowWrite, 0, len(rows)) // null: no rows left
	for i, row := range rows {
		article, err := bareCirrusID(row.ArticleID, "Cirrus article")
		if err != nil {
			return w, err
		}
		rw := cirrus.OrderRowWrite{Article: cirrus.Ref(article), QuantityOrdered: rest.Some(json.Number(string(row.Quantity))),
			Price: rest.Some(json.Number(string(row.Price))), Specification: text(row.Specification), SortOrder: rest.Some(i + 1)}
		// Rows are written whole: a row's null discount is no discount, as when left out.
		if d, ok := row.DiscountPercent.ValueOK(); ok && d != nil {
			rw.DiscountPercent = rest.Some(json.Number(string(*d)))
		}
		out = append(out, rw)
	}
	w.Rows = rest.Some(out)
	return w, nil
}

func (r *Resolver) createOrder(ctx context.Context, in model.CreateOrderInput) (*model.CreateOrderPayload, error) {
	w, err := orderWrite(in.Order)
	if err != nil {
		return nil, err
	}
	if !isSet(w.PlaceDate) || !isSet(w.Account) || !isSet(w.User) || !isSet(w.Contact) || !isSet(w.Status) {
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

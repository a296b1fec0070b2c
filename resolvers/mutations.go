package resolvers

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
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

// input reads one mutation input object, collecting every refusal of its fields so that
// a form can show them all at once.
type input struct {
	source string    // the backend, for messages ("Cirrus")
	at     fieldPath // the input object's path in the mutation's arguments
	errs   []*fieldError
}

func (in *input) fail(field, code, msg string) {
	in.errs = append(in.errs, &fieldError{field: in.at.with(strings.Split(field, ".")...), code: code, msg: msg})
}

// failed records err (an id's) at field.
func (in *input) failed(field string, err error) {
	var rf *refusal
	if errors.As(onField(err, in.at.with(strings.Split(field, ".")...)), &rf) {
		in.errs = append(in.errs, rf.errs...)
		return
	}
	in.fail(field, userInvalid, err.Error())
}

// err is the refusal of the input, nil when every field was read.
func (in *input) err() error {
	if len(in.errs) == 0 {
		return nil
	}
	return &refusal{errs: in.errs}
}

// require refuses a field the backend needs that was left out.
func (in *input) require(o interface{ IsSet() bool }, field, what string) {
	if !o.IsSet() {
		in.fail(field, userRequired, what+" needs "+field)
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
		in.fail(field, userNotNullable, field+" cannot be null: "+in.source+" has no empty value for it (set a value or leave it out)")
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
// typename (a record or a reference item), or the bare Cirrus id its sourceId shows.
func (in *input) cirrusID(o graphql.Omittable[*string], field, typename string) rest.Optional[int] {
	id, ok := notNull(in, o, field)
	if !ok {
		return rest.Optional[int]{}
	}
	n, err := cirrusIDOf(id, typename)
	if err != nil {
		in.failed(field, err)
		return rest.Optional[int]{}
	}
	return rest.Some(n)
}

// cirrusIDOf reads the id of a Cirrus record or reference item of typename: its global
// id, or its bare Cirrus id (sourceId). A global id of another type or source is refused.
func cirrusIDOf(id, typename string) (int, error) {
	if n, ok := model.ParseCirrusID(id); ok {
		return n, nil
	}
	p, err := model.ParseGlobalID(id)
	if err != nil {
		return 0, malformedID(typename, id)
	}
	if p.Type != typename {
		return 0, badInput("id is a " + p.Type + ", not a " + typename)
	}
	if p.Source != model.SourceCirrus {
		return 0, badInput("a " + typename + " here is a CIRRUS one, not " + string(p.Source))
	}
	return cirrusSourceID(p)
}

// cirrusIDsOf reads a filter's list of Cirrus ids of typename (see cirrusIDOf).
func cirrusIDsOf(ids []string, typename string) ([]int, error) {
	out := make([]int, 0, len(ids))
	for _, s := range ids {
		n, err := cirrusIDOf(s, typename)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func ref(id rest.Optional[int]) rest.Optional[cirrus.IDObject] {
	if n, ok := id.Get(); ok {
		return cirrus.Ref(n)
	}
	return rest.Optional[cirrus.IDObject]{}
}

// noPlace refuses the fields a backend cannot store, whether set or null; what names
// the record ("ConeCRM accounts").
func (in *input) noPlace(what string, fields map[string]interface{ IsSet() bool }) {
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if fields[name].IsSet() {
			in.fail(name, userUnsupported, what+" have no "+name)
		}
	}
}

// The paths of a mutation's input fields ("input", then the record input's key).
var (
	atID     = fieldPath{"input", "id"}
	atSource = fieldPath{"input", "source"}
)

func recordAt(key string) fieldPath { return fieldPath{"input", key} }

// cirrusRecord decodes the global id of a Cirrus record a mutation changes.
func cirrusRecord(id, typename string) (int, error) {
	p, err := recordOf(id, typename)
	if err != nil {
		return 0, err
	}
	if p.Source != model.SourceCirrus {
		return 0, refuse(atID, userUnsupported, typename+" "+string(p.Source)+" records cannot be changed here: CIRRUS only")
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
		return p, onField(err, atID)
	}
	if p.Type != typename {
		return p, refuse(atID, userInvalidID, "id is a "+p.Type+", not a "+typename)
	}
	return p, nil
}

// unsupportedSource refuses a mutation of a record type in a source that has none.
func unsupportedSource(at fieldPath, what string, src model.Source) error {
	return refuse(at, userUnsupported, string(src)+" has no "+what)
}

// The backends' field names in their validation answers, per record input.
var (
	cirrusAccountWire = map[string]string{"name": "name", "number": "number", "email": "email", "phone": "phone",
		"cellphone": "mobile", "url": "website", "vatno": "vatNumber", "info": "info", "externalkey": "externalKey",
		"active": "active", "typeid": "typeId", "userid": "ownerId"}
	coneAccountWire = map[string]string{"name": "name", "primaryEmail": "email", "workPhone": "phone",
		"mobilePhone": "mobile", "isActive": "active"}
	cirrusContactWire = map[string]string{"name": "firstName", "surname": "lastName", "title": "title", "email": "email",
		"officephone": "phone", "cellphone": "mobile", "externalkey": "externalKey", "active": "active", "accountid": "accountId"}
	cirrusLeadWire = map[string]string{"title": "title", "description": "description", "value": "value", "rating": "rating",
		"user": "ownerId", "status": "statusId", "contacttitle": "prospect.title", "contactname": "prospect.firstName",
		"contactsurname": "prospect.lastName", "contactcompany": "prospect.company", "contactemail": "prospect.email",
		"contactphone": "prospect.phone", "contactcellphone": "prospect.mobile"}
	cirrusOpportunityWire = map[string]string{"title": "title", "description": "description", "value": "value",
		"accountid": "accountId", "contactid": "contactId", "userid": "ownerId", "statusid": "statusId", "typeid": "typeId",
		"estimatedenddate": "estimatedCloseDate", "closed": "closed"}
	cirrusOrderWire = map[string]string{"currencycode": "currency", "marking": "marking", "placedate": "placedAt",
		"account": "accountId", "contact": "contactId", "user": "ownerId", "status": "statusId", "rows": "rows",
		"rows.*": "rows.*", "rows.*.article": "rows.*.articleId", "rows.*.quantityordered": "rows.*.quantity",
		"rows.*.price": "rows.*.price", "rows.*.specification": "rows.*.specification",
		"rows.*.discountpercent": "rows.*.discountPercent"}
	coneStageWire = map[string]string{"name": "name"}
)

func cirrusAccountWrite(a *model.AccountInput) (*input, cirrus.AccountWrite) {
	in := &input{source: "Cirrus", at: recordAt("account")}
	w := cirrus.AccountWrite{Name: text(a.Name), Number: text(a.Number), Email: text(a.Email), Phone: text(a.Phone),
		Cellphone: text(a.Mobile), URL: text(a.Website), VatNo: text(a.VatNumber), Info: text(a.Info),
		ExternalKey: text(a.ExternalKey), Active: in.flag(a.Active, "active"),
		TypeID: in.cirrusID(a.TypeID, "typeId", typename[model.AccountType]()), UserID: in.cirrusID(a.OwnerID, "ownerId", "User")}
	return in, w
}

func coneAccountInput(a *model.AccountInput) (cone.AccountInput, error) {
	in := &input{source: "ConeCRM", at: recordAt("account")}
	in.noPlace("ConeCRM accounts", map[string]interface{ IsSet() bool }{"typeId": a.TypeID, "ownerId": a.OwnerID,
		"number": a.Number, "website": a.Website, "vatNumber": a.VatNumber, "info": a.Info, "externalKey": a.ExternalKey})
	w := cone.AccountInput{Name: text(a.Name), PrimaryEmail: text(a.Email), WorkPhone: text(a.Phone),
		MobilePhone: text(a.Mobile), IsActive: in.boolean(a.Active, "active")}
	return w, in.err()
}

func isSet[T any](o rest.Optional[T]) bool { _, ok := o.Get(); return ok }

func (r *Resolver) createAccount(ctx context.Context, in model.CreateAccountInput) (*model.CreateAccountPayload, error) {
	switch in.Source {
	case model.SourceCirrus:
		read, w := cirrusAccountWrite(in.Account)
		read.require(in.Account.Name, "name", "a Cirrus account")
		read.require(in.Account.TypeID, "typeId", "a Cirrus account")
		read.require(in.Account.OwnerID, "ownerId", "a Cirrus account")
		if err := read.err(); err != nil {
			return nil, err
		}
		a, err := r.Cirrus.CreateAccount(ctx, w)
		if err == nil && a == nil {
			err = errNoRecord
		}
		if err != nil {
			return nil, fromBackendWrite("cirrus", err, &wireNames{at: recordAt("account"), fields: cirrusAccountWire})
		}
		return &model.CreateAccountPayload{Account: cirrusAccount(a)}, nil
	case model.SourceCone:
		ci, err := coneAccountInput(in.Account)
		if err != nil {
			return nil, err
		}
		a, err := r.Cone.CreateAccount(ctx, ci)
		if err != nil {
			return nil, fromBackendWrite("cone", err, &wireNames{at: recordAt("account"), fields: coneAccountWire})
		}
		return &model.CreateAccountPayload{Account: coneAccount(a)}, nil
	}
	return nil, unsupportedSource(atSource, "accounts", in.Source)
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
			return nil, onField(err, atID)
		}
		read, w := cirrusAccountWrite(in.Account)
		if err := read.err(); err != nil {
			return nil, err
		}
		a, err := r.Cirrus.UpdateAccount(ctx, id, w)
		if err == nil && a == nil {
			a, err = r.Cirrus.Account(ctx, id, "")
		}
		if err != nil {
			return nil, fromBackendWrite("cirrus", err, &wireNames{at: recordAt("account"), fields: cirrusAccountWire})
		}
		return &model.UpdateAccountPayload{Account: cirrusAccount(a)}, nil
	case model.SourceCone:
		ci, err := coneAccountInput(in.Account)
		if err != nil {
			return nil, err
		}
		a, err := r.Cone.UpdateAccount(ctx, p.SourceID, ci)
		if err != nil {
			return nil, fromBackendWrite("cone", err, &wireNames{at: recordAt("account"), fields: coneAccountWire})
		}
		return &model.UpdateAccountPayload{Account: coneAccount(a)}, nil
	}
	return nil, unsupportedSource(atID, "accounts", p.Source)
}

func cirrusContactWrite(c *model.ContactInput) (*input, cirrus.ContactWrite) {
	in := &input{source: "Cirrus", at: recordAt("contact")}
	w := cirrus.ContactWrite{Name: text(c.FirstName), Surname: text(c.LastName), Title: text(c.Title), Email: text(c.Email),
		Officephone: text(c.Phone), Cellphone: text(c.Mobile), ExternalKey: text(c.ExternalKey), Active: in.flag(c.Active, "active")}
	return in, w
}

func (r *Resolver) createContact(ctx context.Context, in model.CreateContactInput) (*model.CreateContactPayload, error) {
	if in.Source != model.SourceCirrus {
		return nil, refuse(atSource, userUnsupported,
			"contacts can be created in CIRRUS only (ConeCRM has no contact create endpoint; use client-data for CLIENT_DATA)")
	}
	read, w := cirrusContactWrite(in.Contact)
	w.AccountID = read.cirrusID(in.Contact.AccountID, "accountId", "Account")
	read.require(in.Contact.FirstName, "firstName", "a Cirrus contact")
	read.require(in.Contact.LastName, "lastName", "a Cirrus contact")
	read.require(in.Contact.AccountID, "accountId", "a Cirrus contact")
	if err := read.err(); err != nil {
		return nil, err
	}
	c, err := r.Cirrus.CreateContact(ctx, w)
	if err == nil && c == nil {
		err = errNoRecord
	}
	if err != nil {
		return nil, fromBackendWrite("cirrus", err, &wireNames{at: recordAt("contact"), fields: cirrusContactWire})
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
		return nil, refuse(atID, userUnsupported, "client-data contacts change through updateContactDetails (it may need approval)")
	case p.Source != model.SourceCirrus:
		return nil, refuse(atID, userUnsupported, "ConeCRM has no contact update endpoint")
	}
	id, err := cirrusSourceID(p)
	if err != nil {
		return nil, onField(err, atID)
	}
	read, w := cirrusContactWrite(in.Contact)
	if in.Contact.AccountID.IsSet() {
		read.fail("accountId", userUnsupported, "a Cirrus contact cannot move to another account")
	}
	if err := read.err(); err != nil {
		return nil, err
	}
	c, err := r.Cirrus.UpdateContact(ctx, id, w)
	if err == nil && c == nil {
		c, err = r.Cirrus.Contact(ctx, id, "")
	}
	if err != nil {
		return nil, fromBackendWrite("cirrus", err, &wireNames{at: recordAt("contact"), fields: cirrusContactWire})
	}
	return &model.UpdateContactPayload{Contact: cirrusContact(c)}, nil
}

func cirrusLeadWrite(l *model.LeadInput) (cirrus.LeadWrite, error) {
	in := &input{source: "Cirrus", at: recordAt("lead")}
	w := cirrus.LeadWrite{Title: text(l.Title), Description: text(l.Description), Value: in.decimal(l.Value, "value"),
		Rating: in.number(l.Rating, "rating"), User: ref(in.cirrusID(l.OwnerID, "ownerId", "User")),
		Status: ref(in.cirrusID(l.StatusID, "statusId", typename[model.LeadStatus]()))}
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
	return w, in.err()
}

var leadWire = &wireNames{at: recordAt("lead"), fields: cirrusLeadWire}

func (r *Resolver) createLead(ctx context.Context, in model.CreateLeadInput) (*model.CreateLeadPayload, error) {
	if in.Source != model.SourceCirrus {
		return nil, refuse(atSource, userUnsupported,
			"leads can be created in CIRRUS only: a ConeCRM lead needs department, source and franchise ids that no ConeCRM endpoint lists")
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
		return nil, fromBackendWrite("cirrus", err, leadWire)
	}
	return &model.CreateLeadPayload{Lead: cirrusLead(l)}, nil
}

func (r *Resolver) updateLead(ctx context.Context, in model.UpdateLeadInput) (*model.UpdateLeadPayload, error) {
	p, err := recordOf(in.ID, "Lead")
	if err != nil {
		return nil, err
	}
	if p.Source != model.SourceCirrus {
		return nil, refuse(atID, userUnsupported, "ConeCRM has no lead update endpoint")
	}
	id, err := cirrusSourceID(p)
	if err != nil {
		return nil, onField(err, atID)
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
		return nil, fromBackendWrite("cirrus", err, leadWire)
	}
	return &model.UpdateLeadPayload{Lead: cirrusLead(l)}, nil
}

// opportunityWrite reads an OpportunityInput, so a malformed id is refused before any
// backend call (an update reads the current record first).
func opportunityWrite(o *model.OpportunityInput) (cirrus.OpportunityWrite, error) {
	in := &input{source: "Cirrus", at: recordAt("opportunity")}
	w := cirrus.OpportunityWrite{Title: text(o.Title), Description: text(o.Description), Value: in.decimal(o.Value, "value"),
		AccountID: in.cirrusID(o.AccountID, "accountId", "Account"), ContactID: in.cirrusID(o.ContactID, "contactId", "Contact"),
		UserID: in.cirrusID(o.OwnerID, "ownerId", "User"), StatusID: in.cirrusID(o.StatusID, "statusId", typename[model.OpportunityStatus]()),
		TypeID: in.cirrusID(o.TypeID, "typeId", typename[model.OpportunityType]()), EstimatedEndDate: in.date(o.EstimatedCloseDate, "estimatedCloseDate"),
		Closed: in.flag(o.Closed, "closed")}
	return w, in.err()
}

var opportunityWire = &wireNames{at: recordAt("opportunity"), fields: cirrusOpportunityWire}

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
	in := &input{at: recordAt("opportunity")}
	for _, f := range []struct {
		missing bool
		name    string
	}{{w.AccountID.Or(0) == 0, "accountId"}, {w.ContactID.Or(0) == 0, "contactId"}, {!isSet(w.Title), "title"},
		{!isSet(w.Description), "description"}, {w.UserID.Or(0) == 0, "ownerId"}, {w.StatusID.Or(0) == 0, "statusId"},
		{w.TypeID.Or(0) == 0, "typeId"}, {w.EstimatedEndDate.Or("") == "", "estimatedCloseDate"}} {
		if f.missing {
			in.fail(f.name, userRequired, "a Cirrus opportunity needs "+f.name)
		}
	}
	return w, in.err()
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
		return nil, fromBackendWrite("cirrus", err, opportunityWire)
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
		return nil, fromBackendWrite("cirrus", err, opportunityWire)
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

func orderWrite(o *model.OrderInput) (*input, cirrus.OrderWrite) {
	in := &input{source: "Cirrus", at: recordAt("order")}
	w := cirrus.OrderWrite{CurrencyCode: text(o.Currency), Marking: text(o.Marking),
		PlaceDate: orderDate(in.date(o.PlacedAt, "placedAt")), Account: ref(in.cirrusID(o.AccountID, "accountId", "Account")),
		Contact: ref(in.cirrusID(o.ContactID, "contactId", "Contact")), User: ref(in.cirrusID(o.OwnerID, "ownerId", "User")),
		Status: ref(in.cirrusID(o.StatusID, "statusId", typename[model.OrderStatus]()))}
	rows, ok := o.Rows.ValueOK()
	if !ok {
		return in, w
	}
	out := make([]cirrus.OrderRowWrite, 0, len(rows)) // null: no rows left
	for i, row := range rows {
		article, err := bareCirrusID(row.ArticleID, "Cirrus article")
		if err != nil {
			in.failed("rows."+itoa(i)+".articleId", err)
			continue
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
	return in, w
}

var orderWire = &wireNames{at: recordAt("order"), fields: cirrusOrderWire}

func (r *Resolver) createOrder(ctx context.Context, in model.CreateOrderInput) (*model.CreateOrderPayload, error) {
	read, w := orderWrite(in.Order)
	o := in.Order
	for _, f := range []struct {
		o    interface{ IsSet() bool }
		name string
	}{{o.PlacedAt, "placedAt"}, {o.AccountID, "accountId"}, {o.ContactID, "contactId"}, {o.OwnerID, "ownerId"}, {o.StatusID, "statusId"}} {
		read.require(f.o, f.name, "a Cirrus order")
	}
	if err := read.err(); err != nil {
		return nil, err
	}
	created, err := r.Cirrus.CreateOrder(ctx, w)
	if err == nil && created == nil {
		err = errNoRecord
	}
	if err != nil {
		return nil, fromBackendWrite("cirrus", err, orderWire)
	}
	return &model.CreateOrderPayload{Order: cirrusOrder(created)}, nil
}

func (r *Resolver) updateOrder(ctx context.Context, in model.UpdateOrderInput) (*model.UpdateOrderPayload, error) {
	id, err := cirrusRecord(in.ID, "Order")
	if err != nil {
		return nil, err
	}
	read, w := orderWrite(in.Order)
	if err := read.err(); err != nil {
		return nil, err
	}
	o, err := r.Cirrus.UpdateOrder(ctx, id, w)
	if err == nil && o == nil {
		o, err = r.Cirrus.Order(ctx, id, "")
	}
	if err != nil {
		return nil, fromBackendWrite("cirrus", err, orderWire)
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

// stageWire: ConeCRM's stage refusals list messages without fields; a StageInput has
// only its name.
var stageWire = &wireNames{at: recordAt("stage"), fields: coneStageWire, whole: recordAt("stage").with("name")}

// coneStageID reads a stage's id: its global id, or the bare ConeCRM uuid (sourceId).
func coneStageID(id string) (string, error) {
	if model.ValidConeID(id) {
		return id, nil
	}
	p, err := model.ParseGlobalID(id)
	if err != nil {
		return "", malformedID("Stage", id)
	}
	if p.Type != typename[model.Stage]() || p.Source != model.SourceCone {
		return "", badInput("id is a " + string(p.Source) + " " + p.Type + ", not a CONE Stage")
	}
	return p.SourceID, nil
}

func (r *Resolver) createStage(ctx context.Context, in model.CreateStageInput) (*model.CreateStagePayload, error) {
	s, err := r.Cone.CreateStage(ctx, cone.Stage{Name: in.Stage.Name})
	if err != nil {
		if rest.OutcomeUnknown(err) { // it may have been applied: the cached list may be stale
			r.invalidateStages(ctx)
		}
		return nil, fromBackendWrite("cone", err, stageWire)
	}
	r.invalidateStages(ctx)
	return &model.CreateStagePayload{Stage: coneStage(s, 0)}, nil
}

func (r *Resolver) updateStage(ctx context.Context, in model.UpdateStageInput) (*model.UpdateStagePayload, error) {
	id, err := coneStageID(in.ID)
	if err != nil {
		return nil, onField(err, atID)
	}
	s, err := r.Cone.UpdateStage(ctx, id, cone.Stage{Name: in.Stage.Name})
	if err != nil {
		if rest.OutcomeUnknown(err) { // it may have been applied: the cached list may be stale
			r.invalidateStages(ctx)
		}
		return nil, fromBackendWrite("cone", err, stageWire)
	}
	r.invalidateStages(ctx)
	return &model.UpdateStagePayload{Stage: coneStage(s, 0)}, nil
}

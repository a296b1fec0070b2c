package cirrus

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Writes keep every field the seed's write models let a client set (accounts L4/L543,
// contacts L2259/L2447, leads L3923/L4098, opportunities L4255/L4662, orders
// L4893/L5353). A key left out of the body keeps the stored value; a key that is
// present is applied, zero values included. The models type their fields as plain
// strings, integers and numbers; only the account address leaves and a row's
// externalkey are nullable ("nullable string" in the samples), so null is refused
// elsewhere with jsonschema's wording, as flask-restx's validate=True answers it.

// body reads a POST/PUT payload, collecting validation errors in the wording of
// flask-restx's jsonschema validation (api.expect(model, validate=True)).
type body struct {
	m    map[string]json.RawMessage
	errs map[string]string
}

func subBody(m map[string]json.RawMessage) *body { return &body{m: m, errs: map[string]string{}} }

// given reports whether k is in the body, null included.
func (b *body) given(k string) bool { _, ok := b.m[k]; return ok }

func (b *body) null(k string) bool { return bytes.Equal(bytes.TrimSpace(b.m[k]), []byte("null")) }

func (b *body) required(keys ...string) {
	for _, k := range keys {
		if !b.given(k) {
			b.errs[k] = "'" + k + "' is a required property"
		}
	}
}

// typeErr words a type mismatch as jsonschema does, the value in Python's repr.
func (b *body) typeErr(k, want string) { b.errs[k] = pyRepr(b.m[k]) + " is not of type '" + want + "'" }

func pyRepr(raw json.RawMessage) string {
	switch s := string(bytes.TrimSpace(raw)); s {
	case "null":
		return "None"
	case "true":
		return "True"
	case "false":
		return "False"
	default:
		var str string
		if json.Unmarshal(raw, &str) == nil {
			return "'" + str + "'"
		}
		return s
	}
}

// str reads a (not nullable) string.
func (b *body) str(k string, dst *string) {
	if !b.given(k) {
		return
	}
	if err := json.Unmarshal(b.m[k], dst); err != nil || b.null(k) {
		b.typeErr(k, "string")
	}
}

// strs reads several strings.
func (b *body) strs(fields map[string]*string) {
	for k, dst := range fields {
		b.str(k, dst)
	}
}

// nullableStr reads a "nullable string": null clears it.
func (b *body) nullableStr(k string, dst *string) {
	if b.given(k) && b.null(k) {
		*dst = ""
		return
	}
	b.str(k, dst)
}

// nonEmpty reads a string that "can not be empty".
func (b *body) nonEmpty(k string, dst *string) {
	b.str(k, dst)
	if _, bad := b.errs[k]; !bad && b.given(k) && *dst == "" {
		b.errs[k] = "'' is too short"
	}
}

func (b *body) int(k string, dst *int) {
	if !b.given(k) {
		return
	}
	raw := strings.TrimSpace(string(b.m[k]))
	v, err := strconv.Atoi(raw)
	if err != nil {
		b.typeErr(k, "integer")
		return
	}
	*dst = v
}

func (b *body) boolean(k string, dst *bool) {
	if !b.given(k) {
		return
	}
	switch strings.TrimSpace(string(b.m[k])) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		b.typeErr(k, "boolean")
	}
}

// number reads a JSON number exactly (big.Rat, no float).
func (b *body) number(k string, dst **big.Rat) {
	if !b.given(k) {
		return
	}
	raw := strings.TrimSpace(string(b.m[k]))
	r, ok := new(big.Rat).SetString(raw)
	if !ok || strings.HasPrefix(raw, `"`) {
		b.typeErr(k, "number")
		return
	}
	*dst = r
}

// numberText reads a number the write model declares as a string (opportunity
// altvalue, read back as a number); "" clears it.
func (b *body) numberText(k string, dst **big.Rat) {
	var s string
	if b.str(k, &s); !b.given(k) || b.errs[k] != "" {
		return
	}
	if s = strings.TrimSpace(s); s == "" {
		*dst = nil
		return
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		b.errs[k] = "could not convert string to float: '" + s + "'"
		return
	}
	*dst = r
}

// looseInt reads an id the write model declares as a string (opportunity sourceid).
func (b *body) looseInt(k string, dst *int) {
	var s string
	if b.str(k, &s); !b.given(k) || b.errs[k] != "" {
		return
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil && s != "" {
		b.errs[k] = "invalid literal for int() with base 10: '" + s + "'"
		return
	}
	*dst = v
}

// object reads a nested model.
func (b *body) object(k string) *body {
	if !b.given(k) {
		return nil
	}
	var o map[string]json.RawMessage
	if err := json.Unmarshal(b.m[k], &o); err != nil || o == nil {
		b.typeErr(k, "object")
		return nil
	}
	return subBody(o)
}

// array reads a list of nested models.
func (b *body) array(k string) ([]*body, bool) {
	if !b.given(k) {
		return nil, false
	}
	var xs []map[string]json.RawMessage
	if err := json.Unmarshal(b.m[k], &xs); err != nil || xs == nil {
		b.typeErr(k, "array")
		return nil, false
	}
	out := make([]*body, len(xs))
	for i, x := range xs {
		out[i] = subBody(x)
	}
	return out, true
}

// merge files a nested body's errors under prefix, as flask-restx does ("rows.0.price").
func (b *body) merge(prefix string, sub *body) {
	for k, msg := range sub.errs {
		b.errs[prefix+"."+k] = msg
	}
}

// ref reads an IdObject {"id": n}.
func (b *body) ref(k string, dst *int) {
	sub := b.object(k)
	if sub == nil {
		return
	}
	sub.required("id")
	sub.int("id", dst)
	b.merge(k, sub)
}

// refs reads a list of IdObjects; each id must satisfy exists.
func (b *body) refs(k, kind string, dst *[]int, exists func(int) bool) {
	xs, ok := b.array(k)
	if !ok {
		return
	}
	ids := make([]int, 0, len(xs))
	for i, x := range xs {
		var id int
		x.required("id")
		x.int("id", &id)
		if _, bad := x.errs["id"]; !bad && !exists(id) {
			x.errs["id"] = notFound(kind, id)
		}
		b.merge(k+"."+strconv.Itoa(i), x)
		ids = append(ids, id)
	}
	*dst = ids
}

// date reads an order date ("only the date part will be used").
func (b *body) date(k string, dst *time.Time) {
	var s string
	if b.str(k, &s); !b.given(k) || b.errs[k] != "" {
		return
	}
	if len(s) >= 10 {
		if t, err := time.Parse(time.DateOnly, s[:10]); err == nil {
			*dst = t
			return
		}
	}
	b.errs[k] = "'" + s + "' is not a 'date-time'"
}

// isoDate reads a string <date> ("2020-01-25"); "" clears it.
func (b *body) isoDate(k string, dst *string) {
	var s string
	if b.str(k, &s); !b.given(k) || b.errs[k] != "" {
		return
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil && s != "" {
		b.errs[k] = "'" + s + "' is not a 'date'"
		return
	}
	*dst = s
}

func (b *body) check(cond bool, k, msg string) {
	if !cond {
		if _, already := b.errs[k]; !already {
			b.errs[k] = msg
		}
	}
}

// mutate runs fn under the write lock and answers with the rendered record.
func (s *Server) mutate(w http.ResponseWriter, r *http.Request, status int, fn func(b *body) (obj, int, string)) {
	b, ok := s.decodeBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	v, code, msg := fn(b)
	if v != nil {
		s.sorted.Clear()
		s.reindex()
	}
	s.mu.Unlock()
	switch {
	case code == http.StatusNotFound:
		s.message(w, code, msg)
	case len(b.errs) > 0:
		s.validation(w, b.errs)
	case s.alt && status == http.StatusCreated:
		w.WriteHeader(status) // the seed documents no create body
	case s.alt:
		w.WriteHeader(http.StatusNoContent) // nor an update body
	default:
		s.reply(w, r, status, v)
	}
}

func (s *Server) itemMutation(w http.ResponseWriter, r *http.Request, kind string, exists func(id int) bool, fn func(id int, b *body) obj) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.mutate(w, r, http.StatusOK, func(b *body) (obj, int, string) {
		if !exists(id) {
			return nil, http.StatusNotFound, notFound(kind, id)
		}
		return fn(id, b), 0, ""
	})
}

func (s *Server) tagExists(id int) bool   { return id >= 1 && id <= len(s.refs.tags) }
func (s *Server) groupExists(id int) bool { return id >= 1 && id <= len(s.refs.accountGroups) }

func (s *Server) accountFields(a *account, b *body) {
	b.nonEmpty("name", &a.name) // "This field can not be empty." (L10)
	b.strs(map[string]*string{"alt_name": &a.altName, "number": &a.number, "phone": &a.phone, "cellphone": &a.cellphone,
		"fax": &a.fax, "email": &a.email, "url": &a.url, "vatno": &a.vatno, "info": &a.info, "externalkey": &a.extKey,
		"socialmedia_fb": &a.socialFB, "socialmedia_tw": &a.socialTW, "socialmedia_li": &a.socialLI})
	for k, dst := range map[string]*int{"active": &a.active, "typeid": &a.typeID, "userid": &a.userID,
		"alternateuserid": &a.altUserID, "parentaccountid": &a.parentID, "uservisitintervalweeks": &a.visitWeeks,
		"alternateuservisitintervalweeks": &a.altVisitWeeks} {
		b.int(k, dst)
	}
	b.check(a.typeID >= 1 && a.typeID <= len(s.refs.typeNames), "typeid", "AccountType "+strconv.Itoa(a.typeID)+" doesn't exist")
	b.check(s.user(a.userID) != nil, "userid", "User "+strconv.Itoa(a.userID)+" doesn't exist")
	b.check(a.altUserID == 0 || s.user(a.altUserID) != nil, "alternateuserid", "User "+strconv.Itoa(a.altUserID)+" doesn't exist")
	b.check(a.parentID == 0 || (a.parentID != a.id && s.account(a.parentID) != nil), "parentaccountid", "Account "+strconv.Itoa(a.parentID)+" doesn't exist")
	if addrs := b.object("addresses"); addrs != nil {
		for i, kind := range addressKinds {
			if ad := addrs.object(kind); ad != nil {
				ad.addressFields(&a.addresses[i])
				addrs.merge(kind, ad)
			}
		}
		b.merge("addresses", addrs)
	}
	// AccountGroup {id, name!} (L380): the group is the one with that id; the sandbox
	// keeps its catalogue name (the seed does not say a write renames a group).
	if groups, ok := b.array("accountgroups"); ok {
		ids := make([]int, 0, len(groups))
		for i, g := range groups {
			var id int
			var name string
			g.required("id", "name")
			g.int("id", &id)
			g.str("name", &name)
			if _, bad := g.errs["id"]; !bad && !s.groupExists(id) {
				g.errs["id"] = notFound("AccountGroup", id)
			}
			b.merge("accountgroups."+strconv.Itoa(i), g)
			ids = append(ids, id)
		}
		a.groupIDs = ids
	}
	b.refs("tags", "Tag", &a.tagIDs, s.tagExists)
}

// addressFields reads one address of the Addresses model: every leaf, the coordinates
// included, is a nullable string (L4 sample).
func (b *body) addressFields(a *address) {
	for k, dst := range map[string]*string{"careof": &a.careof, "name": &a.name, "street": &a.street, "zip": &a.zip,
		"city": &a.city, "country": &a.country, "email": &a.email, "number": &a.number, "letter": &a.letter} {
		b.nullableStr(k, dst)
	}
	if b.given("coordinates") && b.null("coordinates") {
		a.latitude, a.longitude, a.distance = "", "", ""
		return
	}
	if c := b.object("coordinates"); c != nil {
		c.nullableStr("latitude", &a.latitude)
		c.nullableStr("longitude", &a.longitude)
		c.nullableStr("distance", &a.distance)
		b.merge("coordinates", c)
	}
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, http.StatusCreated, func(b *body) (obj, int, string) {
		b.required("name", "typeid", "userid")
		a := &account{id: len(s.accounts) + 1, active: 1, number: strconv.Itoa(10000 + len(s.accounts) + 1)}
		s.accountFields(a, b)
		if len(b.errs) > 0 {
			return nil, 0, ""
		}
		s.accounts = append(s.accounts, a)
		return s.renderAccount(a), 0, ""
	})
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	s.itemMutation(w, r, "Account", func(id int) bool { return s.account(id) != nil }, func(id int, b *body) obj {
		a := *s.accounts[id-1]
		s.accountFields(&a, b)
		if len(b.errs) > 0 {
			return nil
		}
		*s.accounts[id-1] = a
		return s.renderAccount(s.accounts[id-1])
	})
}

func (s *Server) contactFields(c *contact, b *body) {
	b.nonEmpty("name", &c.name)       // "This field must not be empty." (L2265)
	b.nonEmpty("surname", &c.surname) // (L2266)
	b.strs(map[string]*string{"function": &c.function, "department": &c.department, "email": &c.email,
		"officephone": &c.officephone, "cellphone": &c.cellphone, "title": &c.title, "street": &c.street, "city": &c.city,
		"zip": &c.zip, "idnumber": &c.idnumber, "externalkey": &c.extKey, "socialmedia_fb": &c.socialFB,
		"socialmedia_tw": &c.socialTW, "socialmedia_li": &c.socialLI})
	b.int("primarycontact", &c.primary)
	b.int("active", &c.active)
	b.int("superiorid", &c.superiorID)
	b.check(c.superiorID == 0 || (c.superiorID != c.id && s.contact(c.superiorID) != nil), "superiorid", "Contact "+strconv.Itoa(c.superiorID)+" doesn't exist")
	b.refs("tags", "Tag", &c.tagIDs, s.tagExists)
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, http.StatusCreated, func(b *body) (obj, int, string) {
		b.required("name", "surname", "accountid")
		c := &contact{id: len(s.contacts) + 1, active: 1}
		b.int("accountid", &c.accountID)
		b.check(s.account(c.accountID) != nil, "accountid", "Account "+strconv.Itoa(c.accountID)+" doesn't exist")
		s.contactFields(c, b)
		if len(b.errs) > 0 {
			return nil, 0, ""
		}
		s.contacts = append(s.contacts, c)
		a := s.accounts[c.accountID-1]
		a.contactIDs = append(a.contactIDs, c.id)
		return s.renderContact(c), 0, ""
	})
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) {
	s.itemMutation(w, r, "Contact", func(id int) bool { return s.contact(id) != nil }, func(id int, b *body) obj {
		c := *s.contacts[id-1] // accountid is not part of the update model (L2447): ignored
		s.contactFields(&c, b)
		if len(b.errs) > 0 {
			return nil
		}
		*s.contacts[id-1] = c
		return s.renderContact(s.contacts[id-1])
	})
}

var oppRequired = []string{"accountid", "contactid", "title", "description", "userid", "statusid", "estimatedenddate", "typeid"}

func (s *Server) opportunityFields(o *opportunity, b *body) {
	b.required(oppRequired...) // required on POST and on PUT alike (L4255, L4662)
	for k, dst := range map[string]*int{"accountid": &o.accountID, "altaccountid": &o.altAccountID, "contactid": &o.contactID,
		"userid": &o.userID, "statusid": &o.statusID, "typeid": &o.typeID, "lostreasonid": &o.lostReasonID,
		"winreasonid": &o.winReasonID, "closed": &o.closed, "stateid": &o.stateID, "estimateid": &o.estimateID} {
		b.int(k, dst)
	}
	b.strs(map[string]*string{"title": &o.title, "description": &o.description, "result": &o.result, "phone": &o.phone,
		"altvaluelabel": &o.altValueLabel, "estimatedenddate": &o.estimatedEnd})
	b.isoDate("enddate", &o.endDate)
	b.looseInt("sourceid", &o.sourceID)
	b.number("value", &o.value)
	b.numberText("altvalue", &o.altValue)
	b.refs("tags", "Tag", &o.tagIDs, s.tagExists)
	b.check(s.account(o.accountID) != nil, "accountid", "Account "+strconv.Itoa(o.accountID)+" doesn't exist")
	b.check(o.altAccountID == 0 || s.account(o.altAccountID) != nil, "altaccountid", "Account "+strconv.Itoa(o.altAccountID)+" doesn't exist")
	b.check(s.contact(o.contactID) != nil, "contactid", "Contact "+strconv.Itoa(o.contactID)+" doesn't exist")
	b.check(s.user(o.userID) != nil, "userid", "User "+strconv.Itoa(o.userID)+" doesn't exist")
	for _, c := range []struct {
		k, kind string
		id, n   int
		zeroOK  bool
	}{{"statusid", "OpportunityStatus", o.statusID, len(s.refs.oppStatuses), false}, {"typeid", "OpportunityType", o.typeID, len(s.refs.oppTypes), false},
		{"sourceid", "Source", o.sourceID, len(s.refs.sources), true}, {"lostreasonid", "LostReason", o.lostReasonID, len(s.refs.lostReasons), true},
		{"winreasonid", "WinReason", o.winReasonID, len(s.refs.winReasons), true}, {"stateid", "State", o.stateID, len(s.refs.oppStates), true},
		{"estimateid", "OpportunityEstimate", o.estimateID, len(s.refs.estimates), true}} {
		b.check((c.zeroOK && c.id == 0) || (c.id >= 1 && c.id <= c.n), c.k, notFound(c.kind, c.id))
	}
}

func (s *Server) createOpportunity(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, http.StatusCreated, func(b *body) (obj, int, string) {
		o := &opportunity{id: len(s.opps) + 1}
		s.opportunityFields(o, b)
		if len(b.errs) > 0 {
			return nil, 0, ""
		}
		o.changeUserID, o.changeDate = o.userID, s.now()
		o.regUserID, o.regDate = o.userID, o.changeDate
		s.opps = append(s.opps, o)
		return s.renderOpportunity(o), 0, ""
	})
}

func (s *Server) updateOpportunity(w http.ResponseWriter, r *http.Request) {
	s.itemMutation(w, r, "Opportunity", func(id int) bool { return s.opportunity(id) != nil }, func(id int, b *body) obj {
		o := *s.opps[id-1]
		s.opportunityFields(&o, b)
		if len(b.errs) > 0 {
			return nil
		}
		o.changeUserID, o.changeDate = o.userID, s.now()
		*s.opps[id-1] = o
		return s.renderOpportunity(s.opps[id-1])
	})
}

func (s *Server) orderFields(o *order, b *body) {
	b.date("placedate", &o.placed)
	b.date("deliverydate", &o.delivery)
	for k, dst := range map[string]*int{"account": &o.accountID, "user": &o.userID, "contact": &o.contactID,
		"status": &o.statusID, "deliveryterm": &o.deliveryTermID, "paymentterm": &o.paymentTermID,
		"deliverytype": &o.deliveryTypeID, "user2": &o.user2ID, "opportunity": &o.opportunityID, "type": &o.typeID} {
		b.ref(k, dst)
	}
	b.strs(map[string]*string{"currencycode": &o.currency, "alternateid": &o.alternateID,
		"externalcomment": &o.externalComment, "internalcomment": &o.internalComment, "marking": &o.marking,
		"referencecode": &o.referenceCode, "extracode": &o.extraCode, "externalkey": &o.extKey,
		"invoicenumber": &o.invoiceNumber, "invoicedate": &o.invoiceDate, "invoiceemail": &o.invoiceEmail,
		"deliveryname": &o.deliveryAddr.name, "deliverystreet": &o.deliveryAddr.street, "deliveryzip": &o.deliveryAddr.zip,
		"deliverycity": &o.deliveryAddr.city, "deliverycountry": &o.deliveryAddr.country,
		"invoicename": &o.invoiceAddr.name, "invoicestreet": &o.invoiceAddr.street, "invoicezip": &o.invoiceAddr.zip,
		"invoicecity": &o.invoiceAddr.city, "invoicecountry": &o.invoiceAddr.country})
	for k, dst := range map[string]**big.Rat{"price": &o.price, "currencyrate": &o.currencyRate,
		"statisticsprice": &o.statisticsPrice, "alternativevalue": &o.alternativeValue, "buyprice": &o.buyPrice} {
		b.number(k, dst)
	}
	b.boolean("discounted", &o.discounted)
	b.int("delivered", &o.delivered)
	b.refs("tags", "Tag", &o.tagIDs, s.tagExists)
	b.check(s.account(o.accountID) != nil, "account", "Account "+strconv.Itoa(o.accountID)+" doesn't exist")
	b.check(s.user(o.userID) != nil, "user", "User "+strconv.Itoa(o.userID)+" doesn't exist")
	b.check(o.user2ID == 0 || s.user(o.user2ID) != nil, "user2", "User "+strconv.Itoa(o.user2ID)+" doesn't exist")
	b.check(s.contact(o.contactID) != nil, "contact", "Contact "+strconv.Itoa(o.contactID)+" doesn't exist")
	b.check(o.opportunityID == 0 || s.opportunity(o.opportunityID) != nil, "opportunity", "Opportunity "+strconv.Itoa(o.opportunityID)+" doesn't exist")
	b.check(o.statusID >= 1 && o.statusID <= len(s.refs.orderStatuses), "status", "OrderStatus "+strconv.Itoa(o.statusID)+" doesn't exist")
	for _, c := range []struct {
		k  string
		id int
		n  int
	}{{"deliveryterm", o.deliveryTermID, len(s.refs.deliveryTerms)}, {"paymentterm", o.paymentTermID, len(s.refs.paymentTerms)},
		{"deliverytype", o.deliveryTypeID, len(s.refs.deliveryTypes)}, {"type", o.typeID, len(s.refs.orderTypes)}} {
		b.check(c.id >= 0 && c.id <= c.n, c.k, c.k+" "+strconv.Itoa(c.id)+" doesn't exist")
	}
	rows, ok := b.array("rows")
	if !ok {
		return
	}
	// Rows, when sent, are the order's rows: an existing row is named by its id, a row
	// without an id is new, a row left out is deleted (the seed does not say; see
	// the package's list of readings).
	old := map[int]orderRow{}
	for _, r := range o.rows {
		old[r.id] = r
	}
	o.rows = make([]orderRow, 0, len(rows))
	for i, rb := range rows {
		row := orderRow{sortOrder: i + 1, quantity: whole(1), price: new(big.Rat), discountPercent: new(big.Rat)}
		if rb.given("id") {
			rb.int("id", &row.id)
			prev, known := old[row.id]
			rb.check(known, "id", "OrderRow "+strconv.Itoa(row.id)+" doesn't exist")
			if known {
				row = prev
			}
		}
		s.rowFields(&row, rb)
		b.merge("rows."+strconv.Itoa(i), rb)
		o.rows = append(o.rows, row)
	}
}

// rowFields reads one OrderRow (L4893 sample). A row without an article is a text row;
// an article row takes the article's price, name and unit unless they are written.
// The totals and the pricelist/pricegroup are computed, not written.
func (s *Server) rowFields(row *orderRow, b *body) {
	if b.given("article") && b.null("article") {
		row.articleID = 0
	} else if b.given("article") {
		prev := row.articleID
		b.ref("article", &row.articleID)
		if b.errs["article.id"] == "" && row.articleID != prev {
			if row.articleID < 1 || row.articleID > len(s.refs.articles) {
				b.errs["article"] = "Article " + strconv.Itoa(row.articleID) + " doesn't exist"
				return
			}
			art := s.refs.articles[row.articleID-1]
			row.price, row.specification, row.unitID = cents(art.price), art.name, art.unitID
		}
	}
	b.number("quantityordered", &row.quantity)
	b.number("quantitydelivered", &row.quantityDelivered)
	b.number("price", &row.price)
	b.number("buyprice", &row.buyPrice)
	b.number("discountpercent", &row.discountPercent)
	b.number("discountamount", &row.discountAmount)
	b.str("specification", &row.specification)
	b.int("sortorder", &row.sortOrder)
	b.int("noprint", &row.noPrint)
	if b.given("externalkey") {
		var k string
		b.nullableStr("externalkey", &k)
		row.extKey = nil
		if !b.null("externalkey") {
			row.extKey = &k
		}
	}
	if b.given("articleunit") {
		b.ref("articleunit", &row.unitID)
		b.check(row.unitID >= 1 && row.unitID <= len(s.refs.units), "articleunit", notFound("ArticleUnit", row.unitID))
	}
	b.refs("tags", "Tag", &row.tagIDs, s.tagExists)
}

func (s *Server) nextRowID() int {
	n := 0
	for _, o := range s.orders {
		for _, r := range o.rows {
			n = max(n, r.id)
		}
	}
	return n + 1
}

func (s *Server) numberRows(o *order) {
	next := s.nextRowID()
	for i := range o.rows {
		if o.rows[i].id == 0 {
			o.rows[i].id = next
			next++
		}
	}
}

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, http.StatusCreated, func(b *body) (obj, int, string) {
		b.required("placedate", "account", "user", "contact", "status")
		o := &order{id: len(s.orders) + 1, currency: "SEK"}
		s.orderFields(o, b)
		if len(b.errs) > 0 {
			return nil, 0, ""
		}
		if o.delivery.IsZero() {
			o.delivery = o.placed
		}
		s.numberRows(o)
		o.created = s.now()
		o.updated = o.created
		s.orders = append(s.orders, o)
		return s.renderOrder(o), 0, ""
	})
}

func (s *Server) updateOrder(w http.ResponseWriter, r *http.Request) {
	s.itemMutation(w, r, "Order", func(id int) bool { return id >= 1 && id <= len(s.orders) }, func(id int, b *body) obj {
		o := *s.orders[id-1]
		o.rows = append([]orderRow(nil), o.rows...)
		s.orderFields(&o, b)
		if len(b.errs) > 0 {
			return nil
		}
		s.numberRows(&o)
		o.updated = s.now()
		*s.orders[id-1] = o
		return s.renderOrder(s.orders[id-1])
	})
}

func (s *Server) leadFields(l *lead, b *body) {
	b.strs(map[string]*string{"contacttitle": &l.cTitle, "contactname": &l.cName, "contactsurname": &l.cSurname,
		"contactcompany": &l.cCompany, "contactstreet": &l.cStreet, "contactcity": &l.cCity, "contactzip": &l.cZip,
		"contactphone": &l.cPhone, "contactcellphone": &l.cCell, "contactemail": &l.cEmail, "contactvatno": &l.cVat,
		"title": &l.title, "description": &l.description})
	b.number("value", &l.value)
	b.int("rating", &l.rating)
	b.ref("user", &l.userID)
	b.ref("source", &l.sourceID)
	b.ref("status", &l.statusID)
	b.refs("tags", "Tag", &l.tagIDs, s.tagExists)
	b.check(l.userID == 0 || s.user(l.userID) != nil, "user", "User "+strconv.Itoa(l.userID)+" doesn't exist")
	b.check(l.sourceID >= 0 && l.sourceID <= len(s.refs.sources), "source", "Source "+strconv.Itoa(l.sourceID)+" doesn't exist")
	b.check(l.statusID >= 0 && l.statusID <= len(s.refs.leadStatuses), "status", "LeadStatus "+strconv.Itoa(l.statusID)+" doesn't exist")
}

func (s *Server) createLead(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, http.StatusCreated, func(b *body) (obj, int, string) {
		l := &lead{id: len(s.leads) + 1, statusID: 1}
		s.leadFields(l, b)
		if len(b.errs) > 0 {
			return nil, 0, ""
		}
		l.created = s.now() // created/updated in the body are ignored on PUT/POST (L3941)
		l.updated = l.created
		s.leads = append(s.leads, l)
		return s.renderLead(l), 0, ""
	})
}

func (s *Server) updateLead(w http.ResponseWriter, r *http.Request) {
	s.itemMutation(w, r, "Lead", func(id int) bool { return id >= 1 && id <= len(s.leads) }, func(id int, b *body) obj {
		l := *s.leads[id-1]
		s.leadFields(&l, b)
		if len(b.errs) > 0 {
			return nil
		}
		l.updated = s.now()
		*s.leads[id-1] = l
		return s.renderLead(s.leads[id-1])
	})
}

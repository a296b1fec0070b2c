package cirrus

import (
	"encoding/json"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"crmgraph/backends/sandbox/dataset"
)

// body reads a POST/PUT payload, collecting validation errors in the wording of
// flask-restx's jsonschema validation (api.expect(model, validate=True)).
type body struct {
	m    map[string]json.RawMessage
	errs map[string]string
}

func (b *body) has(k string) bool {
	v, ok := b.m[k]
	return ok && string(v) != "null"
}

func (b *body) required(keys ...string) {
	for _, k := range keys {
		if _, ok := b.m[k]; !ok {
			b.errs[k] = "'" + k + "' is a required property"
		}
	}
}

func (b *body) typeErr(k, want string) { b.errs[k] = string(b.m[k]) + " is not of type '" + want + "'" }

func (b *body) str(k string, dst *string) {
	if !b.has(k) {
		return
	}
	if err := json.Unmarshal(b.m[k], dst); err != nil {
		b.typeErr(k, "string")
	}
}

// nonEmpty reads a string that "can not be empty".
func (b *body) nonEmpty(k string, dst *string) {
	b.str(k, dst)
	if _, bad := b.errs[k]; !bad && b.has(k) && *dst == "" {
		b.errs[k] = "'' is too short"
	}
}

func (b *body) int(k string, dst *int) {
	if !b.has(k) {
		return
	}
	var n json.Number
	if err := json.Unmarshal(b.m[k], &n); err != nil || strings.HasPrefix(string(b.m[k]), `"`) {
		b.typeErr(k, "integer")
		return
	}
	v, err := strconv.Atoi(n.String())
	if err != nil {
		b.typeErr(k, "integer")
		return
	}
	*dst = v
}

// looseInt reads an id the write model declares as a string (opportunity sourceid).
func (b *body) looseInt(k string, dst *int) {
	if !b.has(k) {
		return
	}
	var s string
	if json.Unmarshal(b.m[k], &s) == nil {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil && s != "" {
			b.errs[k] = "invalid literal for int() with base 10: '" + s + "'"
			return
		}
		*dst = v
		return
	}
	b.int(k, dst)
}

// ref reads an IdObject {"id": n}.
func (b *body) ref(k string, dst *int) {
	if !b.has(k) {
		return
	}
	var o map[string]json.RawMessage
	if err := json.Unmarshal(b.m[k], &o); err != nil {
		b.typeErr(k, "object")
		return
	}
	sub := &body{m: o, errs: map[string]string{}}
	sub.int("id", dst)
	if len(sub.errs) > 0 {
		b.errs[k+".id"] = sub.errs["id"]
	}
}

// cents reads a JSON number exactly (big.Rat, no float) and rounds it to cents.
func (b *body) cents(k string, dst *int64) {
	if !b.has(k) {
		return
	}
	raw := strings.Trim(string(b.m[k]), `"`) // altvalue-style strings are tolerated
	r, ok := new(big.Rat).SetString(raw)
	if !ok {
		b.typeErr(k, "number")
		return
	}
	r.Mul(r, big.NewRat(100, 1))
	n := new(big.Int).Quo(r.Num(), r.Denom())
	if rem := new(big.Int).Rem(r.Num(), r.Denom()); rem.Sign() != 0 && new(big.Int).Mul(rem.Abs(rem), big.NewInt(2)).Cmp(r.Denom()) >= 0 {
		n.Add(n, big.NewInt(int64(r.Num().Sign())))
	}
	*dst = n.Int64()
}

// date reads an order date ("only the date part will be used").
func (b *body) date(k string, dst *time.Time) {
	var s string
	b.str(k, &s)
	if s == "" {
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

func (s *Server) accountFields(a *account, b *body) {
	if b.m["name"] != nil {
		b.nonEmpty("name", &a.name)
	}
	b.str("alt_name", &a.altName)
	b.str("number", &a.number)
	b.str("phone", &a.phone)
	b.str("cellphone", &a.cellphone)
	b.str("fax", &a.fax)
	b.str("email", &a.email)
	b.str("url", &a.url)
	b.str("vatno", &a.vatno)
	b.str("info", &a.info)
	b.str("externalkey", &a.extKey)
	b.int("active", &a.active)
	b.int("typeid", &a.typeID)
	b.int("userid", &a.userID)
	b.int("alternateuserid", &a.altUserID)
	b.int("parentaccountid", &a.parentID)
	b.int("uservisitintervalweeks", &a.visitWeeks)
	b.check(a.typeID >= 1 && a.typeID <= len(s.refs.typeNames), "typeid", "AccountType "+strconv.Itoa(a.typeID)+" doesn't exist")
	b.check(s.user(a.userID) != nil, "userid", "User "+strconv.Itoa(a.userID)+" doesn't exist")
	b.check(a.altUserID == 0 || s.user(a.altUserID) != nil, "alternateuserid", "User "+strconv.Itoa(a.altUserID)+" doesn't exist")
	b.check(a.parentID == 0 || (a.parentID != a.id && s.account(a.parentID) != nil), "parentaccountid", "Account "+strconv.Itoa(a.parentID)+" doesn't exist")
	if b.has("addresses") {
		var addr struct {
			Visiting *struct{ Street, Zip, City, Country *string } `json:"visiting"`
		}
		if json.Unmarshal(b.m["addresses"], &addr) != nil {
			b.typeErr("addresses", "object")
		} else if v := addr.Visiting; v != nil {
			for dst, src := range map[*string]*string{&a.street: v.Street, &a.zip: v.Zip, &a.city: v.City, &a.country: v.Country} {
				if src != nil {
					*dst = *src
				}
			}
		}
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
	if b.m["name"] != nil {
		b.nonEmpty("name", &c.name)
	}
	if b.m["surname"] != nil {
		b.nonEmpty("surname", &c.surname)
	}
	for k, dst := range map[string]*string{"function": &c.function, "department": &c.department, "email": &c.email,
		"officephone": &c.officephone, "cellphone": &c.cellphone, "title": &c.title, "street": &c.street, "city": &c.city,
		"zip": &c.zip, "idnumber": &c.idnumber, "externalkey": &c.extKey} {
		b.str(k, dst)
	}
	b.int("primarycontact", &c.primary)
	b.int("active", &c.active)
	b.int("superiorid", &c.superiorID)
	b.check(c.superiorID == 0 || (c.superiorID != c.id && s.contact(c.superiorID) != nil), "superiorid", "Contact "+strconv.Itoa(c.superiorID)+" doesn't exist")
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
		c := *s.contacts[id-1] // accountid is not part of the update model: ignored
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
	b.required(oppRequired...)
	b.int("accountid", &o.accountID)
	b.int("contactid", &o.contactID)
	b.str("title", &o.title)
	b.str("description", &o.description)
	b.str("result", &o.result)
	b.str("phone", &o.phone)
	b.int("userid", &o.userID)
	b.int("statusid", &o.statusID)
	b.int("typeid", &o.typeID)
	b.int("lostreasonid", &o.lostReasonID)
	b.int("winreasonid", &o.winReasonID)
	b.int("closed", &o.closed)
	b.looseInt("sourceid", &o.sourceID)
	b.cents("value", &o.value)
	b.str("estimatedenddate", &o.estimatedEnd)
	b.check(s.account(o.accountID) != nil, "accountid", "Account "+strconv.Itoa(o.accountID)+" doesn't exist")
	b.check(s.contact(o.contactID) != nil, "contactid", "Contact "+strconv.Itoa(o.contactID)+" doesn't exist")
	b.check(s.user(o.userID) != nil, "userid", "User "+strconv.Itoa(o.userID)+" doesn't exist")
	b.check(o.statusID >= 1 && o.statusID <= len(s.refs.oppStatuses), "statusid", "OpportunityStatus "+strconv.Itoa(o.statusID)+" doesn't exist")
	b.check(o.typeID >= 1 && o.typeID <= len(s.refs.oppTypes), "typeid", "OpportunityType "+strconv.Itoa(o.typeID)+" doesn't exist")
	b.check(o.sourceID >= 0 && o.sourceID <= len(s.refs.sources), "sourceid", "Source "+strconv.Itoa(o.sourceID)+" doesn't exist")
	b.check(o.lostReasonID >= 0 && o.lostReasonID <= len(s.refs.lostReasons), "lostreasonid", "LostReason "+strconv.Itoa(o.lostReasonID)+" doesn't exist")
	b.check(o.winReasonID >= 0 && o.winReasonID <= len(s.refs.winReasons), "winreasonid", "WinReason "+strconv.Itoa(o.winReasonID)+" doesn't exist")
	o.changeUserID, o.changeDate = o.userID, dataset.Epoch
}

func (s *Server) createOpportunity(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, http.StatusCreated, func(b *body) (obj, int, string) {
		o := &opportunity{id: len(s.opps) + 1, regDate: dataset.Epoch}
		s.opportunityFields(o, b)
		if len(b.errs) > 0 {
			return nil, 0, ""
		}
		o.regUserID = o.userID
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
	for k, dst := range map[string]*string{"currencycode": &o.currency, "alternateid": &o.alternateID,
		"externalcomment": &o.externalComment, "internalcomment": &o.internalComment, "marking": &o.marking,
		"referencecode": &o.referenceCode, "externalkey": &o.extKey, "invoicenumber": &o.invoiceNumber} {
		b.str(k, dst)
	}
	b.int("delivered", &o.delivered)
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
	if !b.has("rows") {
		return
	}
	var rows []map[string]json.RawMessage
	if json.Unmarshal(b.m["rows"], &rows) != nil {
		b.typeErr("rows", "array")
		return
	}
	o.rows = o.rows[:0:0]
	for i, m := range rows {
		rb := &body{m: m, errs: map[string]string{}}
		row := orderRow{sortOrder: i + 1, quantity: 1}
		rb.ref("article", &row.articleID)
		if row.articleID < 1 || row.articleID > len(s.refs.articles) {
			b.errs["rows."+strconv.Itoa(i)+".article"] = "Article " + strconv.Itoa(row.articleID) + " doesn't exist"
			continue
		}
		art := s.refs.articles[row.articleID-1]
		row.price, row.specification = art.price, art.name
		var qty int64 = 100
		rb.cents("quantityordered", &qty)
		row.quantity = qty / 100
		rb.cents("price", &row.price)
		var pct int64
		rb.cents("discountpercent", &pct)
		row.discountPercent = pct / 100
		rb.str("specification", &row.specification)
		rb.int("sortorder", &row.sortOrder)
		for k, msg := range rb.errs {
			b.errs["rows."+strconv.Itoa(i)+"."+k] = msg
		}
		o.rows = append(o.rows, row)
	}
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

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, http.StatusCreated, func(b *body) (obj, int, string) {
		b.required("placedate", "account", "user", "contact", "status")
		o := &order{id: len(s.orders) + 1, currency: "SEK", created: dataset.Epoch, updated: dataset.Epoch}
		s.orderFields(o, b)
		if len(b.errs) > 0 {
			return nil, 0, ""
		}
		if o.delivery.IsZero() {
			o.delivery = o.placed
		}
		next := s.nextRowID()
		for i := range o.rows {
			o.rows[i].id = next + i
		}
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
		next := s.nextRowID()
		for i := range o.rows {
			if o.rows[i].id == 0 {
				o.rows[i].id = next
				next++
			}
		}
		o.updated = dataset.Epoch
		*s.orders[id-1] = o
		return s.renderOrder(s.orders[id-1])
	})
}

func (s *Server) leadFields(l *lead, b *body) {
	for k, dst := range map[string]*string{"contacttitle": &l.cTitle, "contactname": &l.cName, "contactsurname": &l.cSurname,
		"contactcompany": &l.cCompany, "contactstreet": &l.cStreet, "contactcity": &l.cCity, "contactzip": &l.cZip,
		"contactphone": &l.cPhone, "contactcellphone": &l.cCell, "contactemail": &l.cEmail, "contactvatno": &l.cVat,
		"title": &l.title, "description": &l.description} {
		b.str(k, dst)
	}
	b.cents("value", &l.value)
	b.int("rating", &l.rating)
	b.ref("user", &l.userID)
	b.ref("source", &l.sourceID)
	b.ref("status", &l.statusID)
	b.check(l.userID == 0 || s.user(l.userID) != nil, "user", "User "+strconv.Itoa(l.userID)+" doesn't exist")
	b.check(l.sourceID >= 0 && l.sourceID <= len(s.refs.sources), "source", "Source "+strconv.Itoa(l.sourceID)+" doesn't exist")
	b.check(l.statusID >= 0 && l.statusID <= len(s.refs.leadStatuses), "status", "LeadStatus "+strconv.Itoa(l.statusID)+" doesn't exist")
	l.updated = dataset.Epoch // created/updated in the body are ignored on PUT/POST
}

func (s *Server) createLead(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, http.StatusCreated, func(b *body) (obj, int, string) {
		l := &lead{id: len(s.leads) + 1, created: dataset.Epoch, statusID: 1}
		s.leadFields(l, b)
		if len(b.errs) > 0 {
			return nil, 0, ""
		}
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
		*s.leads[id-1] = l
		return s.renderLead(s.leads[id-1])
	})
}

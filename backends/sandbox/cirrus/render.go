package cirrus

import (
	"strconv"
	"strings"
	"time"
)

// Rendering follows the seed's response samples key by key and flask-restx's marshal
// rules: a missing nested object is an object of nulls (fields.Nested, allow_null=False),
// an unset string is null, lists are [] when empty. Callers hold s.mu (read).

const (
	isoTime   = "2006-01-02T15:04:05+00:00" // fields.DateTime(dt_format="iso8601") of an aware UTC datetime
	orderTime = "2006-01-02T15:04:05.000Z"  // Cirrus' custom _DateTime: only the date part matters
)

func opt(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

var noList = []obj{}

func nulls(keys ...string) obj {
	o := make(obj, len(keys))
	for i, k := range keys {
		o[i] = field{k, nil}
	}
	return o
}

var listedUserKeys = []string{"id", "name", "surname", "title", "email", "phone", "cellphone"}

func (s *Server) listedUser(id int) obj {
	u := s.user(id)
	if u == nil {
		return nulls(listedUserKeys...)
	}
	return obj{{"id", u.id}, {"name", u.name}, {"surname", u.surname}, {"title", u.title},
		{"email", u.email}, {"phone", u.phone}, {"cellphone", u.cellphone}}
}

func coordinates() obj { return nulls("latitude", "longitude", "distance") }

func (s *Server) listedAccount(id int) obj {
	a := s.account(id)
	if a == nil {
		o := nulls("id", "name", "alt_name", "number", "email", "phone", "cellphone")
		return append(o, field{"coordinates", coordinates()})
	}
	return obj{{"id", a.id}, {"name", a.name}, {"alt_name", opt(a.altName)}, {"number", a.number},
		{"email", opt(a.email)}, {"phone", opt(a.phone)}, {"cellphone", opt(a.cellphone)}, {"coordinates", coordinates()}}
}

func (s *Server) listedContact(id int) obj {
	c := s.contact(id)
	if c == nil {
		return nulls("id", "name", "surname", "title", "email", "officephone", "cellphone", "number")
	}
	return obj{{"id", c.id}, {"name", c.name}, {"surname", c.surname}, {"title", opt(c.title)},
		{"email", opt(c.email)}, {"officephone", opt(c.officephone)}, {"cellphone", opt(c.cellphone)}, {"number", nil}}
}

func idName(refs []namedRef, id int) obj {
	if id < 1 || id > len(refs) {
		return nulls("id", "name")
	}
	return obj{{"id", id}, {"name", refs[id-1].name}}
}

func address(name, street, zip, city, country, email string) obj {
	var number any
	if i := strings.LastIndexByte(street, ' '); i > 0 {
		if _, err := strconv.Atoi(street[i+1:]); err == nil {
			number = street[i+1:]
		}
	}
	return obj{{"careof", nil}, {"name", opt(name)}, {"street", opt(street)}, {"zip", opt(zip)}, {"city", opt(city)},
		{"country", opt(country)}, {"email", opt(email)}, {"coordinates", coordinates()}, {"number", number}, {"letter", nil}}
}

func (s *Server) renderAccount(a *account) obj {
	contacts := make([]obj, 0, len(a.contactIDs))
	for _, cid := range a.contactIDs {
		c := s.contact(cid)
		contacts = append(contacts, obj{{"id", c.id}, {"name", c.name}, {"surname", c.surname}, {"email", opt(c.email)},
			{"phone", opt(c.officephone)}, {"cellphone", opt(c.cellphone)}, {"primary", c.primary}, {"title", opt(c.title)}})
	}
	var altUserID any
	if a.altUserID != 0 {
		altUserID = strconv.Itoa(a.altUserID) // a string on read (seed L669)
	}
	parent := s.listedAccount(a.parentID)
	return obj{
		{"id", a.id}, {"name", a.name}, {"alt_name", opt(a.altName)}, {"number", a.number}, {"phone", opt(a.phone)},
		{"cellphone", opt(a.cellphone)}, {"fax", opt(a.fax)}, {"email", opt(a.email)}, {"url", opt(a.url)},
		{"vatno", opt(a.vatno)}, {"active", a.active}, {"info", opt(a.info)}, {"socialmedia_fb", nil},
		{"socialmedia_tw", nil}, {"socialmedia_li", nil}, {"department", opt(a.department)},
		{"externalkey", opt(a.extKey)}, {"uservisitintervalweeks", a.visitWeeks}, {"alternateuservisitintervalweeks", 0},
		{"addresses", obj{
			{"visiting", address("", a.street, a.zip, a.city, a.country, "")},
			{"delivery", address(a.name, a.street, a.zip, a.city, a.country, "")},
			{"invoice", address(a.name, a.street, a.zip, a.city, a.country, a.email)},
			{"postal", address("", a.street, a.zip, a.city, a.country, "")},
		}},
		{"files", noList},
		{"type", s.accountTypeRef(a.typeID)},
		{"user", s.listedUser(a.userID)},
		{"parentaccount", parent},
		{"contacts", contacts},
		{"followers", noList},
		{"accountgroups", noList},
		{"tags", noList},
		{"alternateuserid", altUserID},
		{"alternateuser", s.listedUser(a.altUserID)},
	}
}

func (s *Server) accountTypeRef(id int) obj {
	if id < 1 || id > len(s.refs.typeNames) {
		return nulls("id", "name")
	}
	return obj{{"id", id}, {"name", s.refs.typeNames[id-1]}}
}

func (s *Server) renderContact(c *contact) obj {
	return obj{
		{"id", c.id}, {"account", s.listedAccount(c.accountID)}, {"name", c.name}, {"surname", c.surname},
		{"function", opt(c.function)}, {"department", opt(c.department)}, {"email", opt(c.email)},
		{"officephone", opt(c.officephone)}, {"cellphone", opt(c.cellphone)}, {"title", opt(c.title)},
		{"street", opt(c.street)}, {"city", opt(c.city)}, {"zip", opt(c.zip)}, {"primarycontact", c.primary},
		{"socialmedia_fb", nil}, {"socialmedia_tw", nil}, {"socialmedia_li", nil}, {"idnumber", opt(c.idnumber)},
		{"externalkey", opt(c.extKey)}, {"active", c.active}, {"superior", s.listedContact(c.superiorID)},
		{"files", noList}, {"followers", noList}, {"photo", obj{{"avatar", nil}, {"photo", nil}}}, {"tags", noList},
	}
}

func (s *Server) oppStatusObj(id int) obj {
	if id < 1 || id > len(s.refs.oppStatuses) {
		return nulls("id", "color", "description", "name", "lost", "opportunitytypeid", "sortorder", "sortorderplug", "won")
	}
	st := s.refs.oppStatuses[id-1]
	return obj{{"id", st.id}, {"color", st.color}, {"description", st.description}, {"name", st.name}, {"lost", st.lost},
		{"opportunitytypeid", st.typeID}, {"sortorder", st.sortorder}, {"sortorderplug", 0}, {"won", st.won}}
}

func (s *Server) oppTypeObj(id int) obj {
	if id < 1 || id > len(s.refs.oppTypes) {
		o := nulls("id", "isdefault", "name", "sortorder")
		return append(o, field{"validstatuses", s.oppStatusObj(0)})
	}
	t := s.refs.oppTypes[id-1]
	// The seed renders validstatuses as one status object.
	return obj{{"id", t.id}, {"isdefault", t.isDefault}, {"name", t.name}, {"sortorder", t.sortorder},
		{"validstatuses", s.oppStatusObj(1)}}
}

func reason(refs []namedRef, id int) obj {
	if id < 1 || id > len(refs) {
		return nulls("id", "name", "sortorder")
	}
	r := refs[id-1]
	return obj{{"id", r.id}, {"name", r.name}, {"sortorder", r.sortorder}}
}

func (s *Server) sourceObj(id int) obj {
	if id < 1 || id > len(s.refs.sources) {
		return nulls("id", "name", "default")
	}
	r := s.refs.sources[id-1]
	return obj{{"id", r.id}, {"name", r.name}, {"default", r.isDefault}}
}

func (s *Server) renderOpportunity(o *opportunity) obj {
	return obj{
		{"id", o.id}, {"account", s.listedAccount(o.accountID)}, {"accountid", o.accountID},
		{"altaccount", s.listedAccount(0)}, {"altaccountid", nil}, {"altvalue", num("0.0")}, {"altvaluelabel", nil},
		{"changedate", o.changeDate.Format(isoTime)}, {"changeuserid", o.changeUserID}, {"changeuser", s.listedUser(o.changeUserID)},
		{"closed", o.closed}, {"contact", s.listedContact(o.contactID)}, {"contactid", optInt(o.contactID)},
		{"description", o.description}, {"estimate", nulls("id", "description", "sortorder", "value", "visible")},
		{"estimatedenddate", o.estimatedEnd}, {"files", noList}, {"followers", noList},
		{"lostreason", reason(s.refs.lostReasons, o.lostReasonID)}, {"lostreasonid", optInt(o.lostReasonID)},
		{"phone", opt(o.phone)}, {"progressionstate", nulls("id", "name")},
		{"regdate", o.regDate.Format(isoTime)}, {"reguser", s.listedUser(o.regUserID)}, {"reguserid", o.regUserID},
		{"result", opt(o.result)}, {"source", s.sourceObj(o.sourceID)}, {"sourceid", optInt(o.sourceID)},
		{"state", nulls("id", "state", "sortorder")}, {"stateid", nil},
		{"status", s.oppStatusObj(o.statusID)}, {"statusid", o.statusID}, {"title", o.title},
		{"type", s.oppTypeObj(o.typeID)}, {"typeid", o.typeID}, {"user", s.listedUser(o.userID)}, {"userid", o.userID},
		{"value", money(o.value)}, {"businessarea", nulls("opportunityid", "businessareaid")},
		{"winreason", reason(s.refs.winReasons, o.winReasonID)}, {"winreasonid", optInt(o.winReasonID)},
		{"tags", noList},
	}
}

func pricelist() obj {
	return obj{{"id", 1}, {"name", "Standard"}, {"active", true}, {"start", "2024-01-01T00:00:00+00:00"},
		{"stop", "2030-12-31T00:00:00+00:00"}, {"default", true}, {"externalkey", "STD"}, {"strict", false},
		{"description", "Standard price list"}, {"currencyid", 1}, {"prices", noList}}
}

func (o *order) total() int64 {
	var t int64
	for _, r := range o.rows {
		t += r.lineTotal()
	}
	return t
}

// lineTotal is quantity × price less the discount, rounded half up to whole cents.
func (r orderRow) lineTotal() int64 {
	gross := r.quantity * r.price
	return gross - (gross*r.discountPercent+50)/100
}

func (s *Server) renderOrder(o *order) obj {
	a := s.account(o.accountID)
	var name, street, zip, city, country, email string
	if a != nil {
		name, street, zip, city, country, email = a.name, a.street, a.zip, a.city, a.country, a.email
	}
	var opp obj
	if p := s.opportunity(o.opportunityID); p != nil {
		opp = obj{{"id", p.id}, {"title", p.title}, {"description", p.description}, {"estimatedenddate", p.estimatedEnd},
			{"account", s.listedAccount(p.accountID)}, {"user", s.listedUser(p.userID)}}
	} else {
		opp = append(nulls("id", "title", "description", "estimatedenddate"),
			field{"account", s.listedAccount(0)}, field{"user", s.listedUser(0)})
	}
	rows := make([]obj, len(o.rows))
	for i, r := range o.rows {
		art := s.refs.articles[r.articleID-1]
		total := r.lineTotal()
		rows[i] = obj{
			{"id", r.id}, {"orderid", o.id}, {"accountid", o.accountID}, {"userid", o.userID},
			{"opportunityid", optInt(o.opportunityID)}, {"quantityordered", floatOf(int(r.quantity))},
			{"quantitydelivered", floatOf(int(r.quantity) * o.delivered)}, {"discountspecial", num("0.0")},
			{"sortorder", r.sortOrder}, {"price", money(r.price)}, {"currencycode", o.currency}, {"currencyrate", num("1.0")},
			{"statisticsprice", money(r.price)}, {"alternatvievalue", num("0.0")}, {"buyprice", money(r.price * 6 / 10)},
			{"specification", opt(r.specification)}, {"discountpercent", floatOf(int(r.discountPercent))},
			{"discountamount", money(r.quantity*r.price - total)}, {"externalkey", nil}, {"noprint", 0}, {"deleted", 0},
			{"pricewarning", 0}, {"totalprice", money(total)}, {"totalpricestatistics", money(total)},
			{"totalalternativevalue", num("0.0")}, {"pricelist", pricelist()},
			{"pricegroup", obj{{"id", 1}, {"name", "Standard"}, {"unit", idName(s.refs.units, art.unitID)}, {"min", num("1.0")}, {"max", num("9999.0")}}},
			{"sortgroup", 0}, {"article", obj{{"id", art.id}, {"name", art.name}, {"number", art.number}}},
			{"articleunit", idName(s.refs.units, art.unitID)}, {"tags", noList},
		}
	}
	total := o.total()
	return obj{
		{"id", o.id}, {"price", money(total)}, {"currencycode", o.currency}, {"currencyrate", num("1.0")},
		{"statisticsprice", money(total)}, {"alternativevalue", num("0.0")}, {"buyprice", money(total * 6 / 10)},
		{"discounted", false}, {"placedate", o.placed.Format(orderTime)}, {"alternateid", opt(o.alternateID)},
		{"externalcomment", opt(o.externalComment)}, {"deliverydate", o.delivery.Format(orderTime)},
		{"deliveryname", opt(name)}, {"deliverystreet", opt(street)}, {"deliveryzip", opt(zip)}, {"deliverycity", opt(city)},
		{"deliverycountry", opt(country)}, {"invoicename", opt(name)}, {"invoicestreet", opt(street)}, {"invoicezip", opt(zip)},
		{"invoicecity", opt(city)}, {"invoicecountry", opt(country)}, {"invoiceemail", opt(email)},
		{"invoicenumber", opt(o.invoiceNumber)}, {"invoicedate", o.placed.Format(time.DateOnly)},
		{"externalkey", opt(o.extKey)}, {"internalcomment", opt(o.internalComment)}, {"marking", opt(o.marking)},
		{"referencecode", opt(o.referenceCode)}, {"extracode", nil}, {"pricelist", pricelist()},
		{"tscreated", o.created.Format(isoTime)}, {"tsupdated", o.updated.Format(isoTime)},
		{"account", s.listedAccount(o.accountID)}, {"user", s.listedUser(o.userID)}, {"user2", s.listedUser(o.user2ID)},
		{"opportunity", opp}, {"contact", s.listedContact(o.contactID)}, {"status", idName(s.refs.orderStatuses, o.statusID)},
		{"deliveryterm", idName(s.refs.deliveryTerms, o.deliveryTermID)}, {"paymentterm", idName(s.refs.paymentTerms, o.paymentTermID)},
		{"deliverytype", idName(s.refs.deliveryTypes, o.deliveryTypeID)}, {"type", idName(s.refs.orderTypes, o.typeID)},
		{"delivered", o.delivered}, {"tags", noList}, {"rows", rows},
	}
}

func (s *Server) leadStatusObj(id int) obj {
	if id < 1 || id > len(s.refs.leadStatuses) {
		return nulls("id", "name", "sortorder", "created", "updated")
	}
	st := s.refs.leadStatuses[id-1]
	return obj{{"id", st.id}, {"name", st.name}, {"sortorder", st.sortorder},
		{"created", "2020-01-01T00:00:00+00:00"}, {"updated", "2020-01-01T00:00:00+00:00"}}
}

func (s *Server) renderLead(l *lead) obj {
	return obj{
		{"id", l.id}, {"contacttitle", opt(l.cTitle)}, {"contactname", opt(l.cName)}, {"contactsurname", opt(l.cSurname)},
		{"contactcompany", opt(l.cCompany)}, {"contactstreet", opt(l.cStreet)}, {"contactcity", opt(l.cCity)},
		{"contactzip", opt(l.cZip)}, {"contactphone", opt(l.cPhone)}, {"contactcellphone", opt(l.cCell)},
		{"contactemail", opt(l.cEmail)}, {"contactvatno", opt(l.cVat)}, {"value", money(l.value)},
		{"created", l.created.Format(isoTime)}, {"updated", l.updated.Format(isoTime)}, {"title", opt(l.title)},
		{"description", opt(l.description)}, {"rating", l.rating}, {"user", s.listedUser(l.userID)},
		{"source", s.sourceObj(l.sourceID)}, {"status", s.leadStatusObj(l.statusID)}, {"tags", noList}, {"activities", noList},
	}
}

func (s *Server) renderUser(u *user) obj {
	d := s.refs.departments[u.departmentID-1]
	manager := s.listedUser(1)
	parent := append(nulls("id", "name"), field{"parentdepartment", nil}, field{"manager", nulls(listedUserKeys...)})
	dept := obj{{"id", d.id}, {"name", d.name}, {"parentdepartment", parent}, {"manager", manager}}
	roles := []obj{{{"id", 2}, {"name", "Sales"}}}
	if u.id == 1 {
		roles = []obj{{{"id", 1}, {"name", "Administrator"}}}
	}
	return obj{
		{"active", u.active}, {"cellphone", u.cellphone}, {"departments", []obj{dept}}, {"email", u.email},
		{"id", u.id}, {"language", u.language}, {"lastactive", u.lastActive.Format(isoTime)}, {"name", u.name},
		{"phone", u.phone}, {"presentation", nil}, {"startpage", 0}, {"surname", u.surname}, {"title", u.title},
		{"avatar_b64", nil}, {"photo_b64", nil}, {"settings", noList}, {"roles", roles}, {"tags", noList},
	}
}

func (s *Server) renderAccountType(id int) obj {
	isCustomer := flag(id == 1 || id == 5)
	return obj{
		{"id", id}, {"name", s.refs.typeNames[id-1]}, {"defaulttab", "overview"}, {"sortorder", id}, {"isdefault", flag(id == 1)},
		{"turnover_from", 0}, {"turnover_to", 0}, {"turnoverpotential_from", 0}, {"turnoverpotential_to", 0},
		{"turnover_volume1from", 0}, {"turnover_volume1to", 0}, {"turnover_volume2from", 0}, {"turnover_volume2to", 0},
		{"turnoverpotential_volume1from", 0}, {"turnoverpotential_volume1to", 0}, {"turnoverpotential_volume2from", 0},
		{"turnoverpotential_volume2to", 0}, {"typeiscustomer", isCustomer}, {"typeisprospect", flag(id == 2)},
	}
}

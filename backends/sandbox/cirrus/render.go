package cirrus

import (
	"math/big"
	"strconv"
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

func (ad address) render() obj {
	return obj{{"careof", opt(ad.careof)}, {"name", opt(ad.name)}, {"street", opt(ad.street)}, {"zip", opt(ad.zip)},
		{"city", opt(ad.city)}, {"country", opt(ad.country)}, {"email", opt(ad.email)},
		{"coordinates", obj{{"latitude", opt(ad.latitude)}, {"longitude", opt(ad.longitude)}, {"distance", opt(ad.distance)}}},
		{"number", opt(ad.number)}, {"letter", opt(ad.letter)}}
}

// tags renders Tag {id,name,type} (the sample's type is "company").
func (s *Server) tags(ids []int) []obj {
	out := make([]obj, 0, len(ids))
	for _, id := range ids {
		t := s.refs.tags[id-1]
		out = append(out, obj{{"id", t.id}, {"name", t.name}, {"type", t.kind}})
	}
	return out
}

func (s *Server) followers(ids []int) []obj {
	out := make([]obj, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.listedUser(id))
	}
	return out
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
	addresses := make(obj, len(addressKinds))
	for i, kind := range addressKinds {
		addresses[i] = field{kind, a.addresses[i].render()}
	}
	groups := make([]obj, 0, len(a.groupIDs))
	for _, id := range a.groupIDs {
		groups = append(groups, idName(s.refs.accountGroups, id))
	}
	return obj{
		{"id", a.id}, {"name", a.name}, {"alt_name", opt(a.altName)}, {"number", a.number}, {"phone", opt(a.phone)},
		{"cellphone", opt(a.cellphone)}, {"fax", opt(a.fax)}, {"email", opt(a.email)}, {"url", opt(a.url)},
		{"vatno", opt(a.vatno)}, {"active", a.active}, {"info", opt(a.info)}, {"socialmedia_fb", opt(a.socialFB)},
		{"socialmedia_tw", opt(a.socialTW)}, {"socialmedia_li", opt(a.socialLI)}, {"department", opt(a.department)},
		{"externalkey", opt(a.extKey)}, {"uservisitintervalweeks", a.visitWeeks}, {"alternateuservisitintervalweeks", a.altVisitWeeks},
		{"addresses", addresses},
		{"files", noList},
		{"type", s.accountTypeRef(a.typeID)},
		{"user", s.listedUser(a.userID)},
		{"parentaccount", s.listedAccount(a.parentID)},
		{"contacts", contacts},
		{"followers", s.followers(a.followerIDs)},
		{"accountgroups", groups},
		{"tags", s.tags(a.tagIDs)},
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
		{"socialmedia_fb", opt(c.socialFB)}, {"socialmedia_tw", opt(c.socialTW)}, {"socialmedia_li", opt(c.socialLI)},
		{"idnumber", opt(c.idnumber)}, {"externalkey", opt(c.extKey)}, {"active", c.active},
		{"superior", s.listedContact(c.superiorID)}, {"files", noList}, {"followers", s.followers(c.followerIDs)},
		{"photo", obj{{"avatar", nil}, {"photo", nil}}}, {"tags", s.tags(c.tagIDs)},
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

func (s *Server) estimateObj(id int) obj {
	if id < 1 || id > len(s.refs.estimates) {
		return nulls("id", "description", "sortorder", "value", "visible")
	}
	e := s.refs.estimates[id-1]
	return obj{{"id", e.id}, {"description", e.name}, {"sortorder", e.sortorder}, {"value", e.key}, {"visible", 1}}
}

func (s *Server) stateObj(id int) obj {
	if id < 1 || id > len(s.refs.oppStates) {
		return nulls("id", "state", "sortorder")
	}
	st := s.refs.oppStates[id-1]
	return obj{{"id", st.id}, {"state", st.name}, {"sortorder", st.sortorder}}
}

// renderOpportunity follows the sample (L4723); enddate is written but has no read key
// (it is what the actual_startdate/actual_enddate filters look at).
func (s *Server) renderOpportunity(o *opportunity) obj {
	return obj{
		{"id", o.id}, {"account", s.listedAccount(o.accountID)}, {"accountid", o.accountID},
		{"altaccount", s.listedAccount(o.altAccountID)}, {"altaccountid", optInt(o.altAccountID)},
		{"altvalue", numText(orZero(o.altValue))}, {"altvaluelabel", opt(o.altValueLabel)},
		{"changedate", o.changeDate.Format(isoTime)}, {"changeuserid", o.changeUserID}, {"changeuser", s.listedUser(o.changeUserID)},
		{"closed", o.closed}, {"contact", s.listedContact(o.contactID)}, {"contactid", optInt(o.contactID)},
		{"description", o.description}, {"estimate", s.estimateObj(o.estimateID)},
		{"estimatedenddate", o.estimatedEnd}, {"files", noList}, {"followers", s.followers(o.followerIDs)},
		{"lostreason", reason(s.refs.lostReasons, o.lostReasonID)}, {"lostreasonid", optInt(o.lostReasonID)},
		{"phone", opt(o.phone)}, {"progressionstate", nulls("id", "name")},
		{"regdate", o.regDate.Format(isoTime)}, {"reguser", s.listedUser(o.regUserID)}, {"reguserid", o.regUserID},
		{"result", opt(o.result)}, {"source", s.sourceObj(o.sourceID)}, {"sourceid", optInt(o.sourceID)},
		{"state", s.stateObj(o.stateID)}, {"stateid", optInt(o.stateID)},
		{"status", s.oppStatusObj(o.statusID)}, {"statusid", o.statusID}, {"title", o.title},
		{"type", s.oppTypeObj(o.typeID)}, {"typeid", o.typeID}, {"user", s.listedUser(o.userID)}, {"userid", o.userID},
		{"value", numText(orZero(o.value))}, {"businessarea", nulls("opportunityid", "businessareaid")},
		{"winreason", reason(s.refs.winReasons, o.winReasonID)}, {"winreasonid", optInt(o.winReasonID)},
		{"tags", s.tags(o.tagIDs)},
	}
}

func pricelist() obj {
	return obj{{"id", 1}, {"name", "Standard"}, {"active", true}, {"start", "2024-01-01T00:00:00+00:00"},
		{"stop", "2030-12-31T00:00:00+00:00"}, {"default", true}, {"externalkey", "STD"}, {"strict", false},
		{"description", "Standard price list"}, {"currencyid", 1}, {"prices", noList}}
}

func (o *order) total() *big.Rat {
	t := new(big.Rat)
	for _, r := range o.rows {
		t = add(t, r.lineTotal())
	}
	return t
}

func (r orderRow) gross() *big.Rat { return mul(r.quantity, r.price) }

// discount is the written discountamount, else quantity × price × discountpercent / 100
// (the seed does not say which wins when both are written; the amount does here).
func (r orderRow) discount() *big.Rat {
	if r.discountAmount != nil {
		return r.discountAmount
	}
	return mul(r.gross(), new(big.Rat).Quo(r.discountPercent, whole(100)))
}

// lineTotal is quantity × price less the discount (itself rounded to cents), rounded
// half up to whole cents.
func (r orderRow) lineTotal() *big.Rat { return toCents(sub(r.gross(), toCents(r.discount()))) }

// sixtyPercent is the sandbox's buy price where none is written.
func sixtyPercent(r *big.Rat) *big.Rat { return toCents(mul(r, big.NewRat(6, 10))) }

func or(r, derived *big.Rat) *big.Rat {
	if r != nil {
		return r
	}
	return derived
}

func (s *Server) renderRow(o *order, r orderRow) obj {
	article := nulls("id", "name", "number") // a text row: flask-restx renders the missing nested object as nulls
	if r.articleID != 0 {
		art := s.refs.articles[r.articleID-1]
		article = obj{{"id", art.id}, {"name", art.name}, {"number", art.number}}
	}
	total := r.lineTotal()
	delivered := r.quantityDelivered
	if delivered == nil {
		delivered = mul(r.quantity, whole(int64(o.delivered)))
	}
	var extKey any
	if r.extKey != nil {
		extKey = *r.extKey
	}
	return obj{
		{"id", r.id}, {"orderid", o.id}, {"accountid", o.accountID}, {"userid", o.userID},
		{"opportunityid", optInt(o.opportunityID)}, {"quantityordered", numText(r.quantity)},
		{"quantitydelivered", numText(delivered)}, {"discountspecial", num("0.0")},
		{"sortorder", r.sortOrder}, {"price", numText(r.price)}, {"currencycode", o.currency}, {"currencyrate", num("1.0")},
		{"statisticsprice", numText(r.price)}, {"alternatvievalue", num("0.0")}, {"buyprice", numText(or(r.buyPrice, sixtyPercent(r.price)))},
		{"specification", opt(r.specification)}, {"discountpercent", numText(r.discountPercent)},
		{"discountamount", numText(toCents(r.discount()))}, {"externalkey", extKey}, {"noprint", r.noPrint}, {"deleted", 0},
		{"pricewarning", 0}, {"totalprice", numText(total)}, {"totalpricestatistics", numText(total)},
		{"totalalternativevalue", num("0.0")}, {"pricelist", pricelist()},
		{"pricegroup", obj{{"id", 1}, {"name", "Standard"}, {"unit", idName(s.refs.units, r.unitID)}, {"min", num("1.0")}, {"max", num("9999.0")}}},
		{"sortgroup", 0}, {"article", article}, {"articleunit", idName(s.refs.units, r.unitID)}, {"tags", s.tags(r.tagIDs)},
	}
}

// renderOrder follows the sample (L5546). Price, statistics price and buy price that
// were never written follow the rows (the sandbox's reading: the seed does not say).
func (s *Server) renderOrder(o *order) obj {
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
		rows[i] = s.renderRow(o, r)
	}
	total := o.total()
	d, inv := o.deliveryAddr, o.invoiceAddr
	return obj{
		{"id", o.id}, {"price", numText(or(o.price, total))}, {"currencycode", opt(o.currency)},
		{"currencyrate", numText(or(o.currencyRate, whole(1)))}, {"statisticsprice", numText(or(o.statisticsPrice, total))},
		{"alternativevalue", numText(orZero(o.alternativeValue))}, {"buyprice", numText(or(o.buyPrice, sixtyPercent(total)))},
		{"discounted", o.discounted}, {"placedate", o.placed.Format(orderTime)}, {"alternateid", opt(o.alternateID)},
		{"externalcomment", opt(o.externalComment)}, {"deliverydate", o.delivery.Format(orderTime)},
		{"deliveryname", opt(d.name)}, {"deliverystreet", opt(d.street)}, {"deliveryzip", opt(d.zip)}, {"deliverycity", opt(d.city)},
		{"deliverycountry", opt(d.country)}, {"invoicename", opt(inv.name)}, {"invoicestreet", opt(inv.street)}, {"invoicezip", opt(inv.zip)},
		{"invoicecity", opt(inv.city)}, {"invoicecountry", opt(inv.country)}, {"invoiceemail", opt(o.invoiceEmail)},
		{"invoicenumber", opt(o.invoiceNumber)}, {"invoicedate", opt(o.invoiceDate)},
		{"externalkey", opt(o.extKey)}, {"internalcomment", opt(o.internalComment)}, {"marking", opt(o.marking)},
		{"referencecode", opt(o.referenceCode)}, {"extracode", opt(o.extraCode)}, {"pricelist", pricelist()},
		{"tscreated", o.created.Format(isoTime)}, {"tsupdated", o.updated.Format(isoTime)},
		{"account", s.listedAccount(o.accountID)}, {"user", s.listedUser(o.userID)}, {"user2", s.listedUser(o.user2ID)},
		{"opportunity", opp}, {"contact", s.listedContact(o.contactID)}, {"status", idName(s.refs.orderStatuses, o.statusID)},
		{"deliveryterm", idName(s.refs.deliveryTerms, o.deliveryTermID)}, {"paymentterm", idName(s.refs.paymentTerms, o.paymentTermID)},
		{"deliverytype", idName(s.refs.deliveryTypes, o.deliveryTypeID)}, {"type", idName(s.refs.orderTypes, o.typeID)},
		{"delivered", o.delivered}, {"tags", s.tags(o.tagIDs)}, {"rows", rows},
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
		{"contactemail", opt(l.cEmail)}, {"contactvatno", opt(l.cVat)}, {"value", numText(orZero(l.value))},
		{"created", l.created.Format(isoTime)}, {"updated", l.updated.Format(isoTime)}, {"title", opt(l.title)},
		{"description", opt(l.description)}, {"rating", l.rating}, {"user", s.listedUser(l.userID)},
		{"source", s.sourceObj(l.sourceID)}, {"status", s.leadStatusObj(l.statusID)}, {"tags", s.tags(l.tagIDs)}, {"activities", noList},
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

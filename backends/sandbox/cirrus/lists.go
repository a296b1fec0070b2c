package cirrus

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	getItem(s, "Account", func() []*account { return s.accounts }, s.renderAccount)(w, r)
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	getItem(s, "Contact", func() []*contact { return s.contacts }, s.renderContact)(w, r)
}

func (s *Server) getOpportunity(w http.ResponseWriter, r *http.Request) {
	getItem(s, "Opportunity", func() []*opportunity { return s.opps }, s.renderOpportunity)(w, r)
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	getItem(s, "Order", func() []*order { return s.orders }, s.renderOrder)(w, r)
}

func (s *Server) getLead(w http.ResponseWriter, r *http.Request) {
	getItem(s, "Lead", func() []*lead { return s.leads }, s.renderLead)(w, r)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	getItem(s, "User", func() []*user { return s.users }, s.renderUser)(w, r)
}

func inInts(xs []int, v int) bool { return len(xs) == 0 || slices.Contains(xs, v) }

func eqPtr(p *int, v int) bool { return p == nil || *p == v }

func likeOpt(pattern, v string) bool { return pattern == "" || like(pattern, v) }

func streetNumber(street string) int {
	if i := strings.LastIndexByte(street, ' '); i >= 0 {
		n, _ := strconv.Atoi(street[i+1:])
		return n
	}
	return 0
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	page, perPage := p.paging()
	key, desc := p.sorting([]string{"name", "number", "userid", "postaladdress_number", "postaladdress_odd", "postaladdress_even"}, "name_asc")
	dyn := p.dynamicFields()
	userID, userIDs := p.int("userid"), p.ints("userids")
	typeID, typeIDs := p.int("typeid"), p.ints("typeids") // typeids is declared integer but documented as a comma list
	active := 1                                           // the documented default: active accounts only
	if a := p.intPtr("active", 0, 1, 2); a != nil {
		active = *a
	}
	number, name, extKey, vatno := p.str("accountnumber"), p.str("name"), p.str("externalkey"), p.str("vatno")
	phone, cell, street := p.str("phone"), p.str("cellphone"), p.str("postal_street")
	cities := [4]string{visiting: p.str("visitingaddress_city"), delivery: p.str("deliveryaddress_city"),
		invoice: p.str("invoiceaddress_city"), postal: p.str("postal_city")}
	near := p.nearTo()
	followedBy := p.int("followedby")
	missions := p.missions("missionid", false)
	activity := p.activity()
	fulltext := p.str("fulltext")
	if p.failed(s, w) {
		return
	}
	s.mu.RLock()
	less := func(a, b int) int {
		x, y := s.accounts[a-1], s.accounts[b-1]
		xs, ys := x.addresses[postal].street, y.addresses[postal].street
		switch key {
		case "name":
			return strings.Compare(strings.ToLower(x.name), strings.ToLower(y.name))
		case "number":
			return strings.Compare(x.number, y.number)
		case "userid":
			return cmp.Compare(x.userID, y.userID)
		case "postaladdress_odd", "postaladdress_even":
			want := 1
			if key == "postaladdress_even" {
				want = 0
			}
			xo, yo := streetNumber(xs)%2 == want, streetNumber(ys)%2 == want
			if xo != yo {
				if xo {
					return -1
				}
				return 1
			}
		}
		return cmp.Compare(streetNumber(xs), streetNumber(ys))
	}
	var ids []int
	presorted := extKey == ""
	if extKey != "" {
		ids = slices.Clone(s.accountsByExtKey[extKey])
	} else {
		ids = s.allSorted("accounts", key, desc, len(s.accounts), less)
	}
	ids = filterIDs(ids, func(id int) bool {
		a := s.accounts[id-1]
		if (active != 2 && a.active != active) || (userID != 0 && a.userID != userID) || !inInts(userIDs, a.userID) ||
			(typeID != 0 && a.typeID != typeID) || !inInts(typeIDs, a.typeID) || (number != "" && a.number != number) ||
			!likeOpt(name, a.name) || !likeOpt(vatno, a.vatno) || !likeOpt(phone, a.phone) || !likeOpt(cell, a.cellphone) ||
			!likeOpt(street, a.addresses[postal].street) || (followedBy != 0 && !slices.Contains(a.followerIDs, followedBy)) ||
			dyn.active() || missions || activity || (near != nil && !near.reaches(a)) {
			return false
		}
		for i, c := range cities {
			if !likeOpt(c, a.addresses[i].city) {
				return false
			}
		}
		if fulltext == "" {
			return true
		}
		v, d, inv, po := a.addresses[visiting], a.addresses[delivery], a.addresses[invoice], a.addresses[postal]
		return containsFold(fulltext, a.name, a.altName, a.number, a.phone, a.cellphone, a.email, a.vatno,
			po.street, po.city, po.zip, v.careof, v.street, v.zip, v.city, d.name, d.street, d.zip, d.city,
			inv.name, inv.street, inv.zip, inv.city)
	})
	if !presorted {
		sortIDs(ids, desc, less)
	}
	v := s.page(ids, page, perPage, func(id int) obj { return s.renderAccount(s.accounts[id-1]) })
	s.mu.RUnlock()
	s.reply(w, r, http.StatusOK, v)
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	page, perPage := p.paging()
	key, desc := p.sorting([]string{"name", "surname", "email", "primarycontact"}, "name_asc")
	dyn := p.dynamicFields()
	followedBy := p.int("followedby")
	accountID := p.int("accountid")
	typeIDs, ownerIDs := p.ints("accounttypeids"), p.ints("accountuserids")
	active, primary := p.intPtr("active", 0, 1), p.intPtr("primarycontact", 0, 1)
	cell, city, email, extKey := p.str("cellphone"), p.str("city"), p.str("email"), p.str("externalkey")
	name, office, surname, title, fulltext := p.str("name"), p.str("officephone"), p.str("surname"), p.str("title"), p.str("fulltext")
	if p.failed(s, w) {
		return
	}
	s.mu.RLock()
	less := func(a, b int) int {
		x, y := s.contacts[a-1], s.contacts[b-1]
		switch key {
		case "surname":
			return strings.Compare(strings.ToLower(x.surname), strings.ToLower(y.surname))
		case "email":
			return strings.Compare(x.email, y.email)
		case "primarycontact":
			return cmp.Compare(x.primary, y.primary)
		}
		return strings.Compare(strings.ToLower(x.name), strings.ToLower(y.name))
	}
	var ids []int
	presorted := false
	switch {
	case accountID != 0:
		if a := s.account(accountID); a != nil {
			ids = slices.Clone(a.contactIDs)
		}
	case extKey != "":
		ids = slices.Clone(s.contactsByExtKey[extKey])
	default:
		ids, presorted = s.allSorted("contacts", key, desc, len(s.contacts), less), true
	}
	ids = filterIDs(ids, func(id int) bool {
		c := s.contacts[id-1]
		if (accountID != 0 && c.accountID != accountID) || (extKey != "" && c.extKey != extKey) ||
			!eqPtr(active, c.active) || !eqPtr(primary, c.primary) || dyn.active() ||
			(followedBy != 0 && !slices.Contains(c.followerIDs, followedBy)) {
			return false
		}
		if len(typeIDs) > 0 || len(ownerIDs) > 0 {
			a := s.account(c.accountID)
			if a == nil || !inInts(typeIDs, a.typeID) || !inInts(ownerIDs, a.userID) {
				return false
			}
		}
		return likeOpt(cell, c.cellphone) && likeOpt(city, c.city) && likeOpt(email, c.email) && likeOpt(name, c.name) &&
			likeOpt(office, c.officephone) && likeOpt(surname, c.surname) && likeOpt(title, c.title) &&
			(fulltext == "" || containsFold(fulltext, c.name, c.surname, c.email, c.officephone, c.cellphone, c.title, c.idnumber, c.street, c.city, c.zip))
	})
	if !presorted {
		sortIDs(ids, desc, less)
	}
	v := s.page(ids, page, perPage, func(id int) obj { return s.renderContact(s.contacts[id-1]) })
	s.mu.RUnlock()
	s.reply(w, r, http.StatusOK, v)
}

func dateParam(p *params, name string) string {
	v := p.str(name)
	if v == "" {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		p.errs[name] = "time data '" + v + "' does not match format '%Y-%m-%d'"
	}
	return v
}

func (s *Server) listOpportunities(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	page, perPage := p.paging()
	key, desc := p.sorting([]string{"date", "account", "userid"}, "date_asc")
	dyn := p.dynamicFields()
	userID, userIDs := p.int("userid"), p.ints("userids")
	accountID, contactID := p.int("accountid"), p.int("contactid")
	typeIDs, ownerIDs := p.ints("accounttypeids"), p.ints("accountuserids")
	from, to := dateParam(p, "estimated_startdate"), dateParam(p, "estimated_enddate")
	endFrom, endTo := dateParam(p, "actual_startdate"), dateParam(p, "actual_enddate")
	estimateID, estimateIDs := p.int("estimateid"), p.ints("estimateids")
	progressionID, followedBy := p.int("progressionstateid"), p.int("followedby")
	statusID, statusIDs := p.int("statusid"), p.ints("statusids")
	lostID, winID, typeID := p.int("lostreasonid"), p.int("winreasonid"), p.int("typeid")
	closed := p.intPtr("closed", 0, 1)
	description, fulltext := p.str("description"), p.str("fulltext")
	if p.failed(s, w) {
		return
	}
	s.mu.RLock()
	less := func(a, b int) int {
		x, y := s.opps[a-1], s.opps[b-1]
		switch key {
		case "account":
			return strings.Compare(strings.ToLower(s.accounts[x.accountID-1].name), strings.ToLower(s.accounts[y.accountID-1].name))
		case "userid":
			return cmp.Compare(x.userID, y.userID)
		}
		return strings.Compare(x.estimatedEnd, y.estimatedEnd)
	}
	var ids []int
	presorted := false
	switch {
	case accountID != 0:
		ids = slices.Clone(s.oppsByAccount[accountID])
	case contactID != 0:
		ids = slices.Clone(s.oppsByContact[contactID])
	default:
		ids, presorted = s.allSorted("opportunities", key, desc, len(s.opps), less), true
	}
	ids = filterIDs(ids, func(id int) bool {
		o := s.opps[id-1]
		if (accountID != 0 && o.accountID != accountID) || (contactID != 0 && o.contactID != contactID) ||
			(userID != 0 && o.userID != userID) || !inInts(userIDs, o.userID) ||
			(statusID != 0 && o.statusID != statusID) || !inInts(statusIDs, o.statusID) ||
			(lostID != 0 && o.lostReasonID != lostID) || (winID != 0 && o.winReasonID != winID) ||
			(typeID != 0 && o.typeID != typeID) || !eqPtr(closed, o.closed) ||
			(from != "" && o.estimatedEnd < from) || (to != "" && o.estimatedEnd > to) ||
			((endFrom != "" || endTo != "") && o.endDate == "") || (endFrom != "" && o.endDate < endFrom) ||
			(endTo != "" && o.endDate > endTo) || (estimateID != 0 && o.estimateID != estimateID) ||
			(len(estimateIDs) > 0 && !slices.Contains(estimateIDs, o.estimateID)) ||
			(progressionID != 0 && o.progressionStateID != progressionID) ||
			(followedBy != 0 && !slices.Contains(o.followerIDs, followedBy)) || dyn.active() {
			return false
		}
		if len(typeIDs) > 0 || len(ownerIDs) > 0 {
			a := s.accounts[o.accountID-1]
			if !inInts(typeIDs, a.typeID) || !inInts(ownerIDs, a.userID) {
				return false
			}
		}
		return (description == "" || containsFold(description, o.description)) &&
			(fulltext == "" || containsFold(fulltext, o.title, o.description, o.result))
	})
	if !presorted {
		sortIDs(ids, desc, less)
	}
	v := s.page(ids, page, perPage, func(id int) obj { return s.renderOpportunity(s.opps[id-1]) })
	s.mu.RUnlock()
	s.reply(w, r, http.StatusOK, v)
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	page, perPage := p.paging()
	key, desc := p.sorting([]string{"placedate", "deliverydate", "number", "accountid", "externalkey"}, "placedate_desc")
	dyn := p.dynamicFields()
	missions := p.missions("missionids", true)
	accountIDs, statusIDs, userIDs, typeIDs := p.ints("accountids"), p.ints("statusids"), p.ints("userids"), p.ints("typeids")
	ownerIDs, accTypeIDs := p.ints("accountresponsibleids"), p.ints("accounttypeids")
	oppID, contactID := p.int("opportunityid"), p.int("contactid")
	extKey, altNumber, number, fulltext := p.str("externalkey"), p.str("altnumber"), p.str("number"), p.str("fulltext")
	from, to := dateParam(p, "datespan_start"), dateParam(p, "datespan_end")
	if p.failed(s, w) {
		return
	}
	s.mu.RLock()
	less := func(a, b int) int {
		x, y := s.orders[a-1], s.orders[b-1]
		switch key {
		case "deliverydate":
			return x.delivery.Compare(y.delivery)
		case "number":
			return cmp.Compare(x.id, y.id)
		case "accountid":
			return cmp.Compare(x.accountID, y.accountID)
		case "externalkey":
			return strings.Compare(x.extKey, y.extKey)
		}
		return x.placed.Compare(y.placed)
	}
	var ids []int
	presorted := false
	switch {
	case len(accountIDs) > 0:
		ids = union(s.ordersByAcc, accountIDs)
	case contactID != 0:
		ids = slices.Clone(s.ordersByContact[contactID])
	case oppID != 0:
		ids = slices.Clone(s.ordersByOpp[oppID])
	default:
		ids, presorted = s.allSorted("orders", key, desc, len(s.orders), less), true
	}
	ids = filterIDs(ids, func(id int) bool {
		o := s.orders[id-1]
		if !inInts(accountIDs, o.accountID) || (contactID != 0 && o.contactID != contactID) ||
			(oppID != 0 && o.opportunityID != oppID) || !inInts(statusIDs, o.statusID) || !inInts(userIDs, o.userID) ||
			!inInts(typeIDs, o.typeID) || (extKey != "" && o.extKey != extKey) ||
			(altNumber != "" && o.alternateID != altNumber) || (number != "" && strconv.Itoa(o.id) != number) ||
			dyn.active() || missions {
			return false
		}
		placed := o.placed.Format(time.DateOnly)
		if (from != "" && placed < from) || (to != "" && placed > to) {
			return false
		}
		if len(ownerIDs) > 0 || len(accTypeIDs) > 0 {
			a := s.accounts[o.accountID-1]
			if !inInts(ownerIDs, a.userID) || !inInts(accTypeIDs, a.typeID) {
				return false
			}
		}
		return fulltext == "" || containsFold(fulltext, o.internalComment, o.externalComment)
	})
	if !presorted {
		sortIDs(ids, desc, less)
	}
	v := s.page(ids, page, perPage, func(id int) obj { return s.renderOrder(s.orders[id-1]) })
	s.mu.RUnlock()
	s.reply(w, r, http.StatusOK, v)
}

func (s *Server) listLeads(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	page, perPage := p.paging()
	key, desc := p.sorting([]string{"age", "statusid", "userid", "sourceid", "value"}, "age_desc")
	dyn := p.dynamicFields()
	created := dateParam(p, "created")
	status, source, rating := p.intPtr("status"), p.intPtr("source"), p.intPtr("rating")
	userID, userIDs := p.int("userid"), p.ints("userids")
	fulltext := p.str("fulltext")
	if p.failed(s, w) {
		return
	}
	s.mu.RLock()
	less := func(a, b int) int {
		x, y := s.leads[a-1], s.leads[b-1]
		switch key {
		case "statusid":
			return cmp.Compare(x.statusID, y.statusID)
		case "userid":
			return cmp.Compare(x.userID, y.userID)
		case "sourceid":
			return cmp.Compare(x.sourceID, y.sourceID)
		case "value":
			return orZero(x.value).Cmp(orZero(y.value))
		}
		return y.created.Compare(x.created) // age grows as created goes back
	}
	ids := s.allSorted("leads", key, desc, len(s.leads), less)
	ids = filterIDs(ids, func(id int) bool {
		l := s.leads[id-1]
		return !dyn.active() && (created == "" || l.created.Format(time.DateOnly) == created) && eqPtr(status, l.statusID) &&
			eqPtr(source, l.sourceID) && eqPtr(rating, l.rating) && (userID == 0 || l.userID == userID) &&
			inInts(userIDs, l.userID) &&
			(fulltext == "" || containsFold(fulltext, l.title, l.description, l.cName, l.cSurname, l.cCompany, l.cEmail))
	})
	v := s.page(ids, page, perPage, func(id int) obj { return s.renderLead(s.leads[id-1]) })
	s.mu.RUnlock()
	s.reply(w, r, http.StatusOK, v)
}

// userCode is the sandbox's external system code of a user (the `code` filter).
func userCode(id int) string { return "S" + strconv.Itoa(1000+id) }

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	page, perPage := p.paging()
	key, desc := p.sorting([]string{"name", "active", "surname"}, "name_asc")
	active := p.intPtr("active", 0, 1)
	code, fulltext := p.str("code"), p.str("fulltext")
	if p.failed(s, w) {
		return
	}
	s.mu.RLock()
	ids := filterIDs(seqIDs(len(s.users)), func(id int) bool {
		u := s.users[id-1]
		return eqPtr(active, u.active) && (code == "" || userCode(id) == code) &&
			(fulltext == "" || containsFold(fulltext, u.name, u.surname, u.email))
	})
	sortIDs(ids, desc, func(a, b int) int {
		x, y := s.users[a-1], s.users[b-1]
		switch key {
		case "active":
			return cmp.Compare(x.active, y.active)
		case "surname":
			return strings.Compare(x.surname, y.surname)
		}
		return strings.Compare(x.name, y.name)
	})
	v := s.page(ids, page, perPage, func(id int) obj { return s.renderUser(s.users[id-1]) })
	s.mu.RUnlock()
	s.reply(w, r, http.StatusOK, v)
}

package cirrus

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestListFilters checks every filter the seed documents on the lists the sandbox
// serves: the filter gives the total the seed's meaning of it gives over the sandbox's
// records (and, unless the seed says it asks for nothing, a different one than the
// unfiltered list), or the request is refused with a 400 naming the parameter.
func TestListFilters(t *testing.T) {
	s := newServer(t)
	// Data only writes reach: a delivery city differing from the postal one, a cell
	// phone, an opportunity's actual end date and estimate, an order's external key.
	acc := s.accounts[2]
	put := func(target, body string) {
		t.Helper()
		if r := call(t, s, "PUT", target, nil, body); r.code != 200 {
			t.Fatalf("PUT %s: %d %s", target, r.code, r.raw)
		}
	}
	put("/accounts/"+itoa(acc.id), `{"cellphone": "+46 70 9990001", "addresses": {"delivery": {"city": "Kiruna"}}}`)
	put("/opportunities/7", oppBody(s, 7, `"enddate": "2026-03-15", "estimateid": 3`))
	put("/orders/9", `{"externalkey": "ERP-9"}`)

	var (
		a0 = s.accounts[0]
		c0 = s.contacts[0]
		o0 = s.opps[0]
		r0 = s.orders[0]
		l0 = s.leads[0]
	)
	followedAcc := firstWhere(s.accounts, func(a *account) bool { return len(a.followerIDs) > 0 })
	follower := followedAcc.followerIDs[0]
	closedOpp := firstWhere(s.opps, func(o *opportunity) bool { return o.lostReasonID != 0 })
	wonOpp := firstWhere(s.opps, func(o *opportunity) bool { return o.winReasonID != 0 })
	linkedOrder := firstWhere(s.orders, func(o *order) bool { return o.opportunityID != 0 })
	commented := firstWhere(s.orders, func(o *order) bool { return o.internalComment != "" })

	activeAcc := func(keep func(a *account) bool) func() int {
		return func() int { return count(s.accounts, func(a *account) bool { return a.active == 1 && keep(a) }) }
	}
	anyAcc := func(keep func(a *account) bool) func() int { return func() int { return count(s.accounts, keep) } }
	con := func(keep func(c *contact) bool) func() int { return func() int { return count(s.contacts, keep) } }
	opp := func(keep func(o *opportunity) bool) func() int { return func() int { return count(s.opps, keep) } }
	ord := func(keep func(o *order) bool) func() int { return func() int { return count(s.orders, keep) } }
	led := func(keep func(l *lead) bool) func() int { return func() int { return count(s.leads, keep) } }
	usr := func(keep func(u *user) bool) func() int { return func() int { return count(s.users, keep) } }
	none := func() int { return 0 }
	accountOf := func(id int) *account { return s.accounts[id-1] }
	prefix := func(v string) string { return url.QueryEscape(v[:min(4, len(v))] + "%") }
	ids := func(xs ...int) string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = strconv.Itoa(x)
		}
		return strings.Join(out, ",")
	}

	tests := []struct {
		name, path, query string
		want              func() int
		same              bool   // the seed says this asks for nothing: the unfiltered total
		refused           string // a 400 on this parameter
	}{
		// accounts #1 (L127-161)
		{name: "accounts userid", path: "/accounts", query: "userid=" + itoa(a0.userID), want: activeAcc(func(a *account) bool { return a.userID == a0.userID })},
		{name: "accounts userids", path: "/accounts", query: "userids=" + ids(a0.userID, 3), want: activeAcc(func(a *account) bool { return a.userID == a0.userID || a.userID == 3 })},
		{name: "accounts accountnumber", path: "/accounts", query: "accountnumber=" + a0.number, want: activeAcc(func(a *account) bool { return a.number == a0.number })},
		{name: "accounts typeid", path: "/accounts", query: "typeid=2", want: activeAcc(func(a *account) bool { return a.typeID == 2 })},
		{name: "accounts typeids", path: "/accounts", query: "typeids=1,3", want: activeAcc(func(a *account) bool { return a.typeID == 1 || a.typeID == 3 })},
		{name: "accounts active=0", path: "/accounts", query: "active=0", want: anyAcc(func(a *account) bool { return a.active == 0 })},
		{name: "accounts active=2", path: "/accounts", query: "active=2", want: anyAcc(func(*account) bool { return true })},
		{name: "accounts active=3", path: "/accounts", query: "active=3", refused: "active"},
		{name: "accounts name", path: "/accounts", query: "name=" + prefix(a0.name), want: activeAcc(func(a *account) bool { return like(a0.name[:4]+"%", a.name) })},
		{name: "accounts nearto Stockholm 50 km", path: "/accounts", query: "nearto=" + url.QueryEscape("{59.3293, 18.0686}") + "&distance=50",
			want: activeAcc(func(a *account) bool { return a.addresses[visiting].city == "Stockholm" })},
		{name: "accounts nearto without distance", path: "/accounts", query: "nearto=59.3,18.0", refused: "nearto"},
		{name: "accounts nearto malformed", path: "/accounts", query: "nearto=north&distance=5", refused: "nearto"},
		{name: "accounts distance malformed", path: "/accounts", query: "nearto=59.3,18.0&distance=far", refused: "distance"},
		{name: "accounts postal_city", path: "/accounts", query: "postal_city=Oslo", want: activeAcc(func(a *account) bool { return a.addresses[postal].city == "Oslo" })},
		{name: "accounts postal_city is the postal address", path: "/accounts", query: "postal_city=Kiruna", want: none},
		{name: "accounts deliveryaddress_city", path: "/accounts", query: "active=2&deliveryaddress_city=Kiruna", want: func() int { return 1 }},
		{name: "accounts visitingaddress_city", path: "/accounts", query: "visitingaddress_city=Berlin", want: activeAcc(func(a *account) bool { return a.addresses[visiting].city == "Berlin" })},
		{name: "accounts invoiceaddress_city", path: "/accounts", query: "invoiceaddress_city=Lyon", want: activeAcc(func(a *account) bool { return a.addresses[invoice].city == "Lyon" })},
		{name: "accounts postal_street", path: "/accounts", query: "postal_street=Storgatan%25", want: activeAcc(func(a *account) bool { return strings.HasPrefix(a.addresses[postal].street, "Storgatan") })},
		{name: "accounts phone", path: "/accounts", query: "phone=" + prefix(a0.phone), want: activeAcc(func(a *account) bool { return like(a0.phone[:4]+"%", a.phone) })},
		{name: "accounts cellphone", path: "/accounts", query: "active=2&cellphone=%2B46+70+999%25", want: func() int { return 1 }},
		{name: "accounts vatno", path: "/accounts", query: "vatno=" + a0.vatno, want: activeAcc(func(a *account) bool { return a.vatno == a0.vatno })},
		{name: "accounts externalkey", path: "/accounts", query: "active=2&externalkey=" + firstWhere(s.accounts, func(a *account) bool { return a.extKey != "" }).extKey, want: func() int { return 1 }},
		{name: "accounts followedby", path: "/accounts", query: "followedby=" + itoa(follower), want: activeAcc(func(a *account) bool { return slices.Contains(a.followerIDs, follower) })},
		{name: "accounts missionid", path: "/accounts", query: "missionid=1", want: none},
		{name: "accounts missionresult", path: "/accounts", query: "missionid=1&missionresult=1", want: none},
		{name: "accounts missionresult out of its enum", path: "/accounts", query: "missionresult=2", refused: "missionresult"},
		{name: "accounts activity=1", path: "/accounts", query: "activity=1", want: none},
		{name: "accounts activity=0 asks for nothing", path: "/accounts", query: "activity=0", same: true},
		{name: "accounts activity_user only with activity=1", path: "/accounts", query: "activity_user=3", same: true},
		{name: "accounts activity with predicates", path: "/accounts", query: "activity=1&activity_user=3&activity_closed=0&activity_type=2", want: none},
		{name: "accounts activity_closed out of its enum", path: "/accounts", query: "activity=1&activity_closed=4", refused: "activity_closed"},
		{name: "accounts activity_type malformed", path: "/accounts", query: "activity=1&activity_type=call", refused: "activity_type"},
		{name: "accounts fulltext on an address", path: "/accounts", query: "active=2&fulltext=Kiruna", want: func() int { return 1 }},
		{name: "accounts fulltext", path: "/accounts", query: "fulltext=" + url.QueryEscape(a0.name), want: activeAcc(func(a *account) bool { return containsFold(a0.name, a.name) })},
		{name: "accounts dynamic field", path: "/accounts", query: "dynamicfield_id=1&dynamicfield_val=x", want: none},
		{name: "accounts dynamic field unpaired", path: "/accounts", query: "dynamicfield_id=1", refused: "dynamicfield_id"},
		{name: "accounts dynamic field id malformed", path: "/accounts", query: "dynamicfield_id=a&dynamicfield_val=x", refused: "dynamicfield_id"},
		{name: "accounts sorting unknown", path: "/accounts", query: "sorting=city_asc", refused: "sorting"},

		// contacts #52 (L2315-2345)
		{name: "contacts accountid", path: "/contacts", query: "accountid=1", want: con(func(c *contact) bool { return c.accountID == 1 })},
		{name: "contacts accounttypeids", path: "/contacts", query: "accounttypeids=2", want: con(func(c *contact) bool { return accountOf(c.accountID).typeID == 2 })},
		{name: "contacts accountuserids", path: "/contacts", query: "accountuserids=" + itoa(a0.userID), want: con(func(c *contact) bool { return accountOf(c.accountID).userID == a0.userID })},
		{name: "contacts active=0", path: "/contacts", query: "active=0", want: con(func(c *contact) bool { return c.active == 0 })},
		{name: "contacts cellphone", path: "/contacts", query: "cellphone=" + prefix(c0.cellphone), want: con(func(c *contact) bool { return like(c0.cellphone[:4]+"%", c.cellphone) })},
		{name: "contacts city", path: "/contacts", query: "city=" + url.QueryEscape(c0.city), want: con(func(c *contact) bool { return strings.EqualFold(c.city, c0.city) })},
		{name: "contacts email", path: "/contacts", query: "email=" + url.QueryEscape(c0.email), want: con(func(c *contact) bool { return strings.EqualFold(c.email, c0.email) })},
		{name: "contacts externalkey", path: "/contacts", query: "externalkey=" + firstWhere(s.contacts, func(c *contact) bool { return c.extKey != "" }).extKey, want: func() int { return 1 }},
		{name: "contacts followedby", path: "/contacts", query: "followedby=" + itoa(a0.userID), want: con(func(c *contact) bool { return slices.Contains(c.followerIDs, a0.userID) })},
		{name: "contacts fulltext", path: "/contacts", query: "fulltext=" + url.QueryEscape(c0.surname), want: con(func(c *contact) bool {
			return containsFold(c0.surname, c.name, c.surname, c.email, c.officephone, c.cellphone, c.title, c.idnumber, c.street, c.city, c.zip)
		})},
		{name: "contacts name", path: "/contacts", query: "name=" + url.QueryEscape(c0.name), want: con(func(c *contact) bool { return strings.EqualFold(c.name, c0.name) })},
		{name: "contacts officephone", path: "/contacts", query: "officephone=" + prefix(c0.officephone), want: con(func(c *contact) bool { return like(c0.officephone[:4]+"%", c.officephone) })},
		{name: "contacts surname", path: "/contacts", query: "surname=" + url.QueryEscape(c0.surname), want: con(func(c *contact) bool { return strings.EqualFold(c.surname, c0.surname) })},
		{name: "contacts title", path: "/contacts", query: "title=CEO", want: con(func(c *contact) bool { return c.title == "CEO" })},
		{name: "contacts primarycontact", path: "/contacts", query: "primarycontact=1", want: con(func(c *contact) bool { return c.primary == 1 })},
		{name: "contacts dynamic field", path: "/contacts", query: "dynamicfield_id=4&dynamicfield_val=x", want: none},
		{name: "contacts dynamic field unpaired", path: "/contacts", query: "dynamicfield_val=x", refused: "dynamicfield_id"},

		// opportunities #91 (L4313-4342)
		{name: "opportunities userid", path: "/opportunities", query: "userid=" + itoa(o0.userID), want: opp(func(o *opportunity) bool { return o.userID == o0.userID })},
		{name: "opportunities userids", path: "/opportunities", query: "userids=" + ids(o0.userID, 2), want: opp(func(o *opportunity) bool { return o.userID == o0.userID || o.userID == 2 })},
		{name: "opportunities accountid", path: "/opportunities", query: "accountid=" + itoa(o0.accountID), want: opp(func(o *opportunity) bool { return o.accountID == o0.accountID })},
		{name: "opportunities accounttypeids", path: "/opportunities", query: "accounttypeids=1", want: opp(func(o *opportunity) bool { return accountOf(o.accountID).typeID == 1 })},
		{name: "opportunities accountuserids", path: "/opportunities", query: "accountuserids=2", want: opp(func(o *opportunity) bool { return accountOf(o.accountID).userID == 2 })},
		{name: "opportunities estimated_startdate", path: "/opportunities", query: "estimated_startdate=2026-06-01", want: opp(func(o *opportunity) bool { return o.estimatedEnd >= "2026-06-01" })},
		{name: "opportunities estimated_enddate", path: "/opportunities", query: "estimated_enddate=2026-06-01", want: opp(func(o *opportunity) bool { return o.estimatedEnd <= "2026-06-01" })},
		{name: "opportunities estimated date malformed", path: "/opportunities", query: "estimated_enddate=June", refused: "estimated_enddate"},
		{name: "opportunities actual_startdate", path: "/opportunities", query: "actual_startdate=2026-03-01", want: func() int { return 1 }},
		{name: "opportunities actual_enddate", path: "/opportunities", query: "actual_enddate=2026-03-14", want: none},
		{name: "opportunities actual span", path: "/opportunities", query: "actual_startdate=2026-03-15&actual_enddate=2026-03-15", want: func() int { return 1 }},
		{name: "opportunities statusid", path: "/opportunities", query: "statusid=2", want: opp(func(o *opportunity) bool { return o.statusID == 2 })},
		{name: "opportunities statusids", path: "/opportunities", query: "statusids=2,3", want: opp(func(o *opportunity) bool { return o.statusID == 2 || o.statusID == 3 })},
		{name: "opportunities estimateid", path: "/opportunities", query: "estimateid=3", want: func() int { return 1 }},
		{name: "opportunities estimateids", path: "/opportunities", query: "estimateids=1,3", want: func() int { return 1 }},
		{name: "opportunities lostreasonid", path: "/opportunities", query: "lostreasonid=" + itoa(closedOpp.lostReasonID), want: opp(func(o *opportunity) bool { return o.lostReasonID == closedOpp.lostReasonID })},
		{name: "opportunities winreasonid", path: "/opportunities", query: "winreasonid=" + itoa(wonOpp.winReasonID), want: opp(func(o *opportunity) bool { return o.winReasonID == wonOpp.winReasonID })},
		{name: "opportunities contactid", path: "/opportunities", query: "contactid=" + itoa(o0.contactID), want: opp(func(o *opportunity) bool { return o.contactID == o0.contactID })},
		{name: "opportunities typeid", path: "/opportunities", query: "typeid=2", want: opp(func(o *opportunity) bool { return o.typeID == 2 })},
		{name: "opportunities closed", path: "/opportunities", query: "closed=1", want: opp(func(o *opportunity) bool { return o.closed == 1 })},
		{name: "opportunities progressionstateid", path: "/opportunities", query: "progressionstateid=1", want: none},
		{name: "opportunities description", path: "/opportunities", query: "description=" + url.QueryEscape(o0.description), want: opp(func(o *opportunity) bool { return containsFold(o0.description, o.description) })},
		{name: "opportunities followedby", path: "/opportunities", query: "followedby=" + itoa(follower), want: opp(func(o *opportunity) bool { return slices.Contains(o.followerIDs, follower) })},
		{name: "opportunities fulltext", path: "/opportunities", query: "fulltext=Pilot", want: opp(func(o *opportunity) bool { return containsFold("Pilot", o.title, o.description, o.result) })},
		{name: "opportunities dynamic field", path: "/opportunities", query: "dynamicfield_id=2&dynamicfield_val=y", want: none},

		// orders #104 (L5079-5104)
		{name: "orders number", path: "/orders", query: "number=" + itoa(r0.id), want: func() int { return 1 }},
		{name: "orders altnumber", path: "/orders", query: "altnumber=" + r0.alternateID, want: func() int { return 1 }},
		{name: "orders externalkey", path: "/orders", query: "externalkey=ERP-9", want: func() int { return 1 }},
		{name: "orders accountids", path: "/orders", query: "accountids=" + ids(r0.accountID, 2), want: ord(func(o *order) bool { return o.accountID == r0.accountID || o.accountID == 2 })},
		{name: "orders statusids", path: "/orders", query: "statusids=1", want: ord(func(o *order) bool { return o.statusID == 1 })},
		{name: "orders opportunityid", path: "/orders", query: "opportunityid=" + itoa(linkedOrder.opportunityID), want: ord(func(o *order) bool { return o.opportunityID == linkedOrder.opportunityID })},
		{name: "orders contactid", path: "/orders", query: "contactid=" + itoa(r0.contactID), want: ord(func(o *order) bool { return o.contactID == r0.contactID })},
		{name: "orders userids", path: "/orders", query: "userids=" + itoa(r0.userID), want: ord(func(o *order) bool { return o.userID == r0.userID })},
		{name: "orders missionids", path: "/orders", query: "missionids=1,2", want: none},
		{name: "orders missionresult", path: "/orders", query: "missionresult=0", want: none},
		{name: "orders missionids malformed", path: "/orders", query: "missionids=x", refused: "missionids"},
		{name: "orders datespan_start", path: "/orders", query: "datespan_start=2026-01-01", want: ord(func(o *order) bool { return !o.placed.Before(day(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))) })},
		{name: "orders datespan_end", path: "/orders", query: "datespan_end=2025-01-01", want: ord(func(o *order) bool { return !o.placed.After(day(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))) })},
		{name: "orders fulltext", path: "/orders", query: "fulltext=" + url.QueryEscape(commented.internalComment), want: ord(func(o *order) bool {
			return containsFold(commented.internalComment, o.internalComment, o.externalComment)
		})},
		{name: "orders typeids", path: "/orders", query: "typeids=2", want: ord(func(o *order) bool { return o.typeID == 2 })},
		{name: "orders accountresponsibleids", path: "/orders", query: "accountresponsibleids=" + itoa(a0.userID), want: ord(func(o *order) bool { return accountOf(o.accountID).userID == a0.userID })},
		{name: "orders accounttypeids", path: "/orders", query: "accounttypeids=3", want: ord(func(o *order) bool { return accountOf(o.accountID).typeID == 3 })},
		{name: "orders dynamic field", path: "/orders", query: "dynamicfield_id=1&dynamicfield_val=x", want: none},

		// leads #87 (L3994-4010)
		{name: "leads created", path: "/leads", query: "created=" + l0.created.Format(time.DateOnly), want: led(func(l *lead) bool { return l.created.Format(time.DateOnly) == l0.created.Format(time.DateOnly) })},
		{name: "leads status", path: "/leads", query: "status=2", want: led(func(l *lead) bool { return l.statusID == 2 })},
		{name: "leads source", path: "/leads", query: "source=3", want: led(func(l *lead) bool { return l.sourceID == 3 })},
		{name: "leads rating", path: "/leads", query: "rating=5", want: led(func(l *lead) bool { return l.rating == 5 })},
		{name: "leads fulltext", path: "/leads", query: "fulltext=" + url.QueryEscape(l0.cCompany), want: led(func(l *lead) bool {
			return containsFold(l0.cCompany, l.title, l.description, l.cName, l.cSurname, l.cCompany, l.cEmail)
		})},
		{name: "leads userid", path: "/leads", query: "userid=" + itoa(l0.userID), want: led(func(l *lead) bool { return l.userID == l0.userID })},
		{name: "leads userids", path: "/leads", query: "userids=" + ids(l0.userID, 1), want: led(func(l *lead) bool { return l.userID == l0.userID || l.userID == 1 })},
		{name: "leads dynamic field", path: "/leads", query: "dynamicfield_id=1&dynamicfield_val=x", want: none},

		// users #133 (L6601-6606)
		{name: "users active", path: "/users", query: "active=0", want: usr(func(u *user) bool { return u.active == 0 })},
		{name: "users code", path: "/users", query: "code=" + userCode(3), want: func() int { return 1 }},
		{name: "users fulltext", path: "/users", query: "fulltext=" + url.QueryEscape(s.users[0].surname), want: usr(func(u *user) bool {
			return containsFold(s.users[0].surname, u.name, u.surname, u.email)
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, s, "GET", tt.path+"?per_page=1&"+tt.query, nil, "")
			if tt.refused != "" {
				if r.code != 400 {
					t.Fatalf("status %d, want 400: %s", r.code, r.raw)
				}
				wantFieldError(tt.refused)(t, r)
				return
			}
			if r.code != 200 {
				t.Fatalf("status %d: %s", r.code, r.raw)
			}
			total := int(at(r.body, "total").(float64))
			unfiltered := int(at(call(t, s, "GET", tt.path+"?per_page=1", nil, "").body, "total").(float64))
			switch {
			case tt.same:
				if total != unfiltered {
					t.Fatalf("total %d, want the unfiltered %d", total, unfiltered)
				}
			case total != tt.want():
				t.Fatalf("total %d, want %d", total, tt.want())
			case total == unfiltered:
				t.Fatalf("total %d is the unfiltered total: the filter did nothing", total)
			}
		})
	}
}

func count[T any](xs []*T, keep func(*T) bool) int {
	n := 0
	for _, x := range xs {
		if keep(x) {
			n++
		}
	}
	return n
}

func firstWhere[T any](xs []*T, keep func(*T) bool) *T {
	for _, x := range xs {
		if keep(x) {
			return x
		}
	}
	panic("no record matches")
}

// oppBody is a PUT body for opportunity id: the fields the API requires on every PUT,
// from the stored record, plus extra.
func oppBody(s *Server, id int, extra string) string {
	o := s.opps[id-1]
	return `{"accountid": ` + itoa(o.accountID) + `, "contactid": ` + itoa(o.contactID) + `, "title": ` + strconv.Quote(o.title) +
		`, "description": ` + strconv.Quote(o.description) + `, "userid": ` + itoa(o.userID) + `, "statusid": ` + itoa(o.statusID) +
		`, "estimatedenddate": "` + o.estimatedEnd + `", "typeid": ` + itoa(o.typeID) + `, ` + extra + `}`
}

package clientdata

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"crmgraph/backends/sandbox/dataset"
)

// contact is one client-data contact. details are kept flat (schema path → value)
// and nested only on output, which keeps diffs, paths filters and approval simple.
type contact struct {
	id          int32
	uid         string
	typeID      int32
	company     int // index into World.Companies, -1 when created through the API
	owner       int // user index with direct access, -1 for none (created by the app)
	username    string
	coupled     bool // username is the primary email
	details     map[string]string
	pending     map[string]*pendingChannel // channel ("Email", "Mobile") → pending value
	connections []connection
	picture     string // base64 PNG, "" for the default image
	history     []*historyEntry
	pendingCR   *changeRequest
}

type pendingChannel struct {
	value    string
	issued   int
	attempts int
}

type connection struct{ system, externalID string }

type member struct {
	uid, name string
	user      int // -1 for the app
}

type detail struct {
	path, original, target string
	approval               bool
}

type changeRequest struct {
	id, contactID    int32
	uid              string
	status           int32
	createDate       time.Time
	initiator        member
	initiatorComment *string
	reviewDate       *time.Time
	reviewer         *member
	reviewComment    *string
	details          []detail
}

type historyEntry struct {
	changeSet int32
	initiator member
	executed  time.Time
	details   []detail
}

func (s *Server) member(user int) member {
	if user < 0 {
		return member{uid: s.w.UUID("clientdata-app", 0), name: "API application", user: -1}
	}
	u := s.w.Users[user]
	return member{uid: u.MemberID, name: u.Name(), user: user}
}

func (c *contact) name() string { return c.details[pathDisplayName] }

func (s *Server) generate() {
	s.contacts = map[int32]*contact{}
	s.byUID = map[string]*contact{}
	s.external = map[string]*contact{}
	s.externalIDs = map[string]*contact{}
	s.usernames = map[string]*contact{}
	s.crs = map[int32]*changeRequest{}
	s.crsByContact = map[int32][]*changeRequest{}

	r := s.w.Rand("clientdata-contacts")
	var order []*contact
	for i := range s.w.People {
		p := &s.w.People[i]
		if p.ClientDataID == 0 {
			continue
		}
		co := &s.w.Companies[p.CompanyIndex]
		c := &contact{
			id: p.ClientDataID, uid: p.ClientDataUUID, typeID: 1 + int32(r.IntN(2)),
			company: p.CompanyIndex, owner: co.OwnerUser, pending: map[string]*pendingChannel{},
			details: map[string]string{
				pathFirstName:   p.FirstName,
				pathLastName:    p.LastName,
				pathDisplayName: p.Name(),
				pathBirthDate:   p.BirthDate.Format(time.DateOnly),
				pathLanguage:    strings.SplitN(p.Language, "-", 2)[0],
				pathCompany:     co.Name,
				pathJobTitle:    p.Title,
				pathEmail:       p.Email,
				pathPhone:       p.Phone,
				pathMobile:      p.Mobile,
				pathStreet:      p.Street,
				pathPostalCode:  p.PostalCode,
				pathCity:        p.City,
				pathCountry:     p.Country,
			},
		}
		if r.IntN(4) != 0 && s.usernames[strings.ToLower(p.Email)] == nil {
			c.username, c.coupled = p.Email, true
		} else {
			c.username = fmt.Sprintf("%s.%d", strings.ToLower(strings.Fields(p.FirstName)[0]), c.id)
		}
		s.usernames[strings.ToLower(c.username)] = c
		s.link(c, "Default", fmt.Sprintf("DFS-%06d", c.id))
		if p.CirrusID != 0 {
			s.link(c, "CIRRUS", fmt.Sprint(p.CirrusID))
		}
		if p.SupportID != "" {
			s.link(c, "SUPPORT", p.SupportID)
		}
		s.contacts[c.id], s.byUID[c.uid] = c, c
		s.nextContactID = max(s.nextContactID, c.id)
		order = append(order, c)
	}
	s.generateChangeRequests(order)
}

func (s *Server) link(c *contact, system, externalID string) {
	c.connections = append(c.connections, connection{system, externalID})
	s.external[strings.ToUpper(system)+"\x00"+externalID] = c
	s.externalIDs[externalID] = c
}

// generateChangeRequests gives each contact a history of reviewed or cancelled change
// requests and about a third of them one pending request. The history is built
// backwards from the current details, so an approved request's target value is what
// the contact holds afterwards and the change history agrees with it.
func (s *Server) generateChangeRequests(order []*contact) {
	r := s.w.Rand("clientdata-change-requests")
	var all []*changeRequest
	for _, c := range order {
		n := r.IntN(4)
		times := make([]time.Time, n)
		for i := range times {
			times[i] = dataset.Epoch.Add(-time.Duration(30*24+r.IntN(670*24)) * time.Hour).Add(time.Duration(r.IntN(3600)) * time.Second)
		}
		sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
		cur := map[string]string{}
		for k, v := range c.details {
			cur[k] = v
		}
		crs := make([]*changeRequest, n)
		for i := n - 1; i >= 0; i-- {
			status := []int32{statusApproved, statusRejected, statusCancelled}[r.IntN(3)]
			cr := s.generatedCR(r, c, times[i], status)
			for _, path := range changeSets[r.IntN(len(changeSets))] {
				d := detail{path: path, approval: needsApproval(path)}
				if status == statusApproved {
					d.target, d.original = cur[path], alternative(r, path, cur[path])
					cur[path] = d.original
				} else {
					d.original, d.target = cur[path], alternative(r, path, cur[path])
				}
				cr.details = append(cr.details, d)
			}
			crs[i] = cr
		}
		if r.IntN(100) < 35 {
			at := dataset.Epoch.Add(-time.Duration(1+r.IntN(25*24)) * time.Hour)
			cr := s.generatedCR(r, c, at, statusPending)
			for _, path := range changeSets[r.IntN(len(changeSets))] {
				cr.details = append(cr.details, detail{path: path, original: c.details[path],
					target: alternative(r, path, c.details[path]), approval: needsApproval(path)})
			}
			crs = append(crs, cr)
			c.pendingCR = cr
		}
		all = append(all, crs...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].createDate.Before(all[j].createDate) })
	var approved []*changeRequest
	for _, cr := range all {
		s.nextCRID++
		cr.id, cr.uid = s.nextCRID, s.w.UUID("clientdata-change-request", int(s.nextCRID))
		s.index(cr)
		if cr.status == statusApproved {
			approved = append(approved, cr)
		}
	}
	sort.SliceStable(approved, func(i, j int) bool { return approved[i].reviewDate.Before(*approved[j].reviewDate) })
	for _, cr := range approved {
		s.record(s.contacts[cr.contactID], cr.initiator, *cr.reviewDate, cr.details)
	}
}

func (s *Server) generatedCR(r *rand.Rand, c *contact, at time.Time, status int32) *changeRequest {
	initiator := r.IntN(len(s.w.Users))
	cr := &changeRequest{contactID: c.id, status: status, createDate: at, initiator: s.member(initiator)}
	if r.IntN(3) != 0 {
		cr.initiatorComment = ptr(initiatorComments[r.IntN(len(initiatorComments))])
	}
	if status == statusApproved || status == statusRejected {
		reviewer := (initiator + 1 + r.IntN(len(s.w.Users)-1)) % len(s.w.Users)
		m := s.member(reviewer)
		at := at.Add(time.Duration(1+r.IntN(96)) * time.Hour)
		cr.reviewer, cr.reviewDate = &m, &at
		comments := approveComments
		if status == statusRejected {
			comments = rejectComments
		}
		cr.reviewComment = ptr(comments[r.IntN(len(comments))])
	}
	return cr
}

func (s *Server) index(cr *changeRequest) {
	s.crs[cr.id] = cr
	s.crsByContact[cr.contactID] = append(s.crsByContact[cr.contactID], cr)
	s.allCRs = append(s.allCRs, cr)
}

// record appends a change-history submission.
func (s *Server) record(c *contact, by member, at time.Time, details []detail) {
	s.nextChangeSet++
	c.history = append(c.history, &historyEntry{changeSet: s.nextChangeSet, initiator: by, executed: at, details: details})
}

// apply writes target values and keeps the derived display name in step.
func (c *contact) apply(details []detail) {
	for _, d := range details {
		c.details[d.path] = d.target
	}
	c.details[pathDisplayName] = strings.TrimSpace(c.details[pathFirstName] + " " + c.details[pathLastName])
}

func ptr[T any](v T) *T { return &v }

// changeSets are the field groups a generated change request touches.
var changeSets = [][]string{
	{pathLastName},
	{pathFirstName, pathLastName},
	{pathBirthDate},
	{pathStreet, pathPostalCode, pathCity},
	{pathStreet, pathPostalCode, pathCity, pathCountry},
	{pathLastName, pathJobTitle},
}

func alternative(r *rand.Rand, path, current string) string {
	var pool []string
	switch path {
	case pathFirstName:
		pool = []string{"Alexandra", "Benjamin", "Caroline", "David", "Eva", "Filip", "Greta", "Hannes"}
	case pathLastName:
		pool = []string{"Åkesson", "Blom", "Dahl", "Forsberg", "Hedlund", "Lindgren", "Moreau", "Wagner"}
	case pathBirthDate:
		if t, err := time.Parse(time.DateOnly, current); err == nil {
			return t.AddDate(0, 0, 1+r.IntN(400)).Format(time.DateOnly)
		}
		return "1980-01-01"
	case pathStreet:
		return fmt.Sprintf("%s %d", []string{"Birkagatan", "Odengatan", "Götgatan", "Ringvägen", "Lindenstraße"}[r.IntN(5)], 1+r.IntN(90))
	case pathPostalCode:
		return fmt.Sprintf("%03d %02d", 100+r.IntN(900), r.IntN(100))
	case pathCity:
		pool = []string{"Västerås", "Lund", "Umeå", "Trondheim", "Odense", "Köln", "Nantes"}
	case pathCountry:
		pool = []string{"SE", "NO", "DK", "FI", "DE", "FR"}
	case pathJobTitle:
		pool = []string{"Head of Finance", "COO", "Procurement Lead", "Operations Manager"}
	default:
		return current + " (new)"
	}
	v := pool[r.IntN(len(pool))]
	if v == current {
		v = pool[(r.IntN(len(pool)-1)+1+indexOf(pool, v))%len(pool)]
	}
	return v
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return 0
}

var initiatorComments = []string{"Customer reported a new address by phone", "Name change after marriage",
	"Corrected typo reported by the client", "Update from signed KYC form", "Client moved abroad"}
var approveComments = []string{"Verified against ID document", "Approved", "Checked with the client"}
var rejectComments = []string{"Supporting document missing", "Does not match the KYC file", "Duplicate request"}

package cone

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"crmgraph/backends/sandbox/dataset"
)

// Sizes of the generated ConeCRM data.
const (
	numLeads      = 1800
	numStages     = 13
	numSources    = 6
	numFranchises = 3
)

// Stage names: a car dealership's sales pipeline (the seed's domain). Won and Lost
// are where closed leads end.
var stageNames = [numStages]string{"New", "Contacted", "Qualified", "Appointment Set", "Showroom Visit",
	"Test Drive", "Trade-in Appraisal", "Offer Made", "Negotiation", "Credit Application", "Order Placed",
	"Won", "Lost"}

const (
	stageWon  = 11
	stageLost = 12
)

// Connection statuses are referenced by id only (no schema, no endpoint).
const (
	statusOpen = iota
	statusWon
	statusLost
)

var (
	makes      = []string{"Volvo", "Toyota", "Volkswagen", "BMW", "Audi", "Kia", "Hyundai", "Ford", "Polestar", "Tesla"}
	models     = []string{"XC60", "RAV4", "ID.4", "X3", "Q4 e-tron", "EV6", "Ioniq 5", "Kuga", "2", "Model Y"}
	directions = []string{"INBOUND", "OUTBOUND"}
	forms      = []string{"website-contact", "test-drive-request", "trade-in-estimate", "financing"}
	civilities = []string{"Mr", "Ms", "Mx", "Dr"}
	methods    = []string{"EMAIL", "PHONE", "SMS"}
)

type account struct {
	base     customerJSON
	name     string
	primary  string   // contact id
	contacts []string // contact ids
	created  time.Time
	size     int // the company's weight for lead generation
	pos      int
}

type contact struct {
	base                                             customerJSON
	firstName, lastName, companyName, civility, pmoc string
	accounts                                         []string
	created                                          time.Time
	pos                                              int
}

type lead struct {
	leadJSON
	pos int
}

type task struct {
	id, assignee, contact, account, connection string
	typ                                        *string
	start, end                                 *time.Time
	title, note                                string
	created                                    time.Time
	createdBy                                  string
	modified                                   *time.Time
	edited                                     *bool
}

// store is the sandbox state. Server.mu guards it.
type store struct {
	w   *dataset.World
	seq int // ids and timestamps of records created through the API

	tenant     tenantJSON
	users      map[string]int // ConeCRM user id → index in w.Users
	stages     map[string]*stageJSON
	stageOrder []string
	sources    []string
	franchises []string

	accounts     map[string]*account
	accountOrder []string // creation order; deleted ids stay and are skipped
	contacts     map[string]*contact
	contactOrder []string
	leads        map[string]*lead
	leadOrder    []string
	tasks        map[string]*task

	// Secondary indexes for query-builder `in`/`=` lookups and the open-leads endpoint.
	accountsByThirdParty map[string][]string
	contactsByThirdParty map[string][]string
	leadsByContact       map[string][]string
	leadsByAccount       map[string][]string
}

// uuid7 returns a deterministic uuid version 7 whose timestamp is t, so that ids
// sort in creation order like real uuid7s.
func uuid7(seed int64, t time.Time, kind string, n int) string {
	h := fnv.New128a()
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(seed))
	binary.BigEndian.PutUint64(buf[8:], uint64(n))
	_, _ = h.Write([]byte(kind))
	_, _ = h.Write(buf[:])
	var u [16]byte
	copy(u[:], h.Sum(nil))
	ms := uint64(t.UnixMilli())
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | (u[6] & 0x0f)
	u[8] = 0x80 | (u[8] & 0x3f)
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// nextID returns an id and timestamp for a record created through the API: after
// Epoch, one second apart, so new records sort after generated ones.
func (st *store) nextID(kind string) (string, time.Time) {
	st.seq++
	t := dataset.Epoch.Add(time.Duration(st.seq) * time.Second)
	return uuid7(st.w.Seed, t, "cone-new-"+kind, st.seq), t
}

func (st *store) userID(i int) string { return st.w.Users[i%len(st.w.Users)].ConeID }

func thirdParty(w *dataset.World, kind string, n int, owner, tenant, system, value string, at time.Time) thirdPartyJSON {
	return thirdPartyJSON{
		baseRecordJSON: baseRecordJSON{ID: w.UUID("cone-tpid-"+kind, n), DateCreated: at, CreatedBy: ref(w.Users[0].ConeID),
			DType: kind + "ThirdPartyId"},
		Customer: ref(owner), SystemName: system, ThirdPartyID: value, Tenant: ref(tenant),
	}
}

func newStore(w *dataset.World) *store {
	st := &store{
		w:                    w,
		users:                map[string]int{},
		stages:               map[string]*stageJSON{},
		accounts:             map[string]*account{},
		contacts:             map[string]*contact{},
		leads:                map[string]*lead{},
		tasks:                map[string]*task{},
		accountsByThirdParty: map[string][]string{},
		contactsByThirdParty: map[string][]string{},
		leadsByContact:       map[string][]string{},
		leadsByAccount:       map[string][]string{},
	}
	for i := range numSources {
		st.sources = append(st.sources, w.UUID("cone-source", i))
	}
	st.tenant = tenantJSON{ID: w.UUID("cone-tenant", 0), Name: "Crmgraph Motors", Vertical: "automotive",
		Franchises: []refJSON{}, Users: []refJSON{}, CustomLabels: []any{}}
	for i := range numFranchises {
		id := w.UUID("cone-franchise", i)
		st.franchises = append(st.franchises, id)
		st.tenant.Franchises = append(st.tenant.Franchises, refJSON{ID: id})
	}
	for i, u := range w.Users {
		st.users[u.ConeID] = i
		st.tenant.Users = append(st.tenant.Users, refJSON{ID: u.ConeID})
	}
	for i, name := range stageNames {
		id := w.UUID("cone-stage", i)
		st.stages[id] = &stageJSON{ID: id, Name: name}
		st.stageOrder = append(st.stageOrder, id)
	}
	st.generateCustomers()
	st.generateLeads()
	return st
}

func (st *store) generateCustomers() {
	w := st.w
	r := w.Rand("cone-contacts")
	for _, c := range w.CompaniesInCone() {
		a := &account{
			base: customerJSON{ID: c.ConeID, PrimaryEmail: c.Email, WorkPhone: c.Phone, Address: c.Street,
				City: c.City, PostalCode: c.PostalCode, Country: c.Country, Language: c.Language, IsActive: c.Active,
				ThirdPartyIDs: []thirdPartyJSON{}},
			name: c.Name, created: c.CreatedAt, size: c.Size, pos: len(st.accountOrder),
		}
		if c.CirrusID != 0 {
			cid := strconv.Itoa(c.CirrusID)
			a.base.ThirdPartyIDs = append(a.base.ThirdPartyIDs,
				thirdParty(w, "Account", c.Index, c.ConeID, st.tenant.ID, "CIRRUS", cid, c.CreatedAt))
			st.accountsByThirdParty[cid] = append(st.accountsByThirdParty[cid], c.ConeID)
		}
		for _, pi := range c.People {
			p := &w.People[pi]
			if p.ConeID == "" {
				continue
			}
			ct := &contact{
				base: customerJSON{ID: p.ConeID, PrimaryEmail: p.Email, WorkPhone: p.Phone, MobilePhone: p.Mobile,
					Address: p.Street, City: p.City, PostalCode: p.PostalCode, Country: p.Country, Language: p.Language,
					IsActive: true, ThirdPartyIDs: []thirdPartyJSON{}},
				firstName: p.FirstName, lastName: p.LastName, companyName: c.Name,
				civility: civilities[r.IntN(len(civilities))], pmoc: methods[r.IntN(len(methods))],
				accounts: []string{c.ConeID}, created: p.CreatedAt, pos: len(st.contactOrder),
			}
			if p.CirrusID != 0 {
				cid := strconv.Itoa(p.CirrusID)
				ct.base.ThirdPartyIDs = append(ct.base.ThirdPartyIDs,
					thirdParty(w, "Contact", p.Index, p.ConeID, st.tenant.ID, "CIRRUS", cid, p.CreatedAt))
				st.contactsByThirdParty[cid] = append(st.contactsByThirdParty[cid], p.ConeID)
			}
			st.contacts[p.ConeID] = ct
			st.contactOrder = append(st.contactOrder, p.ConeID)
			a.contacts = append(a.contacts, p.ConeID)
		}
		if len(a.contacts) > 0 {
			a.primary = a.contacts[0]
		}
		st.accounts[c.ConeID] = a
		st.accountOrder = append(st.accountOrder, c.ConeID)
	}
}

func tp[T any](v T) *T { return &v }

// generateLeads draws numLeads leads from the "cone-leads" stream: companies weighted
// by size, about half open, the rest won or lost.
func (st *store) generateLeads() {
	w := st.w
	r := w.Rand("cone-leads")
	var weighted []*account
	for _, id := range st.accountOrder {
		a := st.accounts[id]
		if len(a.contacts) == 0 {
			continue
		}
		for range a.size {
			weighted = append(weighted, a)
		}
	}
	type draft struct {
		l       *lead
		created time.Time
	}
	drafts := make([]draft, 0, numLeads)
	for i := range numLeads {
		a := weighted[r.IntN(len(weighted))]
		created := dataset.Epoch.Add(-time.Duration(1+r.IntN(720*24*60)) * time.Minute)
		drafts = append(drafts, draft{l: st.drawLead(r, i, a, created), created: created})
	}
	// Positions (the default order) follow creation time, like the uuid7 ids.
	sort.SliceStable(drafts, func(i, j int) bool { return drafts[i].created.Before(drafts[j].created) })
	for _, d := range drafts {
		st.addLead(d.l)
	}
}

func (st *store) drawLead(r *rand.Rand, i int, a *account, created time.Time) *lead {
	w := st.w
	owner := st.userID(dataset.Skewed(r, len(w.Users)))
	mk := r.IntN(len(makes))
	l := &lead{leadJSON: leadJSON{
		baseRecordJSON: baseRecordJSON{ID: uuid7(w.Seed, created, "cone-lead", i), DateCreated: created,
			CreatedBy: ref(owner), DType: "lead"},
		Subject:           fmt.Sprintf("%d %s %s", 2022+r.IntN(5), makes[mk], models[mk]),
		Description:       tp("Customer interested in a " + makes[mk] + " " + models[mk]),
		Source:            ref(st.sources[r.IntN(len(st.sources))]),
		Contact:           ref(a.contacts[r.IntN(len(a.contacts))]),
		Franchise:         ref(st.franchises[r.IntN(len(st.franchises))]),
		Direction:         directions[r.IntN(len(directions))],
		IsQualified:       r.IntN(3) != 0,
		FirstOpenDate:     tp(created.Add(time.Duration(r.IntN(600)) * time.Minute)),
		FirstOpenBy:       ref(owner),
		Priority:          tp(1 + r.IntN(5)),
		ThirdPartyIDs:     []thirdPartyJSON{},
		Category:          tp("CAR"),
		VisitCount:        r.IntN(6),
		PresaleVisitCount: r.IntN(4),
		CustomerInitiated: r.IntN(2) == 0,
		InTransit:         tp(false),
		CPO:               tp(r.IntN(5) == 0),
		Demo:              tp(r.IntN(8) == 0),
		FormName:          tp(forms[r.IntN(len(forms))]),
		CreditAssessments: []refJSON{}, Incentives: []refJSON{}, Packages: []refJSON{}, Surveys: []refJSON{},
	}}
	if r.IntN(20) != 0 { // a few leads are private-customer leads without an account
		l.Account = ref(a.base.ID)
	}
	modified := created.Add(time.Duration(1+r.IntN(30*24)) * time.Hour)
	l.DateModified, l.ModifiedBy = &modified, ref(owner)
	l.DateFirstModified, l.FirstModifiedBy = &modified, ref(owner)
	if r.IntN(2) == 0 {
		l.TestDriveDone, l.TestDriveDate = tp(true), tp(created.AddDate(0, 0, 1+r.IntN(14)))
	}
	switch x := r.IntN(100); {
	case x < 55: // open
		l.Status = ref(st.w.UUID("cone-status", statusOpen))
		l.Stage = ref(st.stageOrder[r.IntN(stageWon)])
		l.DueDate = tp(created.AddDate(0, 0, 7+r.IntN(60)))
	case x < 75: // won
		closed := created.AddDate(0, 0, 3+r.IntN(90))
		l.Status = ref(st.w.UUID("cone-status", statusWon))
		l.Stage = ref(st.stageOrder[stageWon])
		l.ConnectionClosedDate, l.ConnectionClosedBy = &closed, ref(owner)
		l.SoldDate, l.SoldBy = &closed, ref(owner)
		l.OrderPlaced, l.OrderDate = tp(true), &closed
		l.OfferMade, l.OfferMadeDate = tp(true), tp(closed.AddDate(0, 0, -2))
		l.ExpectedDeliveryDate = tp(closed.AddDate(0, 0, 30))
		l.PostsaleVisitCount = 1 + r.IntN(3)
	default: // lost
		closed := created.AddDate(0, 0, 3+r.IntN(90))
		l.Status = ref(st.w.UUID("cone-status", statusLost))
		l.Stage = ref(st.stageOrder[stageLost])
		l.ConnectionClosedDate, l.ConnectionClosedBy = &closed, ref(owner)
		l.LostDate, l.LostBy, l.IsLostApproved = &closed, ref(owner), tp(r.IntN(4) != 0)
	}
	return l
}

// addLead indexes a lead; pos follows insertion.
func (st *store) addLead(l *lead) {
	l.pos = len(st.leadOrder)
	st.leads[l.ID] = l
	st.leadOrder = append(st.leadOrder, l.ID)
	if l.Contact != nil {
		st.leadsByContact[l.Contact.ID] = append(st.leadsByContact[l.Contact.ID], l.ID)
	}
	if l.Account != nil {
		st.leadsByAccount[l.Account.ID] = append(st.leadsByAccount[l.Account.ID], l.ID)
	}
}

// open reports whether a lead is still open (not closed, not lost).
func (l *lead) open() bool { return l.ConnectionClosedDate == nil && l.LostDate == nil }

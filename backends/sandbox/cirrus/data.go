package cirrus

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"crmgraph/backends/sandbox/dataset"
)

// Records as the sandbox stores them. Ids are dense (record id n sits at index n-1), so
// lookups are slice indexing and the foreign-key indexes are slices of ids. A record
// keeps every field its write model (seed) lets a client set; "" is an unset text
// (rendered null), a nil *big.Rat an amount the sandbox derives (see render.go).

type account struct {
	id                                           int
	name, altName, number, phone, cellphone, fax string
	email, url, vatno, info, department, extKey  string
	socialFB, socialTW, socialLI                 string
	active, typeID, userID, altUserID, parentID  int
	visitWeeks, altVisitWeeks                    int
	addresses                                    [4]address // addressKinds order
	groupIDs, tagIDs, followerIDs                []int
	contactIDs                                   []int
}

// addressKinds are the keys of Addresses, in the seed's order (L4 sample).
var addressKinds = [4]string{"visiting", "delivery", "invoice", "postal"}

const (
	visiting = iota
	delivery
	invoice
	postal
)

// address is one of the four; every leaf is a nullable string (seed L4 sample).
type address struct {
	careof, name, street, zip, city, country, email, number, letter string
	latitude, longitude, distance                                   string
}

type contact struct {
	id, accountID, superiorID, primary, active       int
	name, surname, function, department, email       string
	officephone, cellphone, title, street, city, zip string
	idnumber, extKey                                 string
	socialFB, socialTW, socialLI                     string
	tagIDs, followerIDs                              []int
}

type opportunity struct {
	id, accountID, altAccountID, contactID, userID   int
	statusID, typeID, lostReasonID, winReasonID      int
	sourceID, closed, stateID, estimateID            int
	progressionStateID                               int // read-only in the seed: never set by a write
	regUserID, changeUserID                          int
	title, description, result, phone, altValueLabel string
	value                                            *big.Rat
	altValue                                         *big.Rat // a string on write, a number on read
	estimatedEnd, endDate                            string   // YYYY-MM-DD; endDate is write-only (no read key)
	regDate, changeDate                              time.Time
	tagIDs, followerIDs                              []int
}

type order struct {
	id, accountID, contactID, userID, user2ID, opportunityID int
	statusID, typeID, deliveryTermID, paymentTermID          int
	deliveryTypeID, delivered                                int
	placed, delivery, created, updated                       time.Time
	currency, alternateID, extKey, externalComment           string
	internalComment, marking, referenceCode, extraCode       string
	invoiceNumber, invoiceDate                               string
	deliveryAddr                                             orderAddress
	invoiceAddr                                              orderAddress
	invoiceEmail                                             string
	discounted                                               bool
	// Written amounts; nil until written, the sandbox then derives them from the rows.
	price, currencyRate, statisticsPrice, alternativeValue, buyPrice *big.Rat
	tagIDs                                                           []int
	rows                                                             []orderRow
}

// orderAddress is an order's flat delivery* or invoice* address.
type orderAddress struct{ name, street, zip, city, country string }

type orderRow struct {
	id, articleID, unitID, sortOrder, noPrint int // articleID 0: a text row
	quantity, price, discountPercent          *big.Rat
	quantityDelivered, buyPrice               *big.Rat // nil: derived
	discountAmount                            *big.Rat // nil: from discountPercent
	specification                             string
	extKey                                    *string // the row's one nullable string
	tagIDs                                    []int
}

type lead struct {
	id, userID, sourceID, statusID, rating     int
	title, description                         string
	cTitle, cName, cSurname, cCompany, cStreet string
	cCity, cZip, cPhone, cCell, cEmail, cVat   string
	value                                      *big.Rat
	created, updated                           time.Time
	tagIDs                                     []int
}

type user struct {
	id, active                                    int
	name, surname, title, email, phone, cellphone string
	language                                      string
	departmentID                                  int
	lastActive                                    time.Time
}

type article struct {
	id     int
	name   string
	number string
	unitID int
	price  int64
}

// refs are the reference lists; they are read-only after New.
type refs struct {
	typeNames     []string
	oppStatuses   []oppStatus
	oppTypes      []namedRef
	sources       []namedRef // opportunity and lead sources ({id,name,default})
	lostReasons   []namedRef
	winReasons    []namedRef
	orderStatuses []namedRef // step in extra
	orderTypes    []namedRef
	leadStatuses  []namedRef
	deliveryTerms []namedRef // externalkey in key
	paymentTerms  []namedRef // days in extra
	deliveryTypes []namedRef
	departments   []namedRef
	units         []namedRef
	articles      []article
	// Catalogues for references the seed names but serves no list of (sandbox readings):
	// tags (Tag {id,name,type}, no tag endpoint), account groups (#3-6 are not served),
	// opportunity states ({id,state,sortorder}, no endpoint) and estimates (#92 is not served).
	tags          []tagRef
	accountGroups []namedRef
	oppStates     []namedRef
	estimates     []namedRef // value in key
}

type tagRef struct {
	id         int
	name, kind string
}

type namedRef struct {
	id, sortorder, isDefault, extra int
	name, key                       string
}

type oppStatus struct {
	namedRef
	color, description string
	won, lost, typeID  int
}

func newRefs() refs {
	seq := func(names ...string) []namedRef {
		out := make([]namedRef, len(names))
		for i, n := range names {
			out[i] = namedRef{id: i + 1, sortorder: i + 1, name: n}
		}
		out[0].isDefault = 1
		return out
	}
	r := refs{
		typeNames:     dataset.AccountTypes,
		oppTypes:      seq("New business", "Upsell", "Renewal"),
		sources:       seq("Website", "Referral", "Trade fair", "Cold call", "Partner", "Campaign"),
		lostReasons:   seq("Price", "Competitor", "No budget", "Timing", "No decision"),
		winReasons:    seq("Price", "Relationship", "Product fit", "Delivery time"),
		orderStatuses: seq("Registered", "Confirmed", "Picking", "Delivered", "Invoiced", "Cancelled"),
		orderTypes:    seq("Standard", "Service", "Subscription", "Return"),
		leadStatuses:  seq("New", "Contacted", "Qualified", "Converted", "Disqualified"),
		deliveryTerms: seq("EXW Ex Works", "FCA Free Carrier", "CPT Carriage Paid To", "DAP Delivered at Place", "DDP Delivered Duty Paid"),
		paymentTerms:  seq("Prepayment", "10 days net", "20 days net", "30 days net", "60 days net"),
		deliveryTypes: seq("Postal", "Courier", "Freight", "Pickup"),
		departments:   seq("Sales Nordics", "Key Accounts", "Inside Sales", "Sales Central Europe"),
		units:         seq("pcs", "hour", "month", "kg"),
		accountGroups: seq("Key accounts", "Resellers", "Public sector", "Newsletter"),
		oppStates:     seq("Open", "On hold", "Closed"),
		estimates:     seq("10 %", "25 %", "50 %", "75 %", "90 %"),
		tags: []tagRef{{1, "VIP", "company"}, {2, "Partner", "company"}, {3, "Prospect", "company"},
			{4, "Decision maker", "contact"}, {5, "Newsletter", "contact"}, {6, "Urgent", "deal"}},
	}
	for i, v := range []string{"10", "25", "50", "75", "90"} {
		r.estimates[i].key = v
	}
	for i := range r.orderStatuses {
		r.orderStatuses[i].extra = i + 1 // step
	}
	for i, k := range []string{"EXW", "FCA", "CPT", "DAP", "DDP"} {
		r.deliveryTerms[i].key = k
	}
	for i, d := range []int{0, 10, 20, 30, 60} {
		r.paymentTerms[i].extra = d
		r.paymentTerms[i].key = "PT" + strconv.Itoa(d)
	}
	r.paymentTerms[0].isDefault, r.paymentTerms[3].isDefault = 0, 1
	statuses := []struct {
		name, color string
		won, lost   int
	}{
		{"Prospecting", "#9e9e9e", 0, 0}, {"Qualified", "#2196f3", 0, 0}, {"Proposal", "#ff9800", 0, 0},
		{"Negotiation", "#9c27b0", 0, 0}, {"Won", "#4caf50", 1, 0}, {"Lost", "#f44336", 0, 1},
	}
	for i, s := range statuses {
		r.oppStatuses = append(r.oppStatuses, oppStatus{
			namedRef: namedRef{id: i + 1, sortorder: i + 1, name: s.name},
			color:    s.color, description: s.name + " stage", won: s.won, lost: s.lost, typeID: 1,
		})
	}
	products := []struct {
		name  string
		unit  int
		price int64
	}{
		{"Installation service", 2, 95000}, {"Support agreement", 3, 249000}, {"Licence Basic", 3, 49900},
		{"Licence Pro", 3, 129900}, {"Sensor kit", 1, 189550}, {"Gateway unit", 1, 459000},
		{"Cable 10 m", 1, 12990}, {"Mounting bracket", 1, 8950}, {"Training day", 2, 750000},
		{"Spare battery", 1, 34900}, {"Calibration", 2, 125000}, {"Pellets", 4, 425},
	}
	for i, p := range products {
		r.articles = append(r.articles, article{id: i + 1, name: p.name, number: fmt.Sprintf("ART-%04d", 1001+i), unitID: p.unit, price: p.price})
	}
	return r
}

// generate builds the Cirrus view of the world. Every stream is seeded from the world,
// so the same seed always gives the same records.
func (s *Server) generate(w *dataset.World) {
	for i, u := range w.Users {
		s.users = append(s.users, &user{
			id: u.CirrusID, active: flag(u.Active), name: u.FirstName, surname: u.LastName, title: u.Title,
			email: u.Email, phone: u.Phone, cellphone: u.Phone, language: "sv",
			departmentID: 1 + i%len(s.refs.departments),
			lastActive:   dataset.Epoch.Add(-time.Duration(i*37) * time.Hour),
		})
	}
	companies := w.CompaniesInCirrus()
	byIndex := make(map[int]int, len(companies)) // company index -> cirrus id
	for _, c := range companies {
		byIndex[c.Index] = c.CirrusID
	}
	for _, c := range companies {
		a := &account{
			id: c.CirrusID, name: c.Name, number: strconv.Itoa(10000 + c.CirrusID), phone: c.Phone,
			email: c.Email, url: c.Website, vatno: c.VATNumber, extKey: c.ConeID,
			active: flag(c.Active), typeID: c.TypeIndex + 1, userID: w.Users[c.OwnerUser].CirrusID,
			visitWeeks: 4 + c.Size%8,
		}
		// The generated company has one street address; the account gets it four times,
		// named and with the e-mail where the sample's delivery and invoice addresses have them.
		base := address{street: c.Street, zip: c.PostalCode, city: c.City, country: c.Country, number: streetNo(c.Street)}
		a.addresses = [4]address{base, base, base, base}
		a.addresses[delivery].name = c.Name
		a.addresses[invoice].name, a.addresses[invoice].email = c.Name, c.Email
		if ll, ok := cityCoordinates[c.City]; ok {
			a.addresses[visiting].latitude, a.addresses[visiting].longitude = ll[0], ll[1]
		}
		if c.ParentIndex >= 0 {
			a.parentID = byIndex[c.ParentIndex]
		}
		if c.Size > 5 {
			a.altUserID = 1 + (c.OwnerUser+7)%len(w.Users)
			a.department = "Key accounts"
			a.followerIDs = []int{a.altUserID} // the alternate owner follows the account
		}
		s.accounts = append(s.accounts, a)
		for k, pi := range c.People {
			p := &w.People[pi]
			if p.CirrusID == 0 {
				continue
			}
			ct := &contact{
				id: p.CirrusID, accountID: a.id, active: 1, primary: flag(k == 0),
				name: p.FirstName, surname: p.LastName, title: p.Title, email: p.Email,
				officephone: p.Phone, cellphone: p.Mobile, street: p.Street, city: p.City, zip: p.PostalCode,
				extKey: p.ConeID,
			}
			if k > 0 && len(a.contactIDs) > 0 {
				ct.superiorID = a.contactIDs[0]
			} else {
				ct.followerIDs = []int{a.userID} // the owner follows the primary contact
			}
			s.contacts = append(s.contacts, ct)
			a.contactIDs = append(a.contactIDs, ct.id)
		}
	}
	s.generateOpportunities(w, companies)
	s.generateOrders(w, companies)
	s.generateLeads(w)
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// perCompany scales a record count by the company's skewed size: most companies get
// 0-2, the few big ones dozens.
func perCompany(r *rand.Rand, size, small int) int {
	if size <= 1 {
		return r.IntN(small + 1)
	}
	return size + r.IntN(size+1)
}

var oppTitles = []string{"Framework agreement", "Pilot project", "Fleet upgrade", "Service contract", "Expansion",
	"Replacement of legacy system", "Annual licence renewal", "New site roll-out", "Training programme"}

func (s *Server) generateOpportunities(w *dataset.World, companies []*dataset.Company) {
	r := w.Rand("cirrus-opportunities")
	for _, c := range companies {
		a := s.accounts[c.CirrusID-1]
		n := perCompany(r, c.Size, 1)
		for k := 0; k < n; k++ {
			o := &opportunity{
				id: len(s.opps) + 1, accountID: a.id, userID: a.userID,
				statusID: 1 + dataset.Skewed(r, len(s.refs.oppStatuses)), typeID: 1 + r.IntN(len(s.refs.oppTypes)),
				sourceID: 1 + r.IntN(len(s.refs.sources)), regUserID: a.userID, changeUserID: a.userID,
				title:       pick(r, oppTitles) + " " + strconv.Itoa(dataset.Epoch.Year()-r.IntN(3)),
				description: "Opportunity for " + a.name, value: cents(int64(1+r.IntN(500)) * 100 * int64(10+r.IntN(90))),
				estimatedEnd: dataset.Epoch.AddDate(0, 0, r.IntN(360)-180).Format(time.DateOnly),
				regDate:      dataset.Epoch.AddDate(0, 0, -r.IntN(700)).Add(time.Duration(r.IntN(36000)) * time.Second),
			}
			o.changeDate = o.regDate.AddDate(0, 0, r.IntN(60))
			o.followerIDs = a.followerIDs
			if len(a.contactIDs) > 0 {
				o.contactID = pick(r, a.contactIDs)
			}
			if st := s.refs.oppStatuses[o.statusID-1]; st.won == 1 || st.lost == 1 {
				o.closed = 1
				o.result = st.name
				if st.won == 1 {
					o.winReasonID = 1 + r.IntN(len(s.refs.winReasons))
				} else {
					o.lostReasonID = 1 + r.IntN(len(s.refs.lostReasons))
				}
			}
			s.opps = append(s.opps, o)
		}
	}
}

func (s *Server) generateOrders(w *dataset.World, companies []*dataset.Company) {
	r := w.Rand("cirrus-orders")
	rowID := 0
	for _, c := range companies {
		a := s.accounts[c.CirrusID-1]
		n := perCompany(r, c.Size, 2)
		for k := 0; k < n; k++ {
			placed := day(dataset.Epoch.AddDate(0, 0, -r.IntN(730)))
			o := &order{
				id: len(s.orders) + 1, accountID: a.id, userID: a.userID,
				statusID: 1 + dataset.Skewed(r, len(s.refs.orderStatuses)), typeID: 1 + dataset.Skewed(r, len(s.refs.orderTypes)),
				deliveryTermID: 1 + r.IntN(len(s.refs.deliveryTerms)), paymentTermID: 1 + r.IntN(len(s.refs.paymentTerms)),
				deliveryTypeID: 1 + r.IntN(len(s.refs.deliveryTypes)),
				placed:         placed, delivery: placed.AddDate(0, 0, 3+r.IntN(30)),
				created:  placed.Add(9*time.Hour + time.Duration(r.IntN(28800))*time.Second),
				currency: currencyOf(c.Country),
			}
			o.updated = o.created.Add(time.Duration(r.IntN(200)) * time.Hour)
			o.alternateID = fmt.Sprintf("SO-%06d", 100000+o.id)
			o.invoiceNumber = fmt.Sprintf("INV-%06d", 500000+o.id)
			o.invoiceDate = placed.Format(time.DateOnly)
			addr := a.addresses[delivery]
			o.deliveryAddr = orderAddress{name: a.name, street: addr.street, zip: addr.zip, city: addr.city, country: addr.country}
			o.invoiceAddr, o.invoiceEmail = o.deliveryAddr, a.email
			o.delivered = flag(o.statusID >= 4 && o.statusID <= 5)
			if len(a.contactIDs) > 0 {
				o.contactID = pick(r, a.contactIDs)
			}
			if r.IntN(3) == 0 {
				o.externalComment = "Deliver to goods reception"
			}
			if r.IntN(4) == 0 {
				o.internalComment = "Follow up payment"
			}
			o.marking = "PO " + strconv.Itoa(1000+r.IntN(9000))
			rows := 1 + r.IntN(4)
			for j := 0; j < rows; j++ {
				art := pick(r, s.refs.articles)
				rowID++
				o.rows = append(o.rows, orderRow{
					id: rowID, articleID: art.id, unitID: art.unitID, sortOrder: j + 1, quantity: whole(int64(1 + r.IntN(20))),
					price: cents(art.price), discountPercent: whole(int64([]int{0, 0, 0, 5, 10}[r.IntN(5)])),
					specification: art.name,
				})
			}
			s.orders = append(s.orders, o)
		}
	}
	// Link some orders to a won opportunity of the same account.
	byAccount := map[int][]int{}
	for _, o := range s.orders {
		byAccount[o.accountID] = append(byAccount[o.accountID], o.id)
	}
	for _, o := range s.opps {
		if o.closed == 1 && o.winReasonID != 0 {
			for _, oid := range byAccount[o.accountID] {
				if s.orders[oid-1].opportunityID == 0 {
					s.orders[oid-1].opportunityID = o.id
					break
				}
			}
		}
	}
}

func currencyOf(country string) string {
	switch country {
	case "SE":
		return "SEK"
	case "NO":
		return "NOK"
	case "DK":
		return "DKK"
	case "GB":
		return "GBP"
	case "CA":
		return "CAD"
	}
	return "EUR"
}

var leadTitles = []string{"Inbound web enquiry", "Met at trade fair", "Requested a quote", "Newsletter sign-up",
	"Partner referral", "Demo request", "Pricing question"}

func (s *Server) generateLeads(w *dataset.World) {
	r := w.Rand("cirrus-leads")
	for ci := range w.Companies {
		c := &w.Companies[ci]
		n := r.IntN(2) + c.Size/5
		for k := 0; k < n && len(c.People) > 0; k++ {
			p := &w.People[c.People[r.IntN(len(c.People))]]
			created := dataset.Epoch.AddDate(0, 0, -r.IntN(540)).Add(time.Duration(r.IntN(86400)) * time.Second)
			l := &lead{
				id: len(s.leads) + 1, userID: w.Users[dataset.Skewed(r, len(w.Users))].CirrusID,
				sourceID: 1 + r.IntN(len(s.refs.sources)), statusID: 1 + dataset.Skewed(r, len(s.refs.leadStatuses)),
				rating: 1 + r.IntN(5), title: pick(r, leadTitles),
				cTitle: p.Title, cName: p.FirstName, cSurname: p.LastName, cCompany: c.Name, cStreet: p.Street,
				cCity: p.City, cZip: p.PostalCode, cPhone: p.Phone, cCell: p.Mobile, cEmail: p.Email, cVat: c.VATNumber,
				value: cents(int64(r.IntN(200)) * 50000), created: created.Truncate(time.Second),
			}
			l.description = l.title + " from " + c.Name
			l.updated = l.created.Add(time.Duration(r.IntN(500)) * time.Hour)
			s.leads = append(s.leads, l)
		}
	}
}

// streetNo is the house number at the end of a street ("Storgatan 12" → "12"), the
// address's number leaf.
func streetNo(street string) string {
	if i := strings.LastIndexByte(street, ' '); i > 0 {
		if _, err := strconv.Atoi(street[i+1:]); err == nil {
			return street[i+1:]
		}
	}
	return ""
}

// cityCoordinates place the generated visiting addresses (latitude, longitude as the
// API's strings), so the nearto filter has something to measure.
var cityCoordinates = map[string][2]string{
	"Stockholm": {"59.3293", "18.0686"}, "Göteborg": {"57.7089", "11.9746"}, "Malmö": {"55.6050", "13.0038"},
	"Uppsala": {"59.8586", "17.6389"}, "Linköping": {"58.4108", "15.6214"}, "Örebro": {"59.2753", "15.2134"},
	"Oslo": {"59.9139", "10.7522"}, "Bergen": {"60.3913", "5.3221"}, "København": {"55.6761", "12.5683"},
	"Aarhus": {"56.1629", "10.2039"}, "Helsinki": {"60.1699", "24.9384"}, "Berlin": {"52.5200", "13.4050"},
	"Hamburg": {"53.5511", "9.9937"}, "München": {"48.1351", "11.5820"}, "Paris": {"48.8566", "2.3522"},
	"Lyon": {"45.7640", "4.8357"}, "Montréal": {"45.5019", "-73.5674"}, "Toronto": {"43.6532", "-79.3832"},
	"London": {"51.5072", "-0.1276"}, "Manchester": {"53.4808", "-2.2426"}, "Amsterdam": {"52.3676", "4.9041"},
}

// Package dataset generates the one deterministic world every sandbox serves: the same
// sales reps, companies and people, with their ids in each CRM, so that records in
// Cirrus, ConeCRM, client-data and Apideck support point at each other consistently.
//
// The world holds only what several systems share (identity, names, addresses, who
// is in which system). Each sandbox derives its own records (orders, leads, change
// requests…) from it with its own random stream (World.Rand), so adding records to
// one backend never changes another backend's data.
package dataset

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
)

// Sizes of the generated world.
const (
	NumUsers     = 50
	NumCompanies = 2600
	// Companies [0, CirrusCompanies) exist in Cirrus (CirrusID = index+1).
	CirrusCompanies = 2200
	// Companies [ConeFirstCompany, NumCompanies) exist in ConeCRM: 600 shared with Cirrus, 400 Cone-only.
	ConeFirstCompany = 1600
)

// Epoch anchors every generated date, so the data set does not change with the clock.
var Epoch = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// World is the shared data set.
type World struct {
	Seed      int64
	Users     []User
	Companies []Company
	People    []Person
}

// User is a sales rep / CRM user (Cirrus users 1..50; the same people are ConeCRM users
// and client-data members).
type User struct {
	Index     int
	CirrusID  int
	ConeID    string
	MemberID  string // client-data member id (uuid)
	FirstName string
	LastName  string
	Title     string
	Email     string
	Phone     string
	Active    bool
}

// Name is "First Last".
func (u User) Name() string { return u.FirstName + " " + u.LastName }

// Company is a customer organisation.
type Company struct {
	Index       int
	Name        string
	OrgNumber   string
	VATNumber   string
	Email       string
	Phone       string
	Website     string
	Street      string
	PostalCode  string
	City        string
	Country     string // ISO 3166-1 alpha-2
	Language    string // e.g. "sv-SE"
	OwnerUser   int    // index into Users
	TypeIndex   int    // 0..NumAccountTypes-1, see AccountTypes
	Active      bool
	ParentIndex int // index of the parent company, -1 for none
	CreatedAt   time.Time
	// Size is a skewed weight (1 for most, up to ~60 for a few): backends scale the
	// number of orders, opportunities and leads of a company by it.
	Size     int
	CirrusID int    // 0 when not in Cirrus
	ConeID   string // "" when not in ConeCRM
	People   []int  // indexes into World.People
}

// Person is a contact person working for a company.
type Person struct {
	Index        int
	CompanyIndex int
	FirstName    string
	LastName     string
	Title        string
	Email        string
	Phone        string
	Mobile       string
	Street       string
	PostalCode   string
	City         string
	Country      string
	Language     string
	BirthDate    time.Time
	CreatedAt    time.Time
	// Ids in each system; zero value when the person is not in it.
	CirrusID       int
	ConeID         string
	ClientDataID   int32
	ClientDataUUID string
	SupportID      string
}

// Name is "First Last".
func (p Person) Name() string { return p.FirstName + " " + p.LastName }

// AccountTypes are the Cirrus account types (ids 1..n) the companies are spread over.
var AccountTypes = []string{"Customer", "Prospect", "Partner", "Supplier", "Reseller", "Former customer"}

// New builds the world for seed. The same seed always gives the same world.
func New(seed int64) *World {
	w := &World{Seed: seed}
	r := w.Rand("world")
	w.Users = make([]User, NumUsers)
	for i := range w.Users {
		first, last := pick(r, firstNames), pick(r, lastNames)
		w.Users[i] = User{
			Index:     i,
			CirrusID:  i + 1,
			ConeID:    w.UUID("cone-user", i),
			MemberID:  w.UUID("clientdata-member", i),
			FirstName: first,
			LastName:  last,
			Title:     pick(r, repTitles),
			Email:     emailOf(first, last, "crmgraph-sales.example"),
			Phone:     phone(r, "+46"),
			Active:    i%17 != 16,
		}
	}
	w.Companies = make([]Company, NumCompanies)
	for i := range w.Companies {
		city := pick(r, cities)
		name := companyName(r)
		domain := domainOf(name, i)
		c := Company{
			Index:       i,
			Name:        name,
			OrgNumber:   fmt.Sprintf("55%04d-%04d", r.IntN(10000), r.IntN(10000)),
			Email:       "info@" + domain,
			Phone:       phone(r, city.dial),
			Website:     "https://www." + domain,
			Street:      fmt.Sprintf("%s %d", pick(r, streets), 1+r.IntN(120)),
			PostalCode:  fmt.Sprintf("%03d %02d", 100+r.IntN(900), r.IntN(100)),
			City:        city.name,
			Country:     city.country,
			Language:    city.lang,
			OwnerUser:   skewed(r, NumUsers),
			TypeIndex:   skewed(r, len(AccountTypes)),
			Active:      r.IntN(10) != 0,
			ParentIndex: -1,
			CreatedAt:   Epoch.AddDate(0, 0, -r.IntN(2000)).Add(time.Duration(r.IntN(86400)) * time.Second),
			Size:        companySize(r),
		}
		c.VATNumber = c.Country + strings.ReplaceAll(c.OrgNumber, "-", "") + "01"
		if i > 50 && r.IntN(25) == 0 {
			c.ParentIndex = r.IntN(50) // a few groups with a parent among the first companies
		}
		if i < CirrusCompanies {
			c.CirrusID = i + 1
		}
		if i >= ConeFirstCompany {
			c.ConeID = w.UUID("cone-account", i)
		}
		w.Companies[i] = c
	}
	// People: a skewed number per company (most have 1-3, a few have dozens).
	cirrusContact, cdContact := 0, 0
	for ci := range w.Companies {
		c := &w.Companies[ci]
		n := 1 + r.IntN(4)
		if c.Size > 5 {
			n += c.Size / 2
		}
		for k := 0; k < n; k++ {
			pi := len(w.People)
			first, last := pick(r, firstNames), pick(r, lastNames)
			city := pick(r, cities)
			p := Person{
				Index:        pi,
				CompanyIndex: ci,
				FirstName:    first,
				LastName:     last,
				Title:        pick(r, contactTitles),
				Email:        emailOf(first, last, domainOf(c.Name, ci)),
				Phone:        phone(r, city.dial),
				Mobile:       phone(r, city.dial),
				Street:       fmt.Sprintf("%s %d", pick(r, streets), 1+r.IntN(120)),
				PostalCode:   fmt.Sprintf("%03d %02d", 100+r.IntN(900), r.IntN(100)),
				City:         city.name,
				Country:      city.country,
				Language:     city.lang,
				BirthDate:    time.Date(1950+r.IntN(50), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
				CreatedAt:    c.CreatedAt.AddDate(0, 0, r.IntN(300)),
			}
			if c.CirrusID != 0 {
				cirrusContact++
				p.CirrusID = cirrusContact
			}
			if c.ConeID != "" {
				p.ConeID = w.UUID("cone-contact", pi)
			}
			// About 40% of people have a client-data record; 60% of those are also
			// support customers.
			if r.IntN(100) < 40 {
				cdContact++
				p.ClientDataID = int32(100000 + cdContact)
				p.ClientDataUUID = w.UUID("clientdata-contact", pi)
				if r.IntN(100) < 60 {
					p.SupportID = fmt.Sprintf("cus_%06d", 500000+pi)
				}
			}
			w.People = append(w.People, p)
			c.People = append(c.People, pi)
		}
	}
	return w
}

// Rand returns a deterministic random stream for one purpose (e.g. "cirrus-orders").
// Streams are independent: drawing from one never shifts another.
func (w *World) Rand(stream string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(stream))
	return rand.New(rand.NewPCG(uint64(w.Seed), h.Sum64()))
}

// UUID returns a deterministic version-7-shaped uuid for (kind, n): the timestamp part
// comes from Epoch minus a derived offset, the rest from a hash of seed, kind and n.
func (w *World) UUID(kind string, n int) string {
	h := fnv.New128a()
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(w.Seed))
	binary.BigEndian.PutUint64(buf[8:], uint64(n))
	_, _ = h.Write([]byte(kind))
	_, _ = h.Write(buf[:])
	sum := h.Sum(nil)
	var u [16]byte
	copy(u[:], sum)
	ms := uint64(Epoch.UnixMilli()) - uint64(n)*60_000 - uint64(len(kind))*86_400_000
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | (u[6] & 0x0f) // version 7
	u[8] = 0x80 | (u[8] & 0x3f) // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// CompaniesInCirrus returns the companies that exist in Cirrus, in Cirrus id order.
func (w *World) CompaniesInCirrus() []*Company {
	out := make([]*Company, 0, CirrusCompanies)
	for i := range w.Companies {
		if w.Companies[i].CirrusID != 0 {
			out = append(out, &w.Companies[i])
		}
	}
	return out
}

// CompaniesInCone returns the companies that exist in ConeCRM.
func (w *World) CompaniesInCone() []*Company {
	var out []*Company
	for i := range w.Companies {
		if w.Companies[i].ConeID != "" {
			out = append(out, &w.Companies[i])
		}
	}
	return out
}

// PeopleWhere returns the people for which keep is true, in index order.
func (w *World) PeopleWhere(keep func(*Person) bool) []*Person {
	var out []*Person
	for i := range w.People {
		if keep(&w.People[i]) {
			out = append(out, &w.People[i])
		}
	}
	return out
}

// Skewed returns an int in [0, n) biased towards small values (a few values are very common).
func Skewed(r *rand.Rand, n int) int { return skewed(r, n) }

func skewed(r *rand.Rand, n int) int {
	f := r.Float64()
	return int(f * f * float64(n))
}

// companySize: 70% size 1, a long tail up to ~60.
func companySize(r *rand.Rand) int {
	switch x := r.IntN(100); {
	case x < 70:
		return 1
	case x < 90:
		return 2 + r.IntN(4)
	case x < 98:
		return 6 + r.IntN(10)
	default:
		return 20 + r.IntN(40)
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func phone(r *rand.Rand, dial string) string {
	return fmt.Sprintf("%s %d %03d %02d %02d", dial, 7+r.IntN(3), r.IntN(1000), r.IntN(100), r.IntN(100))
}

func emailOf(first, last, domain string) string {
	return strings.ToLower(ascii(first)+"."+ascii(last)) + "@" + domain
}

func domainOf(company string, i int) string {
	f := strings.Fields(ascii(strings.ToLower(company)))
	return fmt.Sprintf("%s%d.example", strings.Join(f[:min(2, len(f))], "-"), i)
}

func ascii(s string) string {
	return strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e", "ü", "u", "ø", "o", "æ", "ae", "Å", "A", "Ä", "A", "Ö", "O", "&", "and", ".", "", ",", "").Replace(s)
}

func companyName(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return pick(r, lastNames) + " " + pick(r, companyWords) + " " + pick(r, companySuffixes)
	case 1:
		return pick(r, companyPrefixes) + " " + pick(r, companyWords) + " " + pick(r, companySuffixes)
	default:
		return pick(r, lastNames) + " & " + pick(r, lastNames) + " " + pick(r, companySuffixes)
	}
}

type city struct{ name, country, lang, dial string }

var cities = []city{
	{"Stockholm", "SE", "sv-SE", "+46"}, {"Göteborg", "SE", "sv-SE", "+46"}, {"Malmö", "SE", "sv-SE", "+46"},
	{"Uppsala", "SE", "sv-SE", "+46"}, {"Linköping", "SE", "sv-SE", "+46"}, {"Örebro", "SE", "sv-SE", "+46"},
	{"Oslo", "NO", "nb-NO", "+47"}, {"Bergen", "NO", "nb-NO", "+47"}, {"København", "DK", "da-DK", "+45"},
	{"Aarhus", "DK", "da-DK", "+45"}, {"Helsinki", "FI", "fi-FI", "+358"}, {"Berlin", "DE", "de-DE", "+49"},
	{"Hamburg", "DE", "de-DE", "+49"}, {"München", "DE", "de-DE", "+49"}, {"Paris", "FR", "fr-FR", "+33"},
	{"Lyon", "FR", "fr-FR", "+33"}, {"Montréal", "CA", "fr-CA", "+1"}, {"Toronto", "CA", "en-CA", "+1"},
	{"London", "GB", "en-GB", "+44"}, {"Manchester", "GB", "en-GB", "+44"}, {"Amsterdam", "NL", "nl-NL", "+31"},
}

var firstNames = []string{"Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Sara", "Johan", "Emma", "Per",
	"Elin", "Mikael", "Linnea", "Henrik", "Sofia", "Fredrik", "Ida", "Magnus", "Julia", "Oskar", "Klara",
	"Jonas", "Maja", "Nils", "Ebba", "Gustav", "Alice", "Viktor", "Hanna", "Axel", "Lea", "Tobias", "Nora",
	"Sven", "Astrid", "Hugo", "Camille", "Lukas", "Chloé", "Jakob", "Amélie", "Noah", "Olivia", "Liam",
	"Freja", "Mathias", "Ingrid", "Thomas", "Louise", "Daniel", "Isabelle", "Peter", "Charlotte", "Emil"}

var lastNames = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
	"Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Berg", "Holm",
	"Lund", "Ström", "Bergström", "Sandberg", "Hansen", "Jensen", "Nielsen", "Virtanen", "Müller",
	"Schmidt", "Fischer", "Weber", "Martin", "Bernard", "Dubois", "Lefebvre", "Tremblay", "Gagnon", "Smith",
	"Taylor", "Brown", "de Vries", "Jansen", "Bakker", "Ek", "Sjöberg", "Wallin", "Falk", "Engström"}

var companyWords = []string{"Bygg", "Logistik", "Consulting", "Data", "Maskin", "Energi", "Trä", "Stål",
	"Media", "Frakt", "Fastighet", "Elektro", "Verkstad", "Design", "Kemi", "Livsmedel", "Industri",
	"Transport", "Medical", "Software", "Partners", "Systems", "Solutions", "Trading"}

var companyPrefixes = []string{"Nordic", "Baltic", "North", "Scandic", "Polar", "Viking", "Atlas", "Alpha",
	"Nova", "Vega", "Orion", "Delta", "Apex", "Summit", "Blue", "Green", "Silver", "Granite"}

var companySuffixes = []string{"AB", "AB", "AB", "Group", "AS", "ApS", "Oy", "GmbH", "SAS", "Inc.", "Ltd", "BV"}

var streets = []string{"Storgatan", "Drottninggatan", "Kungsgatan", "Sveavägen", "Vasagatan", "Industrivägen",
	"Hamngatan", "Järnvägsgatan", "Skolgatan", "Parkvägen", "Kyrkogatan", "Strandvägen", "Hauptstraße", "Rue de la Paix"}

var repTitles = []string{"Account Manager", "Sales Representative", "Key Account Manager", "Sales Manager",
	"Business Developer", "Inside Sales"}

var contactTitles = []string{"CEO", "CFO", "Purchasing Manager", "Procurement Officer", "Office Manager",
	"IT Manager", "Head of Operations", "Project Manager", "Controller", "Marketing Director", "Buyer",
	"Logistics Coordinator", "Technical Lead", ""}

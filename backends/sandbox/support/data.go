package support

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"crmgraph/backends/sandbox/dataset"
)

// timeFormat is the seed's date-time example form: UTC with milliseconds.
const timeFormat = "2006-01-02T15:04:05.000Z"

// companyCustomerShare is the percentage of companies with support customers that are
// customers themselves too (individual: false).
const companyCustomerShare = 15

// currencies maps the world's countries to their ISO 4217 currency.
var currencies = map[string]string{
	"SE": "SEK", "NO": "NOK", "DK": "DKK", "FI": "EUR", "DE": "EUR", "FR": "EUR",
	"NL": "EUR", "CA": "CAD", "GB": "GBP",
}

var bics = map[string]string{
	"SE": "ESSESESS", "NO": "DNBANOKK", "DK": "DABADKKK", "FI": "NDEAFIHH", "DE": "COBADEFF",
	"FR": "BNPAFRPP", "NL": "INGBNL2A", "CA": "ROYCCAT2", "GB": "BARCGB22",
}

var notes = []string{
	"Prefers email over phone.", "Key contact for renewals.", "Asked to be called after 14:00.",
	"Escalated twice last quarter.", "Uses the customer portal.", "Speaks English and Swedish.",
	"VIP: answer within one hour.", "Invoices go to the head office.",
}

// store is the sandbox state; Server.mu guards it. Records are replaced, never changed
// in place, so a reader may encode a record after releasing the lock.
type store struct {
	seq   int // ids and timestamps of customers created through the API
	byID  map[string]*customerJSON
	order []string // list order; deleted ids stay (absent from byID) so cursor positions stay valid
}

// newStore generates the customers of world w: one per person with a SupportID (the
// id is the SupportID) and some companies, in id order.
func newStore(w *dataset.World) *store {
	r := w.Rand("support-customers")
	users := make([]string, len(w.Users))
	ur := w.Rand("support-users")
	for i := range users {
		// Kustomer user ids look like MongoDB ObjectIds: 24 hex digits.
		users[i] = fmt.Sprintf("%016x%08x", ur.Uint64(), ur.Uint32())
	}
	var people, companies []*customerJSON
	for ci := range w.Companies {
		c := &w.Companies[ci]
		has := false
		for _, pi := range c.People {
			if p := &w.People[pi]; p.SupportID != "" {
				people = append(people, personCustomer(r, c, p, users))
				has = true
			}
		}
		if has && r.IntN(100) < companyCustomerShare {
			companies = append(companies, companyCustomer(r, c, users))
		}
	}
	st := &store{byID: make(map[string]*customerJSON, len(people)+len(companies))}
	for _, c := range append(people, companies...) {
		st.byID[c.ID] = c
		st.order = append(st.order, c.ID)
	}
	return st
}

// companyCustomerID is the id of the support customer standing for company ci.
func companyCustomerID(ci int) string { return fmt.Sprintf("cus_%06d", 700000+ci) }

func personCustomer(r *rand.Rand, c *dataset.Company, p *dataset.Person, users []string) *customerJSON {
	created, updated := stamps(r, p.CreatedAt)
	n := 10 * p.Index
	cur := currencies[p.Country]
	cu := &customerJSON{
		ID:          p.SupportID,
		CompanyName: ptr(c.Name),
		FirstName:   ptr(p.FirstName),
		LastName:    ptr(p.LastName),
		Individual:  ptr(true),
		Addresses: []addressJSON{{
			ID: ptr(strconv.Itoa(n + 1)), Type: "office",
			String: ptr(p.Street + ", " + p.PostalCode + " " + p.City),
			Name:   ptr(c.Name), Line1: ptr(p.Street), City: ptr(p.City), PostalCode: ptr(p.PostalCode),
			Country: ptr(p.Country), ContactName: ptr(p.Name()),
		}},
		PhoneNumbers: []phoneJSON{
			phoneNumber(strconv.Itoa(n+2), p.Phone, "work"),
			phoneNumber(strconv.Itoa(n+3), p.Mobile, "mobile"),
		},
		Emails:    []emailJSON{{ID: strconv.Itoa(n + 4), Email: p.Email, Type: "primary"}},
		Currency:  ptr(cur),
		Status:    ptr(personStatus(r)),
		CreatedBy: ptr(users[c.OwnerUser]),
		UpdatedBy: ptr(users[(c.OwnerUser+r.IntN(3))%len(users)]),
		CreatedAt: created.Format(timeFormat),
		UpdatedAt: ptr(updated.Format(timeFormat)),
	}
	if r.IntN(100) < 20 {
		cu.Notes = ptr(notes[r.IntN(len(notes))])
	}
	if r.IntN(100) < 10 {
		cu.BankAccounts = bankAccount(r, p.Name(), p.Country, cur)
	}
	return cu
}

func companyCustomer(r *rand.Rand, c *dataset.Company, users []string) *customerJSON {
	created, updated := stamps(r, c.CreatedAt)
	n := 10 * c.Index
	cur := currencies[c.Country]
	status := "active"
	if !c.Active {
		status = "archived"
	}
	cu := &customerJSON{
		ID:          companyCustomerID(c.Index),
		CompanyName: ptr(c.Name),
		Individual:  ptr(false),
		Addresses: []addressJSON{{
			ID: ptr("c" + strconv.Itoa(n+1)), Type: "primary",
			String: ptr(c.Street + ", " + c.PostalCode + " " + c.City),
			Name:   ptr(c.Name), Line1: ptr(c.Street), City: ptr(c.City), PostalCode: ptr(c.PostalCode),
			Country: ptr(c.Country), Email: ptr(c.Email), Website: ptr(c.Website), PhoneNumber: ptr(c.Phone),
		}},
		PhoneNumbers: []phoneJSON{phoneNumber("c"+strconv.Itoa(n+2), c.Phone, "primary")},
		Emails:       []emailJSON{{ID: "c" + strconv.Itoa(n+3), Email: c.Email, Type: "billing"}},
		TaxNumber:    ptr(c.VATNumber),
		Currency:     ptr(cur),
		Status:       ptr(status),
		CreatedBy:    ptr(users[c.OwnerUser]),
		UpdatedBy:    ptr(users[c.OwnerUser]),
		CreatedAt:    created.Format(timeFormat),
		UpdatedAt:    ptr(updated.Format(timeFormat)),
	}
	if r.IntN(100) < 60 {
		cu.BankAccounts = bankAccount(r, c.Name, c.Country, cur)
	}
	return cu
}

// stamps returns a created and updated time at or before Epoch, from the record's
// creation in the shared world (support accounts are opened a little later).
func stamps(r *rand.Rand, origin time.Time) (created, updated time.Time) {
	created = origin.AddDate(0, 0, r.IntN(60)).Add(time.Duration(r.IntN(86400)) * time.Second)
	if !created.Before(dataset.Epoch) {
		created = dataset.Epoch.Add(-time.Duration(1+r.IntN(30*86400)) * time.Second)
	}
	span := dataset.Epoch.Sub(created)
	updated = created.Add(time.Duration(r.Int64N(int64(span/time.Second)+1)) * time.Second)
	return created.Truncate(time.Millisecond), updated.Truncate(time.Millisecond)
}

func personStatus(r *rand.Rand) string {
	switch x := r.IntN(100); {
	case x < 92:
		return "active"
	case x < 98:
		return "archived"
	case x < 99:
		return "gdpr-erasure-request"
	default:
		return "unknown"
	}
}

func bankAccount(r *rand.Rand, name, country, cur string) *bankAccountJSON {
	var digits strings.Builder
	for range 14 {
		digits.WriteByte(byte('0' + r.IntN(10)))
	}
	acct := digits.String()
	return &bankAccountJSON{
		AccountNumber: ptr(acct),
		AccountName:   ptr(name),
		AccountType:   ptr("bank_account"),
		IBAN:          ptr(fmt.Sprintf("%s%02d%s", country, 2+r.IntN(97), acct)),
		BIC:           ptr(bics[country]),
		Currency:      ptr(cur),
	}
}

// phoneNumber is the seed's PhoneNumber (000 L2292–2343) for a world number such as
// "+46 8 123 45 67": country_code "46", area_code "8", number "123 45 67" (the
// subscriber number alone, as in the seed's example AR L431–440). The seed does not
// say how a connector splits a number it holds whole, nor how number is spaced; the
// world's numbers carry the split in their spacing, and the number keeps its spaces.
// A number without a "+country area" prefix stays whole in number.
func phoneNumber(id, phone, typ string) phoneJSON {
	out := phoneJSON{ID: ptr(id), Number: phone, Type: typ}
	cc, rest, ok := strings.Cut(phone, " ")
	area, number, ok2 := strings.Cut(rest, " ")
	if ok && ok2 && strings.HasPrefix(cc, "+") && len(cc) > 1 && area != "" && number != "" {
		out.CountryCode, out.AreaCode, out.Number = ptr(cc[1:]), ptr(area), number
	}
	return out
}

// nextID returns an id and timestamp for a customer created through the API: after
// the generated ones, one second apart after Epoch.
func (st *store) nextID() (string, time.Time) {
	st.seq++
	return fmt.Sprintf("cus_%06d", 900000+st.seq), dataset.Epoch.Add(time.Duration(st.seq) * time.Second)
}

// tick returns the timestamp of a change made through the API.
func (st *store) tick() time.Time {
	st.seq++
	return dataset.Epoch.Add(time.Duration(st.seq) * time.Second)
}

package cone

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// defaultLimit applies when a list request has no limit; the seed documents neither a
// default nor a maximum.
const defaultLimit = 25

func (st *store) renderAccount(a *account, embed bool) accountJSON {
	out := accountJSON{customerJSON: a.base, Name: a.name, Contacts: []contactJSON{}}
	if !embed {
		return out
	}
	for _, id := range a.contacts {
		if c := st.contacts[id]; c != nil {
			out.Contacts = append(out.Contacts, st.renderContact(c, false))
		}
	}
	if c := st.contacts[a.primary]; c != nil {
		pc := st.renderContact(c, false)
		out.PrimaryContact = &pc
	}
	return out
}

func (st *store) renderContact(c *contact, embed bool) contactJSON {
	out := contactJSON{customerJSON: c.base, FirstName: c.firstName, LastName: c.lastName, CompanyName: c.companyName,
		Civility: c.civility, PreferredMethodOfContact: c.pmoc, Accounts: []accountJSON{}}
	if !embed {
		return out
	}
	for _, id := range c.accounts {
		if a := st.accounts[id]; a != nil {
			out.Accounts = append(out.Accounts, st.renderAccount(a, false))
		}
	}
	return out
}

// listParams are the shared list query parameters.
type listParams struct {
	start, limit        int
	search, exclude     string
	sortField           string
	desc                bool
	badParam, badReason string
}

func parseList(r *http.Request, startName string, sortFields ...string) listParams {
	q := r.URL.Query()
	p := listParams{limit: defaultLimit, search: strings.ToLower(strings.TrimSpace(q.Get("search"))), exclude: q.Get("exclude")}
	for name, dst := range map[string]*int{startName: &p.start, "limit": &p.limit} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				p.badParam, p.badReason = name, "must be a non-negative integer"
				return p
			}
			*dst = n
		}
	}
	if v := q.Get("franchise"); v != "" {
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			p.badParam, p.badReason = "franchise", "must be an integer"
			return p
		}
	}
	if f := q.Get("sortField"); f != "" {
		ok := false
		for _, s := range sortFields {
			ok = ok || s == f
		}
		if !ok {
			p.badParam, p.badReason = "sortField", "must be one of "+strings.Join(sortFields, ", ")
			return p
		}
		p.sortField = f
	}
	switch d := strings.ToUpper(q.Get("sortDirection")); d {
	case "", "ASC":
	case "DESC":
		p.desc = true
	default:
		p.badParam, p.badReason = "sortDirection", "must be ASC or DESC"
	}
	return p
}

func (p listParams) fail(w http.ResponseWriter) bool {
	if p.badParam == "" {
		return false
	}
	writeJSON(w, http.StatusBadRequest, errorJSON{Error: `Invalid query parameter "` + p.badParam + `": ` + p.badReason})
	return true
}

// page returns xs[start:start+limit], clamped.
func page[T any](xs []T, start, limit int) []T {
	if start >= len(xs) {
		return xs[:0]
	}
	return xs[start:min(len(xs), start+limit)]
}

func matches(search string, fields ...string) bool {
	if search == "" {
		return true
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), search) {
			return true
		}
	}
	return false
}

// GET /api/account → 200 {total, accounts}.
func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	p := parseList(r, "offset", "name", "dateCreated")
	if p.fail(w) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	var hits []*account
	for _, id := range st.accountOrder {
		a := st.accounts[id]
		if a == nil || id == p.exclude || !matches(p.search, a.name, a.base.PrimaryEmail, a.base.WorkPhone, a.base.City) {
			continue
		}
		hits = append(hits, a)
	}
	sortBy(hits, p, func(a *account) string { return strings.ToLower(a.name) }, func(a *account) time.Time { return a.created })
	out := struct {
		Total    int           `json:"total"`
		Accounts []accountJSON `json:"accounts"`
	}{Total: len(hits), Accounts: []accountJSON{}}
	for _, a := range page(hits, p.start, p.limit) {
		out.Accounts = append(out.Accounts, st.renderAccount(a, true))
	}
	writeJSON(w, http.StatusOK, out)
}

func sortBy[T any](xs []T, p listParams, name func(T) string, created func(T) time.Time) {
	var less func(i, j int) bool
	switch p.sortField {
	case "dateCreated":
		less = func(i, j int) bool { return created(xs[i]).Before(created(xs[j])) }
	case "":
		if p.desc {
			for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
				xs[i], xs[j] = xs[j], xs[i]
			}
		}
		return
	default:
		less = func(i, j int) bool { return name(xs[i]) < name(xs[j]) }
	}
	if p.desc {
		asc := less
		less = func(i, j int) bool { return asc(j, i) }
	}
	sort.SliceStable(xs, less)
}

// GET /api/contact → 200 bare [Contact] (no total).
func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) {
	p := parseList(r, "start", "firstName", "lastName", "dateCreated")
	if p.fail(w) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	var hits []*contact
	for _, id := range st.contactOrder {
		c := st.contacts[id]
		if c == nil || id == p.exclude || !matches(p.search, c.firstName+" "+c.lastName, c.base.PrimaryEmail,
			c.base.WorkPhone, c.base.MobilePhone, c.companyName) {
			continue
		}
		hits = append(hits, c)
	}
	name := func(c *contact) string { return strings.ToLower(c.firstName + "\x00" + c.lastName) }
	if p.sortField == "lastName" {
		name = func(c *contact) string { return strings.ToLower(c.lastName + "\x00" + c.firstName) }
	}
	sortBy(hits, p, name, func(c *contact) time.Time { return c.created })
	out := []contactJSON{}
	for _, c := range page(hits, p.start, p.limit) {
		out = append(out, st.renderContact(c, true))
	}
	writeJSON(w, http.StatusOK, out)
}

// GET /api/contact/{contact}/lead/open → 200 [Lead]. The seed types the parameter as
// an integer; contact ids are uuids, so the sandbox takes the uuid. Unknown contact:
// 404 {error}.
func (s *Server) contactOpenLeads(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("contact")
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.st.contacts[id] == nil {
		notFound(w, "Contact")
		return
	}
	out := []leadJSON{}
	for _, lid := range s.st.leadsByContact[id] {
		if l := s.st.leads[lid]; l != nil && l.open() {
			out = append(out, l.leadJSON)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// GET /api/contact/phone/{phone}: undocumented in the seed. The sandbox answers 200
// with a bare array of the contacts having that number as home, work or mobile phone
// (compared on digits only, so "+46 8 123" matches "+468123"); none is [].
func (s *Server) contactByPhone(w http.ResponseWriter, r *http.Request) {
	want := digits(r.PathValue("phone"))
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []contactJSON{}
	if want != "" {
		for _, id := range s.st.contactOrder {
			c := s.st.contacts[id]
			if c != nil && (digits(c.base.WorkPhone) == want || digits(c.base.MobilePhone) == want || digits(c.base.HomePhone) == want) {
				out = append(out, s.st.renderContact(c, true))
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// accountInput is the POST/PATCH /api/account body: Account minus id and thirdPartyIds
// (L1089, L2562; nothing is required, L1509-1524). A key left out keeps the stored
// value. The seed types the texts as plain strings (not string¦null): the sandbox
// reads null on one as clearing it, as "" does; isActive is a boolean and refuses null.
type accountInput struct {
	Name               bodyKey[string]         `json:"name"`
	PrimaryEmail       bodyKey[string]         `json:"primaryEmail"`
	SecondaryEmail     bodyKey[string]         `json:"secondaryEmail"`
	HomePhone          bodyKey[string]         `json:"homePhone"`
	WorkPhone          bodyKey[string]         `json:"workPhone"`
	WorkPhoneExtension bodyKey[string]         `json:"workPhoneExtension"`
	MobilePhone        bodyKey[string]         `json:"mobilePhone"`
	Address            bodyKey[string]         `json:"address"`
	City               bodyKey[string]         `json:"city"`
	Province           bodyKey[string]         `json:"province"`
	PostalCode         bodyKey[string]         `json:"postalCode"`
	Country            bodyKey[string]         `json:"country"`
	Language           bodyKey[string]         `json:"language"`
	IsActive           bodyKey[bool]           `json:"isActive"`
	PrimaryContact     *contactInput           `json:"primaryContact"`
	Contacts           bodyKey[[]contactInput] `json:"contacts"`
}

// bodyKey is one key of a PATCH body: whether it was sent, and whether as null.
type bodyKey[T any] struct {
	set, null bool
	v         T
}

func (f *bodyKey[T]) UnmarshalJSON(b []byte) error {
	f.set = true
	if string(bytes.TrimSpace(b)) == "null" {
		f.null = true
		return nil
	}
	return json.Unmarshal(b, &f.v)
}

// contactInput is an embedded Contact in an account body: an existing contact by id,
// or a new one (no id) from its fields.
type contactInput struct {
	ID           string `json:"id"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	PrimaryEmail string `json:"primaryEmail"`
	WorkPhone    string `json:"workPhone"`
	MobilePhone  string `json:"mobilePhone"`
}

func badAccount(w http.ResponseWriter, errs ...string) {
	writeJSON(w, http.StatusBadRequest, validationErrorJSON{Errors: errs, Message: "Invalid input data"})
}

// validateAccount checks in against the store. The seed requires no field (L1510: name
// is "false"), so a create needs no name.
func (st *store) validateAccount(in *accountInput) []string {
	var errs []string
	for field, v := range map[string]bodyKey[string]{"primaryEmail": in.PrimaryEmail, "secondaryEmail": in.SecondaryEmail} {
		if v.v != "" && !strings.Contains(v.v, "@") {
			errs = append(errs, field+": This value is not a valid email address.")
		}
	}
	// The seed's example "strin" (L1099, field L1519) is read as a 5-character limit;
	// characters, not bytes: "Skåne" is five.
	if utf8.RuneCountInString(in.Province.v) > 5 {
		errs = append(errs, "province: This value is too long. It should have 5 characters or less.")
	}
	if in.IsActive.null {
		errs = append(errs, "isActive: This value should be of type bool.")
	}
	check := func(field string, c contactInput) {
		if c.ID != "" && st.contacts[c.ID] == nil {
			errs = append(errs, field+`: Contact "`+c.ID+`" does not exist.`)
		}
	}
	if in.PrimaryContact != nil {
		check("primaryContact", *in.PrimaryContact)
	}
	for _, c := range in.Contacts.v {
		check("contacts", c)
	}
	sort.Strings(errs)
	return errs
}

// applyAccount writes in onto a (already validated): every key sent is applied, a null
// text as "".
func (st *store) applyAccount(a *account, in *accountInput) {
	set := func(dst *string, f bodyKey[string]) {
		if f.set {
			*dst = f.v
		}
	}
	set(&a.name, in.Name)
	b := &a.base
	set(&b.PrimaryEmail, in.PrimaryEmail)
	set(&b.SecondaryEmail, in.SecondaryEmail)
	set(&b.HomePhone, in.HomePhone)
	set(&b.WorkPhone, in.WorkPhone)
	set(&b.WorkPhoneExtension, in.WorkPhoneExtension)
	set(&b.MobilePhone, in.MobilePhone)
	set(&b.Address, in.Address)
	set(&b.City, in.City)
	set(&b.Province, in.Province)
	set(&b.PostalCode, in.PostalCode)
	set(&b.Country, in.Country)
	set(&b.Language, in.Language)
	if in.IsActive.set {
		b.IsActive = in.IsActive.v
	}
	if in.Contacts.set {
		for _, id := range a.contacts {
			if c := st.contacts[id]; c != nil {
				c.accounts = without(c.accounts, a.base.ID)
			}
		}
		a.contacts = nil
		for _, ci := range in.Contacts.v {
			st.linkContact(a, ci)
		}
		if !contains(a.contacts, a.primary) {
			a.primary = ""
		}
	}
	if in.PrimaryContact != nil {
		a.primary = st.linkContact(a, *in.PrimaryContact)
	}
	if a.primary == "" && len(a.contacts) > 0 {
		a.primary = a.contacts[0]
	}
}

// linkContact links an existing contact, or creates one, and returns its id.
func (st *store) linkContact(a *account, ci contactInput) string {
	c := st.contacts[ci.ID]
	if c == nil {
		id, at := st.nextID("contact")
		c = &contact{base: customerJSON{ID: id, PrimaryEmail: ci.PrimaryEmail, WorkPhone: ci.WorkPhone,
			MobilePhone: ci.MobilePhone, IsActive: true, ThirdPartyIDs: []thirdPartyJSON{}},
			firstName: ci.FirstName, lastName: ci.LastName, companyName: a.name, created: at, pos: len(st.contactOrder)}
		st.contacts[id] = c
		st.contactOrder = append(st.contactOrder, id)
	}
	if !contains(a.contacts, c.base.ID) {
		a.contacts = append(a.contacts, c.base.ID)
	}
	if !contains(c.accounts, a.base.ID) {
		c.accounts = append(c.accounts, a.base.ID)
	}
	return c.base.ID
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func without(xs []string, x string) []string {
	out := xs[:0]
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

// POST /api/account → 200 Account (not 201: the seed says 200); 400 ValidationError.
func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	var in accountInput
	if err := decodeBody(r, &in); err != nil {
		badAccount(w, "Invalid JSON body.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if errs := st.validateAccount(&in); len(errs) > 0 {
		badAccount(w, errs...)
		return
	}
	id, at := st.nextID("account")
	a := &account{base: customerJSON{ID: id, IsActive: true, ThirdPartyIDs: []thirdPartyJSON{}}, created: at, pos: len(st.accountOrder)}
	st.accounts[id] = a
	st.accountOrder = append(st.accountOrder, id)
	st.applyAccount(a, &in)
	writeJSON(w, http.StatusOK, st.renderAccount(a, true))
}

// PATCH /api/account/{account} → 200 Account; 400 ValidationError; 404 {error}.
func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	var in accountInput
	if err := decodeBody(r, &in); err != nil {
		badAccount(w, "Invalid JSON body.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	a := st.accounts[r.PathValue("account")]
	if a == nil {
		notFound(w, "Account")
		return
	}
	if errs := st.validateAccount(&in); len(errs) > 0 {
		badAccount(w, errs...)
		return
	}
	st.applyAccount(a, &in)
	writeJSON(w, http.StatusOK, st.renderAccount(a, true))
}

// DELETE /api/account/{account} → 200 with no body; 404 {error}.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	id := r.PathValue("account")
	a := st.accounts[id]
	if a == nil {
		notFound(w, "Account")
		return
	}
	for _, cid := range a.contacts {
		if c := st.contacts[cid]; c != nil {
			c.accounts = without(c.accounts, id)
		}
	}
	delete(st.accounts, id)
	w.WriteHeader(http.StatusOK)
}

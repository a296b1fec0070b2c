package resolvers

import (
	"strconv"
	"strings"
	"time"

	"crmgraph/backends/cirrus"
	"crmgraph/graph/model"
)

// Mapping of Cirrus wire records onto the unified model. Empty strings become null:
// the API sends "" for unset text.

// str is s, nil when empty. new, not &s: &s would move s to the heap on entry, so
// every call (inlined: every call site) would allocate, the empty ones too.
func str(s string) *string {
	if s == "" {
		return nil
	}
	p := new(string)
	*p = s
	return p
}

func boolp(b bool) *bool { return &b }

func intp(n int) *int { return &n }

func itoa(n int) string { return strconv.Itoa(n) }

func cirrusDecimal(n interface{ String() string }) *model.Decimal {
	return model.DecimalPtr(n.String())
}

// cirrusTime parses the API's timestamps ("2019-01-25T00:00:00.000Z", "2019-01-25 10:00:00").
func cirrusTime(s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

func cirrusListedUser(u *cirrus.ListedUser) *model.User {
	if u == nil || u.ID == 0 {
		return nil
	}
	id := itoa(u.ID)
	return &model.User{
		ID: model.GlobalID("User", model.SourceCirrus, id), Source: model.SourceCirrus, SourceID: id,
		Name: str(strings.TrimSpace(u.Name + " " + u.Surname)), FirstName: str(u.Name), LastName: str(u.Surname),
		Title: str(u.Title), Email: str(u.Email), Phone: str(u.Phone), Mobile: str(u.Cellphone),
	}
}

func cirrusUser(u *cirrus.User) *model.User {
	m := cirrusListedUser(&cirrus.ListedUser{ID: u.ID, Name: u.Name, Surname: u.Surname, Title: u.Title,
		Email: u.Email, Phone: u.Phone, Cellphone: u.Cellphone})
	if m != nil {
		m.Active = boolp(u.Active.Bool())
	}
	return m
}

func cirrusAddress(kind string, a *cirrus.Address) *model.Address {
	if a == nil {
		return nil
	}
	deref := func(p *string) *string {
		if p == nil {
			return nil
		}
		return str(*p)
	}
	street := deref(a.Street)
	if street != nil && a.Number != nil && *a.Number != "" && !strings.Contains(*street, *a.Number) {
		s := *street + " " + *a.Number
		if a.Letter != nil {
			s += *a.Letter
		}
		street = &s
	}
	m := &model.Address{Kind: kind, Name: deref(a.Name), CareOf: deref(a.Careof), Street: street,
		PostalCode: deref(a.Zip), City: deref(a.City), Country: deref(a.Country), Email: deref(a.Email)}
	if m.Name == nil && m.CareOf == nil && m.Street == nil && m.PostalCode == nil && m.City == nil && m.Country == nil && m.Email == nil {
		return nil
	}
	return m
}

func cirrusAccount(a *cirrus.Account) *model.Account {
	id := itoa(a.ID)
	m := &model.Account{
		ID: model.GlobalID("Account", model.SourceCirrus, id), Source: model.SourceCirrus, SourceID: id,
		Name: str(a.Name), AltName: str(a.AltName), Number: str(a.Number), Email: str(a.Email),
		Phone: str(a.Phone), Mobile: str(a.Cellphone), Fax: str(a.Fax), Website: str(a.URL),
		VatNumber: str(a.VatNo), Active: boolp(a.Active.Bool()), Info: str(a.Info), ExternalKey: str(a.ExternalKey),
		Addresses: []*model.Address{},
		OwnerRef:  cirrusListedUser(a.User),
	}
	if a.Addresses != nil {
		for _, ad := range []struct {
			kind string
			a    *cirrus.Address
		}{{"visiting", a.Addresses.Visiting}, {"postal", a.Addresses.Postal}, {"delivery", a.Addresses.Delivery}, {"invoice", a.Addresses.Invoice}} {
			if x := cirrusAddress(ad.kind, ad.a); x != nil {
				m.Addresses = append(m.Addresses, x)
			}
		}
	}
	if a.Type != nil {
		m.TypeRef = &model.AccountType{Ref: cirrusRef[model.AccountType](a.Type.ID), Name: a.Type.Name}
	}
	if a.ParentAccount != nil {
		m.ParentID = itoa(a.ParentAccount.ID)
	}
	if a.Contacts != nil {
		m.Contacts = make([]*model.Contact, 0, len(a.Contacts))
		for i := range a.Contacts {
			c := cirrusAccountContact(&a.Contacts[i], a.ID)
			m.Contacts = append(m.Contacts, c)
			if a.Contacts[i].Primary.Bool() && m.PrimaryRef == nil {
				m.PrimaryRef = c
			}
		}
	}
	m.ExternalIDs = cirrusExternalIDs(a.ExternalKey)
	return m
}

// cirrusAccountContact maps a contact embedded in an account: a partial record.
func cirrusAccountContact(c *cirrus.AccountContact, accountID int) *model.Contact {
	id := itoa(c.ID)
	return &model.Contact{
		ID: model.GlobalID("Contact", model.SourceCirrus, id), Source: model.SourceCirrus, SourceID: id,
		FirstName: str(c.Name), LastName: str(c.Surname), Name: str(strings.TrimSpace(c.Name + " " + c.Surname)),
		Title: str(c.Title), Email: str(c.Email), Phone: str(c.Phone), Mobile: str(c.Cellphone),
		Primary: boolp(c.Primary.Bool()), Partial: true, Summary: accountContactSummary, AccountID: itoa(accountID),
	}
}

func cirrusContact(c *cirrus.Contact) *model.Contact {
	id := itoa(c.ID)
	m := &model.Contact{
		ID: model.GlobalID("Contact", model.SourceCirrus, id), Source: model.SourceCirrus, SourceID: id,
		FirstName: str(c.Name), LastName: str(c.Surname), Name: str(strings.TrimSpace(c.Name + " " + c.Surname)),
		Title: str(c.Title), Email: str(c.Email), Phone: str(c.Officephone), Mobile: str(c.Cellphone),
		Active: boolp(c.Active.Bool()), Primary: boolp(c.PrimaryContact.Bool()), ExternalKey: str(c.ExternalKey),
	}
	if c.Street != "" || c.City != "" || c.Zip != "" {
		m.Address = &model.Address{Kind: "main", Street: str(c.Street), City: str(c.City), PostalCode: str(c.Zip)}
	}
	if c.Account != nil {
		m.AccountID = itoa(c.Account.ID)
		m.CompanyName = str(c.Account.Name)
	}
	m.ExternalIDs = cirrusExternalIDs(c.ExternalKey)
	return m
}

// cirrusExternalIDs: Cirrus keeps one external key per record, the id of the same
// customer in the system Systems.CirrusExternalKey names (System "" until resolved).
func cirrusExternalIDs(key string) []*model.ExternalID {
	if key == "" {
		return []*model.ExternalID{}
	}
	return []*model.ExternalID{{ExternalID: key}}
}

func cirrusListedAccount(a *cirrus.ListedAccount) *model.Account {
	if a == nil || a.ID == 0 {
		return nil
	}
	id := itoa(a.ID)
	return &model.Account{ID: model.GlobalID("Account", model.SourceCirrus, id), Source: model.SourceCirrus,
		SourceID: id, Name: str(a.Name), AltName: str(a.AltName), Number: str(a.Number), Email: str(a.Email),
		Phone: str(a.Phone), Mobile: str(a.Cellphone), Summary: listedAccountSummary}
}

func cirrusOpportunityStatus(s *cirrus.OpportunityStatus) *model.OpportunityStatus {
	return &model.OpportunityStatus{Ref: cirrusRef[model.OpportunityStatus](s.ID), Name: s.Name, Description: str(s.Description), Color: str(s.Color),
		Won: boolp(s.Won.Bool()), Lost: boolp(s.Lost.Bool()), SortOrder: intp(s.SortOrder)}
}

func cirrusOpportunityType(t *cirrus.OpportunityType) *model.OpportunityType {
	return &model.OpportunityType{Ref: cirrusRef[model.OpportunityType](t.ID), Name: t.Name, IsDefault: boolp(t.IsDefault.Bool()), SortOrder: intp(t.SortOrder)}
}

func cirrusReason[T namedItem](r *cirrus.Reason) *T {
	if r == nil {
		return nil
	}
	return cirrusNamed[T](r.ID, r.Name, intp(r.SortOrder), nil)
}

func cirrusSource[T namedItem](s *cirrus.Source) *T {
	if s == nil {
		return nil
	}
	return cirrusNamed[T](s.ID, s.Name, nil, boolp(s.Default.Bool()))
}

func cirrusIDName[T namedItem](r *cirrus.IDName) *T {
	if r == nil {
		return nil
	}
	return cirrusNamed[T](r.ID, r.Name, nil, nil)
}

func cirrusOpportunity(o *cirrus.Opportunity) *model.Opportunity {
	id := itoa(o.ID)
	m := &model.Opportunity{
		ID: model.GlobalID("Opportunity", model.SourceCirrus, id), Source: model.SourceCirrus, SourceID: id,
		Title: str(o.Title), Description: str(o.Description), Value: cirrusDecimal(o.Value),
		OpportunitySource: cirrusSource[model.OpportunitySource](o.Source), EstimatedCloseDate: model.DateOf(o.EstimatedEndDate),
		Closed: boolp(o.Closed.Bool()), Result: str(o.Result),
		CreatedAt: cirrusTime(rawString(o.RegDate)), UpdatedAt: cirrusTime(rawString(o.ChangeDate)),
		LostReason: cirrusReason[model.LostReason](o.LostReason), WinReason: cirrusReason[model.WinReason](o.WinReason),
		AccountID: nonZero(o.AccountID), ContactID: nonZero(o.ContactID), OwnerRef: cirrusListedUser(o.User),
		AccountRef: cirrusListedAccount(o.Account),
	}
	if o.Status != nil && o.Status.ID != 0 {
		m.StatusRef = cirrusOpportunityStatus(o.Status)
	}
	if o.Type != nil && o.Type.ID != 0 {
		m.TypeRef = cirrusOpportunityType(o.Type)
	}
	if m.AccountID == "" && o.Account != nil {
		m.AccountID = nonZero(o.Account.ID)
	}
	if m.ContactID == "" && o.Contact != nil {
		m.ContactID = nonZero(o.Contact.ID)
	}
	return m
}

func nonZero(n int) string {
	if n == 0 {
		return ""
	}
	return itoa(n)
}

// rawString reads an untyped JSON value ("2020-01-25 10:00:00" or null) as a string.
func rawString(b []byte) string {
	s := strings.TrimSpace(string(b))
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return ""
}

func cirrusOrder(o *cirrus.Order) *model.Order {
	id := itoa(o.ID)
	m := &model.Order{
		ID: model.GlobalID("Order", model.SourceCirrus, id), Source: model.SourceCirrus, SourceID: id,
		Number: &id, AlternateID: str(o.AlternateID), PlacedAt: model.DateOf(o.PlaceDate),
		DeliveryDate: model.DateOf(o.DeliveryDate), Type: cirrusIDName[model.OrderType](o.Type), DeliveryType: cirrusIDName[model.DeliveryType](o.DeliveryType),
		Currency: str(o.CurrencyCode), Price: cirrusDecimal(o.Price), Delivered: boolp(o.Delivered.Bool()),
		Marking: str(o.Marking), ExternalComment: str(o.ExternalComment),
		CreatedAt: cirrusTime(o.TSCreated), UpdatedAt: cirrusTime(o.TSUpdated),
		OwnerRef: cirrusListedUser(o.User), AccountRef: cirrusListedAccount(o.Account),
		Rows: make([]*model.OrderRow, 0, len(o.Rows)),
	}
	if o.Status != nil && o.Status.ID != 0 {
		m.StatusRef = &model.OrderStatus{Ref: cirrusRef[model.OrderStatus](o.Status.ID), Name: o.Status.Name}
	}
	if o.DeliveryTerm != nil && o.DeliveryTerm.ID != 0 {
		m.DeliveryTerm = &model.DeliveryTerm{Ref: cirrusRef[model.DeliveryTerm](o.DeliveryTerm.ID), Name: o.DeliveryTerm.Name}
	}
	if o.PaymentTerm != nil && o.PaymentTerm.ID != 0 {
		m.PaymentTerm = &model.PaymentTerm{Ref: cirrusRef[model.PaymentTerm](o.PaymentTerm.ID), Name: o.PaymentTerm.Name}
	}
	if o.Account != nil {
		m.AccountID = nonZero(o.Account.ID)
	}
	if o.Contact != nil {
		m.ContactID = nonZero(o.Contact.ID)
		m.ContactRef = cirrusListedContact(o.Contact)
	}
	if o.Opportunity != nil {
		m.OpportunityID = nonZero(o.Opportunity.ID)
	}
	var total model.DecimalSum
	for i := range o.Rows {
		r := &o.Rows[i]
		row := &model.OrderRow{SourceID: itoa(r.ID), Specification: str(r.Specification),
			Quantity: cirrusDecimal(r.QuantityOrdered), QuantityDelivered: cirrusDecimal(r.QuantityDelivered),
			Price: cirrusDecimal(r.Price), DiscountPercent: cirrusDecimal(r.DiscountPercent),
			Total: cirrusDecimal(r.TotalPrice), Currency: str(r.CurrencyCode), SortOrder: intp(r.SortOrder)}
		if r.Article != nil && r.Article.ID != 0 {
			row.ArticleID = str(itoa(r.Article.ID))
			row.ArticleName, row.ArticleNumber = str(r.Article.Name), str(r.Article.Number)
		}
		if r.ArticleUnit != nil {
			row.Unit = str(r.ArticleUnit.Name)
		}
		if row.Total != nil {
			total.Add(*row.Total)
		}
		m.Rows = append(m.Rows, row)
	}
	if len(o.Rows) > 0 {
		t := total.Decimal()
		m.Total = &t
	} else {
		m.Total = m.Price
	}
	if a := orderAddress("delivery", o.DeliveryName, o.DeliveryStreet, o.DeliveryZip, o.DeliveryCity, o.DeliveryCountry, ""); a != nil {
		m.DeliveryAddress = a
	}
	if a := orderAddress("invoice", o.InvoiceName, o.InvoiceStreet, o.InvoiceZip, o.InvoiceCity, o.InvoiceCountry, o.InvoiceEmail); a != nil {
		m.InvoiceAddress = a
	}
	return m
}

func orderAddress(kind, name, street, zip, city, country, email string) *model.Address {
	if name == "" && street == "" && zip == "" && city == "" && country == "" && email == "" {
		return nil
	}
	return &model.Address{Kind: kind, Name: str(name), Street: str(street), PostalCode: str(zip), City: str(city),
		Country: str(country), Email: str(email)}
}

func cirrusListedContact(c *cirrus.ListedContact) *model.Contact {
	if c == nil || c.ID == 0 {
		return nil
	}
	id := itoa(c.ID)
	return &model.Contact{ID: model.GlobalID("Contact", model.SourceCirrus, id), Source: model.SourceCirrus, SourceID: id,
		FirstName: str(c.Name), LastName: str(c.Surname), Name: str(strings.TrimSpace(c.Name + " " + c.Surname)),
		Title: str(c.Title), Email: str(c.Email), Phone: str(c.Officephone), Mobile: str(c.Cellphone),
		Partial: true, Summary: listedContactSummary}
}

func cirrusLead(l *cirrus.Lead) *model.Lead {
	id := itoa(l.ID)
	m := &model.Lead{
		ID: model.GlobalID("Lead", model.SourceCirrus, id), Source: model.SourceCirrus, SourceID: id,
		Title: str(l.Title), Description: str(l.Description), Value: cirrusDecimal(l.Value), Rating: intp(l.Rating),
		LeadSource: cirrusSource[model.LeadSource](l.Source), CreatedAt: cirrusTime(l.Created), UpdatedAt: cirrusTime(l.Updated),
		OwnerRef: cirrusListedUser(l.User),
		Prospect: &model.Prospect{Title: str(l.ContactTitle), FirstName: str(l.ContactName), LastName: str(l.ContactSurname),
			Company: str(l.ContactCompany), Street: str(l.ContactStreet), City: str(l.ContactCity), PostalCode: str(l.ContactZip),
			Phone: str(l.ContactPhone), Mobile: str(l.ContactCellphone), Email: str(l.ContactEmail), VatNumber: str(l.ContactVatNo)},
	}
	if l.Source != nil && l.Source.ID != 0 {
		m.LeadSourceID = str(itoa(l.Source.ID))
	}
	if l.Status != nil && l.Status.ID != 0 {
		m.StatusRef = &model.LeadStatus{Ref: cirrusRef[model.LeadStatus](l.Status.ID), Name: l.Status.Name, SortOrder: intp(l.Status.SortOrder)}
		m.StatusID = str(itoa(l.Status.ID))
	}
	return m
}

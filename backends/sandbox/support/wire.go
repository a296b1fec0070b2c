package support

// The sandbox's own JSON encoding of the Customer Support API, written from the seed
// independently of the client's wire structs so that a mismatch shows up in tests.
//
// Top-level customer properties are always present, null when unset (every one but id
// and created_at is nullable). Inside addresses, phone numbers, emails and the bank
// account, unset properties are left out, as connectors that do not map them do.

type customerJSON struct {
	ID           string           `json:"id"`
	CompanyName  *string          `json:"company_name"`
	FirstName    *string          `json:"first_name"`
	LastName     *string          `json:"last_name"`
	Individual   *bool            `json:"individual"`
	Addresses    []addressJSON    `json:"addresses"`
	Notes        *string          `json:"notes"`
	PhoneNumbers []phoneJSON      `json:"phone_numbers"`
	Emails       []emailJSON      `json:"emails"`
	TaxNumber    *string          `json:"tax_number"`
	Currency     *string          `json:"currency"`
	BankAccounts *bankAccountJSON `json:"bank_accounts"`
	Status       *string          `json:"status"`
	UpdatedBy    *string          `json:"updated_by"`
	CreatedBy    *string          `json:"created_by"`
	UpdatedAt    *string          `json:"updated_at"`
	CreatedAt    string           `json:"created_at"`
}

type addressJSON struct {
	ID           *string `json:"id,omitempty"`
	Type         string  `json:"type,omitempty"`
	String       *string `json:"string,omitempty"`
	Name         *string `json:"name,omitempty"`
	Line1        *string `json:"line1,omitempty"`
	Line2        *string `json:"line2,omitempty"`
	Line3        *string `json:"line3,omitempty"`
	Line4        *string `json:"line4,omitempty"`
	StreetNumber *string `json:"street_number,omitempty"`
	City         *string `json:"city,omitempty"`
	State        *string `json:"state,omitempty"`
	PostalCode   *string `json:"postal_code,omitempty"`
	Country      *string `json:"country,omitempty"`
	Latitude     *string `json:"latitude,omitempty"`
	Longitude    *string `json:"longitude,omitempty"`
	County       *string `json:"county,omitempty"`
	ContactName  *string `json:"contact_name,omitempty"`
	Salutation   *string `json:"salutation,omitempty"`
	PhoneNumber  *string `json:"phone_number,omitempty"`
	Fax          *string `json:"fax,omitempty"`
	Email        *string `json:"email,omitempty"`
	Website      *string `json:"website,omitempty"`
	RowVersion   *string `json:"row_version,omitempty"`
}

type phoneJSON struct {
	ID          *string `json:"id,omitempty"`
	CountryCode *string `json:"country_code,omitempty"`
	AreaCode    *string `json:"area_code,omitempty"`
	Number      string  `json:"number"`
	Extension   *string `json:"extension,omitempty"`
	Type        string  `json:"type,omitempty"`
}

type emailJSON struct {
	ID    string `json:"id,omitempty"`
	Email string `json:"email"`
	Type  string `json:"type,omitempty"`
}

type bankAccountJSON struct {
	AccountNumber    *string `json:"account_number,omitempty"`
	AccountName      *string `json:"account_name,omitempty"`
	AccountType      *string `json:"account_type,omitempty"`
	IBAN             *string `json:"iban,omitempty"`
	BIC              *string `json:"bic,omitempty"`
	BSBNumber        *string `json:"bsb_number,omitempty"`
	BranchIdentifier *string `json:"branch_identifier,omitempty"`
	BankCode         *string `json:"bank_code,omitempty"`
	Currency         *string `json:"currency,omitempty"`
}

// envelopeJSON is Get/GetAll/Create/Update/Delete CustomerSupportCustomer(s)Response.
type envelopeJSON struct {
	StatusCode int        `json:"status_code"`
	Status     string     `json:"status"`
	Service    string     `json:"service"`
	Resource   string     `json:"resource"`
	Operation  string     `json:"operation"`
	Data       any        `json:"data"`
	Meta       *metaJSON  `json:"meta,omitempty"`
	Links      *linksJSON `json:"links,omitempty"`
}

type metaJSON struct {
	ItemsOnPage int         `json:"items_on_page"`
	Cursors     cursorsJSON `json:"cursors"`
}

type cursorsJSON struct {
	Previous *string `json:"previous"`
	Current  *string `json:"current"`
	Next     *string `json:"next"`
}

type linksJSON struct {
	Previous *string `json:"previous"`
	Current  string  `json:"current"`
	Next     *string `json:"next"`
}

type unifiedIDJSON struct {
	ID string `json:"id"`
}

// errorJSON is the error schema shared by every error response. Detail is a string or
// an object.
type errorJSON struct {
	StatusCode int    `json:"status_code"`
	Error      string `json:"error"`
	TypeName   string `json:"type_name"`
	Message    string `json:"message"`
	Detail     any    `json:"detail,omitempty"`
	Ref        string `json:"ref"`
}

func ptr[T any](v T) *T { return &v }

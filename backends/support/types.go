package support

import "time"

// Customer is CustomerSupportCustomer (additionalProperties: false). Every field but
// id and created_at is nullable in the seed; null decodes to the zero value. The same
// struct is the create and update body: zero-valued fields are not sent, so an update
// through this struct cannot clear a field (the seed's PATCH is partial).
//
// BankAccounts is a single object despite its plural name (seed examples agree).
type Customer struct {
	ID           string        `json:"id,omitempty"` // read-only
	CompanyName  string        `json:"company_name,omitempty"`
	FirstName    string        `json:"first_name,omitempty"`
	LastName     string        `json:"last_name,omitempty"`
	Individual   *bool         `json:"individual,omitempty"`
	Addresses    []Address     `json:"addresses,omitempty"`
	Notes        string        `json:"notes,omitempty"`
	PhoneNumbers []PhoneNumber `json:"phone_numbers,omitempty"`
	Emails       []Email       `json:"emails,omitempty"`
	TaxNumber    string        `json:"tax_number,omitempty"`
	Currency     string        `json:"currency,omitempty"` // ISO 4217 (seed enum "currencies")
	BankAccounts *BankAccount  `json:"bank_accounts,omitempty"`
	Status       string        `json:"status,omitempty"`     // see Status* constants
	UpdatedBy    string        `json:"updated_by,omitempty"` // read-only
	CreatedBy    string        `json:"created_by,omitempty"` // read-only
	UpdatedAt    *time.Time    `json:"updated_at,omitempty"` // read-only
	CreatedAt    *time.Time    `json:"created_at,omitempty"` // read-only
}

// Customer statuses (enum customers.status).
const (
	StatusActive             = "active"
	StatusArchived           = "archived"
	StatusGDPRErasureRequest = "gdpr-erasure-request"
	StatusUnknown            = "unknown"
)

// Address (additionalProperties: false). Type is one of primary, secondary, home,
// office, shipping, billing, other. Latitude and longitude are strings in the seed.
type Address struct {
	ID           string `json:"id,omitempty"`
	Type         string `json:"type,omitempty"`
	String       string `json:"string,omitempty"` // the unstructured address, when an API has no parts
	Name         string `json:"name,omitempty"`
	Line1        string `json:"line1,omitempty"`
	Line2        string `json:"line2,omitempty"`
	Line3        string `json:"line3,omitempty"`
	Line4        string `json:"line4,omitempty"`
	StreetNumber string `json:"street_number,omitempty"`
	City         string `json:"city,omitempty"`
	State        string `json:"state,omitempty"`
	PostalCode   string `json:"postal_code,omitempty"`
	Country      string `json:"country,omitempty"` // ISO 3166-1 alpha-2
	Latitude     string `json:"latitude,omitempty"`
	Longitude    string `json:"longitude,omitempty"`
	County       string `json:"county,omitempty"`
	ContactName  string `json:"contact_name,omitempty"`
	Salutation   string `json:"salutation,omitempty"`
	PhoneNumber  string `json:"phone_number,omitempty"`
	Fax          string `json:"fax,omitempty"`
	Email        string `json:"email,omitempty"`
	Website      string `json:"website,omitempty"`
	RowVersion   string `json:"row_version,omitempty"`
}

// PhoneNumber (required: number). Type is one of primary, secondary, home, work,
// office, mobile, assistant, fax, direct-dial-in, personal, other.
type PhoneNumber struct {
	ID          string `json:"id,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
	AreaCode    string `json:"area_code,omitempty"`
	Number      string `json:"number"`
	Extension   string `json:"extension,omitempty"`
	Type        string `json:"type,omitempty"`
}

// Email (required: email). Type is one of primary, secondary, work, personal,
// billing, other.
type Email struct {
	ID    string `json:"id,omitempty"`
	Email string `json:"email"`
	Type  string `json:"type,omitempty"`
}

// BankAccount (additionalProperties: false). AccountType is bank_account,
// credit_card or other.
type BankAccount struct {
	AccountNumber    string `json:"account_number,omitempty"`
	AccountName      string `json:"account_name,omitempty"`
	AccountType      string `json:"account_type,omitempty"`
	IBAN             string `json:"iban,omitempty"`
	BIC              string `json:"bic,omitempty"`
	BSBNumber        string `json:"bsb_number,omitempty"`
	BranchIdentifier string `json:"branch_identifier,omitempty"`
	BankCode         string `json:"bank_code,omitempty"`
	Currency         string `json:"currency,omitempty"`
}

// Envelope is the body of every successful answer: Get/GetAll/Create/Update/Delete
// CustomerSupportCustomer(s)Response. Meta and Links come with lists only.
type Envelope[T any] struct {
	StatusCode int    `json:"status_code"`
	Status     string `json:"status"`
	Service    string `json:"service"`  // Apideck id of the connector, e.g. "kustomer"
	Resource   string `json:"resource"` // "customers"
	Operation  string `json:"operation"`
	Data       T      `json:"data"`
	Meta       *Meta  `json:"meta,omitempty"`
	Links      *Links `json:"links,omitempty"`
}

// Meta is the list metadata.
type Meta struct {
	ItemsOnPage int     `json:"items_on_page"`
	Cursors     Cursors `json:"cursors"`
}

// Cursors of a list page; "" stands for null (Next is null on the last page;
// Previous is not available for all connectors).
type Cursors struct {
	Previous string `json:"previous,omitempty"`
	Current  string `json:"current,omitempty"`
	Next     string `json:"next,omitempty"`
}

// Links are the page URLs of a list ("" for null).
type Links struct {
	Previous string `json:"previous,omitempty"`
	Current  string `json:"current,omitempty"`
	Next     string `json:"next,omitempty"`
}

// UnifiedID is the data of add, update and delete answers.
type UnifiedID struct {
	ID string `json:"id"`
}

// ErrorBody is the error schema every non-2xx answer shares (BadRequestResponse,
// UnauthorizedResponse, NotFoundResponse, …). Detail is a string or an object
// (e.g. {"missing":[{"foobar":"required"}]} or {"not_found":{"entity":"customer","id":"1"}}).
// Ref is a documentation URL.
type ErrorBody struct {
	StatusCode float64 `json:"status_code"`
	Error      string  `json:"error"`
	TypeName   string  `json:"type_name"`
	Message    string  `json:"message"`
	Detail     any     `json:"detail,omitempty"`
	Ref        string  `json:"ref,omitempty"`
}

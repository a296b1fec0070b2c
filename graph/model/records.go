package model

import "time"

// The Node types are hand-written so they can carry what their edge resolvers need
// (foreign keys, embedded children) next to the fields the schema exposes. Fields not
// in the schema are ignored by gqlgen.

// Account is a customer organisation in CIRRUS or CONE.
type Account struct {
	ID             string
	Source         Source
	SourceID       string
	Name           *string
	AltName        *string
	Number         *string
	Email          *string
	SecondaryEmail *string
	Phone          *string
	Mobile         *string
	Fax            *string
	Website        *string
	VatNumber      *string
	Active         *bool
	Info           *string
	Language       *string
	ExternalKey    *string
	Addresses      []*Address

	// Edge data.
	TypeRef     *AccountType // embedded type (Cirrus)
	OwnerRef    *User        // embedded owner (Cirrus ListedUser)
	ParentID    string       // source id of the parent account
	Contacts    []*Contact   // embedded contacts (partial records), nil when not embedded
	PrimaryRef  *Contact     // the embedded primary contact
	ExternalIDs []*ExternalID
	// Summary is set on an account another record embeds: it tells which fields the
	// summary carries (nil: the full record).
	Summary Summary
}

// Summary describes a partial record embedded in another: the fields it answers.
type Summary interface {
	Answers(field string) bool
}

func (Account) IsNode()           {}
func (a Account) GetID() string   { return a.ID }
func (a *Account) Key() SourceKey { return SourceKey{a.Source, a.SourceID} }

// Contact is a person in CIRRUS, CONE or CLIENT_DATA.
type Contact struct {
	ID          string
	Source      Source
	SourceID    string
	FirstName   *string
	LastName    *string
	Name        *string
	Title       *string
	Email       *string
	Phone       *string
	Mobile      *string
	CompanyName *string
	Active      *bool
	Primary     *bool
	Address     *Address
	Language    *string
	ExternalKey *string

	// Partial is true for a contact built from what another record embeds (a Cirrus
	// account's or order's contact, a ConeCRM account's, a change request's reference):
	// it is not primed into the loaders as a full record.
	Partial bool
	// Summary tells which fields an embedded contact carries (nil: the full record, or
	// a client-data reference, which Partial marks).
	Summary     Summary
	AccountID   string     // source id of the contact's account (Cirrus)
	AccountRefs []*Account // embedded accounts (ConeCRM Contact.accounts)
	ExternalIDs []*ExternalID
	UID         string // client-data contact uuid
	Username    *string
	Details     JSON // client-data details, when already loaded
}

func (Contact) IsNode()           {}
func (c Contact) GetID() string   { return c.ID }
func (c *Contact) Key() SourceKey { return SourceKey{c.Source, c.SourceID} }

// Opportunity is a Cirrus opportunity.
type Opportunity struct {
	ID                 string
	Source             Source
	SourceID           string
	Title              *string
	Description        *string
	Value              *Decimal
	OpportunitySource  *OpportunitySource
	EstimatedCloseDate *Date
	Closed             *bool
	Result             *string
	CreatedAt          *time.Time
	UpdatedAt          *time.Time
	LostReason         *LostReason
	WinReason          *WinReason

	StatusRef  *OpportunityStatus
	TypeRef    *OpportunityType
	AccountID  string
	ContactID  string
	OwnerRef   *User
	AccountRef *Account // embedded ListedAccount (partial)
	ContactRef *Contact // embedded ListedContact (partial)
}

// Status is the embedded status: a field read, so gqlgen resolves it in line, not on a
// goroutine of its own (Opportunity.status needs no lookup).
func (o *Opportunity) Status() *OpportunityStatus { return o.StatusRef }

// Type is the embedded type, read in line like Status.
func (o *Opportunity) Type() *OpportunityType { return o.TypeRef }

func (Opportunity) IsNode()         {}
func (o Opportunity) GetID() string { return o.ID }

// Order is a Cirrus order.
type Order struct {
	ID              string
	Source          Source
	SourceID        string
	Number          *string
	AlternateID     *string
	PlacedAt        *Date
	DeliveryDate    *Date
	Type            *OrderType
	DeliveryTerm    *DeliveryTerm
	PaymentTerm     *PaymentTerm
	DeliveryType    *DeliveryType
	Currency        *string
	Total           *Decimal
	Price           *Decimal
	Delivered       *bool
	Marking         *string
	ExternalComment *string
	Rows            []*OrderRow
	DeliveryAddress *Address
	InvoiceAddress  *Address
	CreatedAt       *time.Time
	UpdatedAt       *time.Time

	StatusRef      *OrderStatus
	AccountID      string
	ContactID      string
	OpportunityID  string
	OwnerRef       *User
	AccountRef     *Account
	ContactRef     *Contact
	OpportunityRef *Opportunity
}

func (Order) IsNode()         {}
func (o Order) GetID() string { return o.ID }

// Lead is a lead in CIRRUS or CONE.
type Lead struct {
	ID           string
	Source       Source
	SourceID     string
	Title        *string
	Description  *string
	StatusID     *string
	LeadSource   *LeadSource
	LeadSourceID *string
	Value        *Decimal
	Rating       *int
	Category     *string
	Qualified    *bool
	Open         *bool
	DueDate      *time.Time
	Prospect     *Prospect
	CreatedAt    *time.Time
	UpdatedAt    *time.Time

	StatusRef *LeadStatus
	StageID   string
	OwnerRef  *User
	ContactID string
	AccountID string
}

// Status is the embedded status, read in line like Opportunity.Status.
func (l *Lead) Status() *LeadStatus { return l.StatusRef }

func (Lead) IsNode()         {}
func (l Lead) GetID() string { return l.ID }

// ChangeRequest is a client-data change request.
type ChangeRequest struct {
	ID               string
	Source           Source
	SourceID         string // "contactId/changeRequestId"
	UID              *string
	CreatedAt        *time.Time
	Initiator        *Member
	InitiatorComment *string
	ReviewedAt       *time.Time
	Reviewer         *Member
	ReviewComment    *string
	Changes          []*FieldChange

	ContactID  int32
	StatusID   int32
	ContactRef *Contact
	// Partial is true for a search result: uid, comments and changes need the full record.
	Partial bool
}

func (ChangeRequest) IsNode()         {}
func (c ChangeRequest) GetID() string { return c.ID }

// User is a CRM user.
type User struct {
	ID        string
	Source    Source
	SourceID  string
	Name      *string
	FirstName *string
	LastName  *string
	Title     *string
	Email     *string
	Phone     *string
	Mobile    *string
	Active    *bool
}

func (User) IsNode()         {}
func (u User) GetID() string { return u.ID }

// SourceKey names a record in one source.
type SourceKey struct {
	Source   Source
	SourceID string
}

// ReferenceData resolves each list on demand, in the request's language.
type ReferenceData struct {
	Language string
}

// SupportCustomer is an Apideck customer-support customer.
type SupportCustomer struct {
	ID          string
	Source      Source
	SourceID    string
	CompanyName *string
	FirstName   *string
	LastName    *string
	Name        *string
	Individual  *bool
	Emails      []string
	Phones      []string
	Addresses   []*Address
	Status      *string
	Currency    *string
	Notes       *string
	TaxNumber   *string
	CreatedAt   *time.Time
	UpdatedAt   *time.Time
}

func (SupportCustomer) IsNode()         {}
func (s SupportCustomer) GetID() string { return s.ID }

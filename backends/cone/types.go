package cone

import (
	"encoding/json"
	"time"

	"crmgraph/backends/rest"
)

// Ref is the seed's reference shape: a nested object holding only the id.
type Ref struct {
	ID string `json:"id"`
}

// BaseRecord is the seed's audit and soft-delete mixin (allOf IdEntity).
type BaseRecord struct {
	ID           string     `json:"id,omitempty"`
	DateCreated  *time.Time `json:"dateCreated,omitempty"`
	CreatedBy    *Ref       `json:"createdBy,omitempty"`
	DateModified *time.Time `json:"dateModified,omitempty"`
	ModifiedBy   *Ref       `json:"modifiedBy,omitempty"`
	IsDeleted    bool       `json:"isDeleted,omitempty"`
	DateDeleted  *time.Time `json:"dateDeleted,omitempty"`
	DeletedBy    *Ref       `json:"deletedBy,omitempty"`
	DType        string     `json:"dtype,omitempty"`
}

// ThirdPartyID is one external key of a record: BaseCustomerThirdPartyId on accounts and
// contacts (with customer and tenant), ConnectionThirdPartyId on leads (without).
// Metadata is a JSON document encoded as a string.
type ThirdPartyID struct {
	BaseRecord
	Customer     *Ref    `json:"customer,omitempty"`
	SystemName   string  `json:"systemName"`
	ThirdPartyID string  `json:"thirdPartyId"`
	Metadata     *string `json:"metadata,omitempty"`
	Tenant       *Ref    `json:"tenant,omitempty"`
}

// Customer is BaseCustomer, the shared base of Account and Contact. It has no audit
// fields (it does not include BaseRecord).
type Customer struct {
	ID                 string         `json:"id,omitempty"`
	PrimaryEmail       string         `json:"primaryEmail,omitempty"`
	SecondaryEmail     string         `json:"secondaryEmail,omitempty"`
	HomePhone          string         `json:"homePhone,omitempty"`
	WorkPhone          string         `json:"workPhone,omitempty"`
	WorkPhoneExtension string         `json:"workPhoneExtension,omitempty"`
	MobilePhone        string         `json:"mobilePhone,omitempty"`
	Address            string         `json:"address,omitempty"`
	City               string         `json:"city,omitempty"`
	Province           string         `json:"province,omitempty"`
	PostalCode         string         `json:"postalCode,omitempty"`
	Country            string         `json:"country,omitempty"`
	Language           string         `json:"language,omitempty"`
	IsActive           bool           `json:"isActive"`
	ThirdPartyIDs      []ThirdPartyID `json:"thirdPartyIds,omitempty"`
}

// ThirdPartyID returns the record's id in system, or "".
func (c Customer) ThirdPartyID(system string) string {
	for _, t := range c.ThirdPartyIDs {
		if t.SystemName == system {
			return t.ThirdPartyID
		}
	}
	return ""
}

// Account is a customer organisation. PrimaryContact and Contacts are full embedded
// Contacts; their own Accounts are not expanded again by the API.
type Account struct {
	Customer
	Name           string    `json:"name,omitempty"`
	PrimaryContact *Contact  `json:"primaryContact,omitempty"`
	Contacts       []Contact `json:"contacts,omitempty"`
}

// Contact is a person. Accounts are full embedded Accounts (one level deep).
type Contact struct {
	Customer
	FirstName                string    `json:"firstName,omitempty"`
	LastName                 string    `json:"lastName,omitempty"`
	CompanyName              string    `json:"companyName,omitempty"`
	Civility                 string    `json:"civility,omitempty"`
	PreferredMethodOfContact string    `json:"preferredMethodOfContact,omitempty"`
	Accounts                 []Account `json:"accounts,omitempty"`
}

// AccountList is the GET /api/account envelope.
type AccountList struct {
	Total    int       `json:"total"`
	Accounts []Account `json:"accounts"`
}

// AccountInput is the body of POST /api/account and PATCH /api/account/{account}: the
// Account fields minus id and thirdPartyIds, all optional (seed L1089, L2562). Absent
// fields are left out, so a PATCH changes only what is set; a set zero ("" or false)
// is sent. The seed types these strings as plain (not nullable) strings, so a text is
// cleared by sending "".
type AccountInput struct {
	Name               rest.Optional[string]    `json:"name,omitzero"`
	PrimaryEmail       rest.Optional[string]    `json:"primaryEmail,omitzero"`
	SecondaryEmail     rest.Optional[string]    `json:"secondaryEmail,omitzero"`
	HomePhone          rest.Optional[string]    `json:"homePhone,omitzero"`
	WorkPhone          rest.Optional[string]    `json:"workPhone,omitzero"`
	WorkPhoneExtension rest.Optional[string]    `json:"workPhoneExtension,omitzero"`
	MobilePhone        rest.Optional[string]    `json:"mobilePhone,omitzero"`
	Address            rest.Optional[string]    `json:"address,omitzero"`
	City               rest.Optional[string]    `json:"city,omitzero"`
	Province           rest.Optional[string]    `json:"province,omitzero"`
	PostalCode         rest.Optional[string]    `json:"postalCode,omitzero"`
	Country            rest.Optional[string]    `json:"country,omitzero"`
	Language           rest.Optional[string]    `json:"language,omitzero"`
	IsActive           rest.Optional[bool]      `json:"isActive,omitzero"`
	PrimaryContact     rest.Optional[Contact]   `json:"primaryContact,omitzero"`
	Contacts           rest.Optional[[]Contact] `json:"contacts,omitzero"`
}

// Connection is the deal-like record (the seed has no opportunity); Lead extends it.
// References are {id} objects; Status, Source and Franchise have no endpoint.
type Connection struct {
	BaseRecord
	Subject                        string         `json:"subject,omitempty"`
	Description                    *string        `json:"description,omitempty"`
	Status                         *Ref           `json:"status,omitempty"`
	DateFirstModified              *time.Time     `json:"dateFirstModified,omitempty"`
	FirstModifiedBy                *Ref           `json:"firstModifiedBy,omitempty"`
	Source                         *Ref           `json:"source,omitempty"`
	Contact                        *Ref           `json:"contact,omitempty"`
	Account                        *Ref           `json:"account,omitempty"`
	Franchise                      *Ref           `json:"franchise,omitempty"`
	DueDate                        *time.Time     `json:"dueDate,omitempty"`
	Stage                          *Ref           `json:"stage,omitempty"`
	Direction                      string         `json:"direction,omitempty"`
	IsQualified                    bool           `json:"isQualified,omitempty"`
	ConnectionClosedDate           *time.Time     `json:"connectionClosedDate,omitempty"`
	ConnectionClosedBy             *Ref           `json:"connectionClosedBy,omitempty"`
	ExpectedDeliveryDate           *time.Time     `json:"expectedDeliveryDate,omitempty"`
	IsLostApproved                 *bool          `json:"isLostApproved,omitempty"`
	LostBy                         *Ref           `json:"lostBy,omitempty"`
	LostDate                       *time.Time     `json:"lostDate,omitempty"`
	FirstOpenDate                  *time.Time     `json:"firstOpenDate,omitempty"`
	FirstOpenBy                    *Ref           `json:"firstOpenBy,omitempty"`
	TestDriveDone                  *bool          `json:"testDriveDone,omitempty"`
	TestDriveDate                  *time.Time     `json:"testDriveDate,omitempty"`
	OrderPlaced                    *bool          `json:"orderPlaced,omitempty"`
	OrderDate                      *time.Time     `json:"orderDate,omitempty"`
	TradeInAppraisalDone           *bool          `json:"tradeInAppraisalDone,omitempty"`
	TradeInAppraisalDate           *time.Time     `json:"tradeInAppraisalDate,omitempty"`
	CreditApplicationSubmitted     *bool          `json:"creditApplicationSubmitted,omitempty"`
	CreditApplicationSubmittedDate *time.Time     `json:"creditApplicationSubmittedDate,omitempty"`
	Priority                       *int           `json:"priority,omitempty"`
	ThirdPartyIDs                  []ThirdPartyID `json:"thirdPartyIds,omitempty"`
}

// Open reports whether the connection is still open: not closed and not lost.
func (c Connection) Open() bool { return c.ConnectionClosedDate == nil && c.LostDate == nil }

// Lead is allOf Connection plus the lead fields.
type Lead struct {
	Connection
	Category                 *string    `json:"category,omitempty"`
	AutomationDay            *int       `json:"automationDay,omitempty"`
	VisitCount               int        `json:"visitCount,omitempty"`
	IsTakeOver               bool       `json:"isTakeOver,omitempty"`
	IsWalkAroundDone         bool       `json:"isWalkAroundDone,omitempty"`
	WalkAroundDate           *time.Time `json:"walkAroundDate,omitempty"`
	TakeOverDate             *time.Time `json:"takeOverDate,omitempty"`
	OfferMade                *bool      `json:"offerMade,omitempty"`
	OfferMadeDate            *time.Time `json:"offerMadeDate,omitempty"`
	SoldDate                 *time.Time `json:"soldDate,omitempty"`
	SoldBy                   *Ref       `json:"soldBy,omitempty"`
	PresaleVisitCount        int        `json:"presaleVisitCount,omitempty"`
	PostsaleVisitCount       int        `json:"postsaleVisitCount,omitempty"`
	CustomerInitiated        bool       `json:"customerInitiated,omitempty"`
	InTransit                *bool      `json:"inTransit,omitempty"`
	CPO                      *bool      `json:"cpo,omitempty"`
	Demo                     *bool      `json:"demo,omitempty"`
	FormName                 *string    `json:"formName,omitempty"`
	LeadHandlingInstructions *string    `json:"leadHandlingInstructions,omitempty"`
	CreditAssessments        []Ref      `json:"creditAssessments,omitempty"`
	Incentives               []Ref      `json:"incentives,omitempty"`
	Packages                 []Ref      `json:"packages,omitempty"`
	Surveys                  []Ref      `json:"surveys,omitempty"`
}

// LeadCreateRequest is the body of POST /api/lead. Subject, Department, Contact, Source
// and Franchise are required. Department, Assignees, the vehicle strings, the UTM
// fields and CustomFieldValues are write-only: the Lead response does not echo them.
type LeadCreateRequest struct {
	Subject                  string             `json:"subject"`
	Department               Ref                `json:"department"`
	MakeStr                  *string            `json:"makeStr,omitempty"`
	ModelStr                 *string            `json:"modelStr,omitempty"`
	YearStr                  *string            `json:"yearStr,omitempty"`
	TrimStr                  *string            `json:"trimStr,omitempty"`
	Contact                  Ref                `json:"contact"`
	Account                  *Ref               `json:"account,omitempty"`
	Assignees                []Ref              `json:"assignees,omitempty"`
	Description              *string            `json:"description,omitempty"`
	Source                   Ref                `json:"source"`
	Category                 *string            `json:"category,omitempty"`
	UTMCampaign              *string            `json:"utmCampaign,omitempty"`
	UTMSource                *string            `json:"utmSource,omitempty"`
	CustomerInitiated        bool               `json:"customerInitiated,omitempty"`
	LeadHandlingInstructions *string            `json:"leadHandlingInstructions,omitempty"`
	Franchise                Ref                `json:"franchise"`
	CustomFieldValues        []CustomFieldValue `json:"customFieldValues,omitempty"`
}

// CustomFieldValue sets one custom field on a new lead.
type CustomFieldValue struct {
	Field Ref    `json:"field"`
	Value string `json:"value"`
}

// CopyLeadData is the body of POST /api/lead/{lead}/copy. Contact is required (the
// seed types it as a full Contact; the id is what matters); the rest default to the
// original lead's values.
type CopyLeadData struct {
	Contact    Contact     `json:"contact"`
	Account    *Account    `json:"account,omitempty"`
	Subject    *string     `json:"subject,omitempty"`
	Department *Department `json:"department,omitempty"`
	Franchise  *Franchise  `json:"franchise,omitempty"`
}

// Department is a department within a franchise.
type Department struct {
	ID        string     `json:"id,omitempty"`
	Name      string     `json:"name,omitempty"`
	Franchise *Franchise `json:"franchise,omitempty"`
	Pipeline  *NamedRef  `json:"pipeline,omitempty"`
}

// NamedRef is a reference that also carries the name (a department's pipeline, a
// custom label's tenant).
type NamedRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Franchise is a dealership (the tenant's unit); it has no endpoint.
type Franchise struct {
	BaseRecord
	Name     string `json:"name,omitempty"`
	Code     string `json:"code,omitempty"`
	IsActive bool   `json:"isActive,omitempty"`
}

// Stage is a ConnectionStage: the pipeline stage of connections and leads.
type Stage struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// Task is allOf EventBase plus type. Connection, Assignee, Tenant, Contact and Account
// are full embedded objects.
type Task struct {
	BaseRecord
	Connection *Lead           `json:"connection,omitempty"` // a Connection; leads carry their lead fields too
	Start      *time.Time      `json:"start,omitempty"`
	End        *time.Time      `json:"end,omitempty"`
	Title      string          `json:"title,omitempty"`
	Note       string          `json:"note,omitempty"`
	Assignee   *SecurityObject `json:"assignee,omitempty"`
	TaskDone   bool            `json:"taskDone,omitempty"`
	Notified   bool            `json:"notified,omitempty"`
	Edited     *bool           `json:"edited,omitempty"`
	Tenant     *Tenant         `json:"tenant,omitempty"`
	Contact    *Contact        `json:"contact,omitempty"`
	Account    *Account        `json:"account,omitempty"`
	Type       *string         `json:"type,omitempty"`
}

// Task types (TaskRequest.type enum; null is also allowed).
const (
	TaskCall            = "CALL"
	TaskMeeting         = "MEETING"
	TaskOther           = "OTHER"
	TaskSMS             = "SMS"
	TaskFollowUp        = "FOLLOW_UP"
	TaskReminder        = "REMINDER"
	TaskLinkedInMessage = "LINKEDIN_MESSAGE"
	TaskDM              = "DM"
)

// TaskRequest is the body of POST /api/task and PATCH /api/task/{task}. Unlike every
// other body, references are bare uuid strings. Assignee and Title are required.
type TaskRequest struct {
	Type       *string    `json:"type"`
	Assignee   string     `json:"assignee"`
	Start      *time.Time `json:"start,omitempty"`
	End        *time.Time `json:"end,omitempty"`
	Title      string     `json:"title"`
	Note       *string    `json:"note,omitempty"`
	Contact    *string    `json:"contact,omitempty"`
	Account    *string    `json:"account,omitempty"`
	Connection *string    `json:"connection,omitempty"`
}

// SecurityObject is an assignee principal: a user or a group.
type SecurityObject struct {
	BaseRecord
	IsGroup           bool    `json:"isGroup,omitempty"`
	DisplayName       string  `json:"displayName,omitempty"`
	IsBackEnd         bool    `json:"isBackEnd,omitempty"`
	IsDisableable     bool    `json:"isDisableable,omitempty"`
	IsActive          bool    `json:"isActive,omitempty"`
	Franchises        []Ref   `json:"franchises,omitempty"`
	Departments       []Ref   `json:"departments,omitempty"`
	AssignationTypes  []Ref   `json:"assignationTypes,omitempty"`
	Tenant            *Tenant `json:"tenant,omitempty"`
	AdditionalTenants []Ref   `json:"additionalTenants,omitempty"`
}

// Tenant is the customer of ConeCRM a token belongs to.
type Tenant struct {
	ID           string        `json:"id,omitempty"`
	Name         string        `json:"name,omitempty"`
	Vertical     string        `json:"vertical,omitempty"`
	Franchises   []Ref         `json:"franchises,omitempty"`
	Users        []Ref         `json:"users,omitempty"`
	CustomLabels []CustomLabel `json:"customLabels,omitempty"`
}

// CustomLabel is a tenant's label overrides; Value is a free JSON object.
type CustomLabel struct {
	BaseRecord
	Tenant *NamedRef       `json:"tenant,omitempty"`
	Value  json.RawMessage `json:"value,omitempty"`
}

package cone

import "time"

// The sandbox's own JSON encoding of ConeCRM records, written from the seed
// independently of the client's wire structs so that a mismatch shows up in tests.
// Nullable fields are emitted as null (as Symfony's serializer does), collections as [].

type refJSON struct {
	ID string `json:"id"`
}

func ref(id string) *refJSON {
	if id == "" {
		return nil
	}
	return &refJSON{ID: id}
}

type baseRecordJSON struct {
	ID           string     `json:"id"`
	DateCreated  time.Time  `json:"dateCreated"`
	CreatedBy    *refJSON   `json:"createdBy"`
	DateModified *time.Time `json:"dateModified"`
	ModifiedBy   *refJSON   `json:"modifiedBy"`
	IsDeleted    bool       `json:"isDeleted"`
	DateDeleted  *time.Time `json:"dateDeleted"`
	DeletedBy    *refJSON   `json:"deletedBy"`
	DType        string     `json:"dtype"`
}

type thirdPartyJSON struct {
	baseRecordJSON
	Customer     *refJSON `json:"customer,omitempty"` // BaseCustomerThirdPartyId only
	SystemName   string   `json:"systemName"`
	ThirdPartyID string   `json:"thirdPartyId"`
	Metadata     *string  `json:"metadata"`
	Tenant       *refJSON `json:"tenant,omitempty"` // BaseCustomerThirdPartyId only
}

// customerJSON is BaseCustomer.
type customerJSON struct {
	ID                 string           `json:"id"`
	PrimaryEmail       string           `json:"primaryEmail"`
	SecondaryEmail     string           `json:"secondaryEmail"`
	HomePhone          string           `json:"homePhone"`
	WorkPhone          string           `json:"workPhone"`
	WorkPhoneExtension string           `json:"workPhoneExtension"`
	MobilePhone        string           `json:"mobilePhone"`
	Address            string           `json:"address"`
	City               string           `json:"city"`
	Province           string           `json:"province"`
	PostalCode         string           `json:"postalCode"`
	Country            string           `json:"country"`
	Language           string           `json:"language"`
	IsActive           bool             `json:"isActive"`
	ThirdPartyIDs      []thirdPartyJSON `json:"thirdPartyIds"`
}

type accountJSON struct {
	customerJSON
	Name           string        `json:"name"`
	PrimaryContact *contactJSON  `json:"primaryContact"`
	Contacts       []contactJSON `json:"contacts"`
}

type contactJSON struct {
	customerJSON
	FirstName                string        `json:"firstName"`
	LastName                 string        `json:"lastName"`
	CompanyName              string        `json:"companyName"`
	Civility                 string        `json:"civility"`
	PreferredMethodOfContact string        `json:"preferredMethodOfContact"`
	Accounts                 []accountJSON `json:"accounts"`
}

// leadJSON is allOf Connection, Lead. The sandbox stores leads in this shape: every
// reference is an {id}, so there is nothing to expand at render time.
type leadJSON struct {
	baseRecordJSON
	Subject                        string           `json:"subject"`
	Description                    *string          `json:"description"`
	Status                         *refJSON         `json:"status"`
	DateFirstModified              *time.Time       `json:"dateFirstModified"`
	FirstModifiedBy                *refJSON         `json:"firstModifiedBy"`
	Source                         *refJSON         `json:"source"`
	Contact                        *refJSON         `json:"contact"`
	Account                        *refJSON         `json:"account"`
	Franchise                      *refJSON         `json:"franchise"`
	DueDate                        *time.Time       `json:"dueDate"`
	Stage                          *refJSON         `json:"stage"`
	Direction                      string           `json:"direction"`
	IsQualified                    bool             `json:"isQualified"`
	ConnectionClosedDate           *time.Time       `json:"connectionClosedDate"`
	ConnectionClosedBy             *refJSON         `json:"connectionClosedBy"`
	ExpectedDeliveryDate           *time.Time       `json:"expectedDeliveryDate"`
	IsLostApproved                 *bool            `json:"isLostApproved"`
	LostBy                         *refJSON         `json:"lostBy"`
	LostDate                       *time.Time       `json:"lostDate"`
	FirstOpenDate                  *time.Time       `json:"firstOpenDate"`
	FirstOpenBy                    *refJSON         `json:"firstOpenBy"`
	TestDriveDone                  *bool            `json:"testDriveDone"`
	TestDriveDate                  *time.Time       `json:"testDriveDate"`
	OrderPlaced                    *bool            `json:"orderPlaced"`
	OrderDate                      *time.Time       `json:"orderDate"`
	TradeInAppraisalDone           *bool            `json:"tradeInAppraisalDone"`
	TradeInAppraisalDate           *time.Time       `json:"tradeInAppraisalDate"`
	CreditApplicationSubmitted     *bool            `json:"creditApplicationSubmitted"`
	CreditApplicationSubmittedDate *time.Time       `json:"creditApplicationSubmittedDate"`
	Priority                       *int             `json:"priority"`
	ThirdPartyIDs                  []thirdPartyJSON `json:"thirdPartyIds"`
	Category                       *string          `json:"category"`
	AutomationDay                  *int             `json:"automationDay"`
	VisitCount                     int              `json:"visitCount"`
	IsTakeOver                     bool             `json:"isTakeOver"`
	IsWalkAroundDone               bool             `json:"isWalkAroundDone"`
	WalkAroundDate                 *time.Time       `json:"walkAroundDate"`
	TakeOverDate                   *time.Time       `json:"takeOverDate"`
	OfferMade                      *bool            `json:"offerMade"`
	OfferMadeDate                  *time.Time       `json:"offerMadeDate"`
	SoldDate                       *time.Time       `json:"soldDate"`
	SoldBy                         *refJSON         `json:"soldBy"`
	PresaleVisitCount              int              `json:"presaleVisitCount"`
	PostsaleVisitCount             int              `json:"postsaleVisitCount"`
	CustomerInitiated              bool             `json:"customerInitiated"`
	InTransit                      *bool            `json:"inTransit"`
	CPO                            *bool            `json:"cpo"`
	Demo                           *bool            `json:"demo"`
	FormName                       *string          `json:"formName"`
	LeadHandlingInstructions       *string          `json:"leadHandlingInstructions"`
	CreditAssessments              []refJSON        `json:"creditAssessments"`
	Incentives                     []refJSON        `json:"incentives"`
	Packages                       []refJSON        `json:"packages"`
	Surveys                        []refJSON        `json:"surveys"`
}

type stageJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type tenantJSON struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Vertical     string    `json:"vertical"`
	Franchises   []refJSON `json:"franchises"`
	Users        []refJSON `json:"users"`
	CustomLabels []any     `json:"customLabels"`
}

type securityObjectJSON struct {
	baseRecordJSON
	IsGroup           bool        `json:"isGroup"`
	DisplayName       string      `json:"displayName"`
	IsBackEnd         bool        `json:"isBackEnd"`
	IsDisableable     bool        `json:"isDisableable"`
	IsActive          bool        `json:"isActive"`
	Franchises        []refJSON   `json:"franchises"`
	Departments       []refJSON   `json:"departments"`
	AssignationTypes  []refJSON   `json:"assignationTypes"`
	Tenant            *tenantJSON `json:"tenant"`
	AdditionalTenants []refJSON   `json:"additionalTenants"`
}

type taskJSON struct {
	baseRecordJSON
	Connection *leadJSON           `json:"connection"`
	Start      *time.Time          `json:"start"`
	End        *time.Time          `json:"end"`
	Title      string              `json:"title"`
	Note       string              `json:"note"`
	Assignee   *securityObjectJSON `json:"assignee"`
	TaskDone   bool                `json:"taskDone"`
	Notified   bool                `json:"notified"`
	Edited     *bool               `json:"edited"`
	Tenant     *tenantJSON         `json:"tenant"`
	Contact    *contactJSON        `json:"contact"`
	Account    *accountJSON        `json:"account"`
	Type       *string             `json:"type"`
}

// Error bodies. The seed defines {error} (NotFoundError, AccessDeniedError, the
// query-builder errors), {errors: [string], message} (ValidationError), the lead form
// error {errors: object, message}, a bare string (task 400) and, for the JWT firewall,
// LexikJWTAuthenticationBundle's {code, message}.
type errorJSON struct {
	Error string `json:"error"`
}

type validationErrorJSON struct {
	Errors  []string `json:"errors"`
	Message string   `json:"message"`
}

type formErrorJSON struct {
	Errors  map[string]string `json:"errors"`
	Message string            `json:"message"`
}

type jwtErrorJSON struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

package cirrus

import (
	"context"
	"encoding/json"
	"net/http"

	"crmgraph/backends/rest"
)

// Opportunity is the read model of GET /opportunities/{id} and the list items. Unlike
// accounts, opportunities carry both the scalar foreign keys and the embedded objects.
type Opportunity struct {
	ID               int                `json:"id"`
	Account          *ListedAccount     `json:"account"`
	AccountID        int                `json:"accountid"`
	AltAccount       *ListedAccount     `json:"altaccount"`
	AltAccountID     int                `json:"altaccountid"`
	AltValue         json.Number        `json:"altvalue"` // string on write, number on read
	AltValueLabel    string             `json:"altvaluelabel"`
	ChangeDate       json.RawMessage    `json:"changedate"` // untyped in the spec
	ChangeUserID     int                `json:"changeuserid"`
	ChangeUser       *ListedUser        `json:"changeuser"`
	Closed           Flag               `json:"closed"`
	Contact          *ListedContact     `json:"contact"`
	ContactID        int                `json:"contactid"`
	Description      string             `json:"description"`
	Estimate         *Estimate          `json:"estimate"`
	EstimatedEndDate string             `json:"estimatedenddate"` // "YYYY-MM-DD"
	Files            []File             `json:"files"`
	Followers        []ListedUser       `json:"followers"`
	LostReason       *Reason            `json:"lostreason"`
	LostReasonID     int                `json:"lostreasonid"`
	Phone            string             `json:"phone"`
	ProgressionState *IDName            `json:"progressionstate"`
	RegDate          json.RawMessage    `json:"regdate"` // untyped in the spec; the creation time
	RegUser          *ListedUser        `json:"reguser"`
	RegUserID        int                `json:"reguserid"`
	Result           string             `json:"result"`
	Source           *Source            `json:"source"`
	SourceID         int                `json:"sourceid"` // string on write, int on read
	State            *OpportunityState  `json:"state"`
	StateID          int                `json:"stateid"`
	Status           *OpportunityStatus `json:"status"`
	StatusID         int                `json:"statusid"`
	Title            string             `json:"title"`
	Type             *OpportunityType   `json:"type"`
	TypeID           int                `json:"typeid"`
	User             *ListedUser        `json:"user"`
	UserID           int                `json:"userid"`
	Value            json.Number        `json:"value"` // money, no currency
	BusinessArea     *BusinessArea      `json:"businessarea"`
	WinReason        *Reason            `json:"winreason"`
	WinReasonID      int                `json:"winreasonid"`
	Tags             []Tag              `json:"tags"`
}

// Estimate is an opportunity estimate (its value is a string in the API).
type Estimate struct {
	ID          int    `json:"id"`
	Description string `json:"description"`
	SortOrder   int    `json:"sortorder"`
	Value       string `json:"value"`
	Visible     Flag   `json:"visible"`
}

// OpportunityState is the embedded state of an opportunity.
type OpportunityState struct {
	ID        int    `json:"id"`
	State     string `json:"state"`
	SortOrder int    `json:"sortorder"`
}

// BusinessArea links an opportunity to a business area.
type BusinessArea struct {
	OpportunityID  int `json:"opportunityid"`
	BusinessAreaID int `json:"businessareaid"`
}

// OpportunityStatus is an entry of GET /opportunities/statuses.
type OpportunityStatus struct {
	ID                int    `json:"id"`
	Color             string `json:"color"`
	Description       string `json:"description"`
	Name              string `json:"name"`
	Lost              Flag   `json:"lost"`
	OpportunityTypeID int    `json:"opportunitytypeid"`
	SortOrder         int    `json:"sortorder"`
	SortOrderPlug     int    `json:"sortorderplug"`
	Won               Flag   `json:"won"`
}

// OpportunityType is an entry of GET /opportunities/types. The spec renders
// validstatuses as one object; it is decoded as a list either way.
type OpportunityType struct {
	ID            int                          `json:"id"`
	IsDefault     Flag                         `json:"isdefault"`
	Name          string                       `json:"name"`
	SortOrder     int                          `json:"sortorder"`
	ValidStatuses OneOrMany[OpportunityStatus] `json:"validstatuses"`
}

// Reason is a lost or win reason.
type Reason struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	SortOrder int    `json:"sortorder"`
}

// Source is an opportunity (and lead) source.
type Source struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Default Flag   `json:"default"`
}

func (o *Opportunity) normalize() {
	o.Account = present(o.Account, accountID)
	o.AltAccount = present(o.AltAccount, accountID)
	o.ChangeUser = present(o.ChangeUser, userID)
	o.Contact = present(o.Contact, contactID)
	o.RegUser = present(o.RegUser, userID)
	o.User = present(o.User, userID)
	o.ProgressionState = present(o.ProgressionState, idNameID)
	o.Estimate = present(o.Estimate, func(e *Estimate) int { return e.ID })
	o.LostReason = present(o.LostReason, func(r *Reason) int { return r.ID })
	o.WinReason = present(o.WinReason, func(r *Reason) int { return r.ID })
	o.Source = present(o.Source, func(s *Source) int { return s.ID })
	o.State = present(o.State, func(s *OpportunityState) int { return s.ID })
	o.Status = present(o.Status, func(s *OpportunityStatus) int { return s.ID })
	o.Type = present(o.Type, func(t *OpportunityType) int { return t.ID })
}

// OpportunityWrite is the POST/PUT body (seed L4255, L4662). AccountID, ContactID,
// Title, Description, UserID, StatusID, EstimatedEndDate and TypeID are required on
// create and on update. Absent fields are left out; texts are cleared with "".
type OpportunityWrite struct {
	AccountID        rest.Optional[int]         `json:"accountid,omitzero"`
	AltAccountID     rest.Optional[int]         `json:"altaccountid,omitzero"`
	ContactID        rest.Optional[int]         `json:"contactid,omitzero"`
	Phone            rest.Optional[string]      `json:"phone,omitzero"`
	Title            rest.Optional[string]      `json:"title,omitzero"`
	Description      rest.Optional[string]      `json:"description,omitzero"`
	UserID           rest.Optional[int]         `json:"userid,omitzero"`
	Result           rest.Optional[string]      `json:"result,omitzero"`
	Value            rest.Optional[json.Number] `json:"value,omitzero"`
	AltValue         rest.Optional[string]      `json:"altvalue,omitzero"` // a string on write (sic)
	AltValueLabel    rest.Optional[string]      `json:"altvaluelabel,omitzero"`
	StatusID         rest.Optional[int]         `json:"statusid,omitzero"`
	EstimatedEndDate rest.Optional[string]      `json:"estimatedenddate,omitzero"`
	LostReasonID     rest.Optional[int]         `json:"lostreasonid,omitzero"`
	TypeID           rest.Optional[int]         `json:"typeid,omitzero"`
	WinReasonID      rest.Optional[int]         `json:"winreasonid,omitzero"`
	EndDate          rest.Optional[string]      `json:"enddate,omitzero"` // "YYYY-MM-DD", the actual end date
	StateID          rest.Optional[int]         `json:"stateid,omitzero"`
	EstimateID       rest.Optional[int]         `json:"estimateid,omitzero"`
	SourceID         rest.Optional[string]      `json:"sourceid,omitzero"` // a string on write (sic)
	Closed           rest.Optional[Flag]        `json:"closed,omitzero"`
	Tags             rest.Optional[[]IDObject]  `json:"tags,omitzero"`
}

// OpportunityQuery filters GET /opportunities.
type OpportunityQuery struct {
	ListOptions       // sorting: date|account|userid + _asc/_desc
	AccountID   int   // accountid (single-valued in the API)
	ContactID   int   // contactid
	UserIDs     []int // userids
	StatusIDs   []int // statusids
	Closed      *bool
}

// Opportunity returns one opportunity.
func (c *Client) Opportunity(ctx context.Context, id int, mask string) (*Opportunity, error) {
	var out Opportunity
	if err := c.get(ctx, "opportunities.get", itemPath(PathOpportunities, id), nil, mask, &out); err != nil {
		return nil, errorf(err, "get opportunity %d", id)
	}
	out.normalize()
	return &out, nil
}

// Opportunities returns one page of opportunities.
func (c *Client) Opportunities(ctx context.Context, q OpportunityQuery) (*Page[Opportunity], error) {
	v := q.values("date_asc")
	setInt(v, "accountid", q.AccountID)
	setInt(v, "contactid", q.ContactID)
	setInts(v, "userids", q.UserIDs)
	setInts(v, "statusids", q.StatusIDs)
	setFlag(v, "closed", q.Closed)
	p, err := list[Opportunity](ctx, c, "opportunities.list", PathOpportunities, v, q.Mask)
	if err != nil {
		return nil, errorf(err, "list opportunities")
	}
	for i := range p.Items {
		p.Items[i].normalize()
	}
	return p, nil
}

// CreateOpportunity creates an opportunity and returns it (see create for how the
// record is found when the API sends no body).
func (c *Client) CreateOpportunity(ctx context.Context, w OpportunityWrite) (*Opportunity, error) {
	account, _ := w.AccountID.Get()
	contact, _ := w.ContactID.Get()
	out, _, err := create(ctx, c, "opportunities.create", PathOpportunities, w, func(x *Opportunity) int { return x.ID },
		func(ctx context.Context, id int) (*Opportunity, error) { return c.Opportunity(ctx, id, "") },
		func(ctx context.Context) (*Opportunity, error) {
			return newest(ctx, func(ctx context.Context, page int) (*Page[Opportunity], error) {
				return c.Opportunities(ctx, OpportunityQuery{ListOptions: c.findPage(page), AccountID: account, ContactID: contact})
			}, func(x *Opportunity) bool { return written(w.Title, x.Title) }, func(x *Opportunity) int { return x.ID })
		})
	if err != nil {
		return nil, errorf(err, "create opportunity")
	}
	out.normalize()
	return out, nil
}

// UpdateOpportunity replaces the root-level properties of an opportunity.
func (c *Client) UpdateOpportunity(ctx context.Context, id int, w OpportunityWrite) (*Opportunity, error) {
	var out *Opportunity
	if err := c.send(ctx, "opportunities.update", http.MethodPut, itemPath(PathOpportunities, id), w, &out); err != nil {
		return nil, errorf(err, "update opportunity %d", id)
	}
	if out == nil || out.ID == 0 { // the seed documents no update body: read it back
		return readBack(c.Opportunity(ctx, id, ""))
	}
	out.normalize()
	return out, nil
}

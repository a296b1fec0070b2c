package cirrus

import (
	"context"
	"encoding/json"
	"net/http"

	"crmgraph/backends/rest"
)

// Lead is the read model of GET /leads/{id} and the list items. A lead has no account
// or contact reference: the prospect is described by the flat contact* fields.
type Lead struct {
	ID               int            `json:"id"`
	ContactTitle     string         `json:"contacttitle"`
	ContactName      string         `json:"contactname"`
	ContactSurname   string         `json:"contactsurname"`
	ContactCompany   string         `json:"contactcompany"`
	ContactStreet    string         `json:"contactstreet"`
	ContactCity      string         `json:"contactcity"`
	ContactZip       string         `json:"contactzip"`
	ContactPhone     string         `json:"contactphone"`
	ContactCellphone string         `json:"contactcellphone"`
	ContactEmail     string         `json:"contactemail"`
	ContactVatNo     string         `json:"contactvatno"`
	Value            json.Number    `json:"value"`
	Created          string         `json:"created"` // date-time
	Updated          string         `json:"updated"` // date-time
	Title            string         `json:"title"`
	Description      string         `json:"description"`
	Rating           int            `json:"rating"`
	User             *ListedUser    `json:"user"` // LeadUser: same keys, nullable strings
	Source           *Source        `json:"source"`
	Status           *LeadStatus    `json:"status"`
	Tags             []Tag          `json:"tags"`
	Activities       []LeadActivity `json:"activities"`
}

// LeadStatus is an entry of GET /leadstatus; embedded in a lead it also has timestamps.
type LeadStatus struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	SortOrder int    `json:"sortorder"`
	Created   string `json:"created,omitempty"`
	Updated   string `json:"updated,omitempty"`
}

// LeadActivity is a follow-up embedded in a lead.
type LeadActivity struct {
	ID       int         `json:"id"`
	Type     *IDName     `json:"type"`
	Comment  string      `json:"comment"`
	User     *ListedUser `json:"user"`
	Followup string      `json:"followup"`
	Done     Flag        `json:"done"`
	Created  string      `json:"created"`
	Updated  string      `json:"updated"`
	Lead     *struct {
		ID    int         `json:"id"`
		Title string      `json:"title"`
		User  *ListedUser `json:"user"`
	} `json:"lead"`
}

func (l *Lead) normalize() {
	l.User = present(l.User, userID)
	l.Source = present(l.Source, func(s *Source) int { return s.ID })
	l.Status = present(l.Status, func(s *LeadStatus) int { return s.ID })
}

// LeadWrite is the POST/PUT body (seed L3923, L4098); no field is required.
// created/updated are ignored by the API on write and therefore not offered. Absent
// fields are left out; texts are cleared with "" (plain strings in the seed).
type LeadWrite struct {
	ContactTitle     rest.Optional[string]      `json:"contacttitle,omitzero"`
	ContactName      rest.Optional[string]      `json:"contactname,omitzero"`
	ContactSurname   rest.Optional[string]      `json:"contactsurname,omitzero"`
	ContactCompany   rest.Optional[string]      `json:"contactcompany,omitzero"`
	ContactStreet    rest.Optional[string]      `json:"contactstreet,omitzero"`
	ContactCity      rest.Optional[string]      `json:"contactcity,omitzero"`
	ContactZip       rest.Optional[string]      `json:"contactzip,omitzero"`
	ContactPhone     rest.Optional[string]      `json:"contactphone,omitzero"`
	ContactCellphone rest.Optional[string]      `json:"contactcellphone,omitzero"`
	ContactEmail     rest.Optional[string]      `json:"contactemail,omitzero"`
	ContactVatNo     rest.Optional[string]      `json:"contactvatno,omitzero"`
	Value            rest.Optional[json.Number] `json:"value,omitzero"`
	Title            rest.Optional[string]      `json:"title,omitzero"`
	Description      rest.Optional[string]      `json:"description,omitzero"`
	Rating           rest.Optional[int]         `json:"rating,omitzero"`
	User             rest.Optional[IDObject]    `json:"user,omitzero"`
	Source           rest.Optional[IDObject]    `json:"source,omitzero"`
	Status           rest.Optional[IDObject]    `json:"status,omitzero"`
	Tags             rest.Optional[[]IDObject]  `json:"tags,omitzero"`
}

// LeadQuery filters GET /leads.
type LeadQuery struct {
	ListOptions        // sorting: age|statusid|userid|sourceid|value + _asc/_desc
	Created     string // YYYY-MM-DD: leads created that day
	Status      int    // lead status id
	Source      int    // source id
	Rating      int
	UserID      int
	UserIDs     []int
}

// Lead returns one lead.
func (c *Client) Lead(ctx context.Context, id int, mask string) (*Lead, error) {
	var out Lead
	if err := c.get(ctx, "leads.get", itemPath(PathLeads, id), nil, mask, &out); err != nil {
		return nil, errorf(err, "get lead %d", id)
	}
	out.normalize()
	return &out, nil
}

// Leads returns one page of leads.
func (c *Client) Leads(ctx context.Context, q LeadQuery) (*Page[Lead], error) {
	v := q.values("age_desc")
	setString(v, "created", q.Created)
	setInt(v, "status", q.Status)
	setInt(v, "source", q.Source)
	setInt(v, "rating", q.Rating)
	setInt(v, "userid", q.UserID)
	setInts(v, "userids", q.UserIDs)
	p, err := list[Lead](ctx, c, "leads.list", PathLeads, v, q.Mask)
	if err != nil {
		return nil, errorf(err, "list leads")
	}
	for i := range p.Items {
		p.Items[i].normalize()
	}
	return p, nil
}

// CreateLead creates a lead and returns it (see create for how the record is found
// when the API sends no body).
func (c *Client) CreateLead(ctx context.Context, w LeadWrite) (*Lead, error) {
	var q LeadQuery
	if u, ok := w.User.Get(); ok {
		q.UserIDs = []int{u.ID}
	}
	if st, ok := w.Status.Get(); ok {
		q.Status = st.ID
	}
	out, _, err := create(ctx, c, "leads.create", PathLeads, w, func(x *Lead) int { return x.ID },
		func(ctx context.Context, id int) (*Lead, error) { return c.Lead(ctx, id, "") },
		func(ctx context.Context) (*Lead, error) {
			return newest(ctx, func(ctx context.Context, page int) (*Page[Lead], error) {
				q.ListOptions = c.findPage(page)
				return c.Leads(ctx, q)
			}, func(x *Lead) bool {
				return written(w.Title, x.Title) && written(w.ContactName, x.ContactName) &&
					written(w.ContactSurname, x.ContactSurname) && written(w.ContactEmail, x.ContactEmail) &&
					written(w.ContactCompany, x.ContactCompany)
			}, func(x *Lead) int { return x.ID })
		})
	if err != nil {
		return nil, errorf(err, "create lead")
	}
	out.normalize()
	return out, nil
}

// UpdateLead changes the properties set in w.
func (c *Client) UpdateLead(ctx context.Context, id int, w LeadWrite) (*Lead, error) {
	var out *Lead
	if err := c.send(ctx, "leads.update", http.MethodPut, itemPath(PathLeads, id), w, &out); err != nil {
		return nil, errorf(err, "update lead %d", id)
	}
	if out == nil || out.ID == 0 { // the seed documents no update body: read it back
		return readBack(c.Lead(ctx, id, ""))
	}
	out.normalize()
	return out, nil
}

package cirrus

import (
	"context"
	"net/http"

	"crmgraph/backends/rest"
)

// Contact is the read model of GET /contacts/{id} and the contact list items.
type Contact struct {
	ID             int            `json:"id"`
	Account        *ListedAccount `json:"account"`
	Name           string         `json:"name"` // first name
	Surname        string         `json:"surname"`
	Function       string         `json:"function"`
	Department     string         `json:"department"`
	Email          string         `json:"email"`
	Officephone    string         `json:"officephone"`
	Cellphone      string         `json:"cellphone"`
	Title          string         `json:"title"`
	Street         string         `json:"street"`
	City           string         `json:"city"`
	Zip            string         `json:"zip"`
	PrimaryContact Flag           `json:"primarycontact"`
	SocialmediaFB  string         `json:"socialmedia_fb"`
	SocialmediaTW  string         `json:"socialmedia_tw"`
	SocialmediaLI  string         `json:"socialmedia_li"`
	IDNumber       string         `json:"idnumber"`
	ExternalKey    string         `json:"externalkey"`
	Active         Flag           `json:"active"`
	Superior       *ListedContact `json:"superior"`
	Files          []File         `json:"files"`
	Followers      []ListedUser   `json:"followers"`
	Photo          *ContactPhoto  `json:"photo"`
	Tags           []Tag          `json:"tags"`
}

// ContactPhoto holds a contact's images.
type ContactPhoto struct {
	Avatar string `json:"avatar"`
	Photo  string `json:"photo"`
}

func (c *Contact) normalize() {
	c.Account = present(c.Account, accountID)
	c.Superior = present(c.Superior, contactID)
}

// ContactWrite is the POST/PUT body (seed L2259, L2447). Name, Surname and AccountID
// are required on create; AccountID is not part of the update body (a contact cannot
// move between accounts). Absent fields are left out; texts are cleared with "" (the
// seed types them as plain strings).
type ContactWrite struct {
	Name           rest.Optional[string]     `json:"name,omitzero"`
	Surname        rest.Optional[string]     `json:"surname,omitzero"`
	Function       rest.Optional[string]     `json:"function,omitzero"`
	Department     rest.Optional[string]     `json:"department,omitzero"`
	Email          rest.Optional[string]     `json:"email,omitzero"`
	Officephone    rest.Optional[string]     `json:"officephone,omitzero"`
	Cellphone      rest.Optional[string]     `json:"cellphone,omitzero"`
	Title          rest.Optional[string]     `json:"title,omitzero"`
	Street         rest.Optional[string]     `json:"street,omitzero"`
	City           rest.Optional[string]     `json:"city,omitzero"`
	Zip            rest.Optional[string]     `json:"zip,omitzero"`
	AccountID      rest.Optional[int]        `json:"accountid,omitzero"`
	PrimaryContact rest.Optional[Flag]       `json:"primarycontact,omitzero"`
	SocialmediaFB  rest.Optional[string]     `json:"socialmedia_fb,omitzero"`
	SocialmediaTW  rest.Optional[string]     `json:"socialmedia_tw,omitzero"`
	SocialmediaLI  rest.Optional[string]     `json:"socialmedia_li,omitzero"`
	IDNumber       rest.Optional[string]     `json:"idnumber,omitzero"`
	ExternalKey    rest.Optional[string]     `json:"externalkey,omitzero"`
	Active         rest.Optional[Flag]       `json:"active,omitzero"`
	SuperiorID     rest.Optional[int]        `json:"superiorid,omitzero"`
	Tags           rest.Optional[[]IDObject] `json:"tags,omitzero"`
}

// ContactQuery filters GET /contacts.
type ContactQuery struct {
	ListOptions        // sorting: name|surname|email|primarycontact + _asc/_desc
	AccountID   int    // accountid (single-valued in the API)
	Email       string // % is a wildcard
	ExternalKey string // exact
	Name        string // first name, % is a wildcard
	Surname     string // % is a wildcard
	Active      *bool
}

// Contact returns one contact.
func (c *Client) Contact(ctx context.Context, id int, mask string) (*Contact, error) {
	var out Contact
	if err := c.get(ctx, "contacts.get", itemPath(PathContacts, id), nil, mask, &out); err != nil {
		return nil, errorf(err, "get contact %d", id)
	}
	out.normalize()
	return &out, nil
}

// Contacts returns one page of contacts.
func (c *Client) Contacts(ctx context.Context, q ContactQuery) (*Page[Contact], error) {
	v := q.values("name_asc")
	setInt(v, "accountid", q.AccountID)
	setString(v, "email", q.Email)
	setString(v, "externalkey", q.ExternalKey)
	setString(v, "name", q.Name)
	setString(v, "surname", q.Surname)
	setFlag(v, "active", q.Active)
	p, err := list[Contact](ctx, c, "contacts.list", PathContacts, v, q.Mask)
	if err != nil {
		return nil, errorf(err, "list contacts")
	}
	for i := range p.Items {
		p.Items[i].normalize()
	}
	return p, nil
}

// CreateContact creates a contact and returns it (see create for how the record is
// found when the API sends no body).
func (c *Client) CreateContact(ctx context.Context, w ContactWrite) (*Contact, error) {
	account, _ := w.AccountID.Get()
	name, _ := w.Name.Get()
	surname, _ := w.Surname.Get()
	key, _ := w.ExternalKey.Get()
	out, _, err := create(ctx, c, "contacts.create", PathContacts, w, func(x *Contact) int { return x.ID },
		func(ctx context.Context, id int) (*Contact, error) { return c.Contact(ctx, id, "") },
		func(ctx context.Context) (*Contact, error) {
			return newest(ctx, func(ctx context.Context, page int) (*Page[Contact], error) {
				return c.Contacts(ctx, ContactQuery{ListOptions: c.findPage(page), AccountID: account, Name: name, Surname: surname, ExternalKey: key})
			}, func(x *Contact) bool {
				return written(w.Name, x.Name) && written(w.Surname, x.Surname) && written(w.ExternalKey, x.ExternalKey) && written(w.Email, x.Email)
			}, func(x *Contact) int { return x.ID })
		})
	if err != nil {
		return nil, errorf(err, "create contact")
	}
	out.normalize()
	return out, nil
}

// UpdateContact changes the properties set in w (AccountID is ignored by the API).
func (c *Client) UpdateContact(ctx context.Context, id int, w ContactWrite) (*Contact, error) {
	w.AccountID = rest.Optional[int]{} // not part of the update model
	var out *Contact
	if err := c.send(ctx, "contacts.update", http.MethodPut, itemPath(PathContacts, id), w, &out); err != nil {
		return nil, errorf(err, "update contact %d", id)
	}
	if out == nil || out.ID == 0 { // the seed documents no update body: read it back
		return readBack(c.Contact(ctx, id, ""))
	}
	out.normalize()
	return out, nil
}

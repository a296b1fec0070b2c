package cirrus

import (
	"context"
	"net/http"
)

// Account is the read model of GET /accounts/{id} and of the account list items.
// References are written as scalar ids (AccountWrite) but read as embedded objects,
// with no scalar id on read.
type Account struct {
	ID                              int              `json:"id"`
	Name                            string           `json:"name"`
	AltName                         string           `json:"alt_name"`
	Number                          string           `json:"number"`
	Phone                           string           `json:"phone"`
	Cellphone                       string           `json:"cellphone"`
	Fax                             string           `json:"fax"`
	Email                           string           `json:"email"`
	URL                             string           `json:"url"`
	VatNo                           string           `json:"vatno"`
	Active                          Flag             `json:"active"`
	Info                            string           `json:"info"`
	SocialmediaFB                   string           `json:"socialmedia_fb"`
	SocialmediaTW                   string           `json:"socialmedia_tw"`
	SocialmediaLI                   string           `json:"socialmedia_li"`
	Department                      string           `json:"department"`
	ExternalKey                     string           `json:"externalkey"`
	UserVisitIntervalWeeks          int              `json:"uservisitintervalweeks"`
	AlternateUserVisitIntervalWeeks int              `json:"alternateuservisitintervalweeks"`
	Addresses                       *Addresses       `json:"addresses"`
	Files                           []File           `json:"files"`
	Type                            *IDName          `json:"type"`
	User                            *ListedUser      `json:"user"`
	ParentAccount                   *ListedAccount   `json:"parentaccount"`
	Contacts                        []AccountContact `json:"contacts"`
	Followers                       []ListedUser     `json:"followers"`
	AccountGroups                   []IDName         `json:"accountgroups"`
	Tags                            []Tag            `json:"tags"`
	// AlternateUserID is an int on write but a string on read (seed L669 sample).
	AlternateUserID string      `json:"alternateuserid"`
	AlternateUser   *ListedUser `json:"alternateuser"`
}

// AccountContact is a contact as embedded in an account (primary is a 0/1 flag).
type AccountContact struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Surname   string `json:"surname"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
	Cellphone string `json:"cellphone"`
	Primary   Flag   `json:"primary"`
	Title     string `json:"title"`
}

func (a *Account) normalize() {
	a.Type = present(a.Type, idNameID)
	a.User = present(a.User, userID)
	a.ParentAccount = present(a.ParentAccount, accountID)
	a.AlternateUser = present(a.AlternateUser, userID)
}

// AccountWrite is the POST/PUT body. On create Name, TypeID and UserID are required;
// on update every field is optional and only the set ones are sent.
type AccountWrite struct {
	Name                            string     `json:"name,omitempty"`
	AltName                         string     `json:"alt_name,omitempty"`
	TypeID                          int        `json:"typeid,omitempty"`
	Number                          string     `json:"number,omitempty"`
	UserID                          int        `json:"userid,omitempty"`
	AlternateUserID                 int        `json:"alternateuserid,omitempty"`
	Phone                           string     `json:"phone,omitempty"`
	Cellphone                       string     `json:"cellphone,omitempty"`
	Fax                             string     `json:"fax,omitempty"`
	Email                           string     `json:"email,omitempty"`
	URL                             string     `json:"url,omitempty"`
	VatNo                           string     `json:"vatno,omitempty"`
	Active                          *Flag      `json:"active,omitempty"`
	Info                            string     `json:"info,omitempty"`
	SocialmediaFB                   string     `json:"socialmedia_fb,omitempty"`
	SocialmediaTW                   string     `json:"socialmedia_tw,omitempty"`
	SocialmediaLI                   string     `json:"socialmedia_li,omitempty"`
	UserVisitIntervalWeeks          int        `json:"uservisitintervalweeks,omitempty"`
	AlternateUserVisitIntervalWeeks int        `json:"alternateuservisitintervalweeks,omitempty"`
	ParentAccountID                 int        `json:"parentaccountid,omitempty"`
	Addresses                       *Addresses `json:"addresses,omitempty"`
	AccountGroups                   []IDName   `json:"accountgroups,omitempty"`
	ExternalKey                     string     `json:"externalkey,omitempty"`
	Tags                            []IDObject `json:"tags,omitempty"`
}

// AccountQuery filters GET /accounts.
type AccountQuery struct {
	ListOptions        // sorting: name|number|userid|postaladdress_number|postaladdress_odd|postaladdress_even + _asc/_desc
	UserIDs     []int  // userids
	TypeIDs     []int  // typeids
	Active      *bool  // nil: active and inactive (sent as active=2; the API default is active only)
	Name        string // % is a wildcard
	ExternalKey string // exact
	VatNo       string // % is a wildcard
}

// Account returns one account.
func (c *Client) Account(ctx context.Context, id int, mask string) (*Account, error) {
	var a Account
	if err := c.get(ctx, "accounts.get", itemPath(PathAccounts, id), nil, mask, &a); err != nil {
		return nil, errorf(err, "get account %d", id)
	}
	a.normalize()
	return &a, nil
}

// Accounts returns one page of accounts.
func (c *Client) Accounts(ctx context.Context, q AccountQuery) (*Page[Account], error) {
	v := q.values("name_asc")
	setInts(v, "userids", q.UserIDs)
	setInts(v, "typeids", q.TypeIDs)
	if q.Active == nil {
		v.Set("active", "2")
	} else {
		v.Set("active", boolDigit(*q.Active))
	}
	setString(v, "name", q.Name)
	setString(v, "externalkey", q.ExternalKey)
	setString(v, "vatno", q.VatNo)
	p, err := list[Account](ctx, c, "accounts.list", PathAccounts, v, q.Mask)
	if err != nil {
		return nil, errorf(err, "list accounts")
	}
	for i := range p.Items {
		p.Items[i].normalize()
	}
	return p, nil
}

// CreateAccount creates an account. The seed documents no response body; the record is
// returned when the API sends it (nil otherwise).
func (c *Client) CreateAccount(ctx context.Context, a AccountWrite) (*Account, error) {
	var out *Account
	if err := c.send(ctx, "accounts.create", http.MethodPost, PathAccounts, a, &out); err != nil {
		return nil, errorf(err, "create account")
	}
	if out != nil {
		out.normalize()
	}
	return out, nil
}

// UpdateAccount changes the root-level properties set in a.
func (c *Client) UpdateAccount(ctx context.Context, id int, a AccountWrite) (*Account, error) {
	var out *Account
	if err := c.send(ctx, "accounts.update", http.MethodPut, itemPath(PathAccounts, id), a, &out); err != nil {
		return nil, errorf(err, "update account %d", id)
	}
	if out != nil {
		out.normalize()
	}
	return out, nil
}

package cirrus

import (
	"context"
	"net/http"

	"crmgraph/backends/rest"
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

// AccountWrite is the POST/PUT body (seed L4, L543). On create Name, TypeID and UserID
// are required; on update every field is optional. Absent fields are left out of the
// body (the API keeps them), set ones are sent even when zero. The seed types every
// scalar here as a plain string or integer (not nullable): a text is cleared by sending
// "". Only the address leaves are nullable strings.
type AccountWrite struct {
	Name                            rest.Optional[string]         `json:"name,omitzero"`
	AltName                         rest.Optional[string]         `json:"alt_name,omitzero"`
	TypeID                          rest.Optional[int]            `json:"typeid,omitzero"`
	Number                          rest.Optional[string]         `json:"number,omitzero"`
	UserID                          rest.Optional[int]            `json:"userid,omitzero"`
	AlternateUserID                 rest.Optional[int]            `json:"alternateuserid,omitzero"`
	Phone                           rest.Optional[string]         `json:"phone,omitzero"`
	Cellphone                       rest.Optional[string]         `json:"cellphone,omitzero"`
	Fax                             rest.Optional[string]         `json:"fax,omitzero"`
	Email                           rest.Optional[string]         `json:"email,omitzero"`
	URL                             rest.Optional[string]         `json:"url,omitzero"`
	VatNo                           rest.Optional[string]         `json:"vatno,omitzero"`
	Active                          rest.Optional[Flag]           `json:"active,omitzero"`
	Info                            rest.Optional[string]         `json:"info,omitzero"`
	SocialmediaFB                   rest.Optional[string]         `json:"socialmedia_fb,omitzero"`
	SocialmediaTW                   rest.Optional[string]         `json:"socialmedia_tw,omitzero"`
	SocialmediaLI                   rest.Optional[string]         `json:"socialmedia_li,omitzero"`
	UserVisitIntervalWeeks          rest.Optional[int]            `json:"uservisitintervalweeks,omitzero"`
	AlternateUserVisitIntervalWeeks rest.Optional[int]            `json:"alternateuservisitintervalweeks,omitzero"`
	ParentAccountID                 rest.Optional[int]            `json:"parentaccountid,omitzero"`
	Addresses                       rest.Optional[AddressesWrite] `json:"addresses,omitzero"`
	AccountGroups                   rest.Optional[[]IDName]       `json:"accountgroups,omitzero"`
	ExternalKey                     rest.Optional[string]         `json:"externalkey,omitzero"`
	Tags                            rest.Optional[[]IDObject]     `json:"tags,omitzero"`
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

// CreateAccount creates an account and returns it (see create for how the record is
// found when the API sends no body).
func (c *Client) CreateAccount(ctx context.Context, a AccountWrite) (*Account, error) {
	out, _, err := c.CreateAccountAnswered(ctx, a)
	return out, err
}

// CreateAccountAnswered is CreateAccount that also says where the record came from
// (the probe checks whether creates answer a body).
func (c *Client) CreateAccountAnswered(ctx context.Context, a AccountWrite) (*Account, CreateAnswer, error) {
	name, _ := a.Name.Get()
	key, _ := a.ExternalKey.Get()
	out, how, err := create(ctx, c, "accounts.create", PathAccounts, a, func(x *Account) int { return x.ID },
		func(ctx context.Context, id int) (*Account, error) { return c.Account(ctx, id, "") },
		func(ctx context.Context) (*Account, error) {
			return newest(ctx, func(ctx context.Context, page int) (*Page[Account], error) {
				return c.Accounts(ctx, AccountQuery{ListOptions: c.findPage(page), Name: name, ExternalKey: key})
			}, func(x *Account) bool { return written(a.Name, x.Name) && written(a.ExternalKey, x.ExternalKey) },
				func(x *Account) int { return x.ID })
		})
	if err != nil {
		return nil, how, errorf(err, "create account")
	}
	out.normalize()
	return out, how, nil
}

// UpdateAccount changes the root-level properties set in a.
func (c *Client) UpdateAccount(ctx context.Context, id int, a AccountWrite) (*Account, error) {
	var out *Account
	if err := c.send(ctx, "accounts.update", http.MethodPut, itemPath(PathAccounts, id), a, &out); err != nil {
		return nil, errorf(err, "update account %d", id)
	}
	if out == nil || out.ID == 0 { // the seed documents no update body: read it back
		return readBack(c.Account(ctx, id, ""))
	}
	out.normalize()
	return out, nil
}

package cirrus

import (
	"context"
	"encoding/json"
)

// User is the read model of GET /users/{id} and the user list items.
type User struct {
	Active       Flag            `json:"active"`
	Cellphone    string          `json:"cellphone"`
	Departments  []Department    `json:"departments"`
	Email        string          `json:"email"`
	ID           int             `json:"id"`
	Language     string          `json:"language"`
	LastActive   json.RawMessage `json:"lastactive"` // untyped in the spec
	Name         string          `json:"name"`
	Phone        string          `json:"phone"`
	Presentation string          `json:"presentation"`
	StartPage    int             `json:"startpage"` // deprecated
	Surname      string          `json:"surname"`
	Title        string          `json:"title"`
	AvatarB64    string          `json:"avatar_b64"`
	PhotoB64     string          `json:"photo_b64"`
	Settings     []UserSetting   `json:"settings"`
	Roles        []IDName        `json:"roles"`
	Tags         []Tag           `json:"tags"`
}

// Department is a user's department; parents nest a few levels deep.
type Department struct {
	ID               int         `json:"id"`
	Name             string      `json:"name"`
	ParentID         int         `json:"parentid,omitempty"`
	ParentDepartment *Department `json:"parentdepartment"`
	Manager          *ListedUser `json:"manager"`
}

// UserSetting is a key/value setting of a user.
type UserSetting struct {
	ID     int    `json:"id"`
	Key    string `json:"key"`
	Value  string `json:"value"`
	UserID int    `json:"userid"`
}

// UserQuery filters GET /users.
type UserQuery struct {
	ListOptions // sorting: name|active|surname + _asc/_desc
	Active      *bool
	Code        string // external system code
}

// User returns one user.
func (c *Client) User(ctx context.Context, id int, mask string) (*User, error) {
	var out User
	if err := c.get(ctx, "users.get", itemPath(PathUsers, id), nil, mask, &out); err != nil {
		return nil, errorf(err, "get user %d", id)
	}
	return &out, nil
}

// Users returns one page of users.
func (c *Client) Users(ctx context.Context, q UserQuery) (*Page[User], error) {
	v := q.values("name_asc")
	setFlag(v, "active", q.Active)
	setString(v, "code", q.Code)
	p, err := list[User](ctx, c, "users.list", PathUsers, v, q.Mask)
	if err != nil {
		return nil, errorf(err, "list users")
	}
	return p, nil
}

package cirrus

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
)

// Flag is the API's integer boolean (0/1; accounts' active filter also knows 2 = both).
// It decodes 0/1, true/false, numeric strings and null.
type Flag int

// Bool reports whether the flag is set.
func (f Flag) Bool() bool { return f != 0 }

// FlagOf returns 1 for true and 0 for false.
func FlagOf(b bool) Flag {
	if b {
		return 1
	}
	return 0
}

// UnmarshalJSON is lenient: the spec types these as integer, but loose ports of the API
// send booleans.
func (f *Flag) UnmarshalJSON(b []byte) error {
	switch s := string(bytes.TrimSpace(b)); s {
	case "null":
		return nil
	case "true":
		*f = 1
	case "false":
		*f = 0
	default:
		if uq, err := strconv.Unquote(s); err == nil {
			s = uq
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return &json.UnmarshalTypeError{Value: "flag " + s, Type: reflect.TypeFor[Flag]()}
		}
		*f = Flag(n)
	}
	return nil
}

// IDObject is the write-side reference {"id": n}.
type IDObject struct {
	ID int `json:"id"`
}

// Ref returns a reference to id, or nil for 0 (so omitempty drops it).
func Ref(id int) *IDObject {
	if id == 0 {
		return nil
	}
	return &IDObject{ID: id}
}

// IDName is the {id,name} shape of many embedded references (account type, order status…).
type IDName struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// Tag is a read-side tag.
type Tag struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// File is an embedded file reference.
type File struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// ListedUser is a user embedded in another record (also the nullable-strings LeadUser).
type ListedUser struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Surname   string `json:"surname"`
	Title     string `json:"title"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
	Cellphone string `json:"cellphone"`
}

// Coordinates are strings in the API, all nullable.
type Coordinates struct {
	Latitude  *string `json:"latitude"`
	Longitude *string `json:"longitude"`
	Distance  *string `json:"distance"`
}

// ListedAccount is an account embedded in another record.
type ListedAccount struct {
	ID          int          `json:"id"`
	Name        string       `json:"name"`
	AltName     string       `json:"alt_name"`
	Number      string       `json:"number"`
	Email       string       `json:"email"`
	Phone       string       `json:"phone"`
	Cellphone   string       `json:"cellphone"`
	Coordinates *Coordinates `json:"coordinates"`
}

// ListedContact is a contact embedded in another record.
type ListedContact struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Surname     string `json:"surname"`
	Title       string `json:"title"`
	Email       string `json:"email"`
	Officephone string `json:"officephone"`
	Cellphone   string `json:"cellphone"`
	Number      string `json:"number"`
}

// Address is one of an account's four addresses; every leaf is a nullable string.
type Address struct {
	Careof      *string      `json:"careof,omitempty"`
	Name        *string      `json:"name,omitempty"`
	Street      *string      `json:"street,omitempty"`
	Zip         *string      `json:"zip,omitempty"`
	City        *string      `json:"city,omitempty"`
	Country     *string      `json:"country,omitempty"`
	Email       *string      `json:"email,omitempty"`
	Coordinates *Coordinates `json:"coordinates,omitempty"`
	Number      *string      `json:"number,omitempty"`
	Letter      *string      `json:"letter,omitempty"`
}

// Addresses are an account's nested addresses.
type Addresses struct {
	Visiting *Address `json:"visiting,omitempty"`
	Delivery *Address `json:"delivery,omitempty"`
	Invoice  *Address `json:"invoice,omitempty"`
	Postal   *Address `json:"postal,omitempty"`
}

// OneOrMany decodes a value the spec renders as one object although it is probably a
// list (OpportunityType.validstatuses): both forms end up as a slice.
type OneOrMany[T any] []T

// UnmarshalJSON accepts an object, an array or null.
func (m *OneOrMany[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*m = nil
		return nil
	case len(b) > 0 && b[0] == '[':
		var xs []T
		if err := json.Unmarshal(b, &xs); err != nil {
			return err
		}
		*m = xs
		return nil
	}
	var x T
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*m = OneOrMany[T]{x}
	return nil
}

// present reports whether an embedded reference is really there: flask-restx marshals a
// missing nested object as an object of nulls (Nested with allow_null=False), which
// decodes to a zero id.
func present[T any](p *T, id func(*T) int) *T {
	if p == nil || id(p) == 0 {
		return nil
	}
	return p
}

func userID(u *ListedUser) int       { return u.ID }
func accountID(a *ListedAccount) int { return a.ID }
func contactID(c *ListedContact) int { return c.ID }
func idNameID(r *IDName) int         { return r.ID }

package cirrus

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"

	"crmgraph/backends/rest"
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

// Ref is a reference to id, sent even for 0 (the API then answers that the record does
// not exist rather than keeping the old reference).
func Ref(id int) rest.Optional[IDObject] { return rest.Some(IDObject{ID: id}) }

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

// Address is one of an account's four addresses as read; every leaf is a nullable string.
type Address struct {
	Careof      *string      `json:"careof"`
	Name        *string      `json:"name"`
	Street      *string      `json:"street"`
	Zip         *string      `json:"zip"`
	City        *string      `json:"city"`
	Country     *string      `json:"country"`
	Email       *string      `json:"email"`
	Coordinates *Coordinates `json:"coordinates"`
	Number      *string      `json:"number"`
	Letter      *string      `json:"letter"`
}

// Addresses are an account's nested addresses as read.
type Addresses struct {
	Visiting *Address `json:"visiting"`
	Delivery *Address `json:"delivery"`
	Invoice  *Address `json:"invoice"`
	Postal   *Address `json:"postal"`
}

// AddressWrite is one address in a write body. Its leaves are nullable strings in the
// seed (L4 sample), so null clears one.
type AddressWrite struct {
	Careof      rest.Optional[string]           `json:"careof,omitzero"`
	Name        rest.Optional[string]           `json:"name,omitzero"`
	Street      rest.Optional[string]           `json:"street,omitzero"`
	Zip         rest.Optional[string]           `json:"zip,omitzero"`
	City        rest.Optional[string]           `json:"city,omitzero"`
	Country     rest.Optional[string]           `json:"country,omitzero"`
	Email       rest.Optional[string]           `json:"email,omitzero"`
	Coordinates rest.Optional[CoordinatesWrite] `json:"coordinates,omitzero"`
	Number      rest.Optional[string]           `json:"number,omitzero"`
	Letter      rest.Optional[string]           `json:"letter,omitzero"`
}

// CoordinatesWrite are an address's coordinates in a write body (nullable strings).
type CoordinatesWrite struct {
	Latitude  rest.Optional[string] `json:"latitude,omitzero"`
	Longitude rest.Optional[string] `json:"longitude,omitzero"`
	Distance  rest.Optional[string] `json:"distance,omitzero"`
}

// AddressesWrite are the addresses of an account write body; an absent one is kept.
type AddressesWrite struct {
	Visiting rest.Optional[AddressWrite] `json:"visiting,omitzero"`
	Delivery rest.Optional[AddressWrite] `json:"delivery,omitzero"`
	Invoice  rest.Optional[AddressWrite] `json:"invoice,omitzero"`
	Postal   rest.Optional[AddressWrite] `json:"postal,omitzero"`
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

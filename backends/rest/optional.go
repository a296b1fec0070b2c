package rest

import (
	"bytes"
	"encoding/json"
)

// Optional is one field of a write body with the three states a partial update needs:
// absent (left out of the body: the backend keeps what it has), null (sent as JSON null:
// the backend clears it) and a value (sent, zero values included). Tag the field
// `json:"name,omitzero"` so that an absent Optional is left out.
//
// A bare Go value cannot carry these states: with omitempty a zero (0, "", false) is
// dropped and reads as "unchanged", and a pointer has no way to say null.
type Optional[T any] struct {
	value T
	state optionalState
}

type optionalState uint8

const (
	absent optionalState = iota
	null
	present
)

// Some is an Optional holding v (sent even when v is a zero value).
func Some[T any](v T) Optional[T] { return Optional[T]{value: v, state: present} }

// Null is an Optional sent as JSON null.
func Null[T any]() Optional[T] { return Optional[T]{state: null} }

// OptionalOf is Some(*p), or absent for a nil p.
func OptionalOf[T any](p *T) Optional[T] {
	if p == nil {
		return Optional[T]{}
	}
	return Some(*p)
}

// IsZero reports an absent Optional, so omitzero leaves it out of the body.
func (o Optional[T]) IsZero() bool { return o.state == absent }

// IsNull reports an Optional sent as null.
func (o Optional[T]) IsNull() bool { return o.state == null }

// Get returns the value and whether there is one (false when absent or null).
func (o Optional[T]) Get() (T, bool) { return o.value, o.state == present }

// Or returns the value, or def when there is none.
func (o Optional[T]) Or(def T) T {
	if o.state == present {
		return o.value
	}
	return def
}

// MarshalJSON writes null or the value. An absent Optional outside an omitzero field
// is written as null too: there is no JSON for "absent" inside a value.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if o.state != present {
		return []byte("null"), nil
	}
	return json.Marshal(o.value)
}

// UnmarshalJSON reads null as Null and anything else as a value; a key missing from
// the JSON object leaves the Optional absent.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = Null[T]()
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = Some(v)
	return nil
}

package rest_test

import (
	"encoding/json"
	"testing"

	"crmgraph/backends/rest"
)

func TestOptionalCarriesAbsentNullAndZero(t *testing.T) {
	type body struct {
		Name   rest.Optional[string] `json:"name,omitzero"`
		Rating rest.Optional[int]    `json:"rating,omitzero"`
		Active rest.Optional[bool]   `json:"active,omitzero"`
	}
	tests := []struct {
		name string
		in   body
		want string
	}{
		{"absent fields are left out", body{}, `{}`},
		{"zero values are sent", body{Name: rest.Some(""), Rating: rest.Some(0), Active: rest.Some(false)}, `{"name":"","rating":0,"active":false}`},
		{"null is sent as null", body{Name: rest.Null[string](), Rating: rest.Null[int]()}, `{"name":null,"rating":null}`},
		{"values", body{Name: rest.Some("Åsa"), Rating: rest.Some(4)}, `{"name":"Åsa","rating":4}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil || string(b) != tt.want {
				t.Fatalf("marshal = %s, %v; want %s", b, err, tt.want)
			}
			var back body
			if err := json.Unmarshal(b, &back); err != nil || back != tt.in {
				t.Fatalf("round trip = %+v, %v; want %+v", back, err, tt.in)
			}
		})
	}
	if v, ok := rest.OptionalOf[int](nil).Get(); ok || v != 0 {
		t.Fatal("OptionalOf(nil) must be absent")
	}
	if !rest.Null[int]().IsNull() || rest.Some(0).IsNull() || rest.Some(3).Or(7) != 3 || rest.Null[int]().Or(7) != 7 {
		t.Fatal("accessors")
	}
}

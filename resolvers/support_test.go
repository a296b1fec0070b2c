package resolvers

import (
	"testing"

	"crmgraph/backends/support"
)

func TestSupportPhone(t *testing.T) {
	tests := []struct {
		name string
		in   support.PhoneNumber
		want string
	}{
		{"the seed's example", support.PhoneNumber{CountryCode: "1", AreaCode: "323", Number: "111-111-1111", Extension: "105"}, "+1 323 111-111-1111 ext. 105"},
		{"country, area and number", support.PhoneNumber{CountryCode: "46", AreaCode: "9", Number: "087 88 08"}, "+46 9 087 88 08"},
		{"a country code sent with +", support.PhoneNumber{CountryCode: "+46", AreaCode: "8", Number: "123 45 67"}, "+46 8 123 45 67"},
		{"no area code", support.PhoneNumber{CountryCode: "352", Number: "26 12 34"}, "+352 26 12 34"},
		{"a national number only", support.PhoneNumber{AreaCode: "08", Number: "123 45 67"}, "08 123 45 67"},
		{"a number only", support.PhoneNumber{Number: "111-111-1111"}, "111-111-1111"},
		{"a complete international number", support.PhoneNumber{CountryCode: "46", Number: "+46 9 087 88 08"}, "+46 9 087 88 08"},
		{"spaces around the parts", support.PhoneNumber{CountryCode: " 49 ", AreaCode: " 30 ", Number: " 1234567 ", Extension: " 12 "}, "+49 30 1234567 ext. 12"},
		{"nothing", support.PhoneNumber{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := supportPhone(tt.in); got != tt.want {
				t.Fatalf("supportPhone(%+v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

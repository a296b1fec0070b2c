package resolvers

import (
	"strings"
	"testing"
)

func TestParseLanguageTag(t *testing.T) {
	tests := []struct {
		in, want string // want "" means refused
	}{
		{"de", "de"},
		{"DE", "de"},
		{"de-ch", "de-CH"},
		{"EN-us", "en-US"},
		{"zh-hant-tw", "zh-Hant-TW"},
		{"sr-Latn-RS", "sr-Latn-RS"},
		{"es-419", "es-419"},
		{"sv", "sv"},
		{"fil", "fil"},
		{"de-CH-1996", "de-CH-1996"},
		{"en-US-u-CA-gregory", "en-US-u-ca-gregory"},
		{"de-x-PHONEBK", "de-x-phonebk"},
		{strings.Repeat("a", 8) + "-" + strings.Repeat("b", 8) + "-" + strings.Repeat("c", 8) + "-" + strings.Repeat("d", 8), "aaaaaaaa-bbbbbbbb-cccccccc-dddddddd"},

		{"", ""},
		{"x\n", ""},
		{"de\r\nX-Evil: 1", ""},
		{"d", ""},
		{"deutschsp", ""},
		{"de_CH", ""},
		{"de-", ""},
		{"-de", ""},
		{"de--CH", ""},
		{"de-CH-", ""},
		{"de-abcdefghi", ""},
		{"de-u", ""},
		{"d1", ""},
		{"de CH", ""},
		{"*", ""},
		{"x-private", ""},
		{"dé", ""},
		{strings.Repeat("a", 8) + strings.Repeat("-abcdefgh", 4), ""}, // 44 characters
		{strings.Repeat("ab-", 100000), ""},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			got, ok := ParseLanguageTag(tt.in)
			if ok != (tt.want != "") || got != tt.want {
				t.Fatalf("ParseLanguageTag(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

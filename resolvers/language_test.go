package resolvers

import (
	"fmt"
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

func TestParseAcceptLanguage(t *testing.T) {
	var many []string
	for i := range 20 {
		many = append(many, fmt.Sprintf("l%c", 'a'+i))
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"one tag", "fr", "fr"},
		{"canonical case", "DE-ch", "de-CH"},
		{"a list is kept whole", "pt-BR, de;q=0.8", "pt-BR, de;q=0.8"},
		{"descending weight", "de;q=0.1, sv;q=0.9", "sv;q=0.9, de;q=0.1"},
		{"equal weights keep their order", "fr;q=0.5, de;q=0.5, en", "en, fr;q=0.5, de;q=0.5"},
		{"q=1 is left out", "de;q=1, fr;Q=1.000", "de, fr"},
		{"weights with at most three decimals", "de;q=0.80, fr;q=0.1234, sv;q=0.0001", "de;q=0.8, fr;q=0.123, sv;q=0.001"},
		{"spaces", "  de-CH ;  q=0.9 ,fr ; q = 0.5  ", "de-CH;q=0.9, fr;q=0.5"},
		{"q=0 is dropped", "en;q=0, de;q=0.2, fr;q=0.000", "de;q=0.2"},
		{"the wildcard is dropped", "*, fr;q=0.5", "fr;q=0.5"},
		{"malformed tags are dropped", "x\n, de_CH, dé, de", "de"},
		{"malformed weights drop their range", "de;q=abc, fr;q=0.3, sv;q=2, en;q=-0.1, it;q=NaN, es;q=", "fr;q=0.3"},
		{"other parameters are ignored", "de;level=1;q=0.5", "de;q=0.5"},
		{"a tag once, at its highest weight", "de;q=0.2, fr, DE;q=0.7", "fr, de;q=0.7"},
		{"empty elements do not count", ", ,de,,", "de"},
		{"16 entries are read", strings.Join(many, ", "), strings.Join(many[:16], ", ")},
		{"a tag longer than 35 characters is dropped", strings.Repeat("a", 8) + strings.Repeat("-abcdefgh", 4) + ", fr", "fr"},
		{"control characters", "de\r\nX-Evil: 1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseAcceptLanguage(tt.in)
			if got != tt.want {
				t.Fatalf("ParseAcceptLanguage(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := ParseAcceptLanguage(got); again != got {
				t.Fatalf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

package resolvers

import (
	"strings"
	"testing"
)

// The masks and the coverage decisions read one table; this checks that every field a
// summary claims to carry is asked for by the mask of every parent that embeds it.
func TestMaskAsksForEverythingASummaryCarries(t *testing.T) {
	for parent, embeds := range cirrusEmbeds {
		for field, e := range embeds {
			for carried, keys := range e.summary.carries {
				m := &maskSet{selected: map[string]map[string]bool{
					parent: {field: true}, e.summary.typ: {carried: true},
				}, built: map[string]string{}}
				mask := m.cirrus(parent)
				for _, k := range append([]string{"id"}, keys...) {
					if !maskHas(mask, e.key, k) {
						t.Errorf("%s.%s answers %s.%s from %s, but the mask %s lacks %s{%s}", parent, field, e.summary.typ, carried,
							e.summary.name, mask, e.key, k)
					}
				}
			}
		}
	}
}

// maskHas reports whether a mask {…,key{a,b},…} asks for key's inner field (or all of key).
func maskHas(mask, key, inner string) bool {
	body := strings.TrimSuffix(strings.TrimPrefix(mask, "{"), "}")
	depth, start := 0, 0
	var parts []string
	for i, r := range body {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, body[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, body[start:])
	for _, p := range parts {
		if p == key {
			return true
		}
		if name, rest, ok := strings.Cut(p, "{"); ok && name == key {
			for _, f := range strings.Split(strings.TrimSuffix(rest, "}"), ",") {
				if f == inner {
					return true
				}
			}
		}
	}
	return false
}

func TestSummariesAnswer(t *testing.T) {
	cases := []struct {
		s     *recordSummary
		field string
		want  bool
	}{
		{listedAccountSummary, "number", true},
		{listedAccountSummary, "addresses", false}, // a ListedAccount has none: the full account
		{listedAccountSummary, "links", false},     // needs the externalkey
		{accountContactSummary, "primary", true},
		{accountContactSummary, "active", false},
		{listedContactSummary, "primary", false}, // a ListedContact has no primarycontact
		{listedContactSummary, "account", false}, // nor an account
		{listedUserSummary, "active", false},
		{coneContactSummary, "email", true},
		{coneContactSummary, "accounts", false},
		{coneAccountSummary, "contacts", false},
	}
	for _, c := range cases {
		if got := c.s.Answers(c.field); got != c.want {
			t.Errorf("%s answers %s = %v, want %v", c.s.name, c.field, got, c.want)
		}
	}
}

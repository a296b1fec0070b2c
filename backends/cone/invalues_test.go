package cone_test

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"crmgraph/backends/cone"
	sandbox "crmgraph/backends/sandbox/cone"
)

// TestInValues reads accounts by id under both readings of in/notIn values: the
// comma-joined default and the alternative's JSON array.
func TestInValues(t *testing.T) {
	alt := sandbox.New(world(), token)
	alt.UseAlternative()
	list, err := newClientOf(t, shared(), "").Accounts(t.Context(), cone.AccountQuery{Limit: 3})
	if err != nil || len(list.Accounts) != 3 {
		t.Fatalf("accounts: %v, %+v", err, list)
	}
	ids := []string{list.Accounts[0].ID, list.Accounts[1].ID, list.Accounts[2].ID}
	tests := []struct {
		name     string
		s        *sandbox.Server
		encoding string
		want     int
	}{
		{"default reading, comma", shared(), cone.InComma, 3},
		{"default reading, array", shared(), cone.InArray, 3},
		{"alt reading, comma", alt, "", 0},
		{"alt reading, array", alt, cone.InArray, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newClientOf(t, tt.s, tt.encoding).AccountsByID(t.Context(), ids)
			if err != nil || len(got) != tt.want {
				t.Fatalf("AccountsByID = %d accounts, %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

func newClientOf(t *testing.T, s *sandbox.Server, inValues string) *cone.Client {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return cone.New(cone.Config{BaseURL: ts.URL, Token: token, HTTP: ts.Client(), Timeout: 10 * time.Second, InValues: inValues})
}

func TestRuleValueShapes(t *testing.T) {
	tests := []struct {
		name, in string
		value    string
		values   []string
	}{
		{"comma-joined", `{"field":"id","operator":"in","value":"a,b"}`, "a,b", nil},
		{"array", `{"field":"id","operator":"in","value":["a","b"]}`, "a,b", []string{"a", "b"}},
		{"no value", `{"field":"id","operator":"null"}`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r cone.Rule
			if err := json.Unmarshal([]byte(tt.in), &r); err != nil {
				t.Fatal(err)
			}
			if r.Value != tt.value || !slices.Equal(r.Values, tt.values) {
				t.Errorf("Value %q, Values %q; want %q, %q", r.Value, r.Values, tt.value, tt.values)
			}
		})
	}
}

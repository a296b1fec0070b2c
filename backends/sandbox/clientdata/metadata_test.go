package clientdata

import (
	"testing"
)

func TestSchemaFields(t *testing.T) {
	s := shared()
	fields := func(t *testing.T, body any) []wireField {
		r := call(t, s, "POST", "/v1.0/schemas/contact/fields", AppToken, body)
		expectStatus(t, r, 200)
		var out struct{ Fields []wireField }
		r.decode(t, &out)
		return out.Fields
	}
	all := fields(t, nil)
	if len(all) != len(contactFields) {
		t.Fatalf("%d fields, want %d", len(all), len(contactFields))
	}
	approval := map[string]bool{}
	for _, f := range all {
		approval[f.Key] = f.IsApprovalRequired
	}
	if !approval[pathLastName] || approval[pathJobTitle] || !approval[pathCountry] {
		t.Fatalf("approval flags %v", approval)
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		want int
	}{
		{"by keys", map[string]any{"fieldKeys": []string{pathLastName, pathCity}}, 2},
		{"by layout", map[string]any{"layoutPathKey": "addresses.primaryAddress"}, 4},
		{"by layout root", map[string]any{"layoutPathKey": "personalInformation"}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fields(t, tc.body); len(got) != tc.want {
				t.Fatalf("%d fields, want %d: %+v", len(got), tc.want, got)
			}
		})
	}
}

func TestLists(t *testing.T) {
	s := shared()
	type item = wireListItem
	t.Run("items", func(t *testing.T) {
		r := call(t, s, "POST", "/v1.0/lists/items", AppToken, map[string]any{"listKeys": []string{"country"}}, "Accept-Language", "de")
		expectStatus(t, r, 200)
		var out struct {
			Items []struct {
				ListKey   string
				ListItems []item
			}
		}
		r.decode(t, &out)
		if len(out.Items) != 1 || out.Items[0].ListKey != "country" || out.Items[0].ListItems[0].Label != "Schweden" || len(out.Items[0].ListItems[0].UID) != 36 {
			t.Fatalf("items %s", r.body)
		}
		r = call(t, s, "POST", "/v1.0/lists/items", AppToken, nil)
		r.decode(t, &out)
		if len(out.Items) != 4 {
			t.Fatalf("all lists: %d", len(out.Items))
		}
	})
	for _, tc := range []struct {
		name      string
		body      map[string]any
		wantKeys  []string
		wantTotal int32
	}{
		{"filter", map[string]any{"filter": "land"}, []string{"FI", "NL"}, 2},
		{"limit", map[string]any{"limit": 2}, []string{"SE", "NO"}, 9},
		{"include id", map[string]any{"limit": 1, "includeId": 9}, []string{"NL", "SE"}, 9},
	} {
		t.Run("lookup "+tc.name, func(t *testing.T) {
			r := call(t, s, "POST", "/v1.0/lists/country/lookup", AppToken, tc.body)
			expectStatus(t, r, 200)
			var out struct {
				Items      []item
				TotalCount int32
			}
			r.decode(t, &out)
			var keys []string
			for _, it := range out.Items {
				keys = append(keys, it.Key)
			}
			if len(keys) != len(tc.wantKeys) || out.TotalCount != tc.wantTotal {
				t.Fatalf("keys %v total %d, want %v %d", keys, out.TotalCount, tc.wantKeys, tc.wantTotal)
			}
			for i := range keys {
				if keys[i] != tc.wantKeys[i] {
					t.Fatalf("keys %v, want %v", keys, tc.wantKeys)
				}
			}
		})
	}
	t.Run("lookup by hierarchy", func(t *testing.T) {
		r := call(t, s, "POST", "/v1.0/lists/city/lookup", AppToken, map[string]any{"isFilteredByHierarchy": true, "hierarchyListItemId": 5})
		var out struct{ Items []item }
		r.decode(t, &out)
		if len(out.Items) != 2 || out.Items[0].Key != "berlin" {
			t.Fatalf("cities of Germany %s", r.body)
		}
	})
}

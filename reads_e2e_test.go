package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Regression cases for values that were wrong without an error: each reads a record
// through an edge and compares it with node(id) of the same record (or with the
// backend's own record). The differential test (differential_e2e_test.go) checks the
// whole graph; these name the defects it was written for.

// targetMark is the alias that marks the objects of a path's target type in a response.
const targetMark = "_target"

// collectTargets walks a response and returns every object carrying targetMark, in
// document order.
func collectTargets(v any, out *[]map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x[targetMark]; ok {
			*out = append(*out, x)
		}
		for _, k := range sortedKeys(x) {
			collectTargets(x[k], out)
		}
	case []any:
		for _, e := range x {
			collectTargets(e, out)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Response objects keep the query's field order in JSON, but a map loses it; the
	// order only matters for reading failures, so sort for determinism.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// decodeData runs q and returns its data as generic JSON.
func decodeData(t *testing.T, q string, vars map[string]any) map[string]any {
	t.Helper()
	r := query(t, q, vars, nil)
	var data map[string]any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	return data
}

// nodesByID reads ids with nodes() and the selection sel on typ.
func nodesByID(t *testing.T, typ, sel string, ids []string) map[string]map[string]any {
	t.Helper()
	data := decodeData(t, fmt.Sprintf(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on %s { %s: __typename %s } } }`, typ, targetMark, sel),
		map[string]any{"ids": ids})
	out := map[string]map[string]any{}
	for _, n := range data["nodes"].([]any) {
		if m, ok := n.(map[string]any); ok {
			out[m["id"].(string)] = m
		}
	}
	return out
}

func TestEdgeValuesEqualNode(t *testing.T) {
	cases := []struct {
		name string
		// path has one %s where the selection on typ goes.
		path, typ, sel string
	}{
		{"Order.account carries what the account has", `{ orders(first: 8) { edges { node { account { %s } } } } }`,
			"Account", "id number email phone mobile altName"},
		{"Order.contact.primary", `{ orders(first: 8) { edges { node { contact { %s } } } } }`, "Contact", "id primary"},
		{"Cirrus Account.primaryContact is a full contact", `{ accounts(first: 8, filter: {sources: [CIRRUS]}) { edges { node { primaryContact { %s } } } } }`,
			"Contact", "id active companyName externalKey address { street city postalCode }"},
		{"ConeCRM Account.contacts[].account(s)", `{ accounts(first: 5, filter: {sources: [CONE]}) { edges { node { contacts { edges { node { %s } } } } } } }`,
			"Contact", "id account { id } accounts { id }"},
		{"ConeCRM Account.primaryContact.account(s)", `{ accounts(first: 5, filter: {sources: [CONE]}) { edges { node { primaryContact { %s } } } } }`,
			"Contact", "id account { id } accounts { id }"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := decodeData(t, fmt.Sprintf(tc.path, targetMark+": __typename "+tc.sel), nil)
			var got []map[string]any
			collectTargets(data, &got)
			if len(got) == 0 {
				t.Fatalf("the path reached no %s", tc.typ)
			}
			ids := make([]string, len(got))
			for i, g := range got {
				ids[i] = g["id"].(string)
			}
			want := nodesByID(t, tc.typ, tc.sel, ids)
			for _, g := range got {
				w := want[g["id"].(string)]
				if !reflect.DeepEqual(g, w) {
					t.Errorf("through the edge %v\n             node(id) %v", g, w)
				}
			}
		})
	}
}

// pageIDs walks a connection page by page, each page with its own selection, and returns
// the ids in order.
func pageIDs(t *testing.T, q string, vars map[string]any, conn func(map[string]any) map[string]any, sels []string, pages int) []string {
	t.Helper()
	var ids []string
	var after any
	for i := 0; i < pages; i++ {
		v := map[string]any{"after": after}
		for k, x := range vars {
			v[k] = x
		}
		c := conn(decodeData(t, fmt.Sprintf(q, sels[i%len(sels)]), v))
		for _, e := range c["edges"].([]any) {
			ids = append(ids, e.(map[string]any)["node"].(map[string]any)["id"].(string))
		}
		pi := c["pageInfo"].(map[string]any)
		if pi["hasNextPage"] != true {
			break
		}
		after = pi["endCursor"]
	}
	return ids
}

func TestCirrusAccountContactsOrderIgnoresSelection(t *testing.T) {
	// An account with several contacts.
	var list struct {
		Accounts struct {
			Edges []struct {
				Node struct {
					ID       string
					Contacts struct{ TotalCount int }
				}
			}
		}
	}
	query(t, `{ accounts(first: 30, filter: {sources: [CIRRUS]}) { edges { node { id contacts { totalCount } } } } }`, nil, &list)
	account := ""
	for _, e := range list.Accounts.Edges {
		if e.Node.Contacts.TotalCount >= 4 {
			account = e.Node.ID
			break
		}
	}
	if account == "" {
		t.Fatal("no Cirrus account with 4 contacts among the first 30")
	}
	q := `query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Account { contacts(first: $first, after: $after) {
		edges { node { id %s } } pageInfo { hasNextPage endCursor } } } } }`
	conn := func(d map[string]any) map[string]any {
		return d["node"].(map[string]any)["contacts"].(map[string]any)
	}
	vars := func(first int) map[string]any { return map[string]any{"id": account, "first": first} }
	// The summary an account embeds answers name; active needs the full contacts.
	sels := []string{"name", "active", "email", "externalKey"}
	whole := func(sel string) []string {
		return pageIDs(t, q, vars(50), conn, []string{sel}, 1)
	}
	summary, full := whole("name"), whole("active")
	if strings.Join(summary, ",") != strings.Join(full, ",") {
		t.Errorf("the order depends on the selection:\n name   %v\n active %v", summary, full)
	}
	walked := pageIDs(t, q, vars(1), conn, sels, 50)
	seen := map[string]int{}
	for _, id := range walked {
		seen[id]++
	}
	for _, id := range summary {
		if seen[id] != 1 {
			t.Errorf("walking one contact a page with fragments %v: %s came %d times (walk %v, list %v)", sels, id, seen[id], walked, summary)
		}
	}
	if len(walked) != len(summary) {
		t.Errorf("walk gave %d contacts, the list %d", len(walked), len(summary))
	}
}

func TestConeLeadOwnerIsTheCreator(t *testing.T) {
	var data struct {
		Leads struct {
			Edges []struct {
				Node struct {
					SourceID string
					Owner    *struct{ ID, Source, SourceID string }
				}
			}
		}
	}
	query(t, `{ leads(first: 5, filter: {sources: [CONE]}) { edges { node { sourceId owner { id source sourceId } } } } }`, nil, &data)
	if len(data.Leads.Edges) == 0 {
		t.Fatal("no ConeCRM leads")
	}
	ids := make([]string, len(data.Leads.Edges))
	for i, e := range data.Leads.Edges {
		ids[i] = e.Node.SourceID
	}
	creators := coneLeadCreators(t, ids...)
	for _, e := range data.Leads.Edges {
		want := creators[e.Node.SourceID]
		if want == "" {
			t.Fatalf("the sandbox lead %s has no createdBy", e.Node.SourceID)
		}
		if e.Node.Owner == nil || e.Node.Owner.Source != "CONE" || e.Node.Owner.SourceID != want {
			t.Errorf("lead %s owner = %+v, want the ConeCRM user %s (createdBy)", e.Node.SourceID, e.Node.Owner, want)
		}
	}
}

// coneLeadCreators reads leads straight from the ConeCRM sandbox (query-builder `in`)
// and returns their createdBy ids.
func coneLeadCreators(t *testing.T, ids ...string) map[string]string {
	t.Helper()
	rows := sandboxCone(t).filter(t, "lead", ids)
	out := map[string]string{}
	for _, r := range rows {
		if by, ok := r["createdBy"].(map[string]any); ok {
			out[r["id"].(string)], _ = by["id"].(string)
		}
	}
	return out
}

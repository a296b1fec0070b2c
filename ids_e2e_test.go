package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"crmgraph/graph/model"
)

// Normalized client caches key objects by id: Apollo's InMemoryCache by __typename and
// id, Relay's store by id alone. Both show wrong data as soon as one id names two
// objects (reference lists all number their items from 1), so every id must be unique
// across the schema and resolvable by node.

// referenceTypes are the reference item types, by the list or field they come from.
var referenceTypes = []string{"AccountType", "OpportunityStatus", "OpportunityType", "OpportunitySource", "LeadSource",
	"LostReason", "WinReason", "OrderStatus", "OrderType", "DeliveryTerm", "DeliveryType", "PaymentTerm", "LeadStatus", "Stage"}

// broadQueries reach every id-bearing type: the reference lists and records with their
// reference fields, owners and related records.
var broadQueries = []string{
	`{ referenceData {
	    accountTypes { __typename id sourceId name } opportunityStatuses { __typename id sourceId name }
	    opportunityTypes { __typename id sourceId name } opportunitySources { __typename id sourceId name }
	    lostReasons { __typename id sourceId name } winReasons { __typename id sourceId name }
	    orderStatuses { __typename id sourceId name } orderTypes { __typename id sourceId name }
	    deliveryTerms { __typename id sourceId name } deliveryTypes { __typename id sourceId name }
	    paymentTerms { __typename id sourceId name } leadStatuses { __typename id sourceId name }
	    stages { __typename id sourceId name } } }`,
	`{ accounts(first: 10) { edges { node { __typename id type { __typename id sourceId name } owner { __typename id }
	    contacts(first: 3) { edges { node { __typename id } } } } } } }`,
	`{ opportunities(first: 20) { edges { node { __typename id status { __typename id sourceId name } type { __typename id sourceId name }
	    opportunitySource { __typename id sourceId name } lostReason { __typename id sourceId name }
	    winReason { __typename id sourceId name } owner { __typename id } account { __typename id } contact { __typename id } } } } }`,
	`{ orders(first: 20) { edges { node { __typename id status { __typename id sourceId name } type { __typename id sourceId name }
	    deliveryTerm { __typename id sourceId name } paymentTerm { __typename id sourceId name }
	    deliveryType { __typename id sourceId name } owner { __typename id } account { __typename id } } } } }`,
	`{ leads(first: 20) { edges { node { __typename id status { __typename id sourceId name } stage { __typename id sourceId name }
	    leadSource { __typename id sourceId name } owner { __typename id } } } } }`,
	`{ changeRequests(first: 5) { edges { node { __typename id contact { __typename id } } } }
	  supportCustomers(first: 5) { edges { node { __typename id } } } }`,
}

// seenObject is what one id named.
type seenObject struct {
	typename, sourceID, name string
}

// collectIDs walks a response and records every object with an id and a __typename.
func collectIDs(t *testing.T, v any, seen map[string]seenObject, where string) {
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["id"].(string); ok {
			typ, _ := x["__typename"].(string)
			if typ == "" {
				t.Fatalf("%s: an id without __typename in the test query", where)
			}
			obj := seenObject{typename: typ}
			if s, ok := x["sourceId"].(string); ok {
				obj.sourceID = s
			}
			if s, ok := x["name"].(string); ok {
				obj.name = s
			}
			if prev, ok := seen[id]; ok && (prev.typename != obj.typename ||
				prev.sourceID != "" && obj.sourceID != "" && prev.sourceID != obj.sourceID ||
				prev.name != "" && obj.name != "" && prev.name != obj.name) {
				t.Errorf("id %s names two objects: %+v and %+v (%s)", id, prev, obj, where)
			}
			if prev, ok := seen[id]; !ok || prev.name == "" {
				seen[id] = obj
			}
		}
		for k, c := range x {
			collectIDs(t, c, seen, where+"."+k)
		}
	case []any:
		for i, c := range x {
			collectIDs(t, c, seen, fmt.Sprintf("%s.%d", where, i))
		}
	}
}

func TestEveryIDIsGloballyUnique(t *testing.T) {
	_, srv := newGateway(t, map[string]string{})

	// node and nodes of reference items read the lists, one call each however many
	// items are asked for, and nothing per item.
	cold := post(t, srv, request{Query: `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on AccountType { name } ... on OrderStatus { name } } }`,
		Variables: map[string]any{"ids": []string{model.GlobalID("AccountType", model.SourceCirrus, "1"),
			model.GlobalID("AccountType", model.SourceCirrus, "2"), model.GlobalID("OrderStatus", model.SourceCirrus, "1"),
			model.GlobalID("OrderStatus", model.SourceCirrus, "2")}}})
	if len(cold.Errors) > 0 || strings.Count(string(cold.Data), `"name":`) != 4 {
		t.Fatalf("nodes of reference items: %s", cold.raw)
	}
	if n := cold.calls("cirrus"); n != 2 || cold.calls("") != 2 {
		t.Fatalf("nodes of 2 account types and 2 order statuses made %d calls, want 2 (one per list): %+v", cold.calls(""), cold.Extensions.Trace.BackendCalls)
	}

	seen := map[string]seenObject{}
	for i, q := range broadQueries {
		var data any
		r := post(t, srv, request{Query: q})
		if len(r.Errors) > 0 || json.Unmarshal(r.Data, &data) != nil {
			t.Fatalf("query %d: %s", i, r.raw)
		}
		collectIDs(t, data, seen, fmt.Sprintf("query%d", i))
	}
	byType := map[string][]string{}
	for id, obj := range seen {
		p, err := model.ParseGlobalID(id)
		if err != nil || p.Type != obj.typename {
			t.Errorf("id %q of a %s is no global id of its type (%+v, %v)", id, obj.typename, p, err)
		}
		if obj.sourceID != "" && p.SourceID != obj.sourceID {
			t.Errorf("%s %s: sourceId %q, the id says %q", obj.typename, id, obj.sourceID, p.SourceID)
		}
		byType[obj.typename] = append(byType[obj.typename], id)
	}
	for _, typ := range append(slices.Clone(referenceTypes), "Account", "Contact", "User", "Opportunity", "Order", "Lead",
		"ChangeRequest", "SupportCustomer") {
		if len(byType[typ]) == 0 {
			t.Errorf("the queries reach no %s: the test would not see its ids", typ)
		}
	}
	// node and nodes answer each reference item as the lists and records show it.
	var refs []string
	for _, typ := range referenceTypes {
		refs = append(refs, byType[typ]...)
	}
	slices.Sort(refs)
	fragments := ""
	for _, typ := range referenceTypes {
		fragments += " ... on " + typ + " { sourceId name }"
	}
	leadSources := len(byType["LeadSource"])
	for round := range 2 {
		calls := 0
		for start := 0; start < len(refs); start += 100 {
			ids := refs[start:min(start+100, len(refs))]
			r := post(t, srv, request{Query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id` + fragments + ` } }`,
				Variables: map[string]any{"ids": ids}})
			var out struct {
				Nodes []struct {
					Typename       string `json:"__typename"`
					ID             string
					SourceID, Name string
				}
			}
			if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil || len(out.Nodes) != len(ids) {
				t.Fatalf("nodes of reference items: %s", r.raw)
			}
			for i, n := range out.Nodes {
				want := seen[ids[i]]
				if n.ID != ids[i] || n.Typename != want.typename || n.SourceID != want.sourceID || n.Name != want.name {
					t.Errorf("nodes[%d] = %+v, want %s %+v", i, n, ids[i], want)
				}
			}
			calls += r.calls("")
		}
		// The lists are cached; a lead source (Cirrus lists none) is read from a lead
		// that has it, once.
		if want := map[int]int{0: leadSources, 1: 0}[round]; calls != want {
			t.Errorf("round %d: nodes of %d reference items made %d backend calls, want %d", round, len(refs), calls, want)
		}
	}
	one := refs[0]
	var single struct{ Node struct{ ID string } }
	r := post(t, srv, request{Query: `query($id: ID!) { node(id: $id) { id } }`, Variables: map[string]any{"id": one}})
	if len(r.Errors) > 0 || json.Unmarshal(r.Data, &single) != nil || single.Node.ID != one || r.calls("") != 0 {
		t.Errorf("node(%s): %s", one, r.raw)
	}
	// An id of a reference type that is no item answers NOT_FOUND, like a record's.
	r = post(t, srv, request{Query: `query($id: ID!) { node(id: $id) { id } }`,
		Variables: map[string]any{"id": model.GlobalID("LostReason", model.SourceCirrus, "99999")}})
	if got := r.codes(); len(got) != 1 || got[0] != "NOT_FOUND" || !strings.Contains(string(r.Data), `"node":null`) {
		t.Errorf("node of an unknown lost reason: %s", r.raw)
	}
}

package resolvers

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"crmgraph/graph"
	"crmgraph/graph/model"
	"crmgraph/limits"
)

func realSchema() *ast.Schema {
	return graph.NewExecutableSchema(graph.Config{Resolvers: &Resolver{}}).Schema()
}

// estimate prices q with the call table as the handler would (validated, variables
// coerced from JSON).
func estimate(t *testing.T, s *ast.Schema, q string, varsJSON string) int {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(s, q)
	if len(errs) > 0 {
		t.Fatalf("invalid query: %v", errs)
	}
	var raw map[string]any
	if varsJSON != "" {
		d := json.NewDecoder(strings.NewReader(varsJSON))
		d.UseNumber()
		if err := d.Decode(&raw); err != nil {
			t.Fatal(err)
		}
	}
	vars, err := validator.VariableValues(s, doc.Operations[0], raw)
	if err != nil {
		t.Fatal(err)
	}
	return limits.EstimateCalls(s, doc.Operations[0], doc.Fragments, vars, CallCost(PageCaps{}))
}

func ids(typ string, src model.Source, from, n int) []string {
	out := make([]string, n)
	for i := range out {
		id := fmt.Sprint(from + i)
		if src == model.SourceCone { // ConeCRM ids are uuids
			id = fmt.Sprintf("00000000-0000-4000-8000-%012d", from+i)
		}
		out[i] = model.GlobalID(typ, src, id)
	}
	return out
}

func quoted(xs []string) string {
	b, _ := json.Marshal(xs)
	return string(b)
}

// canonicalQuery is the README's nested query: 1 + 20 + ⌈orders/50⌉ calls in the sandbox.
const canonicalQuery = `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { totalCount edges { node { name owner { name } type { name }
  contacts(first: 5) { edges { node { name email } } }
  orders(first: 5) { totalCount edges { node { number placedAt total status { name } } } }
  opportunities(first: 5) { edges { node { title value status { name } } } } } } } }`

func TestCallEstimate(t *testing.T) {
	s := realSchema()
	cirrus100 := quoted(ids("Account", model.SourceCirrus, 1, 100))
	var fanOut strings.Builder
	fanOut.WriteString("{")
	for i := range 49 {
		fmt.Fprintf(&fanOut, " a%d: nodes(ids: %s) { id }", i, quoted(ids("Contact", model.SourceCirrus, 1+100*i, 100)))
	}
	fanOut.WriteString(" }")
	tests := []struct {
		name  string
		query string
		vars  string
		want  int
	}{
		// 1 account page, 20 opportunity pages, the orders walk (≈ 20·5 orders, 50 a
		// page: 2 + 1); type { name } and status { name } are in the records' {id,name}
		// references, so no reference list is read.
		{"canonical query", canonicalQuery, "", 1 + 20 + 3},
		{"a reference item beyond its name reads its list once", `{ orders(first: 10) { edges { node { status { step } type { sortOrder } } } } }`, "", 1 + 2},
		{"49 × nodes(100 Cirrus ids)", fanOut.String(), "", 4900},
		{"nodes: one call per Cirrus id", `{ nodes(ids: ` + cirrus100 + `) { id } }`, "", 100},
		{"nodes: ids from variables", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, `{"ids": ` + cirrus100 + `}`, 100},
		{"nodes: a repeated id is one lookup", `{ nodes(ids: ` + quoted(append(ids("Account", model.SourceCirrus, 1, 3), ids("Account", model.SourceCirrus, 1, 3)...)) + `) { id } }`, "", 3},
		{"nodes: ConeCRM batches 250 ids a call", `{ nodes(ids: ` + quoted(ids("Account", model.SourceCone, 1, 100)) + `) { id } }`, "", 1},
		{"nodes: one batch per ConeCRM type", `{ nodes(ids: ` + quoted(append(ids("Account", model.SourceCone, 1, 50), ids("Lead", model.SourceCone, 1, 50)...)) + `) { id } }`, "", 2},
		{"nodes: client-data and support fan out", `{ nodes(ids: ` + quoted(append(ids("Contact", model.SourceClientData, 1, 30), ids("SupportCustomer", model.SourceSupport, 1, 20)...)) + `) { id } }`, "", 50},
		{"nodes: reference items read their list once per type", `{ nodes(ids: ` + quoted(append(ids("AccountType", model.SourceCirrus, 1, 5), ids("OrderStatus", model.SourceCirrus, 1, 3)...)) + `) { id } }`, "", 2},
		{"nodes: a lead source is read from a lead, once per id", `{ nodes(ids: ` + quoted(ids("LeadSource", model.SourceCirrus, 1, 3)) + `) { id } }`, "", 3},
		{"nodes: more than 100 ids are refused before any call", `{ nodes(ids: ` + quoted(ids("Account", model.SourceCirrus, 1, 101)) + `) { id } }`, "", 0},
		{"nodes: ids that do not decode cost nothing", `{ nodes(ids: ["nope", "Zm9v", "` + model.GlobalID("Order", model.SourceCone, "1") + `"]) { id } }`, "", 0},
		{"nodes: their selection is priced per record", `{ nodes(ids: ` + quoted(ids("Opportunity", model.SourceCirrus, 1, 10)) + `) { ... on Opportunity { account { name } contact { name } } } }`, "", 10 + 10 + 10},
		{"node: an account's orders", `{ node(id: "` + model.GlobalID("Account", model.SourceCirrus, "7") + `") { ... on Account { orders(first: 5) { totalCount } } } }`, "", 1 + 2},
		// (the walk is priced as its batch plus a share per account, 5/50: ⌈1.1⌉; the
		// affine bound costs at most one call per batched load over the exact count)
		{"contacts the account embeds are free", `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { edges { node { contacts(first: 5) { edges { node { name phone } } } } } } }`, "", 1},
		{"contacts it does not embed: a page per account", `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { edges { node { contacts(first: 5) { edges { node { address { city } } } } } } } }`, "", 1 + 20},
		{"ConeCRM accounts have no orders or opportunities", `{ accounts(first: 10, filter: {sources: [CONE]}) { edges { node { orders { totalCount } opportunities { totalCount } contacts { edges { node { name } } } } } } }`, "", 1},
		{"default sources: both lists", `{ accounts(first: 10) { totalCount } }`, "", 2},
		{"a page of 100 Cirrus records is two calls", `{ orders(first: 100) { totalCount } }`, "", 2},
		{"opportunities' accounts fan out", `{ opportunities(first: 10) { edges { node { account { name } } } } }`, "", 1 + 10},
		{"an order's account summary is free", `{ orders(first: 10) { edges { node { account { name } } } } }`, "", 1},
		{"reference lists once per operation", `{ a: referenceData { accountTypes { id } orderStatuses { id } } b: referenceData { accountTypes { id } } }`, "", 2},
		{"statuses once per language", `{ a: referenceData(language: "de") { changeRequestStatuses { code } } b: referenceData(language: "en") { changeRequestStatuses { code } } }`, "", 2},
		{"change requests: one search per status", `{ changeRequests(first: 10, filter: {status: [PENDING, APPROVED]}) { totalCount } }`, "", 2},
		{"change requests: full records per result", `{ changeRequests(first: 10) { edges { node { uid changes { path } status { name } } } } }`, "", 1 + 10 + 1},
		{"client-data contacts: the export", `{ contacts(first: 20, filter: {sources: [CLIENT_DATA]}) { edges { node { name } } } }`, "", 2},
		{"pending checks: one a contact", `{ contacts(first: 20, filter: {sources: [CLIENT_DATA]}) { edges { node { pendingChangeRequest { id } } } } }`, "", 2 + 20},
		{"support totalCount walks every page", `{ supportCustomers(first: 10) { totalCount } }`, "", 1 + assumedWalkPages},
		// Backward windows: before a cursor, one read (it may straddle a page); last alone
		// reads from the start for the total, then the end.
		{"orders: last", `{ orders(last: 5) { totalCount } }`, "", 1 + 2},
		{"orders: last before a cursor", `{ orders(last: 5, before: "x") { totalCount } }`, "", 2},
		{"orders: last from variables", `query($n: Int) { orders(last: $n) { totalCount } }`, `{"n": 100}`, 2 + 3},
		{"orders: first and last read forward", `{ orders(first: 10, last: 3) { totalCount } }`, "", 1},
		{"accounts: last reads every source twice", `{ accounts(last: 10) { totalCount } }`, "", 3 + 2},
		{"nested: last per account", `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { edges { node { opportunities(last: 2) { totalCount } } } } }`, "", 1 + 20*3},
		{"support: backward paging is refused before any call", `{ supportCustomers(last: 3) { totalCount } }`, "", 0},
		{"support: before is refused too", `{ supportCustomers(before: "x") { totalCount } }`, "", 0},
		{"change requests: last reads each search twice", `{ changeRequests(last: 10, filter: {status: [PENDING, APPROVED]}) { totalCount } }`, "", 4},
		{"ConeCRM leads' contacts and stages", `{ leads(first: 10, filter: {sources: [CONE]}) { edges { node { stage { name } contact { name leads { title } } } } } }`, "",
			5}, // the lead list, two batches of 10/250 ids (⌈2.08⌉), the stages once
		{"a mutation", `mutation { updateOpportunity(input: {id: "x", opportunity: {title: "t"}}) { opportunity { id } } }`, "", 3},
		{"introspection is free", `{ __schema { types { name } } __typename }`, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := estimate(t, s, tt.query, tt.vars); got != tt.want {
				t.Fatalf("estimate = %d, want %d", got, tt.want)
			}
		})
	}
}

// A table entry for a field the schema does not have prices nothing: a typo or a
// schema change would silently make a fan-out free.
func TestCallTableNamesSchemaFields(t *testing.T) {
	s := realSchema()
	for key := range callTable(PageCaps{CirrusPerPage: 50, ClientDataSearch: 500}) {
		typ, field, _ := strings.Cut(key, ".")
		def := s.Types[typ]
		if def == nil || def.Fields.ForName(field) == nil {
			t.Errorf("call table prices %s, which the schema does not have", key)
		}
	}
}

func TestComplexityPricesLastLikeFirst(t *testing.T) {
	c := Complexity()
	tests := []struct {
		name        string
		first, last *int
		want        int
	}{
		{"neither: the default 20", nil, nil, 1 + 20*2},
		{"first", intp(50), nil, 1 + 50*2},
		{"last", nil, intp(50), 1 + 50*2},
		{"both: the last of the first", intp(50), intp(10), 1 + 10*2},
		{"zero still prices the selection once", intp(0), nil, 1 + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []int{
				c.Query.Accounts(2, nil, tt.first, nil, tt.last, nil),
				c.Query.SupportCustomers(2, tt.first, nil, tt.last, nil),
				c.Account.Orders(2, tt.first, nil, tt.last, nil),
				c.Contact.ChangeRequests(2, nil, tt.first, nil, tt.last, nil),
			}
			for i, n := range got {
				if n != tt.want {
					t.Fatalf("field %d: complexity %d, want %d", i, n, tt.want)
				}
			}
		})
	}
}

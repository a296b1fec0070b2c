package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"crmgraph/backends/sandbox"
)

func TestRecordMutations(t *testing.T) {
	// Mutations change data: they get a gateway with sandboxes of their own, so the shared
	// one keeps the data other tests count.
	_, srv := newGateway(t, map[string]string{})
	run := func(t *testing.T, q string, vars map[string]any, into any) *gqlResponse {
		t.Helper()
		r := post(t, srv, request{Query: q, Variables: vars})
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %s", r.raw)
		}
		if into != nil {
			if err := json.Unmarshal(r.Data, into); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	var ref struct {
		ReferenceData struct {
			AccountTypes        []struct{ ID string }
			OpportunityStatuses []struct{ ID string }
			OpportunityTypes    []struct{ ID string }
			OrderStatuses       []struct{ ID string }
		}
		Accounts struct {
			Edges []struct {
				Node struct{ Owner struct{ ID string } }
			}
		}
		Orders struct {
			Edges []struct {
				Node struct{ Rows []struct{ ArticleID string } }
			}
		}
	}
	run(t, `{ referenceData { accountTypes { id } opportunityStatuses { id } opportunityTypes { id } orderStatuses { id } }
	  accounts(first: 1, filter: {sources: [CIRRUS]}) { edges { node { owner { id } } } }
	  orders(first: 1) { edges { node { rows { articleId } } } } }`, nil, &ref)
	owner := ref.Accounts.Edges[0].Node.Owner.ID
	article := ref.Orders.Edges[0].Node.Rows[0].ArticleID

	var acc struct {
		CreateAccount struct {
			Account struct{ ID, Name, Source string }
		}
	}
	run(t, `mutation($type: ID!, $owner: ID!) { createAccount(input: {source: CIRRUS, account: {name: "Testbolaget AB", typeId: $type, ownerId: $owner, email: "info@testbolaget.example"}}) {
	  account { id name source } } }`, map[string]any{"type": ref.ReferenceData.AccountTypes[0].ID, "owner": owner}, &acc)
	accountID := acc.CreateAccount.Account.ID
	if acc.CreateAccount.Account.Name != "Testbolaget AB" || acc.CreateAccount.Account.Source != "CIRRUS" {
		t.Fatalf("created %+v", acc.CreateAccount.Account)
	}
	var upd struct {
		UpdateAccount struct{ Account struct{ Name, Email string } }
	}
	run(t, `mutation($id: ID!) { updateAccount(input: {id: $id, account: {name: "Testbolaget Nord AB"}}) { account { name email } } }`,
		map[string]any{"id": accountID}, &upd)
	if upd.UpdateAccount.Account.Name != "Testbolaget Nord AB" || upd.UpdateAccount.Account.Email != "info@testbolaget.example" {
		t.Fatalf("updated %+v", upd.UpdateAccount.Account)
	}

	var con struct {
		CreateContact struct {
			Contact struct {
				ID      string
				Name    string
				Account struct{ ID string }
			}
		}
	}
	run(t, `mutation($acc: ID!) { createContact(input: {source: CIRRUS, contact: {firstName: "Tess", lastName: "Tester", accountId: $acc}}) {
	  contact { id name account { id } } } }`, map[string]any{"acc": accountID}, &con)
	if con.CreateContact.Contact.Name != "Tess Tester" || con.CreateContact.Contact.Account.ID != accountID {
		t.Fatalf("contact %+v", con.CreateContact.Contact)
	}

	var opp struct {
		CreateOpportunity struct{ Opportunity struct{ ID, Title string } }
	}
	run(t, `mutation($acc: ID!, $con: ID!, $owner: ID!, $status: ID!, $type: ID!) { createOpportunity(input: {opportunity: {
	  title: "Pilot", description: "Ten seats", value: "12500.50", accountId: $acc, contactId: $con, ownerId: $owner,
	  statusId: $status, typeId: $type, estimatedCloseDate: "2026-12-31"}}) { opportunity { id title value } } }`,
		map[string]any{"acc": accountID, "con": con.CreateContact.Contact.ID, "owner": owner,
			"status": ref.ReferenceData.OpportunityStatuses[0].ID, "type": ref.ReferenceData.OpportunityTypes[0].ID}, &opp)
	var opp2 struct {
		UpdateOpportunity struct {
			Opportunity struct {
				Title, Value       string
				EstimatedCloseDate string
			}
		}
	}
	run(t, `mutation($id: ID!) { updateOpportunity(input: {id: $id, opportunity: {title: "Pilot, phase 2"}}) {
	  opportunity { title value estimatedCloseDate } } }`, map[string]any{"id": opp.CreateOpportunity.Opportunity.ID}, &opp2)
	if o := opp2.UpdateOpportunity.Opportunity; o.Title != "Pilot, phase 2" || o.Value != "12500.5" || o.EstimatedCloseDate != "2026-12-31" {
		t.Fatalf("opportunity after update %+v (other fields must be kept)", o)
	}

	var ord struct {
		CreateOrder struct {
			Order struct {
				ID, Total string
				Rows      []struct{ Total string }
			}
		}
	}
	run(t, `mutation($acc: ID!, $con: ID!, $owner: ID!, $status: ID!, $art: ID!) { createOrder(input: {order: {accountId: $acc, contactId: $con,
	  ownerId: $owner, statusId: $status, placedAt: "2026-11-30", currency: "SEK",
	  rows: [{articleId: $art, specification: "Seat", quantity: "3", price: "19.99"}, {articleId: $art, specification: "Setup", quantity: "1", price: "0.03"}]}}) {
	  order { id total rows { total } } } }`, map[string]any{"acc": accountID, "con": con.CreateContact.Contact.ID, "owner": owner,
		"status": ref.ReferenceData.OrderStatuses[0].ID, "art": article}, &ord)
	if ord.CreateOrder.Order.Total != "60" || len(ord.CreateOrder.Order.Rows) != 2 {
		t.Fatalf("order %+v: 3 × 19.99 + 0.03 must total exactly 60", ord.CreateOrder.Order)
	}
	// The new order is on the account.
	var check struct {
		Node struct {
			Orders struct{ TotalCount int }
		}
	}
	run(t, `query($id: ID!) { node(id: $id) { ... on Account { orders { totalCount } } } }`, map[string]any{"id": accountID}, &check)
	if check.Node.Orders.TotalCount != 1 {
		t.Fatalf("account orders %d", check.Node.Orders.TotalCount)
	}

	var lead struct {
		CreateLead struct {
			Lead struct {
				ID       string
				Prospect struct{ Company string }
			}
		}
	}
	run(t, `mutation { createLead(input: {source: CIRRUS, lead: {title: "Inbound", value: "900", prospect: {company: "Prospekt AB", firstName: "Per"}}}) {
	  lead { id prospect { company } } } }`, nil, &lead)
	if lead.CreateLead.Lead.Prospect.Company != "Prospekt AB" {
		t.Fatalf("lead %+v", lead.CreateLead.Lead)
	}

	var coneAcc struct {
		CreateAccount struct {
			Account struct{ ID, Source, Name string }
		}
	}
	run(t, `mutation { createAccount(input: {source: CONE, account: {name: "Kotte Bil AB", email: "hej@kotte.example"}}) { account { id source name } } }`, nil, &coneAcc)
	if coneAcc.CreateAccount.Account.Source != "CONE" || coneAcc.CreateAccount.Account.Name != "Kotte Bil AB" {
		t.Fatalf("cone account %+v", coneAcc.CreateAccount.Account)
	}

	// Refused combinations are refusals, not silent drops: user errors at each field
	// concerned when the mutation selects userErrors, else top-level BAD_USER_INPUT.
	for _, tc := range []struct {
		mutation, input string
		fields          [][]string
	}{
		{"createAccount", `{source: CONE, account: {name: "X", vatNumber: "SE1"}}`, [][]string{{"input", "account", "vatNumber"}}},
		{"createLead", `{source: CONE, lead: {title: "X"}}`, [][]string{{"input", "source"}}},
		{"createAccount", `{source: CIRRUS, account: {name: "No type"}}`,
			[][]string{{"input", "account", "typeId"}, {"input", "account", "ownerId"}}},
	} {
		record := strings.ToLower(tc.mutation[6:7]) + tc.mutation[7:] // createAccount → account
		q := `mutation { ` + tc.mutation + `(input: ` + tc.input + `) { ` + record + ` { id } userErrors { field message code } } }`
		var out map[string]struct {
			UserErrors []struct {
				Field         []string
				Message, Code string
			}
		}
		r := post(t, srv, request{Query: q})
		if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil {
			t.Fatalf("%s: want user errors only: %s", q, r.raw)
		}
		if !strings.Contains(string(r.Data), `"`+record+`":null`) {
			t.Errorf("%s: a refused mutation answers no record: %s", q, r.raw)
		}
		var got [][]string
		for _, ue := range out[tc.mutation].UserErrors {
			if ue.Message == "" || ue.Code == "" {
				t.Errorf("%s: user error without message or code: %s", q, r.raw)
			}
			got = append(got, ue.Field)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.fields) {
			t.Errorf("%s: user errors at %v, want %v", q, got, tc.fields)
		}
		q = `mutation { ` + tc.mutation + `(input: ` + tc.input + `) { ` + record + ` { id } } }`
		r = post(t, srv, request{Query: q})
		if codes := r.codes(); len(codes) != len(tc.fields) || len(r.Errors) != len(tc.fields) {
			t.Fatalf("%s without userErrors: want %d top-level errors: %s", q, len(tc.fields), r.raw)
		}
		for i, e := range r.Errors {
			if e.Extensions["code"] != "BAD_USER_INPUT" || fmt.Sprint(e.Extensions["field"]) != fmt.Sprint(tc.fields[i]) {
				t.Errorf("%s without userErrors: error %d is %v, want BAD_USER_INPUT at %v", q, i, e, tc.fields[i])
			}
		}
	}
}

func TestStageChangesReachEveryReplica(t *testing.T) {
	// Two replicas over one Redis and one ConeCRM; B caches the stages, A adds one.
	env := redisEnv(t)
	a, srvA := newGateway(t, map[string]string{"REDIS_URL": env["REDIS_URL"], "REDIS_KEY_PREFIX": env["REDIS_KEY_PREFIX"]})
	envB := map[string]string{"REDIS_URL": env["REDIS_URL"], "REDIS_KEY_PREFIX": env["REDIS_KEY_PREFIX"],
		"CIRRUS_URL": a.SandboxURL + "/cirrus", "CIRRUS_TOKEN": "sandbox", "CONE_URL": a.SandboxURL + "/cone", "CONE_TOKEN": "sandbox",
		"CLIENT_DATA_URL": a.SandboxURL + "/clientdata", "CLIENT_DATA_TOKEN": "sandbox",
		"SUPPORT_URL": a.SandboxURL + "/support", "SUPPORT_TOKEN": "sandbox", "SUPPORT_APP_ID": sandbox.SupportAppID, "SUPPORT_CONSUMER_ID": "c",
		"TRACE_EXTENSION": "on"}
	_, srvB := newGateway(t, envB)
	stages := `{ referenceData { stages { name } } }`
	before := post(t, srvB, request{Query: stages})
	if again := post(t, srvB, request{Query: stages}); again.calls("") != 0 || string(again.Data) != string(before.Data) {
		t.Fatalf("B did not cache the stages: %d calls", again.calls(""))
	}
	r := post(t, srvA, request{Query: `mutation { createStage(input: {stage: {name: "Test drive booked"}}) { stage { id name } } }`})
	if len(r.Errors) > 0 {
		t.Fatalf("createStage: %s", r.raw)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		after := post(t, srvB, request{Query: stages})
		if strings.Contains(string(after.Data), "Test drive booked") {
			if after.calls("cone") != 1 {
				t.Fatalf("B reloaded with %d calls", after.calls("cone"))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica B still serves the old stages: %s", after.Data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

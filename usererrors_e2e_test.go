package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"crmgraph/graph/model"
)

// TestMutationUserErrors: a refusal of a mutation's input (the gateway's checks, the
// backend's validation) is a user error at the input field it concerns, the record null
// and no top-level error; everything else stays a top-level error with its code.
func TestMutationUserErrors(t *testing.T) {
	// Refusals change nothing, but a case that wrongly succeeded would: sandboxes of its own.
	_, srv := newGateway(t, map[string]string{})
	cirrus := func(typ string, id int) string { return model.GlobalID(typ, model.SourceCirrus, fmt.Sprint(id)) }
	const coneUUID = "0190a000-0000-7000-8000-00000000002a"
	cdUsernameCoupled := clientDataContact(t, 240) // its username is its email (TestClientDataSubCodes)
	createAccount := `mutation($in: CreateAccountInput!) { createAccount(input: $in) { account { id } userErrors { field message code } } }`
	account := func(fields map[string]any) map[string]any {
		a := map[string]any{"name": "Refused AB", "typeId": "1", "ownerId": cirrus("User", 1)}
		for k, v := range fields {
			a[k] = v
		}
		return map[string]any{"in": map[string]any{"source": "CIRRUS", "account": a}}
	}
	type userError struct {
		field string // dotted; "" for none
		code  string
	}
	tests := []struct {
		name, query string
		vars        map[string]any
		want        []userError
		calls       int // backend calls: none for the gateway's own checks
	}{
		{"a reference id of another type", createAccount, account(map[string]any{"typeId": cirrus("LostReason", 1)}),
			[]userError{{"input.account.typeId", "INVALID_ID"}}, 0},
		{"a record id for a reference field", createAccount, account(map[string]any{"typeId": cirrus("Account", 1)}),
			[]userError{{"input.account.typeId", "INVALID_ID"}}, 0},
		{"a malformed reference id", createAccount, account(map[string]any{"typeId": "abc"}),
			[]userError{{"input.account.typeId", "INVALID_ID"}}, 0},
		{"a reference id of another source", createAccount,
			account(map[string]any{"typeId": model.GlobalID("AccountType", model.SourceCone, coneUUID)}),
			[]userError{{"input.account.typeId", "INVALID_ID"}}, 0},
		{"every bad field at once", createAccount, account(map[string]any{"typeId": nil, "ownerId": "-1", "active": nil}),
			[]userError{{"input.account.active", "NOT_NULLABLE"}, {"input.account.typeId", "NOT_NULLABLE"},
				{"input.account.ownerId", "INVALID_ID"}}, 0},
		{"required fields left out", `mutation { createOpportunity(input: {opportunity: {title: "T", typeId: "1"}}) { opportunity { id } userErrors { field message code } } }`, nil,
			[]userError{{"input.opportunity.accountId", "REQUIRED"}, {"input.opportunity.contactId", "REQUIRED"},
				{"input.opportunity.description", "REQUIRED"}, {"input.opportunity.ownerId", "REQUIRED"},
				{"input.opportunity.statusId", "REQUIRED"}, {"input.opportunity.estimatedCloseDate", "REQUIRED"}}, 0},
		{"order rows by position", `mutation { createOrder(input: {order: {accountId: "1", contactId: "1", ownerId: "1", statusId: "1", placedAt: "2026-01-01",
		  rows: [{articleId: "1", quantity: "1", price: "1"}, {articleId: "1.5", quantity: "1", price: "1"}]}}) { order { id } userErrors { field message code } } }`, nil,
			[]userError{{"input.order.rows.1.articleId", "INVALID_ID"}}, 0},
		{"a fields ConeCRM has no place for", createAccount,
			map[string]any{"in": map[string]any{"source": "CONE", "account": map[string]any{"name": "X", "website": "https://x.example", "info": nil}}},
			[]userError{{"input.account.info", "UNSUPPORTED"}, {"input.account.website", "UNSUPPORTED"}}, 0},
		{"a source without the mutation", `mutation { createContact(input: {source: CONE, contact: {firstName: "A"}}) { contact { id } userErrors { field message code } } }`, nil,
			[]userError{{"input.source", "UNSUPPORTED"}}, 0},
		{"the id of another type", `mutation($id: ID!) { updateAccount(input: {id: $id, account: {name: "x"}}) { account { id } userErrors { field message code } } }`,
			map[string]any{"id": cirrus("Order", 1)}, []userError{{"input.id", "INVALID_ID"}}, 0},
		{"a malformed stage id", `mutation { updateStage(input: {id: "..", stage: {name: "x"}}) { stage { id } userErrors { field message code } } }`, nil,
			[]userError{{"input.id", "INVALID_ID"}}, 0},
		// The backends' validation answers, at the field they name.
		{"Cirrus refuses an account type it does not have", createAccount, account(map[string]any{"typeId": cirrus("AccountType", 999)}),
			[]userError{{"input.account.typeId", "INVALID"}}, 1},
		{"Cirrus refuses an empty name", createAccount, account(map[string]any{"name": ""}),
			[]userError{{"input.account.name", "INVALID"}}, 1},
		{"ConeCRM refuses a blank stage name", `mutation { createStage(input: {stage: {name: " "}}) { stage { id } userErrors { field message code } } }`, nil,
			[]userError{{"input.stage.name", "INVALID"}}, 1},
		{"client-data refuses a username coupled with the email", `mutation($id: ID!) { updateContactUsername(input: {id: $id, username: "someone.else@example.org"}) {
		  contact { id } userErrors { field message code } } }`, map[string]any{"id": cdUsernameCoupled},
			[]userError{{"input.username", "UsernameCoupledWithEmail"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, request{Query: tt.query, Variables: tt.vars})
			if len(r.Errors) > 0 {
				t.Fatalf("top-level errors: %s", r.raw)
			}
			var data map[string]map[string]json.RawMessage
			if err := json.Unmarshal(r.Data, &data); err != nil || len(data) != 1 {
				t.Fatalf("%s: %v", r.raw, err)
			}
			for _, payload := range data {
				var ues []struct {
					Field         []string
					Message, Code string
				}
				if err := json.Unmarshal(payload["userErrors"], &ues); err != nil {
					t.Fatal(err)
				}
				var got []userError
				for _, ue := range ues {
					if ue.Message == "" {
						t.Errorf("a user error without a message: %s", r.raw)
					}
					got = append(got, userError{strings.Join(ue.Field, "."), ue.Code})
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("user errors %v, want %v: %s", got, tt.want, r.raw)
				}
				for k, v := range payload {
					if k != "userErrors" && string(v) != "null" {
						t.Errorf("a refused mutation answers %s %s", k, v)
					}
				}
			}
			if n := r.calls(""); n != tt.calls {
				t.Errorf("%d backend calls, want %d: %+v", n, tt.calls, r.Extensions.Trace.BackendCalls)
			}
		})
	}

	t.Run("applied: no user errors", func(t *testing.T) {
		r := post(t, srv, request{Query: createAccount, Variables: account(map[string]any{"typeId": cirrus("AccountType", 2)})})
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"userErrors":[]`) || strings.Contains(string(r.Data), `"account":null`) {
			t.Fatalf("%s", r.raw)
		}
	})
	// Not refusals of the input: top-level errors with their codes, userErrors or not.
	t.Run("a record that does not exist", func(t *testing.T) {
		r := post(t, srv, request{Query: `mutation($id: ID!) { updateLead(input: {id: $id, lead: {title: "x"}}) { lead { id } userErrors { field } } }`,
			Variables: map[string]any{"id": cirrus("Lead", 99999999)}})
		if got := r.codes(); len(got) != 1 || got[0] != "NOT_FOUND" {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("a value its type refuses", func(t *testing.T) {
		r := post(t, srv, request{Query: `mutation { createLead(input: {source: CIRRUS, lead: {value: "NaN"}}) { lead { id } userErrors { field } } }`})
		if got := r.codes(); len(got) != 1 || got[0] != "BAD_USER_INPUT" {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("wrong credentials", func(t *testing.T) {
		_, bad := newGateway(t, sandboxEnv(t, "wrong-token"))
		r := post(t, bad, request{Query: createAccount, Variables: account(nil)})
		if got := r.codes(); len(got) != 1 || got[0] != "UNAUTHENTICATED" {
			t.Fatalf("%s", r.raw)
		}
	})
}

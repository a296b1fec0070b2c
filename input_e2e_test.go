package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"crmgraph/graph/model"
)

// TestBadInputIsBadUserInput: every value the gateway cannot use (a scalar, an enum, an
// input object, an id of the wrong shape for its backend, a language that is no language
// tag), written inline or in a variable, answers BAD_USER_INPUT before any backend call
// and logs nothing at ERROR (it is the caller's mistake, not the gateway's).
func TestBadInputIsBadUserInput(t *testing.T) {
	logs := &syncWriter{}
	_, srv := newGatewayLogging(t, sandboxEnv(t, "sandbox"), logs)
	const coneUUID = "0190a000-0000-7000-8000-00000000002a"
	gid := model.GlobalID
	createLead := `mutation($v: Decimal) { createLead(input: {source: CIRRUS, lead: {title: "T", value: $v}}) { lead { id } } }`
	changeRequests := `query($d: DateTime) { changeRequests(filter: {createdAfter: $d}) { totalCount } }`
	node := `query($id: ID!) { node(id: $id) { id } }`
	language := `query($l: String) { referenceData(language: $l) { changeRequestStatuses { code } } }`
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  string // "" means BAD_USER_INPUT
	}{
		// Scalars, inline and in variables.
		{"Decimal with a huge exponent", `mutation { createLead(input: {source: CIRRUS, lead: {value: "1e999999"}}) { lead { id } } }`, nil, ""},
		{"Decimal of 200 digits", createLead, map[string]any{"v": strings.Repeat("9", 200)}, ""},
		{"Decimal NaN", `mutation { createLead(input: {source: CIRRUS, lead: {value: "NaN"}}) { lead { id } } }`, nil, ""},
		{"Decimal Inf", createLead, map[string]any{"v": "Inf"}, ""},
		{"Decimal with a comma", createLead, map[string]any{"v": "1,5"}, ""},
		{"Decimal empty", createLead, map[string]any{"v": ""}, ""},
		{"Decimal float literal out of range", `mutation { createLead(input: {source: CIRRUS, lead: {value: 1e300}}) { lead { id } } }`, nil, ""},
		{"Decimal in an order row", `mutation { createOrder(input: {order: {rows: [{articleId: "1", quantity: "x", price: "1"}]}}) { order { id } } }`, nil, ""},
		{"DateTime yesterday", `{ changeRequests(filter: {createdAfter: "yesterday"}) { totalCount } }`, nil, ""},
		{"DateTime variable", changeRequests, map[string]any{"d": "yesterday"}, ""},
		{"DateTime number", changeRequests, map[string]any{"d": 5}, ""},
		{"Date tomorrow", `mutation($d: Date) { createOpportunity(input: {opportunity: {estimatedCloseDate: $d}}) { opportunity { id } } }`,
			map[string]any{"d": "tomorrow"}, ""},
		// Enums, input objects and built-in scalars in variables (gqlparser refuses them
		// before execution; the document itself is valid).
		{"enum variable", `query($s: [Source!]) { accounts(filter: {sources: $s}) { totalCount } }`, map[string]any{"s": []any{"NOPE"}}, ""},
		{"unknown input field in a variable", `query($f: AccountFilter) { accounts(filter: $f) { totalCount } }`, map[string]any{"f": map[string]any{"nope": 1}}, ""},
		{"Int variable given a string", `query($n: Int) { accounts(first: $n) { totalCount } }`, map[string]any{"n": "x"}, ""},
		{"ID variable given an object", node, map[string]any{"id": map[string]any{"a": 1}}, ""},
		{"required variable missing", node, nil, ""},
		// Inline literals of built-in types and enums are document validation errors, as
		// before: the document cannot run with any variables.
		{"enum literal", `{ accounts(filter: {sources: [NOPE]}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"Int literal out of range", `{ accounts(first: 99999999999999999999) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		// Ids checked per backend before anything is built.
		{"Cirrus account id abc", `mutation($id: ID!) { updateAccount(input: {id: $id, account: {name: "x"}}) { account { id } } }`,
			map[string]any{"id": gid("Account", model.SourceCirrus, "abc")}, ""},
		{"Cirrus account id 0", `mutation($id: ID!) { updateAccount(input: {id: $id, account: {name: "x"}}) { account { id } } }`,
			map[string]any{"id": gid("Account", model.SourceCirrus, "0")}, ""},
		{"ConeCRM account id that is no uuid", `mutation($id: ID!) { updateAccount(input: {id: $id, account: {name: "x"}}) { account { id } } }`,
			map[string]any{"id": gid("Account", model.SourceCone, "..")}, ""},
		{"order in another source", `mutation($id: ID!) { updateOrder(input: {id: $id, order: {marking: "x"}}) { order { id } } }`,
			map[string]any{"id": gid("Order", model.SourceCone, coneUUID)}, ""},
		{"opportunity update with a bad status id", `mutation($id: ID!) { updateOpportunity(input: {id: $id, opportunity: {statusId: "x"}}) { opportunity { id } } }`,
			map[string]any{"id": gid("Opportunity", model.SourceCirrus, "1")}, ""},
		{"account type id", `mutation { createAccount(input: {source: CIRRUS, account: {name: "x", typeId: "abc", ownerId: "1"}}) { account { id } } }`, nil, ""},
		{"negative owner id", `mutation { createAccount(input: {source: CIRRUS, account: {name: "x", typeId: "1", ownerId: "-1"}}) { account { id } } }`, nil, ""},
		{"article id", `mutation { createOrder(input: {order: {rows: [{articleId: "1.5", quantity: "1", price: "1"}]}}) { order { id } } }`, nil, ""},
		{"ConeCRM stage id", `mutation { updateStage(input: {id: "..", stage: {name: "x"}}) { stage { id } } }`, nil, ""},
		{"client-data contact id beyond int32", `mutation($id: ID!) { updateContactUsername(input: {id: $id, username: "u"}) { contact { id } } }`,
			map[string]any{"id": gid("Contact", model.SourceClientData, "99999999999")}, ""},
		{"change request id without its contact", `mutation($id: ID!) { cancelChangeRequest(input: {id: $id}) { changeRequest { id } } }`,
			map[string]any{"id": gid("ChangeRequest", model.SourceClientData, "12")}, ""},
		{"node with a Cirrus id abc", node, map[string]any{"id": gid("Account", model.SourceCirrus, "abc")}, ""},
		{"node with a support id ..", node, map[string]any{"id": gid("SupportCustomer", model.SourceSupport, "..")}, ""},
		{"node with a support id holding a slash", node, map[string]any{"id": gid("SupportCustomer", model.SourceSupport, "a/../b")}, ""},
		{"node with a ConeCRM id 42", node, map[string]any{"id": gid("Contact", model.SourceCone, "42")}, ""},
		{"owner filter id 0", `{ accounts(filter: {sources: [CIRRUS], ownerIds: ["0"]}) { totalCount } }`, nil, ""},
		{"status filter id", `{ opportunities(filter: {statusIds: ["x"]}) { totalCount } }`, nil, ""},
		{"lead status filter id", `{ leads(filter: {sources: [CIRRUS], statusId: "-1"}) { totalCount } }`, nil, ""},
		// referenceData(language:) becomes a cache key and an Accept-Language header.
		{"language with a newline", language, map[string]any{"l": "x\n"}, ""},
		{"language of 300 characters", language, map[string]any{"l": strings.Repeat("a", 300)}, ""},
		{"language with an underscore", language, map[string]any{"l": "de_CH"}, ""},
		{"language header injection", language, map[string]any{"l": "de\r\nX-Evil: 1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(logs.String())
			r := post(t, srv, request{Query: tt.query, Variables: tt.vars})
			want := tt.code
			if want == "" {
				want = "BAD_USER_INPUT"
			}
			if len(r.Errors) == 0 {
				t.Fatalf("no error: %s", r.raw)
			}
			for _, code := range r.codes() {
				if code != want {
					t.Fatalf("code %s, want %s: %s", code, want, r.raw)
				}
			}
			if len(r.codes()) != len(r.Errors) {
				t.Fatalf("an error without a code: %s", r.raw)
			}
			if n := r.calls(""); n != 0 {
				t.Errorf("%d backend calls, want none: %+v", n, r.Extensions.Trace.BackendCalls)
			}
			if line := errorLine(logs.String()[before:]); line != "" {
				t.Errorf("logged at ERROR: %s", line)
			}
			if len(r.raw) > 4096 {
				t.Errorf("response of %d bytes: errors must not repeat the input", len(r.raw))
			}
		})
	}
}

// errorLine returns the first JSON log line at level ERROR in logs.
func errorLine(logs string) string {
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"level":"ERROR"`) {
			return line
		}
	}
	return ""
}

// TestBadIDLeavesTheRestOfTheResponse: a malformed id fails its own (nullable) field
// only; the rest of the query resolves with the calls it needs and no more.
func TestBadIDLeavesTheRestOfTheResponse(t *testing.T) {
	srv := gateway(t)
	const rest = `accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount }`
	baseline := post(t, srv, request{Query: `{ ` + rest + ` }`})
	if len(baseline.Errors) > 0 {
		t.Fatalf("baseline: %s", baseline.raw)
	}
	r := post(t, srv, request{Query: `query($a: ID!, $b: ID!, $c: ID!) {
	  a: node(id: $a) { id }
	  b: node(id: $b) { id }
	  c: nodes(ids: [$c]) { id }
	  ` + rest + ` }`, Variables: map[string]any{
		"a": model.GlobalID("Account", model.SourceCirrus, "abc"),
		"b": model.GlobalID("SupportCustomer", model.SourceSupport, ".."),
		"c": model.GlobalID("ChangeRequest", model.SourceClientData, "1/x"),
	}})
	var data struct {
		A, B     *struct{ ID string }
		C        []*struct{ ID string }
		Accounts struct{ TotalCount int }
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.A != nil || data.B != nil || len(data.C) != 1 || data.C[0] != nil || data.Accounts.TotalCount == 0 {
		t.Fatalf("data: %s", r.Data)
	}
	byPath := map[string]string{}
	for _, e := range r.Errors {
		byPath[fmt.Sprint(e.Path)], _ = e.Extensions["code"].(string)
	}
	if len(r.Errors) != 3 || byPath["[a]"] != "BAD_USER_INPUT" || byPath["[b]"] != "BAD_USER_INPUT" || byPath["[c 0]"] != "BAD_USER_INPUT" {
		t.Fatalf("errors: %s", r.raw)
	}
	if r.calls("") != baseline.calls("") || r.calls("support") != 0 || r.calls("clientdata") != 0 {
		t.Fatalf("%d calls (%d support, %d client-data), want the baseline's %d", r.calls(""), r.calls("support"), r.calls("clientdata"), baseline.calls(""))
	}
}

// TestLanguageTagsShareOneCacheEntry: spellings of one language tag are one cache key,
// so "DE" after "de" costs no backend call.
func TestLanguageTagsShareOneCacheEntry(t *testing.T) {
	_, srv := newGateway(t, sandboxEnv(t, "sandbox")) // a cache of its own
	q := `query($l: String) { referenceData(language: $l) { changeRequestStatuses { code name } } }`
	first := post(t, srv, request{Query: q, Variables: map[string]any{"l": "de-ch"}})
	if len(first.Errors) > 0 || first.calls("clientdata") != 1 {
		t.Fatalf("first: %d calls, %s", first.calls("clientdata"), first.raw)
	}
	for _, l := range []string{"DE-CH", "de-CH", "De-Ch"} {
		r := post(t, srv, request{Query: q, Variables: map[string]any{"l": l}})
		if len(r.Errors) > 0 || r.calls("") != 0 || string(r.Data) != string(first.Data) {
			t.Fatalf("%s: %d calls, %s", l, r.calls(""), r.raw)
		}
	}
}

// TestAPQStoresOnlyValidDocuments: through the whole app, text that does not parse or
// does not validate is not registered, so the same hash alone still misses.
func TestAPQStoresOnlyValidDocuments(t *testing.T) {
	_, srv := newGateway(t, sandboxEnv(t, "sandbox"))
	send := func(body string) *gqlResponse {
		t.Helper()
		return postJSON(t, srv, json.RawMessage(body), nil)
	}
	tests := []struct {
		name, text, code string
		stored           bool
	}{
		{"does not parse", "{ accounts(first: 1 { totalCount } " + strings.Repeat("#", 1000), "GRAPHQL_PARSE_FAILED", false},
		{"does not validate", "{ accounts { nope } }", "GRAPHQL_VALIDATION_FAILED", false},
		{"valid", "{ referenceData { orderStatuses { id } } }", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := sha256.Sum256([]byte(tt.text))
			ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":%q}}`, hex.EncodeToString(sum[:]))
			reg := send(fmt.Sprintf(`{"query":%q,"extensions":%s}`, tt.text, ext))
			if code := strings.Join(reg.codes(), ","); code != tt.code {
				t.Fatalf("register: code %q, want %q: %s", code, tt.code, reg.raw)
			}
			again := send(fmt.Sprintf(`{"extensions":%s}`, ext))
			miss := strings.Join(again.codes(), ",") == "PERSISTED_QUERY_NOT_FOUND"
			if miss == tt.stored {
				t.Fatalf("by hash after registering: %s; want stored %v", again.raw, tt.stored)
			}
		})
	}
}

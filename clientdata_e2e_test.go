package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	cdsandbox "crmgraph/backends/sandbox/clientdata"
)

func asMember(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

func TestChangeRequestsWithLocalizedStatuses(t *testing.T) {
	var data struct {
		ChangeRequests struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID      string
					Status  struct{ Code, Name string }
					Contact struct{ ID, Name string }
					Changes []struct{ Path string }
				}
			}
		}
		En struct{ ChangeRequestStatuses []struct{ Code, Name string } }
		De struct{ ChangeRequestStatuses []struct{ Code, Name string } }
	}
	query(t, `{ changeRequests(first: 10) { totalCount edges { node { id status { code name } contact { id name } changes { path } } } }
	  en: referenceData(language: "en") { changeRequestStatuses { code name } }
	  de: referenceData(language: "de") { changeRequestStatuses { code name } } }`, nil, &data)
	if len(data.ChangeRequests.Edges) != 10 || data.ChangeRequests.TotalCount < 4000 {
		t.Fatalf("%d edges, totalCount %d", len(data.ChangeRequests.Edges), data.ChangeRequests.TotalCount)
	}
	for _, e := range data.ChangeRequests.Edges {
		if e.Node.Status.Name == "" || e.Node.Status.Code == "" || e.Node.Contact.ID == "" || len(e.Node.Changes) == 0 {
			t.Fatalf("incomplete change request %+v", e.Node)
		}
	}
	if len(data.En.ChangeRequestStatuses) != 4 || len(data.De.ChangeRequestStatuses) != 4 {
		t.Fatalf("statuses: %+v / %+v", data.En, data.De)
	}
	for i := range data.En.ChangeRequestStatuses {
		en, de := data.En.ChangeRequestStatuses[i], data.De.ChangeRequestStatuses[i]
		if en.Code != de.Code || en.Name == de.Name {
			t.Fatalf("en %+v vs de %+v", en, de)
		}
	}
	// Accept-Language applies when no language argument is given.
	r := post(t, gateway(t), request{Query: `{ referenceData { changeRequestStatuses { code name } } }`,
		header: http.Header{"Accept-Language": {"fr-CH, fr;q=0.9"}}})
	var fr struct {
		ReferenceData struct{ ChangeRequestStatuses []struct{ Code, Name string } }
	}
	_ = json.Unmarshal(r.Data, &fr)
	if len(fr.ReferenceData.ChangeRequestStatuses) != 4 || fr.ReferenceData.ChangeRequestStatuses[0].Name == data.En.ChangeRequestStatuses[0].Name {
		t.Fatalf("fr statuses: %s", r.raw)
	}
}

func TestClientDataContactsChangeRequestsAreBatched(t *testing.T) {
	var data struct {
		Contacts struct {
			Edges []struct {
				Node struct {
					ID             string
					Source         string
					ChangeRequests struct {
						TotalCount int
						Edges      []struct {
							Node struct{ Status struct{ Code string } }
						}
					}
					PendingChangeRequest *struct{ ID string }
				}
			}
		}
	}
	r := query(t, `{ contacts(first: 20, filter: {sources: [CLIENT_DATA]}) { edges { node { id source
	  changeRequests(first: 5) { totalCount edges { node { status { code } } } } pendingChangeRequest { id } } } } }`, nil, &data)
	if len(data.Contacts.Edges) != 20 {
		t.Fatalf("got %d contacts", len(data.Contacts.Edges))
	}
	withCRs := 0
	for _, e := range data.Contacts.Edges {
		if e.Node.Source != "CLIENT_DATA" {
			t.Fatalf("source %s", e.Node.Source)
		}
		if e.Node.ChangeRequests.TotalCount > 0 {
			withCRs++
		}
	}
	if withCRs == 0 {
		t.Fatal("no contact has change requests")
	}
	searches := 0
	for _, c := range r.Extensions.Trace.BackendCalls {
		if strings.HasSuffix(c.Path, "/change-requests/search") {
			searches++
		}
	}
	if got := r.calls("clientdata"); got > 3 || searches != 1 {
		t.Fatalf("client-data calls = %d (searches %d), want ≤ 3 with one search\n%s", got, searches, describeCalls(r))
	}
}

// clientDataContact returns the global id of a client-data contact with no pending
// change request, from the list's tail so tests do not share contacts.
func clientDataContact(t *testing.T, offset int) string {
	t.Helper()
	var data struct {
		Contacts struct {
			Edges []struct {
				Node struct {
					ID                   string
					PendingChangeRequest *struct{ ID string }
				}
			}
		}
	}
	cursor := federatedCursorAt(t, offset)
	query(t, `query($after: String) { contacts(first: 30, after: $after, filter: {sources: [CLIENT_DATA]}) { edges { node { id pendingChangeRequest { id } } } } }`,
		map[string]any{"after": cursor}, &data)
	for _, e := range data.Contacts.Edges {
		if e.Node.PendingChangeRequest == nil {
			return e.Node.ID
		}
	}
	t.Fatal("no client-data contact without a pending change request")
	return ""
}

// federatedCursorAt is the cursor of a CLIENT_DATA-only contact list at offset: paged
// through with first: 100 (the maximum), so it is the gateway's own cursor.
func federatedCursorAt(t *testing.T, offset int) string {
	var after any
	for offset > 0 {
		var data struct {
			Contacts struct{ PageInfo struct{ EndCursor string } }
		}
		n := min(offset, 100)
		query(t, `query($n: Int, $after: String) { contacts(first: $n, after: $after, filter: {sources: [CLIENT_DATA]}) { pageInfo { endCursor } } }`,
			map[string]any{"n": n, "after": after}, &data)
		after, offset = data.Contacts.PageInfo.EndCursor, offset-n
	}
	s, _ := after.(string)
	return s
}

func TestApprovalFlow(t *testing.T) {
	srv := gateway(t)
	contact := clientDataContact(t, 60)
	city := fmt.Sprintf("Testby %d", time.Now().UnixNano()) // a new value on every run
	update := `mutation($id: ID!, $details: JSON!) { updateContactDetails(input: {id: $id, details: $details, comment: "moved"}) {
	  approvalRequired changeRequest { id status { code } initiator { name } changes { path targetValue } } contact { id } } }`
	r := post(t, srv, request{Query: update, header: asMember(cdsandbox.MemberToken1), Variables: map[string]any{
		"id": contact, "details": map[string]any{"addresses": map[string]any{"primaryAddress": map[string]any{"city": city}}}}})
	var upd struct {
		UpdateContactDetails struct {
			ApprovalRequired bool
			ChangeRequest    *struct {
				ID      string
				Status  struct{ Code string }
				Changes []struct{ Path, TargetValue string }
			}
		}
	}
	if err := json.Unmarshal(r.Data, &upd); err != nil || len(r.Errors) > 0 {
		t.Fatalf("update: %s", r.raw)
	}
	cr := upd.UpdateContactDetails.ChangeRequest
	if !upd.UpdateContactDetails.ApprovalRequired || cr == nil || cr.Status.Code != "PENDING" {
		t.Fatalf("update: %s", r.raw)
	}
	review := `mutation($id: ID!, $approve: Boolean!) { reviewChangeRequest(input: {id: $id, approve: $approve, comment: "ok"}) {
	  changeRequest { id status { code name } reviewComment reviewer { name } } } }`
	// The initiator may not review their own request.
	r = post(t, srv, request{Query: review, header: asMember(cdsandbox.MemberToken1), Variables: map[string]any{"id": cr.ID, "approve": true}})
	if got := r.codes(); len(got) != 1 || got[0] != "FORBIDDEN" {
		t.Fatalf("self review: %s", r.raw)
	}
	// Another member approves.
	r = post(t, srv, request{Query: review, header: asMember(cdsandbox.MemberToken2), Variables: map[string]any{"id": cr.ID, "approve": true}})
	var rev struct {
		ReviewChangeRequest struct {
			ChangeRequest struct {
				Status        struct{ Code string }
				ReviewComment string
			}
		}
	}
	if err := json.Unmarshal(r.Data, &rev); err != nil || len(r.Errors) > 0 || rev.ReviewChangeRequest.ChangeRequest.Status.Code != "APPROVED" {
		t.Fatalf("approve: %s", r.raw)
	}
	var details struct {
		Node struct{ Details map[string]any }
	}
	query(t, `query($id: ID!) { node(id: $id) { ... on Contact { details } } }`, map[string]any{"id": contact}, &details)
	got := details.Node.Details["addresses"].(map[string]any)["primaryAddress"].(map[string]any)["city"]
	if got != city {
		t.Fatalf("city after approval = %v, want %s", got, city)
	}
	// Reviewing again fails with a clear code and the backend's sub-code.
	r = post(t, srv, request{Query: review, header: asMember(cdsandbox.MemberToken3), Variables: map[string]any{"id": cr.ID, "approve": false}})
	if got := r.codes(); len(got) != 1 || got[0] != "BAD_USER_INPUT" || r.Errors[0].Extensions["subCode"] == nil {
		t.Fatalf("second review: %s", r.raw)
	}
}

func TestCancelOnlyByInitiator(t *testing.T) {
	srv := gateway(t)
	contact := clientDataContact(t, 120)
	r := post(t, srv, request{Query: `mutation($id: ID!, $name: String!) { updateContactDetails(input: {id: $id, details: {personalInformation: {lastName: $name}}}) {
	  approvalRequired changeRequest { id } } }`, header: asMember(cdsandbox.MemberToken4),
		Variables: map[string]any{"id": contact, "name": fmt.Sprintf("Renamed %d", time.Now().UnixNano())}})
	var upd struct {
		UpdateContactDetails struct{ ChangeRequest struct{ ID string } }
	}
	if err := json.Unmarshal(r.Data, &upd); err != nil || upd.UpdateContactDetails.ChangeRequest.ID == "" {
		t.Fatalf("update: %s", r.raw)
	}
	cancel := `mutation($id: ID!) { cancelChangeRequest(input: {id: $id}) { changeRequest { status { code } } } }`
	vars := map[string]any{"id": upd.UpdateContactDetails.ChangeRequest.ID}
	if r := post(t, srv, request{Query: cancel, header: asMember(cdsandbox.MemberToken5), Variables: vars}); len(r.codes()) != 1 || r.codes()[0] != "FORBIDDEN" {
		t.Fatalf("cancel by another member: %s", r.raw)
	}
	r = post(t, srv, request{Query: cancel, header: asMember(cdsandbox.MemberToken4), Variables: vars})
	if !strings.Contains(string(r.Data), `"CANCELLED"`) || len(r.Errors) > 0 {
		t.Fatalf("cancel by initiator: %s", r.raw)
	}
}

func TestClientDataSubCodes(t *testing.T) {
	srv := gateway(t)
	a, b := clientDataContact(t, 200), clientDataContact(t, 240)
	var names struct {
		A struct{ Username string }
	}
	query(t, `query($a: ID!) { a: node(id: $a) { ... on Contact { username } } }`, map[string]any{"a": a}, &names)
	// b's username is its email: it cannot change alone, and its email cannot become a's.
	r := post(t, srv, request{Query: `mutation($id: ID!, $u: String!) { updateContactUsername(input: {id: $id, username: $u}) { contact { id } } }`,
		Variables: map[string]any{"id": b, "u": "someone.else@example.org"}})
	if len(r.Errors) != 1 || r.codes()[0] != "BAD_USER_INPUT" || r.Errors[0].Extensions["subCode"] != "UsernameCoupledWithEmail" {
		t.Fatalf("username change: %s", r.raw)
	}
	r = post(t, srv, request{Query: `mutation($id: ID!, $email: String!) { updateContactDetails(input: {id: $id, details: {communicationMeans: {primaryEmail: $email}}}) { approvalRequired } }`,
		Variables: map[string]any{"id": b, "email": names.A.Username}})
	if len(r.Errors) != 1 || r.codes()[0] != "BAD_USER_INPUT" || r.Errors[0].Extensions["subCode"] != "UsernameNotUnique" {
		t.Fatalf("duplicate username: %s", r.raw)
	}
	// An email change waits for its key; wrong keys give KeyNoMatch, then KeyExpired.
	r = post(t, srv, request{Query: `mutation($id: ID!, $email: String!) { updateContactDetails(input: {id: $id, details: {communicationMeans: {primaryEmail: $email}}}) { approvalRequired } }`,
		Variables: map[string]any{"id": b, "email": fmt.Sprintf("new.%d@example.org", time.Now().UnixNano())}})
	if len(r.Errors) > 0 {
		t.Fatalf("email change: %s", r.raw)
	}
	verify := `mutation($id: ID!) { verifyContactChannel(input: {id: $id, channel: EMAIL, key: "000000"}) { contact { id } } }`
	var subCodes []any
	for range 4 {
		r := post(t, srv, request{Query: verify, Variables: map[string]any{"id": b}})
		if len(r.Errors) != 1 || r.codes()[0] != "BAD_USER_INPUT" {
			t.Fatalf("verify: %s", r.raw)
		}
		subCodes = append(subCodes, r.Errors[0].Extensions["subCode"])
	}
	if subCodes[0] != "KeyNoMatch" || subCodes[3] != "KeyExpired" {
		t.Fatalf("sub-codes %v", subCodes)
	}
}

func TestCachedListsAreScopedByCaller(t *testing.T) {
	_, srv := newGateway(t, sandboxEnv(t, "sandbox")) // a cache of its own
	q := `{ referenceData(language: "fr") { changeRequestStatuses { code name } } }`
	callsAs := func(token string) int {
		req := request{Query: q}
		if token != "" {
			req.header = asMember(token)
		}
		r := post(t, srv, req)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %s", r.raw)
		}
		return r.calls("clientdata")
	}
	first := callsAs(cdsandbox.MemberToken3)
	if again := callsAs(cdsandbox.MemberToken3); again != 0 {
		t.Fatalf("member-3 again: %d calls", again)
	}
	if first != 1 {
		t.Fatalf("member-3 first: %d calls", first)
	}
	if other := callsAs(cdsandbox.MemberToken5); other != 1 {
		t.Fatalf("member-5 was served member-3's cached list (%d calls; first %d)", other, first)
	}
}

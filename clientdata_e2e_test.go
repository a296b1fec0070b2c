package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	cdsandbox "crmgraph/backends/sandbox/clientdata"
	"crmgraph/graph/model"
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
	// The change requests of all 20 contacts come from one search. The pending check is
	// per contact (seed 004 L88–98: no batch form), so 20 of them, one a contact, made
	// together; before it read the search, which a member's scope may hide requests from.
	// Plus the export (job and CSV) and, when not cached yet, the status list.
	searches, exports, statuses := 0, 0, 0
	checked := map[string]int{}
	for _, c := range r.Extensions.Trace.BackendCalls {
		switch {
		case strings.HasSuffix(c.Path, "/change-requests/search"):
			searches++
		case strings.HasSuffix(c.Path, "/pending-change-request/check"):
			checked[c.Path]++
		case strings.Contains(c.Path, "/contacts/export"):
			exports++
		case strings.HasSuffix(c.Path, "/change-requests/statuses"):
			statuses++
		}
	}
	once := true
	for _, n := range checked {
		once = once && n == 1
	}
	if searches != 1 || exports != 2 || statuses > 1 || len(checked) != 20 || !once || r.calls("clientdata") != 23+statuses {
		t.Fatalf("client-data calls = %d (searches %d, exports %d, pending checks %d, status lists %d), want one search, two export calls and one pending check a contact\n%s",
			r.calls("clientdata"), searches, exports, len(checked), statuses, describeCalls(r))
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

// sandboxMembers are the client-data sandbox's member tokens, in order.
var sandboxMembers = []string{cdsandbox.MemberToken1, cdsandbox.MemberToken2, cdsandbox.MemberToken3, cdsandbox.MemberToken4, cdsandbox.MemberToken5}

// scopedContact is the contact the tests use for a member flow: a client-data contact
// with change requests but none pending, whose change requests exactly viewers members'
// own searches show (the API's definition of what a member can see, seed 004 L99,
// L161), with those members' tokens and a member the search hides them from. Contacts
// are taken from the highest id down, skipping skip matches, so tests do not share
// contacts.
func scopedContact(t *testing.T, viewers, skip int) (id int32, seenBy []string, blind string) {
	t.Helper()
	seen := map[int32][]string{}
	for _, m := range sandboxMembers {
		for _, cr := range sandboxSearchAll(t, m, nil) {
			if s := seen[cr.Contact.ID]; len(s) == 0 || s[len(s)-1] != m {
				seen[cr.Contact.ID] = append(s, m)
			}
		}
	}
	pending := map[int32]bool{}
	for _, cr := range sandboxSearchAll(t, cdsandbox.AppToken, map[string]any{"statusId": 1}) {
		pending[cr.Contact.ID] = true
	}
	var ids []int32
	for _, cr := range sandboxSearchAll(t, cdsandbox.AppToken, nil) {
		if !pending[cr.Contact.ID] && len(seen[cr.Contact.ID]) == viewers && !slices.Contains(ids, cr.Contact.ID) {
			ids = append(ids, cr.Contact.ID)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	if len(ids) <= skip {
		t.Fatalf("%d contacts seen by exactly %d members, want more than %d", len(ids), viewers, skip)
	}
	id, seenBy = ids[skip], seen[ids[skip]]
	for _, m := range sandboxMembers {
		if !slices.Contains(seenBy, m) {
			return id, seenBy, m
		}
	}
	t.Fatalf("every member sees contact %d", id)
	return 0, nil, ""
}

func TestApprovalFlow(t *testing.T) {
	srv := gateway(t)
	// Two members who see the contact review; a third, who does not, starts the request
	// (a member may update any contact, seed 004 L295) and may read it back.
	id, reviewers, initiator := scopedContact(t, 2, 0)
	contact := model.GlobalID("Contact", model.SourceClientData, fmt.Sprint(id))
	city := fmt.Sprintf("Testby %d", time.Now().UnixNano()) // a new value on every run
	update := `mutation($id: ID!, $details: JSON!) { updateContactDetails(input: {id: $id, details: $details, comment: "moved"}) {
	  approvalRequired changeRequest { id status { code } initiator { name } changes { path targetValue } } contact { id } } }`
	r := post(t, srv, request{Query: update, header: asMember(initiator), Variables: map[string]any{
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
	r = post(t, srv, request{Query: review, header: asMember(initiator), Variables: map[string]any{"id": cr.ID, "approve": true}})
	if got := r.codes(); len(got) != 1 || got[0] != "FORBIDDEN" {
		t.Fatalf("self review: %s", r.raw)
	}
	// A member who sees the contact approves.
	r = post(t, srv, request{Query: review, header: asMember(reviewers[0]), Variables: map[string]any{"id": cr.ID, "approve": true}})
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
	r = post(t, srv, request{Query: review, header: asMember(reviewers[1]), Variables: map[string]any{"id": cr.ID, "approve": false}})
	if got := r.codes(); len(got) != 1 || got[0] != "BAD_USER_INPUT" || r.Errors[0].Extensions["subCode"] == nil {
		t.Fatalf("second review: %s", r.raw)
	}
}

func TestCancelOnlyByInitiator(t *testing.T) {
	srv := gateway(t)
	// The one member who sees the contact may not cancel a request another one started.
	id, seenBy, initiator := scopedContact(t, 1, 0)
	contact := model.GlobalID("Contact", model.SourceClientData, fmt.Sprint(id))
	r := post(t, srv, request{Query: `mutation($id: ID!, $name: String!) { updateContactDetails(input: {id: $id, details: {personalInformation: {lastName: $name}}}) {
	  approvalRequired changeRequest { id } } }`, header: asMember(initiator),
		Variables: map[string]any{"id": contact, "name": fmt.Sprintf("Renamed %d", time.Now().UnixNano())}})
	var upd struct {
		UpdateContactDetails struct{ ChangeRequest struct{ ID string } }
	}
	if err := json.Unmarshal(r.Data, &upd); err != nil || upd.UpdateContactDetails.ChangeRequest.ID == "" {
		t.Fatalf("update: %s", r.raw)
	}
	cancel := `mutation($id: ID!) { cancelChangeRequest(input: {id: $id}) { changeRequest { status { code } } } }`
	vars := map[string]any{"id": upd.UpdateContactDetails.ChangeRequest.ID}
	if r := post(t, srv, request{Query: cancel, header: asMember(seenBy[0]), Variables: vars}); len(r.codes()) != 1 || r.codes()[0] != "FORBIDDEN" {
		t.Fatalf("cancel by another member: %s", r.raw)
	}
	r = post(t, srv, request{Query: cancel, header: asMember(initiator), Variables: vars})
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

// sandboxCall sends one request straight to the shared client-data sandbox (no gateway)
// as token and decodes its JSON answer into into: the tests compare the gateway with
// what the API itself answers.
func sandboxCall(t *testing.T, method, path, token string, body any, header http.Header, into any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, sharedSandboxURL(t)+"/clientdata"+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sandbox %s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("sandbox %s %s: %v: %s", method, path, err, raw)
	}
}

// sandboxChangeRequest is a search result as the sandbox sends it (seed 004 L197–220).
type sandboxChangeRequest struct {
	ID      int32
	Contact struct{ ID int32 }
	Status  struct{ ID int32 }
}

// sandboxSearchAll walks every page of the change-request search (POST
// /v1.0/contacts/change-requests/search, seed 004 L161) in its default order, newest
// first, as token.
func sandboxSearchAll(t *testing.T, token string, filter map[string]any) []sandboxChangeRequest {
	t.Helper()
	var all []sandboxChangeRequest
	for page := 1; ; page++ {
		body := map[string]any{"page": page, "pageSize": 500}
		for k, v := range filter {
			body[k] = v
		}
		var res struct {
			Results    []sandboxChangeRequest
			PageCount  int
			TotalCount int
		}
		sandboxCall(t, http.MethodPost, "/v1.0/contacts/change-requests/search", token, body, nil, &res)
		all = append(all, res.Results...)
		if page >= res.PageCount || len(res.Results) == 0 {
			if len(all) != res.TotalCount {
				t.Fatalf("sandbox search walked %d of totalCount %d", len(all), res.TotalCount)
			}
			return all
		}
	}
}

// crSourceID is the gateway's sourceId of a change request: "contactId/id".
func crSourceID(cr sandboxChangeRequest) string { return fmt.Sprintf("%d/%d", cr.Contact.ID, cr.ID) }

// walkChangeRequests pages changeRequests(filter: {status}) with first to the end and
// returns the sourceIds in order, the first page's totalCount and the client-data
// calls of every page.
func walkChangeRequests(t *testing.T, srv *httptest.Server, status []string, first int) (ids []string, total int, calls []int) {
	t.Helper()
	var after any
	for page := 0; ; page++ {
		if page > 200 {
			t.Fatal("paging does not end")
		}
		r := post(t, srv, request{Query: `query($status: [ChangeRequestStatusCode!], $first: Int, $after: String) {
		  changeRequests(filter: {status: $status}, first: $first, after: $after) { totalCount edges { node { sourceId } } pageInfo { hasNextPage endCursor } } }`,
			Variables: map[string]any{"status": status, "first": first, "after": after}})
		var data struct {
			ChangeRequests struct {
				TotalCount int
				Edges      []struct{ Node struct{ SourceID string } }
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil || len(r.Errors) > 0 {
			t.Fatalf("page %d: %s", page, r.raw)
		}
		c := data.ChangeRequests
		if page == 0 {
			total = c.TotalCount
		} else if c.TotalCount != total {
			t.Fatalf("page %d: totalCount %d, first page said %d", page, c.TotalCount, total)
		}
		for _, e := range c.Edges {
			ids = append(ids, e.Node.SourceID)
		}
		calls = append(calls, r.calls("clientdata"))
		if !c.PageInfo.HasNextPage {
			return ids, total, calls
		}
		if len(c.Edges) != first || c.PageInfo.EndCursor == nil {
			t.Fatalf("page %d: %d edges of %d with more to come", page, len(c.Edges), first)
		}
		after = *c.PageInfo.EndCursor
	}
}

// With CLIENT_DATA_STATUS_CODES not one-to-one, a code stands for every id mapped to it
// (the API filters one statusId at a time, seed 004 L104–117), a code no id maps to
// matches nothing, and a code named twice counts once. The walk is compared with the
// sandbox's own unfiltered search, newest first, kept to the ids.
func TestChangeRequestStatusFilterFollowsTheCodeMapping(t *testing.T) {
	env := sandboxEnv(t, cdsandbox.AppToken)
	// 2 and 4 are both APPROVED; no id is CANCELLED.
	env["CLIENT_DATA_STATUS_CODES"] = "1=PENDING,2=APPROVED,3=REJECTED,4=APPROVED"
	_, mapped := newGateway(t, env)
	all := sandboxSearchAll(t, cdsandbox.AppToken, nil)
	expect := func(ids ...int32) []string {
		var out []string
		for _, cr := range all {
			if slices.Contains(ids, cr.Status.ID) {
				out = append(out, crSourceID(cr))
			}
		}
		return out
	}
	tests := []struct {
		name   string
		srv    *httptest.Server
		status []string
		first  int
		want   []string
		calls  int // client-data calls per page
	}{
		{"a code with two ids merges both", mapped, []string{"APPROVED"}, 100, expect(2, 4), 2},
		{"two codes, three ids", mapped, []string{"REJECTED", "APPROVED"}, 37, expect(2, 3, 4), 3},
		{"a code with no id matches nothing", mapped, []string{"CANCELLED"}, 20, nil, 0},
		{"a code with no id adds nothing", mapped, []string{"CANCELLED", "PENDING"}, 100, expect(1), 1},
		{"a code twice counts once", gateway(t), []string{"PENDING", "PENDING"}, 100, expect(1), 1},
		{"a code twice counts once, two ids", mapped, []string{"APPROVED", "APPROVED"}, 100, expect(2, 4), 2},
	}
	t.Run("a contact's change requests", func(t *testing.T) {
		// A contact with requests of both APPROVED ids.
		statuses := map[int32]map[int32]int{}
		for _, cr := range all {
			if statuses[cr.Contact.ID] == nil {
				statuses[cr.Contact.ID] = map[int32]int{}
			}
			statuses[cr.Contact.ID][cr.Status.ID]++
		}
		var contact int32
		for id, n := range statuses {
			if n[2] > 0 && n[4] > 0 && (contact == 0 || id < contact) {
				contact = id
			}
		}
		if contact == 0 {
			t.Fatal("no contact has requests of status 2 and 4")
		}
		r := post(t, mapped, request{Query: `query($id: ID!) { node(id: $id) { ... on Contact {
		  approved: changeRequests(filter: {status: [APPROVED, APPROVED]}, first: 100) { totalCount edges { node { status { code sourceId } } } }
		  cancelled: changeRequests(filter: {status: [CANCELLED]}) { totalCount } } } }`,
			Variables: map[string]any{"id": model.GlobalID("Contact", model.SourceClientData, fmt.Sprint(contact))}})
		var data struct {
			Node struct {
				Approved struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Status struct{ Code, SourceID string }
						}
					}
				}
				Cancelled struct{ TotalCount int }
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil || len(r.Errors) > 0 {
			t.Fatalf("%s", r.raw)
		}
		want := statuses[contact][2] + statuses[contact][4]
		if data.Node.Approved.TotalCount != want || len(data.Node.Approved.Edges) != want || data.Node.Cancelled.TotalCount != 0 {
			t.Fatalf("contact %d: APPROVED %d (%d edges), CANCELLED %d; the sandbox has %d APPROVED and no CANCELLED id",
				contact, data.Node.Approved.TotalCount, len(data.Node.Approved.Edges), data.Node.Cancelled.TotalCount, want)
		}
		for _, e := range data.Node.Approved.Edges {
			if e.Node.Status.Code != "APPROVED" || (e.Node.Status.SourceID != "2" && e.Node.Status.SourceID != "4") {
				t.Fatalf("status %+v", e.Node.Status)
			}
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, calls := walkChangeRequests(t, tt.srv, tt.status, tt.first)
			if total != len(tt.want) {
				t.Fatalf("totalCount %d, the sandbox has %d", total, len(tt.want))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("walked %d change requests, want the sandbox's %d in its order (first difference at %d)", len(got), len(tt.want), firstDifference(got, tt.want))
			}
			for i, n := range calls {
				if tt.srv == mapped && n != tt.calls {
					t.Fatalf("page %d made %d client-data calls, want %d", i, n, tt.calls)
				}
			}
		})
	}
}

func firstDifference(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// sandboxPendingCheck is the API's own pending check of a contact (GET
// /v1.1/contacts/{contactId}/pending-change-request/check, seed 004 L88–98) as token.
func sandboxPendingCheck(t *testing.T, token string, contact int32) (has bool, id int32, created time.Time, initiator string) {
	t.Helper()
	var res struct {
		HasPendingChangeRequest bool
		ChangeRequest           *struct {
			ID              int32
			InitiatorMember struct{ UID, Name string }
			CreatedDate     time.Time
		}
	}
	sandboxCall(t, http.MethodGet, fmt.Sprintf("/v1.1/contacts/%d/pending-change-request/check", contact), token, nil, nil, &res)
	if res.ChangeRequest == nil {
		return res.HasPendingChangeRequest, 0, time.Time{}, ""
	}
	return res.HasPendingChangeRequest, res.ChangeRequest.ID, res.ChangeRequest.CreatedDate, res.ChangeRequest.InitiatorMember.Name
}

// Contact.pendingChangeRequest is what the API's pending check answers, also for a
// member whose scoped search (seed 004 L99, L161) cannot see the request: that member's
// next update of an approval field would fail on it.
func TestPendingChangeRequestIsTheAPIsPendingCheck(t *testing.T) {
	pending := sandboxSearchAll(t, cdsandbox.AppToken, map[string]any{"statusId": 1})
	seen := map[string]map[int32]bool{} // member → the pending requests their search shows
	for _, m := range sandboxMembers {
		seen[m] = map[int32]bool{}
		for _, cr := range sandboxSearchAll(t, m, map[string]any{"statusId": 1}) {
			seen[m][cr.ID] = true
		}
	}
	// A pending request one member's search does not show and another's does (reading
	// it in full takes a member who may see it).
	var hidden sandboxChangeRequest
	var blind, seer string
	for _, cr := range pending {
		blind, seer = "", ""
		for _, m := range sandboxMembers {
			switch {
			case !seen[m][cr.ID] && blind == "":
				blind = m
			case seen[m][cr.ID] && seer == "":
				seer = m
			}
		}
		if blind != "" && seer != "" {
			hidden = cr
			break
		}
	}
	if blind == "" || seer == "" {
		t.Fatal("no pending change request that one member's search shows and another's does not")
	}
	var none int32 // a contact with change requests, none of them pending
	withPending := map[int32]bool{}
	for _, cr := range pending {
		withPending[cr.Contact.ID] = true
	}
	for _, cr := range sandboxSearchAll(t, cdsandbox.AppToken, map[string]any{"statusId": 2}) {
		if !withPending[cr.Contact.ID] {
			none = cr.Contact.ID
			break
		}
	}
	// Two ids are PENDING: the check names no status, so the full record says which.
	env := sandboxEnv(t, cdsandbox.AppToken)
	env["CLIENT_DATA_STATUS_CODES"] = "1=PENDING,2=APPROVED,3=REJECTED,4=CANCELLED,5=PENDING"
	_, twoPending := newGateway(t, env)
	tests := []struct {
		name    string
		srv     *httptest.Server
		token   string // "" is the gateway's service credential
		contact int32
		calls   int // client-data calls besides the status list
	}{
		{"a member the search hides it from", gateway(t), blind, hidden.Contact.ID, 2},
		{"the app", gateway(t), "", hidden.Contact.ID, 2},
		{"another pending request", gateway(t), cdsandbox.MemberToken2, pending[len(pending)/2].Contact.ID, 2},
		{"no pending request", gateway(t), blind, none, 2},
		{"two ids are PENDING", twoPending, seer, hidden.Contact.ID, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := tt.token
			if token == "" {
				token = cdsandbox.AppToken
			}
			has, id, created, initiator := sandboxPendingCheck(t, token, tt.contact)
			req := request{Query: `query($id: ID!) { node(id: $id) { ... on Contact { pendingChangeRequest {
			  id sourceId createdAt initiator { name } status { code } } } } }`,
				Variables: map[string]any{"id": model.GlobalID("Contact", model.SourceClientData, fmt.Sprint(tt.contact))}}
			if tt.token != "" {
				req.header = asMember(tt.token)
			}
			r := post(t, tt.srv, req)
			var data struct {
				Node struct {
					PendingChangeRequest *struct {
						SourceID  string
						CreatedAt time.Time
						Initiator struct{ Name string }
						Status    struct{ Code string }
					}
				}
			}
			if err := json.Unmarshal(r.Data, &data); err != nil || len(r.Errors) > 0 {
				t.Fatalf("%s", r.raw)
			}
			got := data.Node.PendingChangeRequest
			switch {
			case !has && got != nil:
				t.Fatalf("the API has no pending change request for contact %d, the gateway answers %+v", tt.contact, got)
			case has && got == nil:
				t.Fatalf("the API's pending check answers change request %d for contact %d, the gateway null", id, tt.contact)
			case has && (got.SourceID != fmt.Sprintf("%d/%d", tt.contact, id) || !got.CreatedAt.Equal(created) ||
				got.Initiator.Name != initiator || got.Status.Code != "PENDING"):
				t.Fatalf("gateway %+v, API %d created %s by %s", got, id, created, initiator)
			}
			// The contact (node), the pending check and, when the status id is not known,
			// the full change request; the status list may come from the cache.
			n := r.calls("clientdata")
			for _, c := range r.Extensions.Trace.BackendCalls {
				if strings.HasSuffix(c.Path, "/statuses") {
					n--
				}
			}
			if n != tt.calls {
				t.Fatalf("%d client-data calls besides the status list, want %d\n%s", n, tt.calls, describeCalls(r))
			}
		})
	}
}

// The gateway answers localized lists in the language the API picks for the caller's
// whole Accept-Language (seed 004 L3–4, L9: the seed names no languages, so the gateway
// cannot choose for it), read from the sandbox directly with the same header; the cache
// keeps those answers apart. referenceData(language:) wins over the header.
func TestAcceptLanguageIsTheCallersWholePreference(t *testing.T) {
	_, srv := newGateway(t, sandboxEnv(t, cdsandbox.AppToken)) // a cache of its own
	tests := []struct {
		name     string
		lines    []string // Accept-Language field lines
		argument string   // referenceData(language:)
		want     string   // the sandbox's own answer for this header
	}{
		{"a later range the API has", []string{"pt-BR, de;q=0.8"}, "", "de"},
		{"the cached answer of another header is not reused", []string{"pt-BR, sv;q=0.8"}, "", "sv"},
		{"q-values, not order", []string{"de;q=0.1, sv;q=0.9"}, "", "sv"},
		{"a regional variant", []string{"fr-CH, fr;q=0.9"}, "", "fr"},
		{"q=0 is not acceptable", []string{"de;q=0, sv;q=0.5"}, "", "sv"},
		{"field lines are one list", []string{"pt-BR", "fr;q=0.7"}, "", "fr"},
		{"nothing the API has: its default", []string{"ja, pt;q=0.5"}, "", "en"},
		{"no header: its default", nil, "", "en"},
		{"the argument wins", []string{"pt-BR, de;q=0.8"}, "fr", "fr"},
	}
	statusNames := func(t *testing.T, header http.Header, argument string) []string {
		q := `{ referenceData { changeRequestStatuses { name } } }`
		if argument != "" {
			q = fmt.Sprintf(`{ referenceData(language: %q) { changeRequestStatuses { name } } }`, argument)
		}
		r := post(t, srv, request{Query: q, header: header})
		var data struct {
			ReferenceData struct{ ChangeRequestStatuses []struct{ Name string } }
		}
		if err := json.Unmarshal(r.Data, &data); err != nil || len(r.Errors) > 0 {
			t.Fatalf("%s", r.raw)
		}
		var out []string
		for _, s := range data.ReferenceData.ChangeRequestStatuses {
			out = append(out, s.Name)
		}
		return out
	}
	sandboxNames := func(t *testing.T, header http.Header) []string {
		var res struct{ ChangeRequestStatuses []struct{ Name string } }
		sandboxCall(t, http.MethodGet, "/v1.0/contacts/change-requests/statuses", cdsandbox.AppToken, nil, header, &res)
		var out []string
		for _, s := range res.ChangeRequestStatuses {
			out = append(out, s.Name)
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.lines != nil {
				header["Accept-Language"] = tt.lines
			}
			want := sandboxNames(t, http.Header{"Accept-Language": {tt.want}})
			if tt.argument == "" {
				if direct := sandboxNames(t, header); !slices.Equal(direct, want) {
					t.Fatalf("the sandbox answers %v for %q, the test expects %s %v", direct, tt.lines, tt.want, want)
				}
			}
			if got := statusNames(t, header, tt.argument); !slices.Equal(got, want) {
				t.Fatalf("Accept-Language %q: %v, want the API's %s %v", tt.lines, got, tt.want, want)
			}
			// Asked again, the cache answers the same.
			if got := statusNames(t, header, tt.argument); !slices.Equal(got, want) {
				t.Fatalf("Accept-Language %q, cached: %v, want %v", tt.lines, got, want)
			}
		})
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	cdsandbox "crmgraph/backends/sandbox/clientdata"
)

// With CLIENT_DATA_PAGE_SIZE below the sandbox's cap, the change-request searches page
// by it and the call estimate (MAX_BACKEND_CALLS) counts by it: a window of 100 is two
// searches of 50, a contact batch's walk one search per 50 of their requests, and the
// estimate is refused above the limit and passes at it. The answers are the sandbox's
// own, in its order, whatever the page size. (The contacts come from one list, so the
// walk is one batch.)
func TestChangeRequestSearchFollowsClientDataPageSize(t *testing.T) {
	gateways := map[string]*httptest.Server{}
	parent := t // the gateways outlive the subtests
	gatewayFor := func(pageSize string, limit int) *httptest.Server {
		t := parent
		key := fmt.Sprintf("%s/%d", pageSize, limit)
		if gateways[key] == nil {
			env := sandboxEnv(t, cdsandbox.AppToken)
			env["CLIENT_DATA_PAGE_SIZE"] = pageSize
			env["MAX_BACKEND_CALLS"] = fmt.Sprint(limit)
			_, gateways[key] = newGateway(t, env)
		}
		return gateways[key]
	}
	all := sandboxSearchAll(t, cdsandbox.AppToken, nil) // newest first, as the gateway lists
	sourceIDs := func(crs []sandboxChangeRequest) []string {
		out := make([]string, len(crs))
		for i, cr := range crs {
			out[i] = crSourceID(cr)
		}
		return out
	}
	// The first page of client-data contacts, and every change request of theirs.
	const batch = 100
	var list struct {
		Contacts struct {
			Edges []struct{ Node struct{ SourceID string } }
		}
	}
	query(t, `query($n: Int) { contacts(first: $n, filter: {sources: [CLIENT_DATA]}) { edges { node { sourceId } } } }`, map[string]any{"n": batch}, &list)
	var contacts []int32
	for _, e := range list.Contacts.Edges {
		var id int32
		fmt.Sscan(e.Node.SourceID, &id)
		contacts = append(contacts, id)
	}
	perContact := map[int32]int{}
	ofContacts := 0
	for _, cr := range sandboxSearchAll(t, cdsandbox.AppToken, map[string]any{"contactIds": contacts}) {
		perContact[cr.Contact.ID]++
		ofContacts++
	}
	if len(contacts) != batch || ofContacts <= 100 {
		t.Fatalf("%d contacts with %d change requests; the walk needs %d with more than 100", len(contacts), ofContacts, batch)
	}
	cursorAt := func(t *testing.T, offset int) string {
		var data struct {
			ChangeRequests struct{ PageInfo struct{ EndCursor string } }
		}
		query(t, `query($n: Int) { changeRequests(first: $n) { pageInfo { endCursor } } }`, map[string]any{"n": offset}, &data)
		return data.ChangeRequests.PageInfo.EndCursor
	}
	const window = `query($first: Int, $after: String) { changeRequests(first: $first, after: $after) { edges { node { sourceId } } } }`
	const walk = `query($n: Int) { contacts(first: $n, filter: {sources: [CLIENT_DATA]}) { edges { node { sourceId changeRequests { totalCount } } } } }`
	tests := []struct {
		name     string
		pageSize string
		query    string
		vars     map[string]any
		want     []string // the sourceIds listed (window queries)
		searches int      // change-request searches made
		calls    int      // every client-data call made
		estimate int
	}{
		{"a window of 100, pages of 500", "500", window, map[string]any{"first": 100}, sourceIDs(all[:100]), 1, 1, 1},
		{"a window of 100, pages of 50", "50", window, map[string]any{"first": 100}, sourceIDs(all[:100]), 2, 2, 2},
		{"a window of 100 after 100, pages of 50", "50", window, map[string]any{"first": 100, "after": cursorAt(t, 100)},
			sourceIDs(all[100:200]), 2, 2, 3}, // aligned: the straddle the estimate allows for does not happen
		{"a window of 100 after 30, pages of 50", "50", window, map[string]any{"first": 100, "after": cursorAt(t, 30)},
			sourceIDs(all[30:130]), 3, 3, 3}, // 30–50, 50–100, 100–130
		{"a window of 20 after 30, pages of 50", "50", window, map[string]any{"first": 20, "after": cursorAt(t, 30)},
			sourceIDs(all[30:50]), 1, 1, 1}, // one page of 25 holds 30–50
		{"a window of 37, pages of 30", "30", window, map[string]any{"first": 37}, sourceIDs(all[:37]), 2, 2, 2},
		// The contacts from the export (the job and its CSV), then one search for all
		// of them walked to its end; the estimate assumes 20 requests a contact (the
		// window), in pages of the setting, plus the walk's batch call.
		{"a contact batch's walk, pages of 500", "500", walk, map[string]any{"n": batch}, nil,
			1, 2 + 1, 2 + batch*20/500 + 1},
		{"a contact batch's walk, pages of 50", "50", walk, map[string]any{"n": batch}, nil,
			(ofContacts + 49) / 50, 2 + (ofContacts+49)/50, 2 + batch*20/50 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// At the estimate the operation runs; one below it, it is refused unrun.
			r := post(t, gatewayFor(tt.pageSize, tt.estimate), request{Query: tt.query, Variables: tt.vars})
			if len(r.Errors) > 0 {
				t.Fatalf("limit %d: %s", tt.estimate, r.raw)
			}
			searches := 0
			for _, c := range r.Extensions.Trace.BackendCalls {
				if strings.HasSuffix(c.Path, "/change-requests/search") {
					searches++
				}
			}
			if searches != tt.searches || r.calls("clientdata") != tt.calls || r.calls("") != tt.calls {
				t.Fatalf("%d searches, %d client-data calls, %d calls; want %d, %d\n%s", searches, r.calls("clientdata"), r.calls(""), tt.searches, tt.calls, describeCalls(r))
			}
			if tt.want != nil {
				var data struct {
					ChangeRequests struct {
						Edges []struct{ Node struct{ SourceID string } }
					}
				}
				if err := json.Unmarshal(r.Data, &data); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, e := range data.ChangeRequests.Edges {
					got = append(got, e.Node.SourceID)
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("listed %d, want the sandbox's %d (first difference at %d)", len(got), len(tt.want), firstDifference(got, tt.want))
				}
			} else {
				var data struct {
					Contacts struct {
						Edges []struct {
							Node struct {
								SourceID       string
								ChangeRequests struct{ TotalCount int }
							}
						}
					}
				}
				if err := json.Unmarshal(r.Data, &data); err != nil || len(data.Contacts.Edges) != batch {
					t.Fatalf("%v: %s", err, r.raw)
				}
				for i, e := range data.Contacts.Edges {
					if id := fmt.Sprint(contacts[i]); e.Node.SourceID != id || e.Node.ChangeRequests.TotalCount != perContact[contacts[i]] {
						t.Fatalf("contact %d: %s with %d change requests, want %s with the sandbox's %d", i, e.Node.SourceID, e.Node.ChangeRequests.TotalCount, id, perContact[contacts[i]])
					}
				}
			}
			if tt.estimate == 1 {
				return // a limit of 0 is none
			}
			r = post(t, gatewayFor(tt.pageSize, tt.estimate-1), request{Query: tt.query, Variables: tt.vars})
			if got := r.codes(); len(got) != 1 || got[0] != "BACKEND_CALL_LIMIT_EXCEEDED" ||
				r.Errors[0].Extensions["estimate"] != float64(tt.estimate) || r.Errors[0].Extensions["limit"] != float64(tt.estimate-1) || r.calls("") != 0 {
				t.Fatalf("limit %d: want BACKEND_CALL_LIMIT_EXCEEDED with estimate %d and no call: %s", tt.estimate-1, tt.estimate, r.raw)
			}
		})
	}
}

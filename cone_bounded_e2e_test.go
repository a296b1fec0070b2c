package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
)

// The ConeCRM query builder, the only way to list leads, has no paging: every lead
// comes back in one answer (about 3.4 MB in the sandbox). A lead page without
// totalCount stops reading once the page and one more lead are in.

const coneLeadFields = `edges { cursor node { id sourceId title description category qualified open statusId createdAt
  rating stage { name } contact { id } account { id } owner { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`

const coneLeadFilterPath = "/api/query-builder/filter/lead"

type leadConn struct {
	Edges []struct {
		Cursor string
		Node   json.RawMessage
	}
	PageInfo   json.RawMessage
	TotalCount *int
}

// leadFilterCall is the one query-builder lead call of r.
func leadFilterCall(t *testing.T, r *gqlResponse) backendCall {
	t.Helper()
	var found []backendCall
	for _, c := range r.Extensions.Trace.BackendCalls {
		if c.Backend == "cone" && c.Path == coneLeadFilterPath {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d lead filter calls, want 1:\n%s", len(found), describeCalls(r))
	}
	return found[0]
}

// coneLeads runs leads(args) over CONE, with or without totalCount, and returns the
// connection and its lead filter call.
func coneLeads(t *testing.T, args string, total bool) (leadConn, backendCall) {
	t.Helper()
	sel := coneLeadFields
	if total {
		sel += " totalCount"
	}
	var data struct{ Leads leadConn }
	r := query(t, fmt.Sprintf(`{ leads(%s) { %s } }`, args, sel), nil, &data)
	return data.Leads, leadFilterCall(t, r)
}

func coneCursor(position int) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, `f:{"CONE":%d}`, position))
}

func TestConeLeadsReadBounded(t *testing.T) {
	tests := []struct {
		name, args string
		// share: the bounded read reads at most 1/share of the whole answer. A search
		// is applied by the gateway, so its read goes on until enough leads match.
		share int64
	}{
		{"first 5", `first: 5, filter: {sources: [CONE]}`, 100},
		{"first 5 after 10", `first: 5, after: "` + coneCursor(10) + `", filter: {sources: [CONE]}`, 100},
		{"first 20 of a search", `first: 20, filter: {sources: [CONE], search: "volvo"}`, 8},
		{"first 3 of a search after 4", `first: 3, after: "` + coneCursor(4) + `", filter: {sources: [CONE], search: "ord"}`, 20},
		{"first 0", `first: 0, filter: {sources: [CONE]}`, 100},
		{"first 1, then the last of those", `first: 1, last: 1, filter: {sources: [CONE]}`, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			whole, wholeCall := coneLeads(t, tt.args, true)
			bounded, call := coneLeads(t, tt.args, false)
			if whole.TotalCount == nil || *whole.TotalCount < len(whole.Edges) {
				t.Fatalf("whole read: totalCount %v", whole.TotalCount)
			}
			wantJSON, _ := json.Marshal(struct{ E, P any }{whole.Edges, whole.PageInfo})
			gotJSON, _ := json.Marshal(struct{ E, P any }{bounded.Edges, bounded.PageInfo})
			if string(gotJSON) != string(wantJSON) {
				t.Fatalf("bounded read answers\n%s\nthe whole read\n%s", gotJSON, wantJSON)
			}
			if tt.name != "first 0" && len(bounded.Edges) == 0 {
				t.Fatal("no leads: the comparison proves nothing")
			}
			// The whole answer is ~3.4 MB; the bounded read stops after the page, one more
			// lead and the decoder's read-ahead.
			if call.BytesRead*tt.share > wholeCall.BytesRead || wholeCall.BytesRead < 3_000_000 {
				t.Errorf("bounded read %d bytes, whole read %d", call.BytesRead, wholeCall.BytesRead)
			}
		})
	}
}

// TestConeLeadsWalkBounded: walking the pages without totalCount answers the leads,
// cursors and hasNextPage one big page with totalCount answers, each page reading
// little.
func TestConeLeadsWalkBounded(t *testing.T) {
	whole, wholeCall := coneLeads(t, `first: 28, filter: {sources: [CONE]}`, true)
	var walked []string
	after := ""
	for page := range 4 {
		args := `first: 7, filter: {sources: [CONE]}`
		if after != "" {
			args += `, after: "` + after + `"`
		}
		got, call := coneLeads(t, args, false)
		var pi struct {
			HasNextPage bool
			EndCursor   string
		}
		_ = json.Unmarshal(got.PageInfo, &pi)
		if len(got.Edges) != 7 || !pi.HasNextPage {
			t.Fatalf("page %d: %d leads, hasNextPage %v", page, len(got.Edges), pi.HasNextPage)
		}
		for _, e := range got.Edges {
			walked = append(walked, e.Cursor+" "+string(e.Node))
		}
		if call.BytesRead*20 > wholeCall.BytesRead {
			t.Errorf("page %d read %d bytes, the whole read %d", page, call.BytesRead, wholeCall.BytesRead)
		}
		after = pi.EndCursor
	}
	for i, e := range whole.Edges {
		if want := e.Cursor + " " + string(e.Node); walked[i] != want {
			t.Fatalf("lead %d walked\n%s\nwant\n%s", i, walked[i], want)
		}
	}
}

// TestConeLeadListsShareOneBoundedRead: two lead lists of one request are one lead
// read, stopped once both are filled, each answering what it answers alone.
func TestConeLeadListsShareOneBoundedRead(t *testing.T) {
	a, _ := coneLeads(t, `first: 3, filter: {sources: [CONE]}`, true)
	b, _ := coneLeads(t, `first: 2, filter: {sources: [CONE], search: "polestar"}`, true)
	var data struct{ A, B leadConn }
	r := query(t, `{ a: leads(first: 3, filter: {sources: [CONE]}) { `+coneLeadFields+` }
	  b: leads(first: 2, filter: {sources: [CONE], search: "polestar"}) { `+coneLeadFields+` } }`, nil, &data)
	call := leadFilterCall(t, r)
	for _, c := range []struct {
		name      string
		got, want leadConn
	}{{"a", data.A, a}, {"b", data.B, b}} {
		gotJSON, _ := json.Marshal(struct{ E, P any }{c.got.Edges, c.got.PageInfo})
		wantJSON, _ := json.Marshal(struct{ E, P any }{c.want.Edges, c.want.PageInfo})
		if string(gotJSON) != string(wantJSON) || len(c.got.Edges) == 0 {
			t.Fatalf("%s answers\n%s\nalone\n%s", c.name, gotJSON, wantJSON)
		}
	}
	if call.Keys != 2 || call.BytesRead > 1_000_000 {
		t.Errorf("shared read: keys %d, %d bytes", call.Keys, call.BytesRead)
	}
}

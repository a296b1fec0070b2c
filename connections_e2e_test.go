package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"crmgraph/graph/model"
)

// relayConn is a connection as the walks read it.
type relayConn struct {
	TotalCount int
	Edges      []struct {
		Cursor string
		Node   struct{ ID string }
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
}

// connAt reads the connection at path (field names from data down) out of a response.
func connAt(t *testing.T, r *gqlResponse, path []string) *relayConn {
	t.Helper()
	raw := r.Data
	for _, name := range path {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			t.Fatalf("%s: %v in %s", name, err, r.raw)
		}
		raw = obj[name]
	}
	var c *relayConn
	if err := json.Unmarshal(raw, &c); err != nil || c == nil {
		t.Fatalf("no connection at %v: %s", path, r.raw)
	}
	return c
}

// connSelection is what every walk selects on a connection.
const connSelection = `totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`

// pagingArgs are the connection arguments every walk query declares and passes on.
const pagingArgs = `first: $first, after: $after, last: $last, before: $before`

func pagingQuery(body string) string {
	return `query($first: Int, $after: String, $last: Int, $before: String) { ` + body + ` }`
}

// walkConnection pages through a whole connection forward (first/after) or backward
// (last/before) through the handler, checking every page's PageInfo against where the
// page lies, and returns the ids and cursors in list order.
func walkConnection(t *testing.T, q string, path []string, size int, forward bool) (ids, cursors []string) {
	t.Helper()
	var cursor any
	for page := 0; ; page++ {
		vars := map[string]any{"first": size, "after": cursor}
		if !forward {
			vars = map[string]any{"last": size, "before": cursor}
		}
		c := connAt(t, query(t, q, vars, nil), path)
		if page > c.TotalCount+1 {
			t.Fatalf("paging does not end (%d pages)", page)
		}
		var pageIDs, pageCursors []string
		for _, e := range c.Edges {
			pageIDs, pageCursors = append(pageIDs, e.Node.ID), append(pageCursors, e.Cursor)
		}
		seen := len(ids) + len(pageIDs)
		pi := c.PageInfo
		wantPrev, wantNext := page > 0, seen < c.TotalCount
		if !forward {
			wantPrev, wantNext = seen < c.TotalCount, page > 0
		}
		if pi.HasPreviousPage != wantPrev || pi.HasNextPage != wantNext {
			t.Fatalf("page %d (%d of %d seen, forward %v): hasPreviousPage %v, hasNextPage %v", page, seen, c.TotalCount, forward, pi.HasPreviousPage, pi.HasNextPage)
		}
		if n := len(pageCursors); n == 0 && (pi.StartCursor != nil || pi.EndCursor != nil) ||
			n > 0 && (pi.StartCursor == nil || *pi.StartCursor != pageCursors[0] || pi.EndCursor == nil || *pi.EndCursor != pageCursors[n-1]) {
			t.Fatalf("page %d: startCursor/endCursor %v/%v do not name its first and last edge", page, pi.StartCursor, pi.EndCursor)
		}
		if forward {
			ids, cursors = append(ids, pageIDs...), append(cursors, pageCursors...)
		} else {
			ids, cursors = append(pageIDs, ids...), append(pageCursors, cursors...)
		}
		if forward && !pi.HasNextPage || !forward && !pi.HasPreviousPage {
			if len(ids) != c.TotalCount {
				t.Fatalf("walked %d records of %d", len(ids), c.TotalCount)
			}
			return ids, cursors
		}
		if len(pageIDs) != size {
			t.Fatalf("page %d: %d records, a short page before the end", page, len(pageIDs))
		}
		cursor = *pi.EndCursor
		if !forward {
			cursor = *pi.StartCursor
		}
	}
}

// pagingFixtures are records with the longest nested lists among the first of each
// list, so the nested walks span several pages.
type pagingFixtures struct {
	account, coneAccount, contact, cdContact, opportunity string
	accountIDs, cdContactIDs                              []string
}

func findPagingFixtures(t *testing.T) pagingFixtures {
	t.Helper()
	var data struct {
		Accounts struct {
			Edges []struct {
				Node struct {
					ID                              string
					Contacts, Opportunities, Orders struct{ TotalCount int }
				}
			}
		}
		Cone struct {
			Edges []struct {
				Node struct {
					ID       string
					Contacts struct{ TotalCount int }
				}
			}
		}
		Contacts struct {
			Edges []struct {
				Node struct {
					ID                    string
					Opportunities, Orders struct{ TotalCount int }
				}
			}
		}
		CD struct {
			Edges []struct {
				Node struct {
					ID             string
					ChangeRequests struct{ TotalCount int }
				}
			}
		}
		Opportunities struct {
			Edges []struct {
				Node struct {
					ID     string
					Orders struct{ TotalCount int }
				}
			}
		}
	}
	query(t, `{ accounts(first: 50, filter: {sources: [CIRRUS]}) { edges { node { id contacts(first: 0) { totalCount }
	    opportunities(first: 0) { totalCount } orders(first: 0) { totalCount } } } }
	  cone: accounts(first: 50, filter: {sources: [CONE]}) { edges { node { id contacts(first: 0) { totalCount } } } }
	  contacts(first: 50, filter: {sources: [CIRRUS]}) { edges { node { id opportunities(first: 0) { totalCount } orders(first: 0) { totalCount } } } }
	  cD: contacts(first: 30, filter: {sources: [CLIENT_DATA]}) { edges { node { id changeRequests(first: 0) { totalCount } } } }
	  opportunities(first: 50) { edges { node { id orders(first: 0) { totalCount } } } } }`, nil, &data)
	var f pagingFixtures
	best := 0
	for _, e := range data.Accounts.Edges {
		n := e.Node
		if s := min(n.Contacts.TotalCount, n.Opportunities.TotalCount, n.Orders.TotalCount); s > best || f.account == "" {
			f.account, best = n.ID, s
		}
		f.accountIDs = append(f.accountIDs, n.ID)
	}
	best = 0
	for _, e := range data.Cone.Edges {
		if e.Node.Contacts.TotalCount > best {
			f.coneAccount, best = e.Node.ID, e.Node.Contacts.TotalCount
		}
	}
	best = 0
	for _, e := range data.Contacts.Edges {
		if s := min(e.Node.Opportunities.TotalCount, e.Node.Orders.TotalCount); s > best || f.contact == "" {
			f.contact, best = e.Node.ID, s
		}
	}
	best = 0
	for _, e := range data.CD.Edges {
		if e.Node.ChangeRequests.TotalCount > best {
			f.cdContact, best = e.Node.ID, e.Node.ChangeRequests.TotalCount
		}
		f.cdContactIDs = append(f.cdContactIDs, e.Node.ID)
	}
	best = 0
	for _, e := range data.Opportunities.Edges {
		if e.Node.Orders.TotalCount > best {
			f.opportunity, best = e.Node.ID, e.Node.Orders.TotalCount
		}
	}
	if f.coneAccount == "" || f.cdContact == "" || f.opportunity == "" {
		t.Fatalf("no fixtures: %+v", f)
	}
	return f
}

// TestConnectionsPageExactlyBothWays walks every root list and every nested connection
// forward with first/after and backward with last/before: both walks return every
// record exactly once, in the same order, with the same cursors, and every page's
// PageInfo tells exactly whether records precede and follow it.
func TestConnectionsPageExactlyBothWays(t *testing.T) {
	f := findPagingFixtures(t)
	ids := func(xs []string) string { b, _ := json.Marshal(xs); return string(b) }
	node := func(id, typ, field string) string {
		return fmt.Sprintf(`node(id: %q) { ... on %s { %s } }`, id, typ, field)
	}
	tests := []struct {
		name string
		body string
		path []string
		size int
		// onePage: the sandbox cannot make the list longer than a page (it links at
		// most one order to an opportunity); the same paging walks Contact.orders.
		onePage bool
	}{
		// Federated lists: one source after the other, the cursor holding each position.
		{"accounts over CIRRUS and CONE", `accounts(filter: {search: "nord"}, ` + pagingArgs + `) { ` + connSelection + ` }`, []string{"accounts"}, 7, false},
		{"accounts, CONE first", `accounts(filter: {search: "nord", sources: [CONE, CIRRUS]}, ` + pagingArgs + `) { ` + connSelection + ` }`, []string{"accounts"}, 9, false},
		{"contacts over three sources", `contacts(filter: {search: "Magnus", sources: [CIRRUS, CONE, CLIENT_DATA]}, ` + pagingArgs + `) { ` + connSelection + ` }`, []string{"contacts"}, 37, false},
		{"leads over CIRRUS and CONE", `leads(filter: {search: "ord"}, ` + pagingArgs + `) { ` + connSelection + ` }`, []string{"leads"}, 41, false},
		// Offset lists (Cirrus pages of at most 50: windows straddle them).
		{"opportunities", `opportunities(filter: {search: "nord"}, ` + pagingArgs + `) { ` + connSelection + ` }`, []string{"opportunities"}, 48, false},
		{"orders", `orders(filter: {accountIds: ` + ids(f.accountIDs) + `}, ` + pagingArgs + `) { ` + connSelection + ` }`, []string{"orders"}, 11, false},
		// A merge of one search per status, and a single search.
		{"changeRequests merged over statuses", `changeRequests(filter: {contactIds: ` + ids(f.cdContactIDs) + `, status: [PENDING, APPROVED, REJECTED]}, ` + pagingArgs + `) { ` + connSelection + ` }`, []string{"changeRequests"}, 4, false},
		{"changeRequests", `changeRequests(filter: {contactIds: ` + ids(f.cdContactIDs) + `}, ` + pagingArgs + `) { ` + connSelection + ` }`, []string{"changeRequests"}, 6, false},
		// Nested connections.
		{"Account.contacts (embedded)", node(f.account, "Account", `contacts(`+pagingArgs+`) { `+connSelection+` }`), []string{"node", "contacts"}, 1, false},
		{"Account.contacts (read per account)", node(f.account, "Account", `contacts(`+pagingArgs+`) { totalCount edges { cursor node { id address { city } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`), []string{"node", "contacts"}, 1, false},
		{"Account.contacts (ConeCRM)", node(f.coneAccount, "Account", `contacts(`+pagingArgs+`) { `+connSelection+` }`), []string{"node", "contacts"}, 1, false},
		{"Account.opportunities", node(f.account, "Account", `opportunities(`+pagingArgs+`) { `+connSelection+` }`), []string{"node", "opportunities"}, 1, false},
		{"Account.orders", node(f.account, "Account", `orders(`+pagingArgs+`) { `+connSelection+` }`), []string{"node", "orders"}, 1, false},
		{"Contact.opportunities", node(f.contact, "Contact", `opportunities(`+pagingArgs+`) { `+connSelection+` }`), []string{"node", "opportunities"}, 1, false},
		{"Contact.orders", node(f.contact, "Contact", `orders(`+pagingArgs+`) { `+connSelection+` }`), []string{"node", "orders"}, 1, false},
		{"Contact.changeRequests", node(f.cdContact, "Contact", `changeRequests(`+pagingArgs+`) { `+connSelection+` }`), []string{"node", "changeRequests"}, 2, false},
		{"Opportunity.orders", node(f.opportunity, "Opportunity", `orders(`+pagingArgs+`) { `+connSelection+` }`), []string{"node", "orders"}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := pagingQuery(tt.body)
			fwd, fwdCursors := walkConnection(t, q, tt.path, tt.size, true)
			back, backCursors := walkConnection(t, q, tt.path, tt.size, false)
			if len(fwd) == 0 {
				t.Fatal("no records: the walk tests nothing")
			}
			if len(fwd) <= tt.size && !tt.onePage {
				t.Fatalf("%d records fit one page of %d: the walk tests nothing", len(fwd), tt.size)
			}
			if dup := duplicates(fwd); dup != "" {
				t.Fatalf("%s appears twice", dup)
			}
			if !slices.Equal(fwd, back) {
				t.Fatalf("forward and backward walks differ:\n%v\n%v", fwd, back)
			}
			if !slices.Equal(fwdCursors, backCursors) {
				t.Fatal("a record's cursor depends on the direction it was reached from")
			}
		})
	}
}

func duplicates(xs []string) string {
	seen := map[string]bool{}
	for _, x := range xs {
		if seen[x] {
			return x
		}
		seen[x] = true
	}
	return ""
}

// TestConnectionWindows cuts windows between cursors, through the handler, on an offset
// list (around a Cirrus page boundary) and a federated one (around the boundary
// between its sources, 39 Cirrus accounts then ConeCRM's): the records between after
// and before, first then last.
func TestConnectionWindows(t *testing.T) {
	for _, list := range []struct {
		name, body string
		b          int // where the windows lie
	}{
		{"orders", `orders(` + pagingArgs + `) { ` + connSelection + ` }`, 45},
		{"accounts across both sources", `accounts(filter: {search: "nord"}, ` + pagingArgs + `) { ` + connSelection + ` }`, 34},
	} {
		path := []string{strings.SplitN(list.body, "(", 2)[0]}
		all := connAt(t, query(t, pagingQuery(list.body), map[string]any{"first": 100}, nil), path)
		at := func(i int) string { return all.Edges[i].Cursor }
		idsOf := func(c *relayConn) []string {
			var out []string
			for _, e := range c.Edges {
				out = append(out, e.Node.ID)
			}
			return out
		}
		want, b := idsOf(all), list.b
		tests := []struct {
			name   string
			vars   map[string]any
			lo, hi int
		}{
			{"between two cursors", map[string]any{"after": at(b + 3), "before": at(b + 9)}, b + 4, b + 9},
			{"between two cursors, first", map[string]any{"after": at(b + 3), "before": at(b + 9), "first": 2}, b + 4, b + 6},
			{"between two cursors, last", map[string]any{"after": at(b + 3), "before": at(b + 9), "last": 2}, b + 7, b + 9},
			{"first then last", map[string]any{"first": b + 10, "last": 3}, b + 7, b + 10},
			{"last before a cursor", map[string]any{"last": 4, "before": at(b + 20)}, b + 16, b + 20},
			{"last reaching the start", map[string]any{"last": 10, "before": at(4)}, 0, 4},
		}
		for _, tt := range tests {
			t.Run(list.name+"/"+tt.name, func(t *testing.T) {
				c := connAt(t, query(t, pagingQuery(list.body), tt.vars, nil), path)
				if got := idsOf(c); !slices.Equal(got, want[tt.lo:tt.hi]) {
					t.Fatalf("window %v, want records %d..%d %v", got, tt.lo, tt.hi, want[tt.lo:tt.hi])
				}
				if c.PageInfo.HasPreviousPage != (tt.lo > 0) || c.PageInfo.HasNextPage != (tt.hi < c.TotalCount) {
					t.Fatalf("pageInfo %+v for records %d..%d of %d", c.PageInfo, tt.lo, tt.hi, c.TotalCount)
				}
				for i, e := range c.Edges {
					if e.Cursor != at(tt.lo+i) {
						t.Fatalf("edge %d: the cursor differs from the same record's in a forward page", i)
					}
				}
			})
		}
	}
}

// TestBackwardPagingCallCounts pins the REST calls a backward window costs: a window
// before a cursor reads each source once; `last` alone first reads from the start (for
// the totals), then only the sources whose end that read did not reach.
func TestBackwardPagingCallCounts(t *testing.T) {
	forward := query(t, `{ orders(first: 30) { edges { cursor } } accounts(first: 5, after: "`+coneStartCursor(t)+`") { edges { cursor node { source } } } }`, nil, nil)
	var cur struct {
		Orders   struct{ Edges []struct{ Cursor string } }
		Accounts struct {
			Edges []struct {
				Cursor string
				Node   struct{ Source string }
			}
		}
	}
	if err := json.Unmarshal(forward.Data, &cur); err != nil {
		t.Fatal(err)
	}
	coneCursor := cur.Accounts.Edges[4].Cursor
	if cur.Accounts.Edges[4].Node.Source != "CONE" {
		t.Fatalf("the fifth account after the cursor is %s", cur.Accounts.Edges[4].Node.Source)
	}
	tests := []struct {
		name         string
		query        string
		cirrus, cone int
	}{
		{"orders: last", `{ orders(last: 5) { totalCount edges { node { id } } } }`, 2, 0},
		{"orders: last before a cursor", `{ orders(last: 5, before: "` + cur.Orders.Edges[29].Cursor + `") { totalCount edges { node { id } } } }`, 1, 0},
		{"orders: last of a short list", `{ orders(last: 50, filter: {accountIds: ["` + cirrusAccountID(1) + `"]}) { totalCount edges { node { id } } } }`, 1, 0},
		{"accounts: last (the ConeCRM end)", `{ accounts(last: 5) { totalCount edges { node { id } } } }`, 1, 2},
		{"accounts: last before a ConeCRM cursor", `{ accounts(last: 5, before: "` + coneCursor + `") { totalCount edges { node { id } } } }`, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := query(t, tt.query, nil, nil)
			if r.calls("cirrus") != tt.cirrus || r.calls("cone") != tt.cone {
				t.Fatalf("%d Cirrus and %d ConeCRM calls, want %d and %d\n%s", r.calls("cirrus"), r.calls("cone"), tt.cirrus, tt.cone, describeCalls(r))
			}
		})
	}

	t.Run("nested: a probe per account, a second read only where the list is longer", func(t *testing.T) {
		var data struct {
			Accounts struct {
				Edges []struct {
					Node struct {
						Opportunities struct {
							TotalCount int
							Edges      []struct{ Node struct{ ID string } }
						}
					}
				}
			}
		}
		r := query(t, `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { edges { node {
		  opportunities(last: 1) { totalCount edges { node { id } } } } } } }`, nil, &data)
		want := 1 // the account page
		for _, e := range data.Accounts.Edges {
			want++ // the read from the start, which answers the total
			if e.Node.Opportunities.TotalCount > 1 {
				want++
			}
			if len(e.Node.Opportunities.Edges) != min(1, e.Node.Opportunities.TotalCount) {
				t.Fatalf("opportunities(last: 1) answered %d of %d", len(e.Node.Opportunities.Edges), e.Node.Opportunities.TotalCount)
			}
		}
		if r.calls("cirrus") != want {
			t.Fatalf("%d Cirrus calls, want %d\n%s", r.calls("cirrus"), want, describeCalls(r))
		}
	})
}

func cirrusAccountID(n int) string {
	return model.GlobalID("Account", model.SourceCirrus, fmt.Sprint(n))
}

// TestSupportCustomersPageForwardOnly: Apideck's cursor paging has no way back, so a
// backward window is refused before any call, with a message that says why; forward
// pages say exactly whether records precede them.
func TestSupportCustomersPageForwardOnly(t *testing.T) {
	for _, q := range []string{
		`{ supportCustomers(last: 3) { totalCount } }`,
		`{ supportCustomers(first: 3, before: "czowOg") { totalCount } }`,
	} {
		r := post(t, gateway(t), request{Query: q})
		if got := r.codes(); len(got) != 1 || got[0] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "pages forward only") ||
			string(r.Data) != `{"supportCustomers":null}` || r.calls("") != 0 {
			t.Fatalf("%s: %s", q, r.raw)
		}
	}
	var data struct {
		SupportCustomers relayConn
	}
	query(t, `{ supportCustomers(first: 2) { `+connSelection+` } }`, nil, &data)
	first := data.SupportCustomers
	if first.PageInfo.HasPreviousPage || !first.PageInfo.HasNextPage || *first.PageInfo.StartCursor != first.Edges[0].Cursor {
		t.Fatalf("first page: %+v", first.PageInfo)
	}
	query(t, `query($after: String) { supportCustomers(first: 2, after: $after) { `+connSelection+` } }`,
		map[string]any{"after": *first.PageInfo.EndCursor}, &data)
	if !data.SupportCustomers.PageInfo.HasPreviousPage {
		t.Fatalf("second page: %+v", data.SupportCustomers.PageInfo)
	}
}

// TestFailedRootListsAreNull: a list that cannot be answered is null beside its coded
// error (with path), never an empty list a client would show as "0 records"; a
// federated list answers with the sources that did, plus the errors of those that did
// not, and is null only when every requested source failed.
func TestFailedRootListsAreNull(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	for _, k := range []string{"CIRRUS_URL", "CLIENT_DATA_URL", "SUPPORT_URL"} {
		env[k] = closedURL(t)
	}
	_, srv := newGateway(t, env)
	tests := []struct {
		alias, field string
		null         bool
		sources      []string // the sources of the errors on the field
		total        int      // when not null
	}{
		{"cirrusAccounts", `accounts(filter: {sources: [CIRRUS]}) { totalCount edges { node { id } } }`, true, []string{"CIRRUS"}, 0},
		{"accounts", `accounts { totalCount edges { node { source } } }`, false, []string{"CIRRUS"}, 1000},
		{"accountsBackward", `accounts(last: 3) { totalCount edges { node { source } } }`, false, []string{"CIRRUS"}, 1000},
		{"contacts", `contacts(filter: {sources: [CIRRUS, CLIENT_DATA]}) { totalCount }`, true, []string{"CIRRUS", "CLIENT_DATA"}, 0},
		{"contactsBackward", `contacts(last: 2, filter: {sources: [CIRRUS, CLIENT_DATA]}) { totalCount }`, true, []string{"CIRRUS", "CLIENT_DATA"}, 0},
		{"coneContacts", `contacts(filter: {sources: [CIRRUS, CONE]}) { totalCount }`, false, []string{"CIRRUS"}, -1},
		{"leads", `leads(filter: {sources: [CIRRUS]}) { totalCount }`, true, []string{"CIRRUS"}, 0},
		{"opportunities", `opportunities { totalCount edges { node { id } } }`, true, []string{"CIRRUS"}, 0},
		{"orders", `orders(last: 2) { totalCount }`, true, []string{"CIRRUS"}, 0},
		{"changeRequests", `changeRequests(filter: {status: [PENDING, APPROVED]}) { totalCount }`, true, []string{"CLIENT_DATA"}, 0},
		{"supportCustomers", `supportCustomers { totalCount }`, true, []string{"SUPPORT"}, 0},
		{"coneOrders", `orders(filter: {sources: [CONE]}) { totalCount }`, true, nil, 0}, // BAD_USER_INPUT
	}
	var q strings.Builder
	q.WriteString("{")
	for _, tt := range tests {
		fmt.Fprintf(&q, " %s: %s", tt.alias, tt.field)
	}
	q.WriteString(" }")
	r := post(t, srv, request{Query: q.String()})
	var data map[string]json.RawMessage
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatalf("%v: %s", err, r.raw)
	}
	for _, tt := range tests {
		t.Run(tt.alias, func(t *testing.T) {
			var sources, codes []string
			for _, e := range r.Errors {
				if len(e.Path) == 1 && e.Path[0] == tt.alias {
					s, _ := e.Extensions["source"].(string)
					code, _ := e.Extensions["code"].(string)
					sources, codes = append(sources, s), append(codes, code)
				}
			}
			if tt.sources == nil {
				if len(codes) != 1 || codes[0] != "BAD_USER_INPUT" {
					t.Fatalf("errors %v", codes)
				}
			} else {
				slices.Sort(sources)
				if !slices.Equal(sources, tt.sources) {
					t.Fatalf("errors from %v (%v), want %v", sources, codes, tt.sources)
				}
				for _, c := range codes {
					if c != "UPSTREAM_UNAVAILABLE" {
						t.Fatalf("code %s", c)
					}
				}
			}
			got := string(data[tt.alias])
			if tt.null {
				if got != "null" {
					t.Fatalf("%s = %s, want null", tt.alias, got)
				}
				return
			}
			var c struct {
				TotalCount int
				Edges      []struct{ Node struct{ Source string } }
			}
			if err := json.Unmarshal(data[tt.alias], &c); err != nil || c.TotalCount == 0 || tt.total > 0 && c.TotalCount != tt.total {
				t.Fatalf("%s = %s, want the other sources' records (total %d)", tt.alias, got, tt.total)
			}
			for _, e := range c.Edges {
				if e.Node.Source != "CONE" {
					t.Fatalf("a %s record from a failed source", e.Node.Source)
				}
			}
		})
	}
	mustNotLeak(t, r)
}

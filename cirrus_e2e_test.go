package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAccountsFromCirrus(t *testing.T) {
	var data struct {
		Accounts struct {
			TotalCount int
			Edges      []struct {
				Node struct{ ID, Name, Source string }
			}
			PageInfo struct{ HasNextPage bool }
		}
	}
	query(t, `{ accounts(first: 5, filter: {sources: [CIRRUS]}) { totalCount edges { node { id name source } } pageInfo { hasNextPage } } }`, nil, &data)
	if n := len(data.Accounts.Edges); n != 5 {
		t.Fatalf("got %d accounts, want 5", n)
	}
	if data.Accounts.TotalCount < 2000 {
		t.Fatalf("totalCount = %d, want ≥ 2000", data.Accounts.TotalCount)
	}
	for _, e := range data.Accounts.Edges {
		if e.Node.Source != "CIRRUS" || e.Node.Name == "" {
			t.Fatalf("bad account %+v", e.Node)
		}
	}
	if !data.Accounts.PageInfo.HasNextPage {
		t.Fatal("hasNextPage = false")
	}
}

// canonicalQuery is the nested query over 20 Cirrus accounts.
const canonicalQuery = `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { edges { node { name owner { name } type { name }
  contacts(first: 5) { edges { node { name } } } orders(first: 5) { totalCount edges { node { number status { name } } } }
  opportunities(first: 5) { edges { node { title status { name } } } } } } } }`

func TestCanonicalQueryBackendCalls(t *testing.T) {
	query(t, canonicalQuery, nil, nil) // warm the reference lists (account types)
	var data struct {
		Accounts struct {
			Edges []struct {
				Node struct {
					Name   string
					Owner  *struct{ Name string }
					Type   *struct{ Name string }
					Orders struct {
						TotalCount int
						Edges      []struct{ Node struct{ Number string } }
					}
					Contacts      struct{ Edges []json.RawMessage }
					Opportunities struct{ Edges []json.RawMessage }
				}
			}
		}
	}
	r := query(t, canonicalQuery, nil, &data)
	orders, withOwner, withContacts := 0, 0, 0
	for _, e := range data.Accounts.Edges {
		orders += e.Node.Orders.TotalCount
		if e.Node.Owner != nil && e.Node.Owner.Name != "" {
			withOwner++
		}
		if len(e.Node.Contacts.Edges) > 0 {
			withContacts++
		}
	}
	if len(data.Accounts.Edges) != 20 || withOwner == 0 || withContacts == 0 || orders == 0 {
		t.Fatalf("unexpected data: %d accounts, %d with owner, %d with contacts, %d orders", len(data.Accounts.Edges), withOwner, withContacts, orders)
	}
	want := 1 + 20 + (orders+49)/50
	if got := r.calls(""); got != want {
		t.Fatalf("backend calls = %d, want 1 + 20 + ⌈%d/50⌉ = %d\n%s", got, orders, want, describeCalls(r))
	}
	var accountsCalls, ordersCalls, oppCalls int
	for _, c := range r.Extensions.Trace.BackendCalls {
		switch c.Path {
		case "/accounts":
			accountsCalls++
		case "/orders":
			ordersCalls++
			if c.Keys != 20 {
				t.Errorf("orders call serves %d keys, want 20", c.Keys)
			}
		case "/opportunities":
			oppCalls++
		default:
			t.Errorf("unexpected call %+v", c)
		}
	}
	if accountsCalls != 1 || oppCalls != 20 || ordersCalls != (orders+49)/50 {
		t.Fatalf("calls: accounts %d, opportunities %d, orders %d", accountsCalls, oppCalls, ordersCalls)
	}
}

func describeCalls(r *gqlResponse) string {
	var b strings.Builder
	for _, c := range r.Extensions.Trace.BackendCalls {
		fmt.Fprintf(&b, "  %s %s %s → %d (keys %d)\n", c.Backend, c.Method, c.Path, c.Status, c.Keys)
	}
	return b.String()
}

func TestNodeRoundTripsEveryType(t *testing.T) {
	var data struct {
		Accounts struct {
			Edges []struct {
				Node struct {
					ID       string
					Owner    struct{ ID string }
					Contacts struct {
						Edges []struct{ Node struct{ ID string } }
					}
					Orders struct {
						Edges []struct{ Node struct{ ID string } }
					}
				}
			}
		}
		Opportunities struct {
			Edges []struct{ Node struct{ ID string } }
		}
		CirrusLeads struct {
			Edges []struct{ Node struct{ ID string } }
		}
		ConeLeads struct {
			Edges []struct{ Node struct{ ID string } }
		}
		ConeAccounts struct {
			Edges []struct{ Node struct{ ID string } }
		}
		ConeContacts struct {
			Edges []struct{ Node struct{ ID string } }
		}
		CRs struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	query(t, `{
	  accounts(first: 3, filter: {sources: [CIRRUS]}) { edges { node { id owner { id } contacts(first: 1) { edges { node { id } } } orders(first: 1) { edges { node { id } } } } } }
	  opportunities(first: 1) { edges { node { id } } }
	  cirrusLeads: leads(first: 1, filter: {sources: [CIRRUS]}) { edges { node { id } } }
	  coneLeads: leads(first: 1, filter: {sources: [CONE]}) { edges { node { id } } }
	  coneAccounts: accounts(first: 1, filter: {sources: [CONE]}) { edges { node { id } } }
	  coneContacts: contacts(first: 1, filter: {sources: [CONE]}) { edges { node { id } } }
	  crs: changeRequests(first: 1) { edges { node { id } } }
	}`, nil, &data)
	ids := map[string]string{}
	for _, e := range data.Accounts.Edges {
		ids["Account"] = e.Node.ID
		ids["User"] = e.Node.Owner.ID
		for _, c := range e.Node.Contacts.Edges {
			ids["Contact"] = c.Node.ID
		}
		for _, o := range e.Node.Orders.Edges {
			ids["Order"] = o.Node.ID
		}
	}
	first := func(name string, edges []struct{ Node struct{ ID string } }) {
		if len(edges) > 0 {
			ids[name] = edges[0].Node.ID
		}
	}
	first("Opportunity", data.Opportunities.Edges)
	first("Lead", data.CirrusLeads.Edges)
	first("ConeLead", data.ConeLeads.Edges)
	first("ConeAccount", data.ConeAccounts.Edges)
	first("ConeContact", data.ConeContacts.Edges)
	first("ChangeRequest", data.CRs.Edges)
	for _, name := range []string{"Account", "User", "Contact", "Order", "Opportunity", "Lead", "ConeLead", "ConeAccount", "ConeContact", "ChangeRequest"} {
		t.Run(name, func(t *testing.T) {
			id := ids[name]
			if id == "" {
				t.Fatalf("no %s id found", name)
			}
			var got struct {
				Node struct {
					ID       string
					Typename string `json:"__typename"`
				}
			}
			query(t, `query($id: ID!) { node(id: $id) { __typename id } }`, map[string]any{"id": id}, &got)
			if got.Node.ID != id {
				t.Fatalf("node(%s) = %+v", id, got.Node)
			}
			want := strings.TrimPrefix(name, "Cone")
			if got.Node.Typename != want {
				t.Fatalf("__typename = %s, want %s", got.Node.Typename, want)
			}
		})
	}
}

func TestFederatedAccountPagingIsExact(t *testing.T) {
	// Walk a search over CIRRUS and CONE in pages of 7: every record once, no gaps.
	seen := map[string]bool{}
	var after any
	total := -1
	for page := 0; page < 200; page++ {
		var data struct {
			Accounts struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		query(t, `query($after: String) { accounts(first: 7, after: $after, filter: {search: "Nordic"}) {
		  totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &data)
		if total == -1 {
			total = data.Accounts.TotalCount
		}
		for _, e := range data.Accounts.Edges {
			if seen[e.Node.ID] {
				t.Fatalf("duplicate %s on page %d", e.Node.ID, page)
			}
			seen[e.Node.ID] = true
		}
		if !data.Accounts.PageInfo.HasNextPage {
			break
		}
		after = data.Accounts.PageInfo.EndCursor
	}
	if len(seen) != total || total == 0 {
		t.Fatalf("walked %d accounts, totalCount %d", len(seen), total)
	}
}

func TestBadIDsAndPartialResults(t *testing.T) {
	srv := gateway(t)
	unknown := "QWNjb3VudDpDSVJSVVM6OTk5OTk5" // Account:CIRRUS:999999
	r := post(t, srv, request{Query: `query($bad: ID!, $unknown: ID!) {
	  bad: node(id: $bad) { id }
	  unknown: node(id: $unknown) { id }
	  accounts(first: 2, filter: {sources: [CIRRUS]}) { edges { node { name } } } }`,
		Variables: map[string]any{"bad": "%%%not-base64", "unknown": unknown}})
	var data struct {
		Bad, Unknown *struct{ ID string }
		Accounts     struct{ Edges []json.RawMessage }
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Bad != nil || data.Unknown != nil || len(data.Accounts.Edges) != 2 {
		t.Fatalf("data = %s", r.Data)
	}
	byPath := map[string]string{}
	for _, e := range r.Errors {
		byPath[fmt.Sprint(e.Path)], _ = e.Extensions["code"].(string)
	}
	if byPath["[bad]"] != "BAD_USER_INPUT" || byPath["[unknown]"] != "NOT_FOUND" {
		t.Fatalf("errors: %s", r.raw)
	}
	mustNotLeak(t, r)
}

func TestMalformedQuery(t *testing.T) {
	r := post(t, gateway(t), request{Query: `{ accounts(first: 2 { edges } }`})
	if len(r.Errors) == 0 || r.codes()[0] != "GRAPHQL_PARSE_FAILED" {
		t.Fatalf("got %s", r.raw)
	}
	r = post(t, gateway(t), request{Query: `{ accounts { nope } }`})
	if len(r.Errors) == 0 || r.codes()[0] != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("got %s", r.raw)
	}
}

func TestUnsupportedSourceIsAnError(t *testing.T) {
	r := post(t, gateway(t), request{Query: `{ orders(filter: {sources: [CONE]}) { totalCount }
	  accounts(first: 1, filter: {sources: [CIRRUS]}) { totalCount } }`})
	if len(r.Errors) != 1 || r.codes()[0] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "CONE") ||
		fmt.Sprint(r.Errors[0].Path) != "[orders]" {
		t.Fatalf("got %s", r.raw)
	}
	// The other root field still resolves.
	if !strings.Contains(string(r.Data), `"accounts":{"totalCount":2200}`) {
		t.Fatalf("data: %s", r.Data)
	}
}

func TestWrongTokenIsUnauthenticated(t *testing.T) {
	const token = "wrong-token-s3cret"
	logs := &syncWriter{}
	_, srv := newGatewayLogging(t, sandboxEnv(t, token), logs)
	r := post(t, srv, request{Query: `{ accounts(first: 2, filter: {sources: [CIRRUS]}) { totalCount } }`,
		header: http.Header{"Authorization": {"Bearer caller-s3cret"}}})
	if len(r.Errors) != 1 || r.codes()[0] != "UNAUTHENTICATED" || r.Errors[0].Extensions["source"] != "CIRRUS" {
		t.Fatalf("got %s", r.raw)
	}
	mustNotLeak(t, r, token, "caller-s3cret")
	// The request line is written once the handler returns: wait for it.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), `"path":"/graphql"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no request log line:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, secret := range []string{token, "caller-s3cret", sharedGateway.app.SandboxURL} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("log leaks %q:\n%s", secret, logs.String())
		}
	}
}

func TestStoppedBackendIsUnavailable(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["CIRRUS_URL"] = closedURL(t) + "/cirrus"
	_, srv := newGateway(t, env)
	r := post(t, srv, request{Query: `{ accounts(first: 2, filter: {sources: [CIRRUS]}) { totalCount }
	  cone: accounts(first: 2, filter: {sources: [CONE]}) { totalCount } }`})
	if got := r.codes(); len(got) != 1 || got[0] != "UPSTREAM_UNAVAILABLE" {
		t.Fatalf("got %s", r.raw)
	}
	var data struct{ Cone struct{ TotalCount int } }
	_ = json.Unmarshal(r.Data, &data)
	if data.Cone.TotalCount < 1000 {
		t.Fatalf("the ConeCRM part did not resolve: %s", r.raw)
	}
	mustNotLeak(t, r)
	// The server still answers.
	if r := post(t, srv, request{Query: `{ __typename }`}); len(r.Errors) != 0 {
		t.Fatalf("got %s", r.raw)
	}
}

// syncWriter collects log output written by concurrent handlers.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func TestRecordsInHandAreNotFetchedAgain(t *testing.T) {
	// contact.account of a contact in an account's list is that account: no GET.
	r := query(t, `{ accounts(first: 5, filter: {sources: [CIRRUS]}) { edges { node { id
	  contacts(first: 2) { edges { node { account { id name } } } } } } } }`, nil, nil)
	for _, c := range r.Extensions.Trace.BackendCalls {
		if c.Path != "/accounts" {
			t.Fatalf("unexpected call %+v\n%s", c, describeCalls(r))
		}
	}
}

func TestCirrusFieldMasksFollowTheSelection(t *testing.T) {
	// A recording proxy in front of the shared Cirrus sandbox sees the X-Fields headers.
	var mu sync.Mutex
	masks := map[string]string{}
	target, _ := url.Parse(sharedSandboxURL(t))
	proxy := httputil.NewSingleHostReverseProxy(target)
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		masks[strings.TrimPrefix(r.URL.Path, "/cirrus")] = r.Header.Get("X-Fields")
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	defer rec.Close()
	env := sandboxEnv(t, "sandbox")
	env["CIRRUS_URL"] = rec.URL + "/cirrus"
	_, srv := newGateway(t, env)
	r := post(t, srv, request{Query: `{ accounts(first: 2, filter: {sources: [CIRRUS]}) { edges { node { name
	  orders(first: 1) { edges { node { placedAt status { name } } } } } } } }`})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", r.raw)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]string{
		"/accounts": "{page,pages,per_page,total,items{id,name}}",
		"/orders":   "{page,pages,per_page,total,items{account{id},id,placedate,status}}",
	}
	for path, mask := range want {
		if masks[path] != mask {
			t.Errorf("X-Fields for %s = %q, want %q", path, masks[path], mask)
		}
	}
}

func TestFederatedListsAskEverySourceAtOnce(t *testing.T) {
	env := faultyBackends(t, 0, 50*time.Millisecond)
	env["TRACE_EXTENSION"] = "on"
	_, srv := newGateway(t, env)
	r := post(t, srv, request{Query: `{ accounts(first: 5, filter: {sources: [CIRRUS, CONE]}) { totalCount edges { node { id source } } } }`})
	if len(r.Errors) > 0 {
		t.Fatalf("%s", r.raw)
	}
	var cirrus, cone *backendCall
	for i, c := range r.Extensions.Trace.BackendCalls {
		switch c.Backend {
		case "cirrus":
			cirrus = &r.Extensions.Trace.BackendCalls[i]
		case "cone":
			cone = &r.Extensions.Trace.BackendCalls[i]
		}
	}
	if cirrus == nil || cone == nil {
		t.Fatalf("calls: %+v", r.Extensions.Trace.BackendCalls)
	}
	// Each call takes at least the sandbox's 50 ms: concurrent calls overlap, calls one
	// after the other would not.
	if cone.StartMs >= cirrus.StartMs+cirrus.DurationMs || cirrus.StartMs >= cone.StartMs+cone.DurationMs {
		t.Fatalf("the sources were asked one after the other: cirrus %+v, cone %+v", *cirrus, *cone)
	}
	// The page is still filled in source order: 5 Cirrus accounts first.
	if strings.Count(string(r.Data), `"source":"CIRRUS"`) != 5 {
		t.Fatalf("%s", r.Data)
	}
}

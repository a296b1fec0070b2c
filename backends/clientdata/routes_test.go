package clientdata_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"crmgraph/backends/clientdata"
)

// TestRequestsMatchSeedRoutes holds every request the client sends against the
// sandbox's route table, which the sandbox writes from the seed (seed.go) and not from
// the client: a verb or path that drifts from the seed (e.g. the v1.1 change-history
// search, GET per 004 L367) fails here by name, not as a 404 deep in another test.
func TestRequestsMatchSeedRoutes(t *testing.T) {
	routes := sb().Routes()
	var mu sync.Mutex
	var sent []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		if strings.HasPrefix(r.URL.Path, clientdata.PathContactsExport+"/") {
			w.Header().Set("Content-Type", "text/csv")
			_, _ = w.Write([]byte("id,uId\n"))
			return
		}
		_, _ = w.Write([]byte(`{"exportJobId":"0b8f4c1e-0000-4000-8000-000000000001"}`))
	}))
	defer srv.Close()
	c := clientdata.New(clientdata.Config{BaseURL: srv.URL, Token: "t", HTTP: srv.Client(), ServiceForAnonymous: true})
	ctx := context.Background()
	calls := []func(){
		func() { _, _ = c.ChangeRequest(ctx, 1, 2) },
		func() { _, _ = c.SearchChangeRequests(ctx, clientdata.SearchQuery{}) },
		func() { _ = c.CancelChangeRequest(ctx, 1, 2) },
		func() { _ = c.ReviewChangeRequest(ctx, 1, 2, true, "") },
		func() { _, _ = c.ChangeRequestStatuses(ctx) },
		func() { _, _ = c.PendingChangeRequest(ctx, 1) },
		func() { _, _ = c.ContactDetails(ctx, 1) },
		func() { _, _ = c.PatchContactDetails(ctx, 1, map[string]any{}, "") },
		func() { _, _ = c.PutContactDetails(ctx, 1, map[string]any{}, "") },
		func() { _, _ = c.CreateContact(ctx, clientdata.NewContact{}) },
		func() { _, _ = c.ExternalConnections(ctx, 1) },
		func() { _ = c.AddExternalConnection(ctx, 1, clientdata.ExternalConnection{}) },
		func() { _, _ = c.ContactByExternalID(ctx, "s", "e") },
		func() { _, _ = c.Username(ctx, 1) },
		func() { _ = c.UpdateUsername(ctx, 1, "u") },
		func() { _ = c.VerifyChannel(ctx, 1, clientdata.ChannelEmail, "k") },
		func() { _ = c.ResendKey(ctx, 1, clientdata.ChannelEmail) },
		func() { _ = c.DiscontinueVerification(ctx, 1, clientdata.ChannelEmail) },
		func() { _, _ = c.ChangeHistory(ctx, 1, clientdata.HistoryQuery{}) },
		func() { _, _ = c.ProfilePicture(ctx, 1) },
		func() { _ = c.UpdateProfilePicture(ctx, 1, "") },
		func() { _ = c.DeleteProfilePicture(ctx, 1) },
		func() { _ = c.Anonymize(ctx, []int32{1}, nil) },
		func() { _, _ = c.ExportContacts(ctx, "") },
		func() { _, _ = c.ExportedContacts(ctx, "0b8f4c1e-0000-4000-8000-000000000001") },
		func() { _, _ = c.ListItems(ctx, "k") },
		func() { _, _ = c.LookupListItems(ctx, "k", clientdata.ListLookup{}) },
		func() { _, _ = c.SchemaFields(ctx, "contact", clientdata.FieldsQuery{}) },
	}
	for _, call := range calls {
		call()
	}
	used := map[string]bool{}
	for _, req := range sent {
		route := matchRoute(routes, req)
		if route == "" {
			t.Errorf("client sends %q, which no seed route serves", req)
		}
		used[route] = true
	}
	for _, r := range routes {
		if !used[r] {
			t.Errorf("seed route %q: no client call sends it", r)
		}
	}
}

// matchRoute is the route of routes ("METHOD /a/{x}/b") that req ("METHOD /a/1/b")
// matches, literal segments before wildcards, or "".
func matchRoute(routes []string, req string) string {
	method, path, _ := strings.Cut(req, " ")
	segs := strings.Split(path, "/")
	best, bestLiterals := "", -1
	for _, r := range routes {
		m, p, _ := strings.Cut(r, " ")
		ps := strings.Split(p, "/")
		if m != method || len(ps) != len(segs) {
			continue
		}
		literals := 0
		ok := true
		for i, s := range ps {
			switch {
			case strings.HasPrefix(s, "{") && segs[i] != "":
			case s == segs[i]:
				literals++
			default:
				ok = false
			}
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = r, literals
		}
	}
	return best
}

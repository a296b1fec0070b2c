package clientdata_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"crmgraph/backends/clientdata"
	"crmgraph/backends/rest"
	sandbox "crmgraph/backends/sandbox/clientdata"
	"crmgraph/backends/sandbox/dataset"
)

// One sandbox for the package: building it dominates test time under -race. Tests
// that mutate use contacts no other test touches.
var (
	world = sync.OnceValue(func() *dataset.World { return dataset.New(7) })
	sb    = sync.OnceValue(func() *sandbox.Server { return sandbox.New(world(), sandbox.Tokens{}) })
	seq   atomic.Int64 // unique values, so -count=N reruns on the shared sandbox do not collide
)

const secret = "sandbox" // the app token; asserted never to appear in error text

// start serves h over HTTP and returns a client for it plus a request counter.
func start(t *testing.T, h http.Handler, token string) (*clientdata.Client, *atomic.Int64, string) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return clientdata.New(clientdata.Config{BaseURL: srv.URL, Token: token, Timeout: 5 * time.Second, ServiceForAnonymous: true}), &n, srv.URL
}

// people returns client-data people of the world matching keep, in index order.
func people(keep func(dataset.Person) bool) []dataset.Person {
	var out []dataset.Person
	for _, p := range world().People {
		if p.ClientDataID != 0 && keep(p) {
			out = append(out, p)
		}
	}
	return out
}

func TestChangeRequests(t *testing.T) {
	c, calls, _ := start(t, sb(), secret)
	ctx := context.Background()
	var ids []int32
	for _, p := range people(func(dataset.Person) bool { return true })[:20] {
		ids = append(ids, p.ClientDataID)
	}

	t.Run("search with 20 contact ids is one request", func(t *testing.T) {
		before := calls.Load()
		res, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{ContactIDs: ids, PageSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		if got := calls.Load() - before; got != 1 {
			t.Fatalf("%d requests, want 1", got)
		}
		if res.TotalCount == 0 || int(res.TotalCount) != len(res.Results) || res.Page != 1 || res.PageCount != 1 {
			t.Fatalf("result %+v", res)
		}
		for _, r := range res.Results {
			if r.InitiatorMember == nil || r.InitiatorMember.UID == "" || r.Contact.UID == "" || r.Status.Name == "" {
				t.Fatalf("summary not decoded: %+v", r)
			}
		}
	})
	t.Run("filters", func(t *testing.T) {
		st := clientdata.StatusApproved
		res, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{StatusID: &st, PageSize: 5, Page: 2, SortBy: "Id",
			SortOrder: clientdata.Descending, CreateDateFrom: dataset.Epoch.AddDate(-1, 0, 0), Paths: []string{"personalInformation.lastName"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Results) != 5 || res.Page != 2 || res.Results[0].ID <= res.Results[4].ID {
			t.Fatalf("result %+v", res)
		}
		for _, r := range res.Results {
			if r.Status.ID != st || r.ReviewMember == nil || r.ReviewDate == nil || r.CreateDate.Before(dataset.Epoch.AddDate(-1, 0, 0)) {
				t.Fatalf("filtered summary %+v", r)
			}
		}
	})
	t.Run("get, pending check, statuses", func(t *testing.T) {
		res, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{ContactIDs: ids, PageSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		sum := res.Results[0]
		cr, err := c.ChangeRequest(ctx, sum.Contact.ID, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cr.ID != sum.ID || cr.UID == "" || cr.InitiatorMember == nil || cr.InitiatorMember.UID != sum.InitiatorMember.UID || len(cr.Details) == 0 {
			t.Fatalf("change request %+v", cr)
		}
		var pendingContact int32
		for _, r := range res.Results {
			if r.Status.ID == clientdata.StatusPending {
				pendingContact = r.Contact.ID
			}
		}
		check, err := c.PendingChangeRequest(ctx, pendingContact)
		if err != nil {
			t.Fatal(err)
		}
		if !check.HasPendingChangeRequest || check.ChangeRequest == nil || check.ChangeRequest.InitiatorMember.UID == "" || check.ChangeRequest.CreatedDate.IsZero() {
			t.Fatalf("pending check %+v", check)
		}
		for _, tc := range []struct{ lang, want string }{{"", "Pending"}, {"de", "Ausstehend"}, {"fr", "En attente"}} {
			lctx := ctx
			if tc.lang != "" {
				lctx = clientdata.WithLanguage(ctx, tc.lang)
			}
			sts, err := c.ChangeRequestStatuses(lctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) != 4 || sts[0].ID != clientdata.StatusPending || sts[0].Name != tc.want {
				t.Fatalf("%q statuses %+v", tc.lang, sts)
			}
		}
	})
}

func TestApprovalThroughClient(t *testing.T) {
	ctx := context.Background()
	var member1, member2 context.Context
	var contact int32
	// Members see change requests of contacts they have access to (004 L99): member 1
	// through the parent company, the reviewer through the contact's company.
	w := world()
	pair := func(p dataset.Person) (int, int) {
		co := w.Companies[p.CompanyIndex]
		if co.ParentIndex < 0 {
			return -1, -1
		}
		return w.Companies[co.ParentIndex].OwnerUser, co.OwnerUser
	}
	both := func(p dataset.Person) bool {
		a, b := pair(p)
		return a >= 0 && a != b
	}
	// Its own sandbox, with a member token for every user.
	tokens := sandbox.Tokens{App: secret, Members: map[string]int{}}
	for i := range w.Users {
		tokens.Members[fmt.Sprintf("user-%d", i)] = i
	}
	c, _, _ := start(t, sandbox.New(w, tokens), secret)
	initiator := -1
	for _, p := range people(both) {
		a, b := pair(p)
		initiator = a
		member1 = clientdata.WithBearer(ctx, fmt.Sprintf("user-%d", a))
		member2 = clientdata.WithBearer(ctx, fmt.Sprintf("user-%d", b))
		check, err := c.PendingChangeRequest(ctx, p.ClientDataID)
		if err != nil {
			t.Fatal(err)
		}
		if !check.HasPendingChangeRequest {
			contact = p.ClientDataID
			break
		}
	}
	out, err := c.PatchContactDetails(member1, contact, map[string]any{"personalInformation": map[string]any{"lastName": "Client-Approved"}}, "via client")
	if err != nil {
		t.Fatal(err)
	}
	if !out.IsApprovalRequired || out.ChangeRequest == nil || out.ChangeRequest.Status.ID != clientdata.StatusPending ||
		out.ChangeRequest.InitiatorComment == nil || *out.ChangeRequest.InitiatorComment != "via client" ||
		out.ChangeRequest.InitiatorMember.UID != world().Users[initiator].MemberID {
		t.Fatalf("outcome %+v", out)
	}
	crID := out.ChangeRequest.ID
	err = c.ReviewChangeRequest(member1, contact, crID, true, "")
	var he *rest.HTTPError
	if !errors.Is(err, rest.ErrForbidden) || !errors.As(err, &he) || he.SubCode != sandboxSubCodeSelfReview {
		t.Fatalf("self review: %v", err)
	}
	if err := c.CancelChangeRequest(member2, contact, crID); !errors.Is(err, rest.ErrForbidden) {
		t.Fatalf("cancel by other member: %v", err)
	}
	if err := c.ReviewChangeRequest(member2, contact, crID, true, "fine"); err != nil {
		t.Fatal(err)
	}
	d, err := c.ContactDetails(ctx, contact)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != contact || d.HasPendingChangeRequest || d.Details["personalInformation"].(map[string]any)["lastName"] != "Client-Approved" {
		t.Fatalf("details %+v", d)
	}
	h, err := c.ChangeHistory(ctx, contact, clientdata.HistoryQuery{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Results) != 1 || h.Results[0].Details[0].TargetValue != "Client-Approved" || h.Results[0].InitiatorPerson.UID != world().Users[initiator].MemberID {
		t.Fatalf("history %+v", h)
	}
	// A second change, cancelled by its initiator, through PUT.
	d.Details["addresses"].(map[string]any)["primaryAddress"].(map[string]any)["city"] = "Cancelled City"
	out, err = c.PutContactDetails(member1, contact, d.Details, "")
	if err != nil || !out.IsApprovalRequired || out.ChangeRequest == nil {
		t.Fatalf("put: %+v %v", out, err)
	}
	if err := c.CancelChangeRequest(member1, contact, out.ChangeRequest.ID); err != nil {
		t.Fatal(err)
	}
	cr, err := c.ChangeRequest(ctx, contact, out.ChangeRequest.ID)
	if err != nil || cr.Status.ID != clientdata.StatusCancelled {
		t.Fatalf("cancelled: %+v %v", cr, err)
	}
	// The app is not subject to approval.
	out, err = c.PatchContactDetails(ctx, contact, map[string]any{"personalInformation": map[string]any{"lastName": "By-App"}}, "")
	if err != nil || out.IsApprovalRequired || out.ChangeRequest != nil {
		t.Fatalf("app patch: %+v %v", out, err)
	}
}

func TestContacts(t *testing.T) {
	c, _, _ := start(t, sb(), secret)
	ctx := context.Background()
	p := people(func(p dataset.Person) bool { return p.CirrusID != 0 && p.SupportID != "" && p.Index%7 == 5 })[0]

	t.Run("external connections and reverse lookup", func(t *testing.T) {
		conns, err := c.ExternalConnections(ctx, p.ClientDataID)
		if err != nil {
			t.Fatal(err)
		}
		if len(conns) < 3 || conns[2] != (clientdata.ExternalConnection{ExternalID: p.SupportID, System: "SUPPORT"}) {
			t.Fatalf("connections %+v", conns)
		}
		id, err := c.ContactByExternalID(ctx, "SUPPORT", p.SupportID)
		if err != nil || id.ID != p.ClientDataID || id.UID != p.ClientDataUUID {
			t.Fatalf("reverse %+v %v", id, err)
		}
		ext := fmt.Sprintf("sso/ü %d", seq.Add(1))
		if err := c.AddExternalConnection(ctx, p.ClientDataID, clientdata.ExternalConnection{ExternalID: ext, System: "SSO"}); err != nil {
			t.Fatal(err)
		}
		if id, err := c.ContactByExternalID(ctx, "SSO", ext); err != nil || id.ID != p.ClientDataID {
			t.Fatalf("reverse after add %+v %v", id, err)
		}
	})
	t.Run("create, username, verification", func(t *testing.T) {
		email := fmt.Sprintf("client-created-%d@example.com", seq.Add(1))
		created, err := c.CreateContact(ctx, clientdata.NewContact{ContactTypeID: 1, Details: map[string]any{
			"personalInformation": map[string]any{"firstName": "Cli", "lastName": "Ent"},
			"communicationMeans":  map[string]any{"primaryEmail": email}}})
		if err != nil || created.ID == 0 || created.UID == "" {
			t.Fatalf("create %+v %v", created, err)
		}
		if u, err := c.Username(ctx, created.ID); err != nil || u != email {
			t.Fatalf("username %q %v", u, err)
		}
		err = c.UpdateUsername(ctx, created.ID, "other")
		var he *rest.HTTPError
		if !errors.As(err, &he) || he.SubCode != sandboxSubCodeUsernameCoupledWithEmail {
			t.Fatalf("update coupled username: %v", err)
		}
		out, err := c.PatchContactDetails(ctx, created.ID, map[string]any{"communicationMeans": map[string]any{"primaryEmail": "changed-" + email}}, "")
		if err != nil || !out.HasPendingEmail {
			t.Fatalf("email change %+v %v", out, err)
		}
		if err := c.ResendKey(ctx, created.ID, clientdata.ChannelEmail); err != nil {
			t.Fatal(err)
		}
		key, _ := sb().VerificationKey(created.ID, "Email")
		if err := c.VerifyChannel(ctx, created.ID, clientdata.ChannelEmail, key); err != nil {
			t.Fatal(err)
		}
		if u, _ := c.Username(ctx, created.ID); u != "changed-"+email {
			t.Fatalf("username after verification %q", u)
		}
		if _, err := c.PatchContactDetails(ctx, created.ID, map[string]any{"communicationMeans": map[string]any{"mobilePhoneNumber": "+1 555"}}, ""); err != nil {
			t.Fatal(err)
		}
		if err := c.DiscontinueVerification(ctx, created.ID, clientdata.ChannelMobile); err != nil {
			t.Fatal(err)
		}
		if err := c.VerifyChannel(ctx, created.ID, clientdata.ChannelMobile, "1"); !errors.As(err, &he) || he.SubCode != sandboxSubCodeNoPendingChannel {
			t.Fatalf("verify discontinued: %v", err)
		}
		pic, err := c.ProfilePicture(ctx, created.ID)
		if err != nil || !pic.IsDefaultImage {
			t.Fatalf("picture %+v %v", pic, err)
		}
		if err := c.UpdateProfilePicture(ctx, created.ID, pic.ImageContentBase64); err != nil {
			t.Fatal(err)
		}
		if pic, _ := c.ProfilePicture(ctx, created.ID); pic.IsDefaultImage {
			t.Fatal("stored picture reported as default")
		}
		if err := c.DeleteProfilePicture(ctx, created.ID); err != nil {
			t.Fatal(err)
		}
		if err := c.Anonymize(ctx, []int32{created.ID}, nil); err != nil {
			t.Fatal(err)
		}
		if u, _ := c.Username(ctx, created.ID); u == "changed-"+email {
			t.Fatal("username kept after anonymization")
		}
	})
	t.Run("metadata", func(t *testing.T) {
		fields, err := c.SchemaFields(clientdata.WithLanguage(ctx, "de"), clientdata.ContactSchemaKey, clientdata.FieldsQuery{FieldKeys: []string{"personalInformation.lastName"}})
		if err != nil || len(fields) != 1 || fields[0].Label != "Nachname" || !fields[0].IsApprovalRequired || len(fields[0].LayoutPath) != 1 {
			t.Fatalf("fields %+v %v", fields, err)
		}
		lists, err := c.ListItems(ctx, "country", "language")
		if err != nil || len(lists) != 2 || lists[0].ListKey != "country" || len(lists[0].ListItems) == 0 {
			t.Fatalf("lists %+v %v", lists, err)
		}
		filter, limit := "e", int32(2)
		res, err := c.LookupListItems(ctx, "country", clientdata.ListLookup{Filter: &filter, Limit: &limit})
		if err != nil || len(res.Items) != 2 || res.TotalCount <= 2 {
			t.Fatalf("lookup %+v %v", res, err)
		}
	})
}

// apiErrorHandler answers every request with status and an ApiError body.
func apiErrorHandler(status int, code, subCode string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"code":"` + code + `","subCode":"` + subCode + `","message":"m","correlationId":"30d3ebc0b5cb47b0889850bbdfe4aec6"}`))
	})
}

// The sandbox's sub-codes for rules the seed states without naming a code: the client
// declares none of them, it passes on what the API sends.
const (
	sandboxSubCodeSelfReview               = "SelfReviewNotAllowed"
	sandboxSubCodeUsernameCoupledWithEmail = "UsernameCoupledWithEmail"
	sandboxSubCodeNoPendingChannel         = "NoPendingVerification"
	sandboxSubCodeNotInitiator             = "NotInitiator"
	sandboxSubCodeExternalIDNotUnique      = "ExternalIdNotUnique"
)

func TestErrors(t *testing.T) {
	ctx := context.Background()
	p := people(func(p dataset.Person) bool { return p.SupportID != "" })
	taken := p[0]
	refused := httptest.NewServer(http.NotFoundHandler())
	refusedURL := refused.URL
	refused.Close()
	for _, tc := range []struct {
		name    string
		handler http.Handler // nil: the sandbox
		token   string
		call    func(c *clientdata.Client) error
		want    error
		status  int
		subCode string
	}{
		{"400 with subCode", nil, secret, func(c *clientdata.Client) error {
			u := fmt.Sprintf("dup-%d", seq.Add(1))
			_, err := c.CreateContact(ctx, clientdata.NewContact{ContactTypeID: 1, Username: &u, Details: map[string]any{
				"personalInformation": map[string]any{"firstName": "A", "lastName": "B"}}})
			if err != nil {
				return err
			}
			_, err = c.CreateContact(ctx, clientdata.NewContact{ContactTypeID: 1, Username: &u, Details: map[string]any{
				"personalInformation": map[string]any{"firstName": "A", "lastName": "B"}}})
			return err
		}, rest.ErrBadRequest, 400, clientdata.SubCodeUsernameNotUnique},
		{"401", nil, "wrong-token", func(c *clientdata.Client) error {
			_, err := c.ChangeRequestStatuses(ctx)
			return err
		}, rest.ErrUnauthorized, 401, clientdata.SubCodeNA},
		{"403", nil, secret, func(c *clientdata.Client) error {
			res, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{StatusID: ptr(clientdata.StatusPending), PageSize: 1})
			if err != nil {
				return err
			}
			return c.CancelChangeRequest(ctx, res.Results[0].Contact.ID, res.Results[0].ID) // the app is not the initiator
		}, rest.ErrForbidden, 403, sandboxSubCodeNotInitiator},
		{"404", nil, secret, func(c *clientdata.Client) error {
			_, err := c.ContactDetails(ctx, 42)
			return err
		}, rest.ErrNotFound, 404, clientdata.SubCodeNA},
		{"409", nil, secret, func(c *clientdata.Client) error {
			return c.AddExternalConnection(ctx, p[1].ClientDataID, clientdata.ExternalConnection{ExternalID: taken.SupportID, System: "X"})
		}, rest.ErrConflict, 409, sandboxSubCodeExternalIDNotUnique},
		{"429", apiErrorHandler(429, "TooManyRequests", "NA"), secret, func(c *clientdata.Client) error {
			_, err := c.ChangeRequestStatuses(ctx)
			return err
		}, rest.ErrRateLimited, 429, "NA"},
		{"500", apiErrorHandler(500, "InternalServerError", "NA"), secret, func(c *clientdata.Client) error {
			_, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{})
			return err
		}, rest.ErrUnavailable, 500, "NA"},
		{"timeout", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }), secret, func(c *clientdata.Client) error {
			tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := c.ContactDetails(tctx, 1)
			return err
		}, rest.ErrTimeout, 0, ""},
		{"connection refused", nil, secret, func(c *clientdata.Client) error {
			_, err := c.ContactByExternalID(ctx, "CIRRUS", "1")
			return err
		}, rest.ErrUnavailable, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.handler
			if h == nil {
				h = sb()
			}
			c, _, url := start(t, h, tc.token)
			if tc.name == "connection refused" {
				c, url = clientdata.New(clientdata.Config{BaseURL: refusedURL, Token: tc.token, ServiceForAnonymous: true}), refusedURL
			}
			err := tc.call(c)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var he *rest.HTTPError
			if tc.status != 0 {
				if !errors.As(err, &he) || he.Status != tc.status || he.SubCode != tc.subCode || he.Code == "" {
					t.Fatalf("HTTPError %+v, want status %d subCode %q", he, tc.status, tc.subCode)
				}
				if tc.status == 429 && he.RetryAfter != 3*time.Second {
					t.Fatalf("retry after %v", he.RetryAfter)
				}
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "clientdata: ") || strings.Contains(msg, tc.token) || strings.Contains(msg, url) || strings.Contains(msg, "127.0.0.1") {
				t.Fatalf("error text %q leaks or lacks context", msg)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestAnonymousCallersNeedTheirOwnToken(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"changeRequestStatuses": [], "results": [], "page": 0, "pageSize": 1, "pageCount": 0, "totalCount": 0}`))
	}))
	defer srv.Close()
	c := clientdata.New(clientdata.Config{BaseURL: srv.URL, Token: "service", HTTP: srv.Client()})
	ctx := context.Background()
	if _, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{}); !errors.Is(err, clientdata.ErrCallerRequired) || !errors.Is(err, rest.ErrUnauthorized) {
		t.Fatalf("anonymous search: %v", err)
	}
	if calls.Load() != 0 {
		t.Fatalf("%d requests sent for a refused call", calls.Load())
	}
	// Reference lists act for nobody: the service token reads them.
	if _, err := c.ChangeRequestStatuses(ctx); err != nil {
		t.Fatalf("statuses: %v", err)
	}
	// A caller's own token is used for everything else.
	if _, err := c.SearchChangeRequests(clientdata.WithBearer(ctx, "member-1"), clientdata.SearchQuery{}); err != nil {
		t.Fatalf("member search: %v", err)
	}
	if calls.Load() != 2 {
		t.Fatalf("%d requests, want 2", calls.Load())
	}
}

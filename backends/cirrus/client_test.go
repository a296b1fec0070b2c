package cirrus_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/rest"
	sandbox "crmgraph/backends/sandbox/cirrus"
	"crmgraph/backends/sandbox/dataset"
)

const token = "s3cret-client-token"

var world = sync.OnceValue(func() *dataset.World { return dataset.New(42) })

func newClient(t *testing.T, bearer bool) *cirrus.Client {
	t.Helper()
	srv := httptest.NewServer(sandbox.New(world(), token))
	t.Cleanup(srv.Close)
	return cirrus.New(cirrus.Config{BaseURL: srv.URL + "/", Token: token, Bearer: bearer, HTTP: srv.Client()})
}

// newClientFor is a client against the default sandbox, or against the alternative
// one with the settings that fit it.
func newClientFor(t *testing.T, alt bool) *cirrus.Client {
	t.Helper()
	if !alt {
		return newClient(t, false)
	}
	s := sandbox.New(world(), token)
	s.UseAlternative()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return cirrus.New(cirrus.Config{BaseURL: srv.URL, Token: token, HTTP: srv.Client(),
		MaskPlacement: cirrus.MaskItem, TrailingSlash: true, MaxPerPage: 25})
}

func TestReads(t *testing.T) {
	for _, alt := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "alt"}[alt], func(t *testing.T) {
			testReads(t, newClientFor(t, alt))
		})
	}
}

func testReads(t *testing.T, c *cirrus.Client) {
	ctx := context.Background()
	yes := true
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"account", func(t *testing.T) {
			a, err := c.Account(ctx, 1, "")
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != 1 || a.Name == "" || a.Type == nil || a.User == nil || len(a.Contacts) == 0 || a.Addresses == nil || a.Addresses.Postal.City == nil {
				t.Fatalf("account: %+v", a)
			}
			if a.ParentAccount != nil && a.ParentAccount.ID == 0 {
				t.Fatal("null-field parent not normalized")
			}
		}},
		{"accounts with filters and mask", func(t *testing.T) {
			p, err := c.Accounts(ctx, cirrus.AccountQuery{ListOptions: cirrus.ListOptions{PerPage: 50, Sorting: "name_desc", Mask: "{id,name,user{id}}"}, UserIDs: []int{1, 2, 3}})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total == 0 || len(p.Items) == 0 || p.PerPage != 50 {
				t.Fatalf("page: %+v", p)
			}
			for _, a := range p.Items {
				if a.User == nil || a.User.ID < 1 || a.User.ID > 3 || a.Email != "" || a.Type != nil {
					t.Fatalf("filter or mask not applied: %+v", a)
				}
			}
		}},
		{"accounts active nil means all", func(t *testing.T) {
			all, err := c.Accounts(ctx, cirrus.AccountQuery{ListOptions: cirrus.ListOptions{PerPage: 1}})
			if err != nil {
				t.Fatal(err)
			}
			active, err := c.Accounts(ctx, cirrus.AccountQuery{ListOptions: cirrus.ListOptions{PerPage: 1}, Active: &yes})
			if err != nil {
				t.Fatal(err)
			}
			if all.Total != dataset.CirrusCompanies || active.Total >= all.Total {
				t.Fatalf("all=%d active=%d", all.Total, active.Total)
			}
		}},
		{"accounts by externalkey", func(t *testing.T) {
			key := ""
			for _, co := range world().CompaniesInCirrus() {
				if co.ConeID != "" {
					key = co.ConeID
					break
				}
			}
			p, err := c.Accounts(ctx, cirrus.AccountQuery{ExternalKey: key})
			if err != nil || p.Total != 1 || p.Items[0].ExternalKey != key {
				t.Fatalf("externalkey %s: %+v %v", key, p, err)
			}
		}},
		{"contact and contacts", func(t *testing.T) {
			p, err := c.Contacts(ctx, cirrus.ContactQuery{AccountID: 1, ListOptions: cirrus.ListOptions{PerPage: 50}})
			if err != nil || p.Total == 0 {
				t.Fatalf("%+v %v", p, err)
			}
			ct, err := c.Contact(ctx, p.Items[0].ID, "")
			if err != nil || ct.Account == nil || ct.Account.ID != 1 || ct.Surname == "" {
				t.Fatalf("%+v %v", ct, err)
			}
		}},
		{"opportunity and opportunities", func(t *testing.T) {
			p, err := c.Opportunities(ctx, cirrus.OpportunityQuery{StatusIDs: []int{5}, ListOptions: cirrus.ListOptions{PerPage: 5}})
			if err != nil || len(p.Items) == 0 {
				t.Fatalf("%+v %v", p, err)
			}
			for _, o := range p.Items {
				if o.StatusID != 5 || o.Status == nil || o.Status.Won != 1 || o.Closed != 1 {
					t.Fatalf("status filter: %+v", o)
				}
			}
			o, err := c.Opportunity(ctx, p.Items[0].ID, "")
			if err != nil || o.Value.String() == "" || o.WinReason == nil || o.LostReason != nil || len(o.EstimatedEndDate) != 10 {
				t.Fatalf("%+v %v", o, err)
			}
		}},
		{"order and orders", func(t *testing.T) {
			p, err := c.Orders(ctx, cirrus.OrderQuery{AccountIDs: []int{1, 2, 3, 4}, ListOptions: cirrus.ListOptions{PerPage: 50}})
			if err != nil || p.Total == 0 {
				t.Fatalf("%+v %v", p, err)
			}
			o, err := c.Order(ctx, p.Items[0].ID, "")
			if err != nil || len(o.Rows) == 0 || o.Account == nil || o.Account.ID > 4 || o.Status == nil {
				t.Fatalf("%+v %v", o, err)
			}
			if _, err := o.Price.Float64(); err != nil || o.Rows[0].AlternatvieValue == "" || o.Rows[0].Article == nil {
				t.Fatalf("order numbers: %+v", o.Rows[0])
			}
		}},
		{"lead and leads", func(t *testing.T) {
			p, err := c.Leads(ctx, cirrus.LeadQuery{Status: 1, ListOptions: cirrus.ListOptions{PerPage: 10}})
			if err != nil || len(p.Items) == 0 || p.Items[0].Status.ID != 1 {
				t.Fatalf("%+v %v", p, err)
			}
			l, err := c.Lead(ctx, p.Items[0].ID, "{id,title,user{id}}")
			if err != nil || l.Title == "" || l.User == nil || l.ContactName != "" {
				t.Fatalf("%+v %v", l, err)
			}
		}},
		{"user and users", func(t *testing.T) {
			p, err := c.Users(ctx, cirrus.UserQuery{ListOptions: cirrus.ListOptions{PerPage: 50}})
			if err != nil || p.Total != dataset.NumUsers || len(p.Items) != dataset.NumUsers {
				t.Fatalf("%+v %v", p, err)
			}
			u, err := c.User(ctx, 7, "")
			if err != nil || u.ID != 7 || len(u.Departments) == 0 || len(u.Roles) == 0 {
				t.Fatalf("%+v %v", u, err)
			}
		}},
		{"reference lists", func(t *testing.T) {
			counts := map[string]func() (int, error){
				"account types":        func() (int, error) { x, err := c.AccountTypes(ctx); return len(x), err },
				"opportunity statuses": func() (int, error) { x, err := c.OpportunityStatuses(ctx); return len(x), err },
				"opportunity types":    func() (int, error) { x, err := c.OpportunityTypes(ctx); return len(x), err },
				"opportunity sources":  func() (int, error) { x, err := c.OpportunitySources(ctx); return len(x), err },
				"lost reasons":         func() (int, error) { x, err := c.LostReasons(ctx); return len(x), err },
				"win reasons":          func() (int, error) { x, err := c.WinReasons(ctx); return len(x), err },
				"order statuses":       func() (int, error) { x, err := c.OrderStatuses(ctx); return len(x), err },
				"order types":          func() (int, error) { x, err := c.OrderTypes(ctx); return len(x), err },
				"lead statuses":        func() (int, error) { x, err := c.LeadStatuses(ctx); return len(x), err },
				"delivery terms":       func() (int, error) { x, err := c.DeliveryTerms(ctx); return len(x), err },
				"payment terms":        func() (int, error) { x, err := c.PaymentTerms(ctx); return len(x), err },
				"delivery types":       func() (int, error) { x, err := c.DeliveryTypes(ctx); return len(x), err },
			}
			want := map[string]int{"account types": 6, "opportunity statuses": 6, "opportunity types": 3, "opportunity sources": 6,
				"lost reasons": 5, "win reasons": 4, "order statuses": 6, "order types": 4, "lead statuses": 5,
				"delivery terms": 5, "payment terms": 5, "delivery types": 4}
			for name, f := range counts {
				if n, err := f(); err != nil || n != want[name] {
					t.Errorf("%s: %d %v, want %d", name, n, err, want[name])
				}
			}
		}},
		{"opportunity type validstatuses decode", func(t *testing.T) {
			ts, err := c.OpportunityTypes(ctx)
			if err != nil || len(ts[0].ValidStatuses) != 1 || ts[0].ValidStatuses[0].ID == 0 {
				t.Fatalf("%+v %v", ts, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestBearerAuth(t *testing.T) {
	if _, err := newClient(t, true).User(context.Background(), 1, "{id}"); err != nil {
		t.Fatal(err)
	}
}

// TestWrites runs against the default sandbox (creates answer the record) and the
// alternative one (creates and updates answer no body; the client finds the record).
func TestWrites(t *testing.T) {
	for _, alt := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "alt"}[alt], func(t *testing.T) {
			testWrites(t, newClientFor(t, alt))
		})
	}
}

func testWrites(t *testing.T, c *cirrus.Client) {
	ctx := context.Background()
	a, err := c.CreateAccount(ctx, cirrus.AccountWrite{Name: rest.Some("Client Test AB"), TypeID: rest.Some(2), UserID: rest.Some(4), ExternalKey: rest.Some("ct-1")})
	if err != nil || a == nil || a.ID == 0 || a.Type.ID != 2 || a.User.ID != 4 {
		t.Fatalf("create account: %+v %v", a, err)
	}
	if a, err = c.UpdateAccount(ctx, a.ID, cirrus.AccountWrite{Phone: rest.Some("+46 8 123")}); err != nil || a.Phone != "+46 8 123" || a.Name != "Client Test AB" {
		t.Fatalf("update account: %+v %v", a, err)
	}
	ct, err := c.CreateContact(ctx, cirrus.ContactWrite{Name: rest.Some("Ada"), Surname: rest.Some("Lovelace"), AccountID: rest.Some(a.ID), Email: rest.Some("ada@example.com")})
	if err != nil || ct.Account.ID != a.ID {
		t.Fatalf("create contact: %+v %v", ct, err)
	}
	if ct, err = c.UpdateContact(ctx, ct.ID, cirrus.ContactWrite{Title: rest.Some("CTO"), AccountID: rest.Some(1)}); err != nil || ct.Title != "CTO" || ct.Account.ID != a.ID {
		t.Fatalf("update contact: %+v %v", ct, err)
	}
	ow := cirrus.OpportunityWrite{AccountID: rest.Some(a.ID), ContactID: rest.Some(ct.ID), Title: rest.Some("Deal"),
		Description: rest.Some("d"), UserID: rest.Some(4), StatusID: rest.Some(1), EstimatedEndDate: rest.Some("2026-09-30"),
		TypeID: rest.Some(1), Value: rest.Some(json.Number("12500.50")), SourceID: rest.Some("2")}
	o, err := c.CreateOpportunity(ctx, ow)
	if err != nil || o.Value.String() != "12500.5" || o.SourceID != 2 || o.AccountID != a.ID {
		t.Fatalf("create opportunity: %+v %v", o, err)
	}
	ow.StatusID, ow.WinReasonID = rest.Some(5), rest.Some(1)
	if o, err = c.UpdateOpportunity(ctx, o.ID, ow); err != nil || o.Status.Won != 1 || o.WinReason == nil {
		t.Fatalf("update opportunity: %+v %v", o, err)
	}
	ord, err := c.CreateOrder(ctx, cirrus.OrderWrite{PlaceDate: rest.Some("2026-05-02T00:00:00.000Z"), Account: cirrus.Ref(a.ID), User: cirrus.Ref(4),
		Contact: cirrus.Ref(ct.ID), Status: cirrus.Ref(1), Opportunity: cirrus.Ref(o.ID),
		Rows: rest.Some([]cirrus.OrderRowWrite{{Article: cirrus.Ref(1), QuantityOrdered: rest.Some(json.Number("3")), Price: rest.Some(json.Number("100.10"))}})})
	if err != nil || len(ord.Rows) != 1 || ord.Price.String() != "300.3" || ord.Opportunity.ID != o.ID || !strings.HasPrefix(ord.PlaceDate, "2026-05-02") {
		t.Fatalf("create order: %+v %v", ord, err)
	}
	if ord, err = c.UpdateOrder(ctx, ord.ID, cirrus.OrderWrite{Status: cirrus.Ref(2)}); err != nil || ord.Status.ID != 2 || len(ord.Rows) != 1 {
		t.Fatalf("update order: %+v %v", ord, err)
	}
	p, err := c.Orders(ctx, cirrus.OrderQuery{OpportunityID: o.ID})
	if err != nil || p.Total != 1 {
		t.Fatalf("order by opportunity: %+v %v", p, err)
	}
	l, err := c.CreateLead(ctx, cirrus.LeadWrite{Title: rest.Some("Web lead"), ContactCompany: rest.Some("Prospect AB"), Value: rest.Some(json.Number("999.99")), User: cirrus.Ref(3), Status: cirrus.Ref(2)})
	if err != nil || l.Value.String() != "999.99" || l.Status.ID != 2 || l.User.ID != 3 {
		t.Fatalf("create lead: %+v %v", l, err)
	}
	if l, err = c.UpdateLead(ctx, l.ID, cirrus.LeadWrite{Rating: rest.Some(5)}); err != nil || l.Rating != 5 {
		t.Fatalf("update lead: %+v %v", l, err)
	}
	_, err = c.CreateAccount(ctx, cirrus.AccountWrite{Name: rest.Some("x")})
	var he *rest.HTTPError
	if !errors.Is(err, rest.ErrBadRequest) || !errors.As(err, &he) || he.Fields["typeid"] == "" || he.Message != "Input payload validation failed" {
		t.Fatalf("validation error: %v %+v", err, he)
	}
}

// TestWritesSendZeroNullAndAbsent: a set zero is sent and kept, an absent field is not
// sent (the record keeps it), null reaches the nullable address leaves.
func TestWritesSendZeroNullAndAbsent(t *testing.T) {
	c := newClient(t, false)
	ctx := context.Background()
	l, err := c.UpdateLead(ctx, 1, cirrus.LeadWrite{Rating: rest.Some(0), Value: rest.Some(json.Number("0")), Title: rest.Some("")})
	if err != nil || l.Rating != 0 || l.Value.String() != "0.0" || l.Title != "" || l.Description == "" {
		t.Fatalf("lead after zeroing: %+v %v", l, err)
	}
	city := rest.Some("Kiruna")
	a, err := c.UpdateAccount(ctx, 1, cirrus.AccountWrite{Addresses: rest.Some(cirrus.AddressesWrite{
		Delivery: rest.Some(cirrus.AddressWrite{City: city}), Invoice: rest.Some(cirrus.AddressWrite{Street: rest.Null[string]()})})})
	if err != nil || *a.Addresses.Delivery.City != "Kiruna" || a.Addresses.Invoice.Street != nil || *a.Addresses.Postal.City == "Kiruna" ||
		a.Addresses.Invoice.City == nil {
		t.Fatalf("addresses: %+v %v", a.Addresses, err)
	}
	o, err := c.UpdateOrder(ctx, 1, cirrus.OrderWrite{Discounted: rest.Some(false), Price: rest.Some(json.Number("0")),
		Rows: rest.Some([]cirrus.OrderRowWrite{{Specification: rest.Some("Text only"), QuantityOrdered: rest.Some(json.Number("2.5")),
			Price: rest.Some(json.Number("10")), ExternalKey: rest.Null[string]()}})})
	if err != nil || o.Price.String() != "0.0" || len(o.Rows) != 1 || (o.Rows[0].Article != nil && o.Rows[0].Article.ID != 0) || o.Rows[0].TotalPrice.String() != "25.0" ||
		o.Rows[0].ExternalKey != nil {
		t.Fatalf("order: %+v %v", o, err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    error
		check   func(t *testing.T, he *rest.HTTPError)
	}{
		{"400 validation", status(400, `{"errors": {"per_page": "too big"}, "message": "Input payload validation failed"}`, ""), rest.ErrBadRequest,
			func(t *testing.T, he *rest.HTTPError) {
				if he.Fields["per_page"] != "too big" || he.Message != "Input payload validation failed" {
					t.Fatalf("%+v", he)
				}
			}},
		{"401", status(401, `{"message": "The server could not verify that you are authorized"}`, ""), rest.ErrUnauthorized,
			func(t *testing.T, he *rest.HTTPError) {
				if !strings.HasPrefix(he.Message, "The server could not verify") {
					t.Fatalf("%+v", he)
				}
			}},
		{"403", status(403, `{"message": "Forbidden"}`, ""), rest.ErrForbidden, nil},
		{"404", status(404, `{"message": "Account 7 doesn't exist"}`, ""), rest.ErrNotFound,
			func(t *testing.T, he *rest.HTTPError) {
				if he.Message != "Account 7 doesn't exist" {
					t.Fatalf("%+v", he)
				}
			}},
		{"429 with Retry-After", status(429, `{"message": "slow down"}`, "7"), rest.ErrRateLimited,
			func(t *testing.T, he *rest.HTTPError) {
				if he.RetryAfter != 7*time.Second {
					t.Fatalf("retry after %v", he.RetryAfter)
				}
			}},
		{"500", status(500, `<html>oops</html>`, ""), rest.ErrUnavailable, nil},
		{"503", status(503, `{"message": "maintenance"}`, ""), rest.ErrUnavailable, nil},
		{"timeout", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, rest.ErrTimeout, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			c := cirrus.New(cirrus.Config{BaseURL: srv.URL, Token: token, Timeout: 100 * time.Millisecond})
			_, err := c.Account(context.Background(), 7, "{id}")
			assertErr(t, err, tc.want, srv.URL)
			var he *rest.HTTPError
			if tc.check != nil {
				if !errors.As(err, &he) {
					t.Fatalf("not an *rest.HTTPError: %v", err)
				}
				tc.check(t, he)
			}
			if !strings.HasPrefix(err.Error(), "cirrus: get account 7: ") {
				t.Fatalf("error not wrapped with the operation: %v", err)
			}
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + ln.Addr().String()
		ln.Close()
		_, err = cirrus.New(cirrus.Config{BaseURL: url, Token: token}).Orders(context.Background(), cirrus.OrderQuery{AccountIDs: []int{1}})
		assertErr(t, err, rest.ErrUnavailable, url)
	})
	t.Run("sandbox 401 for a wrong token", func(t *testing.T) {
		srv := httptest.NewServer(sandbox.New(world(), "other"))
		defer srv.Close()
		_, err := cirrus.New(cirrus.Config{BaseURL: srv.URL, Token: token}).OrderStatuses(context.Background())
		assertErr(t, err, rest.ErrUnauthorized, srv.URL)
	})
}

func status(code int, body, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Token") != token || r.Header.Get("X-Fields") != "{id}" {
			http.Error(w, "client sent the wrong headers", http.StatusTeapot)
			return
		}
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

func assertErr(t *testing.T, err, want error, url string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	if msg := err.Error(); strings.Contains(msg, token) || strings.Contains(msg, url) || strings.Contains(msg, "127.0.0.1") {
		t.Fatalf("error leaks the token or URL: %s", msg)
	}
}

func TestPageDecodesBothEnvelopes(t *testing.T) {
	tests := []struct{ name, body string }{
		{"object", `{"page": 2, "pages": 3, "per_page": 1, "total": 3, "items": [{"id": 5}]}`},
		{"array-wrapped as in the spec", `[{"page": 2, "pages": 3, "per_page": 1, "total": 3, "items": [{"id": 5}]}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p cirrus.Page[cirrus.Account]
			if err := json.Unmarshal([]byte(tc.body), &p); err != nil {
				t.Fatal(err)
			}
			if p.Page != 2 || p.Pages != 3 || p.PerPage != 1 || p.Total != 3 || len(p.Items) != 1 || p.Items[0].ID != 5 {
				t.Fatalf("%+v", p)
			}
		})
	}
}

func TestFlag(t *testing.T) {
	tests := []struct {
		in   string
		want cirrus.Flag
	}{{"1", 1}, {"0", 0}, {"true", 1}, {"false", 0}, {`"1"`, 1}, {"null", 0}, {"2", 2}}
	for _, tc := range tests {
		var f cirrus.Flag
		if err := json.Unmarshal([]byte(tc.in), &f); err != nil || f != tc.want {
			t.Errorf("%s: %v %v", tc.in, f, err)
		}
	}
	var f cirrus.Flag
	if err := json.Unmarshal([]byte(`"yes"`), &f); err == nil {
		t.Error("accepted a non-number")
	}
}

package support_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"crmgraph/backends/rest"
	"crmgraph/backends/sandbox/dataset"
	sandbox "crmgraph/backends/sandbox/support"
	"crmgraph/backends/support"
)

const (
	token    = "secret-api-key"
	appID    = "app-123"
	consumer = "consumer-9"
)

var world = sync.OnceValue(func() *dataset.World { return dataset.New(3) })

// shared is one sandbox for the tests that only read.
var shared = sync.OnceValue(func() *sandbox.Server {
	return sandbox.New(world(), sandbox.Config{Token: token, AppID: appID, Consumer: consumer})
})

// recorder serves the sandbox and checks that every request carries the headers of
// the client configuration (a header left empty in it must be absent).
type recorder struct {
	t   *testing.T
	h   http.Handler
	cfg support.Config

	mu      sync.Mutex
	queries []url.Values
	bodies  [][]byte
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	checks := map[string]string{
		"Authorization":         "Bearer " + rc.cfg.Token,
		"x-apideck-app-id":      rc.cfg.AppID,
		"x-apideck-consumer-id": rc.cfg.ConsumerID,
		"x-apideck-service-id":  rc.cfg.ServiceID,
		"Accept":                "application/json",
	}
	for k, want := range checks {
		if got := r.Header.Get(k); got != want {
			rc.t.Errorf("%s %s: header %s = %q, want %q", r.Method, r.URL.Path, k, got, want)
		}
	}
	body, _ := io.ReadAll(r.Body)
	if len(body) > 0 && r.Header.Get("Content-Type") != "application/json" {
		rc.t.Errorf("body sent with Content-Type %q", r.Header.Get("Content-Type"))
	}
	rc.mu.Lock()
	rc.queries = append(rc.queries, r.URL.Query())
	rc.bodies = append(rc.bodies, body)
	rc.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	rc.h.ServeHTTP(w, r)
}

func (rc *recorder) lastQuery() url.Values {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.queries[len(rc.queries)-1]
}

func (rc *recorder) lastBody() []byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.bodies[len(rc.bodies)-1]
}

// clientOf mounts s under /support (as the sandbox composition does) and returns a
// client of it; cfg edits the client configuration.
func clientOf(t *testing.T, s *sandbox.Server, cfg func(*support.Config)) (*support.Client, *recorder) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/support/", http.StripPrefix("/support", s))
	rc := &recorder{t: t, h: mux}
	ts := httptest.NewServer(rc)
	t.Cleanup(ts.Close)
	c := support.Config{BaseURL: ts.URL + "/support/", Token: token, AppID: appID, ConsumerID: consumer,
		HTTP: ts.Client(), Timeout: 10 * time.Second}
	if cfg != nil {
		cfg(&c)
	}
	rc.cfg = c
	return support.New(c), rc
}

func TestCustomers(t *testing.T) {
	c, rc := clientOf(t, shared(), nil)
	ctx := t.Context()

	t.Run("first page with defaults", func(t *testing.T) {
		page, err := c.Customers(ctx, support.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Customers) != 20 || page.Next == "" || page.Service != "kustomer" {
			t.Fatalf("page: %d customers, next %q, service %q", len(page.Customers), page.Next, page.Service)
		}
		if q := rc.lastQuery(); len(q) != 0 {
			t.Errorf("query = %v, want none", q)
		}
		cu := page.Customers[0]
		if cu.ID == "" || cu.CreatedAt == nil || cu.UpdatedAt == nil || len(cu.Emails) == 0 || len(cu.Addresses) == 0 || cu.Currency == "" || cu.Status == "" {
			t.Errorf("customer decoded incompletely: %+v", cu)
		}
	})
	t.Run("walk every customer once", func(t *testing.T) {
		seen := map[string]int{}
		q := support.ListQuery{Limit: 500, Fields: []string{"id"}} // above MaxLimit: clamped
		for {
			page, err := c.Customers(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got := rc.lastQuery().Get("limit"); got != "200" {
				t.Fatalf("limit sent = %q, want 200", got)
			}
			for _, cu := range page.Customers {
				seen[cu.ID]++
				if cu.FirstName != "" || cu.CreatedAt != nil {
					t.Fatalf("fields=id returned more: %+v", cu)
				}
			}
			if page.Next == "" {
				break
			}
			q.Cursor = page.Next
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s returned %d times", id, n)
			}
		}
		people := world().PeopleWhere(func(p *dataset.Person) bool { return p.SupportID != "" })
		for _, p := range people {
			if seen[p.SupportID] != 1 {
				t.Fatalf("support customer %s of person %d not listed", p.SupportID, p.Index)
			}
		}
		if len(seen) <= len(people) {
			t.Errorf("%d customers for %d people: no company customers", len(seen), len(people))
		}
	})
	t.Run("fields", func(t *testing.T) {
		page, err := c.Customers(ctx, support.ListQuery{Limit: 3, Fields: []string{"id", " emails.email ", ""}})
		if err != nil {
			t.Fatal(err)
		}
		if got := rc.lastQuery().Get("fields"); got != "id,emails.email" {
			t.Errorf("fields sent = %q", got)
		}
		for _, cu := range page.Customers {
			if cu.ID == "" || cu.Emails[0].Email == "" || cu.Emails[0].Type != "" || cu.CompanyName != "" {
				t.Errorf("projected customer = %+v", cu)
			}
		}
		if _, err := c.Customers(ctx, support.ListQuery{Limit: 1, Fields: []string{" "}}); err != nil {
			t.Fatal(err)
		}
		if q := rc.lastQuery(); q.Has("fields") || q.Get("limit") != "1" {
			t.Errorf("query = %v, want limit=1 and no fields", q)
		}
	})
}

func TestCustomer(t *testing.T) {
	c, rc := clientOf(t, shared(), func(cfg *support.Config) { cfg.ServiceID = "kustomer" })
	p := world().PeopleWhere(func(p *dataset.Person) bool { return p.SupportID != "" })[7]
	company := world().Companies[p.CompanyIndex]
	cu, err := c.Customer(t.Context(), p.SupportID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cu.ID != p.SupportID || cu.FirstName != p.FirstName || cu.LastName != p.LastName || cu.CompanyName != company.Name ||
		cu.Individual == nil || !*cu.Individual || cu.Emails[0].Email != p.Email || len(cu.PhoneNumbers) != 2 ||
		"+"+cu.PhoneNumbers[1].CountryCode+" "+cu.PhoneNumbers[1].AreaCode+" "+cu.PhoneNumbers[1].Number != p.Mobile ||
		cu.Addresses[0].City != p.City || cu.Addresses[0].Country != p.Country {
		t.Errorf("customer = %+v", cu)
	}
	if rc.lastQuery().Has("fields") {
		t.Error("fields sent without fields")
	}
	cu, err = c.Customer(t.Context(), p.SupportID, []string{"last_name", "addresses.city"})
	if err != nil {
		t.Fatal(err)
	}
	if cu.ID != "" || cu.LastName != p.LastName || cu.Addresses[0].City != p.City || cu.Addresses[0].Line1 != "" {
		t.Errorf("projected customer = %+v", cu)
	}
}

func TestWrites(t *testing.T) {
	c, rc := clientOf(t, sandbox.New(world(), sandbox.Config{Token: token, AppID: appID, Consumer: consumer}), nil)
	ctx := t.Context()
	yes := true
	created := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	in := support.Customer{
		ID: "ignored", CreatedAt: &created, CreatedBy: "me",
		FirstName: "Ada", LastName: "Lovelace", CompanyName: "Engines Ltd", Individual: &yes,
		Emails:       []support.Email{{Email: "ada@engines.example", Type: "work"}},
		PhoneNumbers: []support.PhoneNumber{{CountryCode: "44", AreaCode: "20", Number: "1234 5678", Type: "mobile"}},
		Addresses:    []support.Address{{Type: "office", Line1: "1 Analytical Way", City: "London", Country: "GB"}},
		Currency:     "GBP", Status: support.StatusActive, Notes: "First programmer",
		BankAccounts: &support.BankAccount{IBAN: "GB33BUKB20201555555555", AccountType: "bank_account"},
	}
	id, err := c.CreateCustomer(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var sent map[string]any
	if err := json.Unmarshal(rc.lastBody(), &sent); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "created_at", "created_by", "updated_at", "updated_by"} {
		if _, ok := sent[k]; ok {
			t.Errorf("read-only %q sent", k)
		}
	}
	if id == "" || id == "ignored" {
		t.Fatalf("created id %q", id)
	}
	got, err := c.Customer(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.FirstName != "Ada" || got.BankAccounts == nil || got.BankAccounts.IBAN != in.BankAccounts.IBAN || got.Emails[0].Email != "ada@engines.example" ||
		got.CreatedAt == nil || got.CreatedAt.Equal(created) || got.Addresses[0].City != "London" {
		t.Errorf("created customer = %+v", got)
	}

	uid, err := c.UpdateCustomer(ctx, id, support.Customer{LastName: "King", Status: support.StatusArchived})
	if err != nil || uid != id {
		t.Fatalf("update = %q, %v", uid, err)
	}
	if string(rc.lastBody()) != `{"last_name":"King","status":"archived"}` {
		t.Errorf("update body = %s", rc.lastBody())
	}
	got, err = c.Customer(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastName != "King" || got.FirstName != "Ada" || got.Status != "archived" || !got.UpdatedAt.After(*got.CreatedAt) {
		t.Errorf("updated customer = %+v", got)
	}

	if err := c.DeleteCustomer(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = c.Customer(ctx, id, nil)
	var herr *rest.HTTPError
	if !errors.Is(err, rest.ErrNotFound) || !errors.As(err, &herr) || herr.Code != support.TypeEntityNotFound {
		t.Errorf("get after delete: %v", err)
	}
	if err := c.DeleteCustomer(ctx, id); !errors.Is(err, rest.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	for name, call := range map[string]func() error{
		"get":    func() error { _, err := c.Customer(ctx, "", nil); return err },
		"update": func() error { _, err := c.UpdateCustomer(ctx, "", support.Customer{}); return err },
		"delete": func() error { return c.DeleteCustomer(ctx, "") },
	} {
		if err := call(); !errors.Is(err, rest.ErrBadRequest) {
			t.Errorf("%s with empty id: %v", name, err)
		}
	}
}

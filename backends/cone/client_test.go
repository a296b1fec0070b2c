package cone_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
	sandbox "crmgraph/backends/sandbox/cone"
	"crmgraph/backends/sandbox/dataset"
)

const token = "secret-jwt-token"

var world = sync.OnceValue(func() *dataset.World { return dataset.New(11) })

// counted serves the sandbox and counts requests per path.
type counted struct {
	h     http.Handler
	mu    sync.Mutex
	calls map[string]int
	total atomic.Int64
}

func (c *counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls[r.Method+" "+r.URL.Path]++
	c.mu.Unlock()
	c.total.Add(1)
	c.h.ServeHTTP(w, r)
}

// shared is one sandbox for the tests that only read.
var shared = sync.OnceValue(func() *sandbox.Server { return sandbox.New(world(), token) })

// newClient returns a client of the shared sandbox with a fresh request counter.
func newClient(t *testing.T) (*cone.Client, *counted) {
	t.Helper()
	return clientOf(t, shared())
}

func clientOf(t *testing.T, s *sandbox.Server) (*cone.Client, *counted) {
	t.Helper()
	h := &counted{h: s, calls: map[string]int{}}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return cone.New(cone.Config{BaseURL: ts.URL, Token: token, HTTP: ts.Client(), Timeout: 10 * time.Second}), h
}

func TestReads(t *testing.T) {
	c, _ := newClient(t)
	ctx := t.Context()
	w := world()
	cone0 := w.CompaniesInCone()

	t.Run("Accounts", func(t *testing.T) {
		got, err := c.Accounts(ctx, cone.AccountQuery{Offset: 0, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != len(cone0) || len(got.Accounts) != 5 {
			t.Fatalf("total=%d len=%d", got.Total, len(got.Accounts))
		}
		a := got.Accounts[0]
		if a.ID != cone0[0].ConeID || a.Name != cone0[0].Name || a.PrimaryContact == nil || len(a.Contacts) == 0 {
			t.Errorf("account = %+v", a)
		}
		if cone0[0].CirrusID != 0 && a.ThirdPartyID("CIRRUS") != strconv.Itoa(cone0[0].CirrusID) {
			t.Errorf("CIRRUS id = %q, want %d", a.ThirdPartyID("CIRRUS"), cone0[0].CirrusID)
		}
		if a.ThirdPartyIDs[0].Customer == nil || a.ThirdPartyIDs[0].DateCreated == nil {
			t.Errorf("thirdPartyIds decoded without BaseRecord fields: %+v", a.ThirdPartyIDs[0])
		}
	})
	t.Run("Accounts search and sort", func(t *testing.T) {
		got, err := c.Accounts(ctx, cone.AccountQuery{Search: cone0[3].Name, SortField: "name", SortDirection: "DESC", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range got.Accounts {
			found = found || a.ID == cone0[3].ConeID
		}
		if !found {
			t.Errorf("search %q did not find the account", cone0[3].Name)
		}
	})
	var contacts []cone.Contact
	t.Run("Contacts", func(t *testing.T) {
		var err error
		contacts, err = c.Contacts(ctx, cone.ContactQuery{Start: 0, Limit: 10, SortField: "lastName"})
		if err != nil {
			t.Fatal(err)
		}
		if len(contacts) != 10 || contacts[0].LastName == "" || len(contacts[0].Accounts) == 0 {
			t.Fatalf("contacts = %+v", contacts)
		}
	})
	t.Run("ContactByPhone", func(t *testing.T) {
		got, err := c.ContactByPhone(ctx, contacts[0].MobilePhone)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ct := range got {
			found = found || ct.ID == contacts[0].ID
		}
		if !found {
			t.Errorf("contact %s not found by phone %q", contacts[0].ID, contacts[0].MobilePhone)
		}
	})
	t.Run("Leads, ContactOpenLeads, LeadsByContactID", func(t *testing.T) {
		all, err := c.Leads(ctx, cone.LeadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 1500 {
			t.Fatalf("leads = %d", len(all))
		}
		var withOpen string
		for _, l := range all {
			if l.Open() {
				withOpen = l.Contact.ID
				break
			}
		}
		open, err := c.ContactOpenLeads(ctx, withOpen)
		if err != nil {
			t.Fatal(err)
		}
		byContact, err := c.LeadsByContactID(ctx, []string{withOpen})
		if err != nil {
			t.Fatal(err)
		}
		wantOpen := 0
		for _, l := range byContact {
			if l.Open() {
				wantOpen++
			}
		}
		if len(open) == 0 || len(open) != wantOpen {
			t.Errorf("open leads = %d, open among all leads of the contact = %d", len(open), wantOpen)
		}
		page2, err := c.Leads(ctx, cone.LeadFilter{AfterID: all[99].ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(page2) != len(all)-100 || page2[0].ID != all[100].ID {
			t.Errorf("keyset page: len=%d first=%s, want %d %s", len(page2), page2[0].ID, len(all)-100, all[100].ID)
		}
	})
	t.Run("Stages and Stage", func(t *testing.T) {
		stages, err := c.Stages(ctx)
		if err != nil || len(stages) != 13 {
			t.Fatalf("stages = %d, %v", len(stages), err)
		}
		one, err := c.Stage(ctx, stages[4].ID)
		if err != nil || *one != stages[4] {
			t.Errorf("stage = %+v, %v", one, err)
		}
	})
	t.Run("QueryBuilderConfig", func(t *testing.T) {
		cfg, err := c.QueryBuilderConfig(ctx, cone.EntityLead)
		if err != nil || len(cfg.Fields) == 0 || len(cfg.Operators) != 18 {
			t.Fatalf("config = %+v, %v", cfg, err)
		}
	})
	t.Run("Filter", func(t *testing.T) {
		rows, err := c.Filter(ctx, cone.EntityAccount, cone.Query{Rules: []cone.Rule{cone.Equal(cone.FieldID, cone0[1].ConeID)}})
		if err != nil || len(rows) != 1 || !strings.Contains(string(rows[0]), cone0[1].ConeID) {
			t.Fatalf("rows = %d, %v", len(rows), err)
		}
	})
}

func TestBatchLookups(t *testing.T) {
	w := world()
	companies := w.CompaniesInCone()
	var accIDs, conIDs, cirrusAccountIDs, cirrusContactIDs []string
	for _, co := range companies[:300] {
		accIDs = append(accIDs, co.ConeID)
		if co.CirrusID != 0 && len(cirrusAccountIDs) < 20 {
			cirrusAccountIDs = append(cirrusAccountIDs, strconv.Itoa(co.CirrusID))
		}
	}
	for _, p := range w.PeopleWhere(func(p *dataset.Person) bool { return p.ConeID != "" })[:20] {
		conIDs = append(conIDs, p.ConeID)
		if p.CirrusID != 0 {
			cirrusContactIDs = append(cirrusContactIDs, strconv.Itoa(p.CirrusID))
		}
	}
	c0, _ := newClient(t)
	leads, err := c0.Leads(t.Context(), cone.LeadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var lIDs []string
	for _, l := range leads[:20] {
		lIDs = append(lIDs, l.ID)
	}
	filterPath := "POST " + cone.Expand(cone.PathQueryBuilderFilter, "")
	tests := []struct {
		name         string
		run          func(ctx context.Context, c *cone.Client) ([]string, error)
		want         []string
		wantRequests int
	}{
		{"AccountsByID 20", func(ctx context.Context, c *cone.Client) ([]string, error) {
			return accountIDs(c.AccountsByID(ctx, append(accIDs[:20:20], accIDs[0], "unknown-id")))
		}, accIDs[:20], 1},
		{"AccountsByID above MaxFilterIDs", func(ctx context.Context, c *cone.Client) ([]string, error) {
			return accountIDs(c.AccountsByID(ctx, accIDs))
		}, accIDs, 2},
		{"ContactsByID", func(ctx context.Context, c *cone.Client) ([]string, error) {
			return contactIDs(c.ContactsByID(ctx, conIDs))
		}, conIDs, 1},
		{"LeadsByID", func(ctx context.Context, c *cone.Client) ([]string, error) {
			return leadIDs(c.LeadsByID(ctx, lIDs))
		}, lIDs, 1},
		{"AccountsByThirdPartyID", func(ctx context.Context, c *cone.Client) ([]string, error) {
			accs, err := c.AccountsByThirdPartyID(ctx, "CIRRUS", cirrusAccountIDs)
			var out []string
			for _, a := range accs {
				out = append(out, a.ThirdPartyID("CIRRUS"))
			}
			return out, err
		}, cirrusAccountIDs, 1},
		{"AccountsByThirdPartyID other system", func(ctx context.Context, c *cone.Client) ([]string, error) {
			return accountIDs(c.AccountsByThirdPartyID(ctx, "SUPPORT", cirrusAccountIDs))
		}, nil, 1},
		{"ContactsByThirdPartyID", func(ctx context.Context, c *cone.Client) ([]string, error) {
			cs, err := c.ContactsByThirdPartyID(ctx, "CIRRUS", cirrusContactIDs)
			var out []string
			for _, ct := range cs {
				out = append(out, ct.ThirdPartyID("CIRRUS"))
			}
			return out, err
		}, cirrusContactIDs, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, h := newClient(t)
			got, err := tt.run(t.Context(), c)
			if err != nil {
				t.Fatal(err)
			}
			if h.total.Load() != int64(tt.wantRequests) {
				t.Errorf("requests = %d, want %d (%v)", h.total.Load(), tt.wantRequests, h.calls)
			}
			for k := range h.calls {
				if !strings.HasPrefix(k, filterPath) {
					t.Errorf("unexpected call %s", k)
				}
			}
			if !sameSet(got, tt.want) {
				t.Errorf("got %d records %v, want %d %v", len(got), head(got), len(tt.want), head(tt.want))
			}
		})
	}
}

func accountIDs(xs []cone.Account, err error) ([]string, error) {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, x.ID)
	}
	return out, err
}

func contactIDs(xs []cone.Contact, err error) ([]string, error) {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, x.ID)
	}
	return out, err
}

func leadIDs(xs []cone.Lead, err error) ([]string, error) {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, x.ID)
	}
	return out, err
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		if m[x] == 0 {
			return false
		}
		m[x]--
	}
	return true
}

func head(xs []string) []string { return xs[:min(3, len(xs))] }

func TestMutations(t *testing.T) {
	c, _ := clientOf(t, sandbox.New(world(), token))
	ctx := t.Context()
	w := world()
	contactID := w.PeopleWhere(func(p *dataset.Person) bool { return p.ConeID != "" })[0].ConeID
	user := w.Users[2].ConeID
	acc, err := c.CreateAccount(ctx, cone.AccountInput{Name: rest.Some("Client AB"), City: rest.Some("Umeå"),
		Contacts: rest.Some([]cone.Contact{{Customer: cone.Customer{ID: contactID}}})})
	if err != nil {
		t.Fatal(err)
	}
	if acc.ID == "" || acc.Name != "Client AB" || acc.PrimaryContact == nil || acc.PrimaryContact.ID != contactID {
		t.Fatalf("created account = %+v", acc)
	}
	upd, err := c.UpdateAccount(ctx, acc.ID, cone.AccountInput{City: rest.Some("Luleå")})
	if err != nil || upd.City != "Luleå" || upd.Name != "Client AB" {
		t.Fatalf("updated = %+v, %v", upd, err)
	}
	got, err := c.AccountsByID(ctx, []string{acc.ID})
	if err != nil || len(got) != 1 || got[0].City != "Luleå" {
		t.Fatalf("read back = %+v, %v", got, err)
	}
	if err := c.DeleteAccount(ctx, acc.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAccount(ctx, acc.ID); !errors.Is(err, rest.ErrNotFound) {
		t.Fatalf("second delete: %v, want ErrNotFound", err)
	}

	lead, err := c.CreateLead(ctx, cone.LeadCreateRequest{Subject: "Test drive XC60", Department: cone.Ref{ID: "dep"},
		Contact: cone.Ref{ID: contactID}, Source: cone.Ref{ID: "web"}, Franchise: cone.Ref{ID: "fr"}})
	if err != nil || lead.Contact == nil || lead.Contact.ID != contactID || !lead.Open() {
		t.Fatalf("lead = %+v, %v", lead, err)
	}
	_, err = c.CreateLead(ctx, cone.LeadCreateRequest{Contact: cone.Ref{ID: contactID}})
	var herr *rest.HTTPError
	if !errors.As(err, &herr) || herr.Status != 400 || herr.Fields["subject"] == "" {
		t.Fatalf("invalid lead: %v, want 400 with a subject field error", err)
	}
	cp, err := c.CopyLead(ctx, lead.ID, cone.CopyLeadData{Contact: cone.Contact{Customer: cone.Customer{ID: contactID}}, Subject: new("Copy")})
	if err != nil || cp.ID == lead.ID || cp.Subject != "Copy" {
		t.Fatalf("copy = %+v, %v", cp, err)
	}

	st, err := c.CreateStage(ctx, cone.Stage{Name: "Delivered"})
	if err != nil || st.ID == "" {
		t.Fatalf("stage = %+v, %v", st, err)
	}
	if st, err = c.UpdateStage(ctx, st.ID, cone.Stage{Name: "Handed over"}); err != nil || st.Name != "Handed over" {
		t.Fatalf("renamed stage = %+v, %v", st, err)
	}
	if err := c.DeleteStage(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stage(ctx, st.ID); !errors.Is(err, rest.ErrNotFound) {
		t.Fatalf("deleted stage: %v, want ErrNotFound", err)
	}
	if err := c.DeleteStage(ctx, lead.Stage.ID); !errors.Is(err, rest.ErrBadRequest) {
		t.Fatalf("delete used stage: %v, want ErrBadRequest", err)
	}

	call := cone.TaskCall
	task, err := c.CreateTask(ctx, cone.TaskRequest{Type: &call, Assignee: user, Title: "Call back", Contact: &contactID, Connection: &lead.ID})
	if err != nil || task.Assignee == nil || task.Assignee.ID != user || task.Connection == nil || task.Connection.ID != lead.ID || task.Contact == nil {
		t.Fatalf("task = %+v, %v", task, err)
	}
	if task, err = c.UpdateTask(ctx, task.ID, cone.TaskRequest{Assignee: user, Title: "Call again"}); err != nil || task.Title != "Call again" {
		t.Fatalf("updated task = %+v, %v", task, err)
	}
	_, err = c.UpdateTask(ctx, task.ID, cone.TaskRequest{Assignee: user})
	if !errors.As(err, &herr) || herr.Message != "title This value should not be blank." {
		t.Fatalf("invalid task: %v", err)
	}
	if err := c.DeleteTask(ctx, task.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteTask(ctx, task.ID); !errors.Is(err, rest.ErrNotFound) {
		t.Fatalf("second task delete: %v", err)
	}
}

package cirrus_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/rest"
)

// TestCreateWithoutBody: a create answered without the record takes it from Location,
// else from the list; it is never sent twice, and a record that cannot be found is an
// error that says it was created.
func TestCreateWithoutBody(t *testing.T) {
	tests := []struct {
		name     string
		location string
		list     string // the accounts list answer
		wantID   int
		wantHow  cirrus.CreateAnswer
		wantErr  error
	}{
		{"location absolute", "http://cirrus.example/api/accounts/77", "", 77, cirrus.FromLocation, nil},
		{"location relative", "/accounts/78/", "", 78, cirrus.FromLocation, nil},
		{"found: highest matching id", "", `{"page":1,"pages":1,"per_page":50,"total":3,"items":[{"id":5,"name":"New AB"},{"id":9,"name":"New AB"},{"id":12,"name":"New ABC"}]}`, 9, cirrus.FromList, nil},
		{"not found", "", `{"page":1,"pages":1,"per_page":50,"total":0,"items":[]}`, 0, cirrus.FromList, cirrus.ErrCreatedUnseen},
		{"list fails", "", "", 0, cirrus.FromList, cirrus.ErrCreatedUnseen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var posts atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodPost:
					posts.Add(1)
					if tc.location != "" {
						w.Header().Set("Location", tc.location)
					}
					w.WriteHeader(http.StatusCreated)
				case r.URL.Path == "/accounts/77" || r.URL.Path == "/accounts/78":
					_, _ = w.Write([]byte(`{"id":` + r.URL.Path[len("/accounts/"):] + `,"name":"New AB"}`))
				case r.URL.Path == "/accounts" && tc.list != "":
					if r.URL.Query().Get("name") != "New AB" {
						t.Errorf("find does not filter by the written name: %s", r.URL.RawQuery)
					}
					_, _ = w.Write([]byte(tc.list))
				default:
					w.WriteHeader(http.StatusInternalServerError)
				}
			}))
			defer srv.Close()
			c := cirrus.New(cirrus.Config{BaseURL: srv.URL, Token: "t", HTTP: srv.Client()})
			a, how, err := c.CreateAccountAnswered(context.Background(), cirrus.AccountWrite{Name: rest.Some("New AB"), TypeID: rest.Some(1), UserID: rest.Some(1)})
			if posts.Load() != 1 {
				t.Fatalf("%d POSTs, want 1", posts.Load())
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || a != nil {
					t.Fatalf("got %+v %v, want %v", a, err, tc.wantErr)
				}
				return
			}
			if err != nil || a.ID != tc.wantID || how != tc.wantHow {
				t.Fatalf("got %+v %s %v, want id %d from %s", a, how, err, tc.wantID, tc.wantHow)
			}
		})
	}
}

// TestSettingsMustFitTheAPI: against the alternative sandbox, the default settings fail
// loudly (slash) or see empty items (mask), and a lower page cap keeps pages exact.
func TestSettingsMustFitTheAPI(t *testing.T) {
	ctx := context.Background()
	def, alt := newClientFor(t, false), newClientFor(t, true)
	mismatched := alt.With(func(c *cirrus.Config) { c.TrailingSlash = false })
	if _, err := mismatched.AccountTypes(ctx); err == nil {
		t.Fatal("a slash-less collection path was answered by the slash-only sandbox")
	}
	envelope := alt.With(func(c *cirrus.Config) { c.MaskPlacement = cirrus.MaskEnvelope })
	q := cirrus.AccountQuery{ListOptions: cirrus.ListOptions{Page: 1, PerPage: 5, Mask: "{id,name}"}}
	p, err := envelope.Accounts(ctx, q)
	if err != nil || len(p.Items) == 0 || p.Items[0].ID != 0 {
		t.Fatalf("an envelope mask on an item-masking API should leave empty items: %+v %v", p, err)
	}
	for _, page := range []int{1, 2, 3} {
		for _, perPage := range []int{50, 30, 7} {
			q := cirrus.AccountQuery{ListOptions: cirrus.ListOptions{Page: page, PerPage: perPage, Mask: "{id,name}"}}
			want, err := def.Accounts(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := alt.Accounts(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total || got.Pages != want.Pages || got.PerPage != perPage || len(got.Items) != len(want.Items) {
				t.Fatalf("page %d per %d: got %d/%d/%d items %d, want %d/%d items %d", page, perPage,
					got.Total, got.Pages, got.PerPage, len(got.Items), want.Total, want.Pages, len(want.Items))
			}
			for i := range want.Items {
				if got.Items[i].ID != want.Items[i].ID || got.Items[i].Name != want.Items[i].Name || got.Items[i].ID == 0 {
					t.Fatalf("page %d per %d item %d: got %+v, want %+v", page, perPage, i, got.Items[i], want.Items[i])
				}
			}
		}
	}
}

package clientdata_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"crmgraph/backends/clientdata"
	"crmgraph/backends/rest"
	sandbox "crmgraph/backends/sandbox/clientdata"
)

// alt is a sandbox taking the alternative reading of the seed's open points.
var alt = sync.OnceValue(func() *sandbox.Server {
	s := sandbox.New(world(), sandbox.Tokens{})
	s.UseAlternative()
	return s
})

func ids(rs []clientdata.ChangeRequestSummary) []int32 {
	out := make([]int32, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// TestPagingSettings: with CLIENT_DATA_PAGE_SIZE and CLIENT_DATA_PAGE_BASE set for
// the alternative sandbox (pages from 0, at most 100), a client page of any size is
// exactly the one the default sandbox gives in one call.
func TestPagingSettings(t *testing.T) {
	def, _, _ := start(t, sb(), secret)
	srv := httptest.NewServer(alt())
	t.Cleanup(srv.Close)
	fitted := clientdata.New(clientdata.Config{BaseURL: srv.URL, Token: secret, Timeout: 5 * time.Second, ServiceForAnonymous: true,
		PageSize: sandbox.AltMaxPageSize, ZeroBasedPages: true})
	unfitted := clientdata.New(clientdata.Config{BaseURL: srv.URL, Token: secret, Timeout: 5 * time.Second, ServiceForAnonymous: true})
	ctx := context.Background()
	for _, q := range []clientdata.SearchQuery{
		{Page: 1, PageSize: 500}, {Page: 2, PageSize: 250}, {Page: 3, PageSize: 7}, {Page: 1, PageSize: 100}, {Page: 40, PageSize: 150},
	} {
		want, err := def.SearchChangeRequests(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fitted.SearchChangeRequests(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		if !slices.Equal(ids(got.Results), ids(want.Results)) || got.TotalCount != want.TotalCount ||
			got.Page != want.Page || got.PageSize != want.PageSize || got.PageCount != want.PageCount {
			t.Fatalf("page %d size %d: got %d results (page %d/%d, total %d), want %d (page %d/%d, total %d)", q.Page, q.PageSize,
				len(got.Results), got.Page, got.PageCount, got.TotalCount, len(want.Results), want.Page, want.PageCount, want.TotalCount)
		}
	}
	if _, err := unfitted.SearchChangeRequests(ctx, clientdata.SearchQuery{Page: 1, PageSize: 500}); !errors.Is(err, rest.ErrBadRequest) {
		t.Fatalf("500 a page against a cap of 100: %v, want ErrBadRequest", err)
	}
	// The default base against 0-based pages skips the first page.
	p2, err := unfitted.SearchChangeRequests(ctx, clientdata.SearchQuery{Page: 1, PageSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	p1, err := fitted.SearchChangeRequests(ctx, clientdata.SearchQuery{Page: 2, PageSize: 5})
	if err != nil || !slices.Equal(ids(p1.Results), ids(p2.Results)) {
		t.Fatalf("base 1 on a 0-based API: page 1 is %v, want the API's second %v (%v)", ids(p2.Results), ids(p1.Results), err)
	}
}

// TestExportPolling: a job pending for its first reads (202) is read again until
// ready, at most ExportPolls times and not past the deadline; a ready job is read once.
func TestExportPolling(t *testing.T) {
	for _, tc := range []struct {
		name    string
		alt     bool
		polls   int
		timeout time.Duration
		reads   int64
		want    error
	}{
		{"ready at once", false, 0, 5 * time.Second, 1, nil},
		{"pending then ready", true, 0, 5 * time.Second, sandbox.AltPendingReads + 1, nil},
		{"more pending reads than polls", true, sandbox.AltPendingReads, 5 * time.Second, sandbox.AltPendingReads, clientdata.ErrExportPending},
		{"deadline before the next read", true, 0, 30 * time.Millisecond, 1, clientdata.ErrExportPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h = sb()
			if tc.alt {
				h = alt()
			}
			_, calls, url := start(t, h, secret)
			cfg := clientdata.Config{BaseURL: url, Token: secret, Timeout: 5 * time.Second, ServiceForAnonymous: true,
				ExportPolls: tc.polls, ExportPollDelay: 40 * time.Millisecond}
			if tc.alt { // the alternative sandbox heads its identity columns differently
				cfg.ExportColumns, _ = clientdata.ParseExportColumns("id=contactId,uId=contactUid")
			}
			c := clientdata.New(cfg)
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			job, err := c.ExportContacts(context.Background(), clientdata.ContactsExportQuery(0, 3, ""))
			if err != nil {
				t.Fatal(err)
			}
			before := calls.Load()
			rows, err := c.ExportedContacts(ctx, job)
			if reads := calls.Load() - before; !errors.Is(err, tc.want) && (tc.want != nil || err != nil) || reads != tc.reads {
				t.Fatalf("err %v (want %v), %d reads (want %d)", err, tc.want, reads, tc.reads)
			}
			if tc.want == nil && len(rows) != 3 {
				t.Fatalf("%d rows, want 3", len(rows))
			}
			for _, r := range rows {
				if r.ID == 0 || r.UID == "" || r.Fields[clientdata.FieldLastName] == "" {
					t.Fatalf("row %+v lacks its id, uId or last name", r)
				}
			}
		})
	}
}

// The export CSV's identity headers are a setting: the client reads either sandbox's
// CSV with the matching CLIENT_DATA_EXPORT_COLUMNS, and neither with the other's.
func TestExportColumns(t *testing.T) {
	altCols, err := clientdata.ParseExportColumns("id=contactId, uId=contactUid")
	if err != nil {
		t.Fatal(err)
	}
	if want := (clientdata.ExportColumns{ID: "contactId", UID: "contactUid", Username: "username"}); altCols != want {
		t.Fatalf("parsed %+v, want %+v", altCols, want)
	}
	for _, bad := range []string{"id", "id=", "email=mail"} {
		if _, err := clientdata.ParseExportColumns(bad); err == nil {
			t.Fatalf("%q parsed", bad)
		}
	}
	read := func(h http.Handler, cols clientdata.ExportColumns) ([]clientdata.ExportedContact, error) {
		_, _, url := start(t, h, secret)
		c := clientdata.New(clientdata.Config{BaseURL: url, Token: secret, ServiceForAnonymous: true,
			ExportPollDelay: time.Millisecond, ExportColumns: cols})
		job, err := c.ExportContacts(t.Context(), clientdata.ContactsExportQuery(0, 2, ""))
		if err != nil {
			t.Fatal(err)
		}
		return c.ExportedContacts(t.Context(), job)
	}
	def, err := read(sb(), clientdata.ExportColumns{})
	if err != nil || len(def) != 2 {
		t.Fatalf("default sandbox, default columns: %d rows, %v", len(def), err)
	}
	got, err := read(alt(), altCols)
	if err != nil || len(got) != 2 {
		t.Fatalf("alternative sandbox with its columns: %d rows, %v", len(got), err)
	}
	for i := range got { // the same contacts, whichever headers name them
		if got[i].ID != def[i].ID || got[i].UID != def[i].UID || got[i].Username != def[i].Username {
			t.Fatalf("row %d: %+v, default sandbox %+v", i, got[i], def[i])
		}
	}
	if _, err := read(alt(), clientdata.ExportColumns{}); !errors.Is(err, rest.ErrUnavailable) || !strings.Contains(err.Error(), "CLIENT_DATA_EXPORT_COLUMNS") {
		t.Fatalf("alternative sandbox, default columns: %v, want an unusable answer naming the setting", err)
	}
	if _, err := read(sb(), altCols); !errors.Is(err, rest.ErrUnavailable) {
		t.Fatalf("default sandbox, the alternative's columns: %v, want an unusable answer", err)
	}
}

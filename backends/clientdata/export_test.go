package clientdata_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"crmgraph/backends/clientdata"
	"crmgraph/backends/rest"
	"crmgraph/backends/sandbox/dataset"
)

func TestExportRoundTrip(t *testing.T) {
	c, calls, _ := start(t, sb(), secret)
	ctx := context.Background()
	all := people(func(dataset.Person) bool { return true })

	var full []clientdata.ExportedContact
	t.Run("all contacts: two requests, id order, exportable columns", func(t *testing.T) {
		before := calls.Load()
		job, err := c.ExportContacts(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		full, err = c.ExportedContacts(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		if n := calls.Load() - before; n != 2 {
			t.Fatalf("%d requests, want 2", n)
		}
		if len(full) < len(all) || !slices.IsSortedFunc(full, func(a, b clientdata.ExportedContact) int { return int(a.ID - b.ID) }) {
			t.Fatalf("%d rows (sorted %v), want at least the %d generated contacts in id order", len(full),
				slices.IsSortedFunc(full, func(a, b clientdata.ExportedContact) int { return int(a.ID - b.ID) }), len(all))
		}
		byID := map[int32]clientdata.ExportedContact{}
		for _, e := range full {
			byID[e.ID] = e
		}
		p := all[len(all)/3]
		e := byID[p.ClientDataID]
		if e.UID != p.ClientDataUUID || e.Username == "" || e.FirstName() != p.FirstName || e.LastName() != p.LastName ||
			e.DisplayName() != p.Name() || e.Mobile() != p.Mobile || e.Phone() != p.Phone || e.City() != p.City {
			t.Fatalf("exported %+v, want person %+v", e, p)
		}
		if _, ok := e.Fields["personalInformation.birthDate"]; ok {
			t.Fatal("birth date exported but not isExportable")
		}
		for _, col := range []string{clientdata.ColumnID, clientdata.ColumnUID, clientdata.ColumnUsername} {
			if _, ok := e.Fields[col]; ok {
				t.Fatalf("identity column %q repeated in Fields", col)
			}
		}
	})
	if len(full) == 0 {
		t.FailNow()
	}
	p := all[len(all)/2]
	last := p.LastName
	var named []int32
	for _, e := range full {
		if strings.Contains(strings.ToLower(e.DisplayName()), strings.ToLower(last)) {
			named = append(named, e.ID)
		}
	}
	for _, tc := range []struct {
		name  string
		query string
		want  []int32
	}{
		{"skip/take", clientdata.ContactsExportQuery(5, 3, ""), []int32{full[5].ID, full[6].ID, full[7].ID}},
		{"display name contains", clientdata.ContactsExportQuery(0, 0, strings.ToLower(last)), named},
		{"contains with paging", clientdata.ContactsExportQuery(0, 1, last), named[:1]},
		{"escaped quote matches nothing", clientdata.ContactsExportQuery(0, 0, `no "such\ name`+"\n"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := calls.Load()
			job, err := c.ExportContacts(ctx, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.ExportedContacts(ctx, job)
			if err != nil {
				t.Fatal(err)
			}
			if n := calls.Load() - before; n != 2 {
				t.Fatalf("%d requests, want 2", n)
			}
			var ids []int32
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Fatalf("ids %v, want %v", ids, tc.want)
			}
		})
	}
	t.Run("quoted commas, quotes and newlines survive", func(t *testing.T) {
		target := all[len(all)/4]
		title := fmt.Sprintf("Head, \"EU\" ops\nline %d", seq.Add(1))
		if _, err := c.PatchContactDetails(ctx, target.ClientDataID, map[string]any{"employment": map[string]any{"jobTitle": title}}, ""); err != nil {
			t.Fatal(err)
		}
		job, err := c.ExportContacts(ctx, fmt.Sprintf("query { contacts(where: { id: { eq: %d } }) { items { id } } }", target.ClientDataID))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.ExportedContacts(ctx, job)
		if err != nil || len(got) != 1 || got[0].JobTitle() != title || got[0].DisplayName() != target.Name() {
			t.Fatalf("got %+v %v, want title %q", got, err, title)
		}
	})
}

func TestExportRequests(t *testing.T) {
	type seen struct {
		contentType, auth, body string
		length                  int64
	}
	var mu sync.Mutex
	var last seen
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		last = seen{r.Header.Get("Content-Type"), r.Header.Get("Authorization"), string(b), r.ContentLength}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"exportJobId":"8a16feed-2e0d-4228-8fbb-a05bb4aba530"}`))
	})
	c, _, _ := start(t, h, secret)
	seedSample := `query { contacts( where: { and: [{ personalInformation: { displayName: { contains: "Shannon" } } }] } ) { items { } } }`
	for _, tc := range []struct {
		name, query string
		want        seen
	}{
		{"empty query sends no body", "", seen{"", "Bearer " + secret, "", 0}},
		{"query sent as raw text", seedSample, seen{"text/plain; charset=utf-8", "Bearer " + secret, seedSample, int64(len(seedSample))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job, err := c.ExportContacts(context.Background(), tc.query)
			if err != nil || job != "8a16feed-2e0d-4228-8fbb-a05bb4aba530" {
				t.Fatalf("job %q %v", job, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if last != tc.want {
				t.Fatalf("request %+v, want %+v", last, tc.want)
			}
		})
	}
}

func TestContactsExportQuery(t *testing.T) {
	for _, tc := range []struct {
		name        string
		skip, take  int
		displayName string
		want        string
	}{
		{"nothing", 0, 0, "", `query { contacts { items { id } } }`},
		{"negative is nothing", -1, -5, "", `query { contacts { items { id } } }`},
		{"paging", 40, 20, "", `query { contacts(skip: 40, take: 20) { items { id } } }`},
		{"filter as the seed writes it", 0, 0, "Shannon",
			`query { contacts(where: { and: [{ personalInformation: { displayName: { contains: "Shannon" } } }] }) { items { id } } }`},
		{"escapes", 0, 10, "a\"b\\c\nd\x01é",
			`query { contacts(take: 10, where: { and: [{ personalInformation: { displayName: { contains: "a\"b\\c\nd\u0001é" } } }] }) { items { id } } }`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := clientdata.ContactsExportQuery(tc.skip, tc.take, tc.displayName); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseContactsCSV(t *testing.T) {
	for _, tc := range []struct {
		name    string
		csv     string
		want    []clientdata.ExportedContact
		wantErr bool
	}{
		{"empty file", "", nil, false},
		{"header only", "id,uId,username\r\n", nil, false},
		{"BOM, CRLF, quoted commas, embedded newline, case-insensitive identity columns",
			"\ufeffID,UId,UserName,personalInformation.displayName,employment.jobTitle\r\n" +
				"7,u-7,ann,\"Smith, Ann\",\"Head, \"\"EU\"\"\nops\"\r\n" +
				"9,u-9,bo,Bo,\r\n",
			[]clientdata.ExportedContact{
				{ID: 7, UID: "u-7", Username: "ann", Fields: map[string]string{clientdata.FieldDisplayName: "Smith, Ann", clientdata.FieldJobTitle: "Head, \"EU\"\nops"}},
				{ID: 9, UID: "u-9", Username: "bo", Fields: map[string]string{clientdata.FieldDisplayName: "Bo", clientdata.FieldJobTitle: ""}},
			}, false},
		{"no id column", "uId,username\nu,n\n", nil, true},
		{"id not a number", "id,uId\nx,u\n", nil, true},
		{"id beyond int32", "id,uId\n4294967296,u\n", nil, true},
		{"ragged row", "id,uId\n1,u,extra\n", nil, true},
		{"bare quote", "id,uId\n1,a\"b\n", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := clientdata.ParseContactsCSV([]byte(tc.csv))
			if tc.wantErr {
				if !errors.Is(err, rest.ErrUnavailable) {
					t.Fatalf("error %v, want ErrUnavailable", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestExportErrors(t *testing.T) {
	ctx := context.Background()
	csvHandler := func(body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			_, _ = w.Write([]byte(body))
		})
	}
	for _, tc := range []struct {
		name    string
		handler http.Handler // nil: the sandbox
		token   string
		call    func(c *clientdata.Client) error
		want    error
		status  int
	}{
		{"malformed query is 400", nil, secret, func(c *clientdata.Client) error {
			_, err := c.ExportContacts(ctx, "query { contacts(")
			return err
		}, rest.ErrBadRequest, 400},
		{"unknown job is 404", nil, secret, func(c *clientdata.Client) error {
			_, err := c.ExportedContacts(ctx, "8a16feed-2e0d-4228-8fbb-a05bb4aba530")
			return err
		}, rest.ErrNotFound, 404},
		{"wrong token is 401", nil, "wrong-token", func(c *clientdata.Client) error {
			_, err := c.ExportContacts(ctx, "")
			return err
		}, rest.ErrUnauthorized, 401},
		{"500 on start", apiErrorHandler(500, "InternalServerError", "NA"), secret, func(c *clientdata.Client) error {
			_, err := c.ExportContacts(ctx, "query { contacts { items { id } } }")
			return err
		}, rest.ErrUnavailable, 500},
		{"answer without job id", csvHandler(`{}`), secret, func(c *clientdata.Client) error {
			_, err := c.ExportContacts(ctx, "")
			return err
		}, rest.ErrUnavailable, 0},
		{"answer not JSON", csvHandler(`id,uId`), secret, func(c *clientdata.Client) error {
			_, err := c.ExportContacts(ctx, "")
			return err
		}, rest.ErrUnavailable, 0},
		{"unusable CSV", csvHandler("id,uId\nnope,u\n"), secret, func(c *clientdata.Client) error {
			_, err := c.ExportedContacts(ctx, "8a16feed-2e0d-4228-8fbb-a05bb4aba530")
			return err
		}, rest.ErrUnavailable, 0},
		{"timeout on start", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }), secret, func(c *clientdata.Client) error {
			tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := c.ExportContacts(tctx, "")
			return err
		}, rest.ErrTimeout, 0},
		{"cancelled start", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }), secret, func(c *clientdata.Client) error {
			cctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(20*time.Millisecond, cancel)
			_, err := c.ExportContacts(cctx, "")
			return err
		}, context.Canceled, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.handler
			if h == nil {
				h = sb()
			}
			c, _, url := start(t, h, tc.token)
			err := tc.call(c)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var he *rest.HTTPError
			if tc.status != 0 && (!errors.As(err, &he) || he.Status != tc.status || he.Code == "" || he.Operation == "") {
				t.Fatalf("HTTPError %+v, want status %d with the API's code", he, tc.status)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "clientdata: ") || strings.Contains(msg, tc.token) || strings.Contains(msg, url) || strings.Contains(msg, "127.0.0.1") {
				t.Fatalf("error text %q leaks or lacks context", msg)
			}
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		u := srv.URL
		srv.Close()
		c := clientdata.New(clientdata.Config{BaseURL: u, Token: secret, ServiceForAnonymous: true})
		_, err := c.ExportContacts(ctx, "")
		if !errors.Is(err, rest.ErrUnavailable) || strings.Contains(err.Error(), u) {
			t.Fatalf("error %v", err)
		}
	})
}

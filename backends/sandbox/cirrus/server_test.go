package cirrus

import (
	"bytes"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"crmgraph/backends/sandbox/dataset"
)

const token = "sandbox-token"

// world is built once: under -race building it dominates the test time. It is never
// mutated; every test gets a server of its own.
var world = sync.OnceValue(func() *dataset.World { return dataset.New(42) })

func newServer(t *testing.T) *Server {
	t.Helper()
	return New(world(), token)
}

type resp struct {
	code int
	raw  []byte
	body any
}

func call(t *testing.T, s *Server, method, target string, hdr map[string]string, payload string) resp {
	t.Helper()
	var rd io.Reader
	if payload != "" {
		rd = strings.NewReader(payload)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Header.Set("X-Token", token)
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	r := resp{code: rec.Code, raw: rec.Body.Bytes()}
	if err := json.Unmarshal(r.raw, &r.body); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v: %q", method, target, err, r.raw)
	}
	return r
}

// at walks a decoded JSON value: at(v, "items", 0, "user", "id").
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func items(r resp) []any { a, _ := at(r.body, "items").([]any); return a }

func TestDataSizesAndSkew(t *testing.T) {
	s := newServer(t)
	if len(s.accounts) != dataset.CirrusCompanies || len(s.users) != dataset.NumUsers {
		t.Fatalf("accounts=%d users=%d", len(s.accounts), len(s.users))
	}
	if len(s.opps) < 3000 || len(s.orders) < 4000 || len(s.leads) < 1000 || len(s.contacts) < 6000 {
		t.Fatalf("too small: opportunities=%d orders=%d leads=%d contacts=%d", len(s.opps), len(s.orders), len(s.leads), len(s.contacts))
	}
	perAccount := make([]int, len(s.accounts))
	rows := 0
	for _, o := range s.orders {
		perAccount[o.accountID-1]++
		rows += len(o.rows)
	}
	slices.Sort(perAccount)
	maxN, median := perAccount[len(perAccount)-1], perAccount[len(perAccount)/2]
	t.Logf("opportunities=%d orders=%d rows=%d leads=%d max orders/account=%d median=%d", len(s.opps), len(s.orders), rows, len(s.leads), maxN, median)
	if maxN < 20 || median > 2 {
		t.Fatalf("orders per account not skewed: max=%d median=%d", maxN, median)
	}
}

func TestDeterministicForSeed(t *testing.T) {
	a, b, c := New(world()), New(world()), New(dataset.New(8))
	for _, target := range []string{"/orders?page=3&per_page=50", "/opportunities?page=2&per_page=50", "/leads?per_page=50", "/accounts/17"} {
		ra, rb, rc := call(t, a, "GET", target, nil, ""), call(t, b, "GET", target, nil, ""), call(t, c, "GET", target, nil, "")
		if !bytes.Equal(ra.raw, rb.raw) {
			t.Errorf("%s differs for the same seed", target)
		}
		if bytes.Equal(ra.raw, rc.raw) {
			t.Errorf("%s is the same for different seeds", target)
		}
	}
}

func TestEndpoints(t *testing.T) {
	s := newServer(t)
	acc1 := s.accounts[0]
	var bigAccount int
	for id, ids := range s.ordersByAcc {
		if len(ids) >= 20 {
			bigAccount = id
			break
		}
	}
	var sharedAccount *account
	for _, a := range s.accounts {
		if a.extKey != "" {
			sharedAccount = a
			break
		}
	}
	tests := []struct {
		name   string
		method string
		target string
		hdr    map[string]string
		body   string
		code   int
		check  func(t *testing.T, r resp)
	}{
		{name: "account by id", target: "/accounts/1", code: 200, check: func(t *testing.T, r resp) {
			if at(r.body, "id") != 1.0 || at(r.body, "name") != acc1.name || at(r.body, "type", "id") != float64(acc1.typeID) ||
				at(r.body, "user", "id") != float64(acc1.userID) || at(r.body, "active") != 1.0 {
				t.Fatalf("account 1 = %s", r.raw)
			}
			if got := len(at(r.body, "contacts").([]any)); got != len(acc1.contactIDs) || got == 0 {
				t.Fatalf("embedded contacts = %d, want %d", got, len(acc1.contactIDs))
			}
			if _, ok := at(r.body, "contacts", 0, "primary").(float64); !ok {
				t.Fatal("contacts[].primary is not an int flag")
			}
			if at(r.body, "addresses", "postal", "city") != acc1.addresses[postal].city {
				t.Fatal("postal address missing")
			}
		}},
		{name: "account externalkey is the ConeCRM id", target: "/accounts?active=2&externalkey=" + sharedAccount.extKey, code: 200, check: func(t *testing.T, r resp) {
			if at(r.body, "total") != 1.0 || at(items(r)[0], "id") != float64(sharedAccount.id) || at(items(r)[0], "externalkey") != sharedAccount.extKey {
				t.Fatalf("externalkey filter: %s", r.raw)
			}
		}},
		{name: "accounts envelope is a plain object", target: "/accounts?page=2&per_page=25", code: 200, check: func(t *testing.T, r resp) {
			if at(r.body, "page") != 2.0 || at(r.body, "per_page") != 25.0 || len(items(r)) != 25 {
				t.Fatalf("envelope: page=%v per_page=%v items=%d", at(r.body, "page"), at(r.body, "per_page"), len(items(r)))
			}
			total := at(r.body, "total").(float64)
			if want := float64((int(total) + 24) / 25); at(r.body, "pages") != want {
				t.Fatalf("pages = %v, want %v", at(r.body, "pages"), want)
			}
		}},
		{name: "accounts default to active only, active=2 gives all", target: "/accounts?active=2&per_page=1", code: 200, check: func(t *testing.T, r resp) {
			all := at(r.body, "total").(float64)
			active := at(call(t, s, "GET", "/accounts?per_page=1", nil, "").body, "total").(float64)
			if all != float64(len(s.accounts)) || active >= all || active == 0 {
				t.Fatalf("all=%v active=%v", all, active)
			}
		}},
		{name: "accounts sorted by name desc", target: "/accounts?sorting=name_desc&per_page=50", code: 200, check: func(t *testing.T, r resp) {
			names := []string{}
			for _, it := range items(r) {
				names = append(names, strings.ToLower(at(it, "name").(string)))
			}
			if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(b, a) }) {
				t.Fatalf("not sorted desc: %v", names)
			}
		}},
		{name: "accounts name wildcard", target: "/accounts?active=2&name=Nordic%25&per_page=50", code: 200, check: func(t *testing.T, r resp) {
			if len(items(r)) == 0 {
				t.Fatal("no match")
			}
			for _, it := range items(r) {
				if !strings.HasPrefix(at(it, "name").(string), "Nordic") {
					t.Fatalf("%v does not match Nordic%%", at(it, "name"))
				}
			}
		}},
		{name: "contacts of an account", target: "/contacts?accountid=1&per_page=50", code: 200, check: func(t *testing.T, r resp) {
			if int(at(r.body, "total").(float64)) != len(acc1.contactIDs) {
				t.Fatalf("total %v, want %d", at(r.body, "total"), len(acc1.contactIDs))
			}
			for _, it := range items(r) {
				if at(it, "account", "id") != 1.0 {
					t.Fatalf("contact of another account: %v", it)
				}
			}
		}},
		{name: "contact by id", target: "/contacts/5", code: 200, check: func(t *testing.T, r resp) {
			c := s.contacts[4]
			if at(r.body, "name") != c.name || at(r.body, "surname") != c.surname || at(r.body, "account", "id") != float64(c.accountID) {
				t.Fatalf("contact 5 = %s", r.raw)
			}
		}},
		{name: "opportunities of an account", target: "/opportunities?accountid=" + itoa(bigAccount) + "&per_page=50", code: 200, check: func(t *testing.T, r resp) {
			if int(at(r.body, "total").(float64)) != len(s.oppsByAccount[bigAccount]) {
				t.Fatalf("total %v want %d", at(r.body, "total"), len(s.oppsByAccount[bigAccount]))
			}
			for _, it := range items(r) {
				if at(it, "accountid") != float64(bigAccount) {
					t.Fatalf("wrong account %v", at(it, "accountid"))
				}
			}
		}},
		{name: "opportunity by id", target: "/opportunities/1", code: 200, check: func(t *testing.T, r resp) {
			if at(r.body, "statusid") != at(r.body, "status", "id") || at(r.body, "estimatedenddate") != s.opps[0].estimatedEnd {
				t.Fatalf("opportunity 1 = %s", r.raw)
			}
			if !bytes.Contains(r.raw, []byte(`"value": `+string(numText(s.opps[0].value)))) {
				t.Fatal("value not rendered as an exact number")
			}
		}},
		{name: "orders of several accounts in one call", target: "/orders?accountids=1," + itoa(bigAccount) + "&per_page=50&sorting=placedate_asc", code: 200, check: func(t *testing.T, r resp) {
			want := len(s.ordersByAcc[1]) + len(s.ordersByAcc[bigAccount])
			if int(at(r.body, "total").(float64)) != want {
				t.Fatalf("total %v want %d", at(r.body, "total"), want)
			}
			var dates []string
			for _, it := range items(r) {
				if id := at(it, "account", "id"); id != 1.0 && id != float64(bigAccount) {
					t.Fatalf("order of account %v", id)
				}
				if len(at(it, "rows").([]any)) == 0 {
					t.Fatal("order without rows")
				}
				dates = append(dates, at(it, "placedate").(string))
			}
			if !slices.IsSorted(dates) {
				t.Fatalf("not sorted by placedate: %v", dates)
			}
		}},
		{name: "order by id with rows", target: "/orders/1", code: 200, check: func(t *testing.T, r resp) {
			row := at(r.body, "rows", 0)
			if _, ok := at(row, "alternatvievalue").(float64); !ok {
				t.Fatalf("row lacks the verbatim alternatvievalue: %v", row)
			}
			if p := at(r.body, "placedate").(string); !strings.HasSuffix(p, "T00:00:00.000Z") {
				t.Fatalf("placedate format %q", p)
			}
		}},
		{name: "leads filtered by status", target: "/leads?status=2&per_page=50", code: 200, check: func(t *testing.T, r resp) {
			if len(items(r)) == 0 {
				t.Fatal("no leads")
			}
			for _, it := range items(r) {
				if at(it, "status", "id") != 2.0 {
					t.Fatalf("lead with status %v", at(it, "status", "id"))
				}
			}
		}},
		{name: "lead by id", target: "/leads/1", code: 200, check: func(t *testing.T, r resp) {
			if at(r.body, "contactcompany") != s.leads[0].cCompany {
				t.Fatalf("lead 1 = %s", r.raw)
			}
		}},
		{name: "users inactive", target: "/users?active=0&per_page=50", code: 200, check: func(t *testing.T, r resp) {
			for _, it := range items(r) {
				if at(it, "active") != 0.0 {
					t.Fatalf("active user in active=0: %v", it)
				}
			}
			if len(items(r)) == 0 {
				t.Fatal("no inactive users")
			}
		}},
		{name: "user by id", target: "/users/50", code: 200, check: func(t *testing.T, r resp) {
			if at(r.body, "id") != 50.0 || at(r.body, "surname") != s.users[49].surname {
				t.Fatalf("user 50 = %s", r.raw)
			}
		}},
		{name: "mask nested", target: "/accounts/1", hdr: map[string]string{"X-Fields": "{id,name,user{id,name},contacts{id}}"}, code: 200, check: func(t *testing.T, r resp) {
			m := r.body.(map[string]any)
			if len(m) != 4 || len(m["user"].(map[string]any)) != 2 || len(at(m, "contacts", 0).(map[string]any)) != 1 {
				t.Fatalf("mask not applied: %s", r.raw)
			}
		}},
		{name: "mask star keeps the rest", target: "/accounts/1", hdr: map[string]string{"X-Fields": "user{id},*"}, code: 200, check: func(t *testing.T, r resp) {
			if len(at(r.body, "user").(map[string]any)) != 1 || at(r.body, "addresses") == nil || at(r.body, "name") == nil {
				t.Fatalf("star mask: %s", r.raw)
			}
		}},
		{name: "mask on a page applies to the envelope", target: "/orders?per_page=2", hdr: map[string]string{"X-Fields": "{total,items{id,rows{id}}}"}, code: 200, check: func(t *testing.T, r resp) {
			if at(r.body, "page") != nil || at(r.body, "total") == nil || len(at(items(r)[0], "rows", 0).(map[string]any)) != 1 {
				t.Fatalf("page mask: %s", r.raw)
			}
		}},
		{name: "mask parse error", target: "/accounts/1", hdr: map[string]string{"X-Fields": "{id,name"}, code: 400, check: wantMessage("Mask parse error: Missing closing bracket")},
		{name: "bearer auth", target: "/users/1", hdr: map[string]string{"X-Token": "", "Authorization": "Bearer " + token}, code: 200},
		{name: "no token", target: "/accounts/1", hdr: map[string]string{"X-Token": ""}, code: 401, check: wantMessage(msgUnauthorized)},
		{name: "wrong token", target: "/orders", hdr: map[string]string{"X-Token": "nope"}, code: 401, check: wantMessage(msgUnauthorized)},
		{name: "unknown account", target: "/accounts/999999", code: 404, check: wantMessage("Account 999999 doesn't exist")},
		{name: "unknown order", target: "/orders/999999", code: 404, check: wantMessage("Order 999999 doesn't exist")},
		{name: "non-int id does not match the route", target: "/contacts/abc", code: 404, check: wantMessage(msgNotFoundURL)},
		{name: "unknown path", target: "/nope", code: 404, check: wantMessage(msgNotFoundURL)},
		{name: "wrong method", method: "DELETE", target: "/accounts/1", code: 405, check: wantMessage(msgNotAllowed)},
		{name: "per_page over 50", target: "/accounts?per_page=51", code: 400, check: wantFieldError("per_page")},
		{name: "unknown sorting", target: "/orders?sorting=price_asc", code: 400, check: wantFieldError("sorting")},
		{name: "non-int filter", target: "/contacts?accountid=x", code: 400, check: wantFieldError("accountid")},
		{name: "bad id list", target: "/orders?accountids=1,x", code: 400, check: wantFieldError("accountids")},
		{name: "bad active choice", target: "/accounts?active=3", code: 400, check: wantFieldError("active")},
		{name: "account types bare array", target: "/accounts/types", code: 200, check: wantArray(len(dataset.AccountTypes))},
		{name: "opportunity statuses", target: "/opportunities/statuses", code: 200, check: wantArray(6)},
		{name: "opportunity types", target: "/opportunities/types", code: 200, check: wantArray(3)},
		{name: "opportunity sources", target: "/opportunities/sources", code: 200, check: wantArray(6)},
		{name: "lost reasons", target: "/opportunities/lostreasons", code: 200, check: wantArray(5)},
		{name: "win reasons", target: "/opportunities/winreasons", code: 200, check: wantArray(4)},
		{name: "order statuses paged", target: "/orderstatus?per_page=4", code: 200, check: wantPage(6, 4)},
		{name: "order types paged", target: "/ordertypes", code: 200, check: wantPage(4, 4)},
		{name: "lead statuses paged", target: "/leadstatus?sorting=name_desc", code: 200, check: wantPage(5, 5)},
		{name: "delivery terms paged", target: "/deliveryterms", code: 200, check: wantPage(5, 5)},
		{name: "payment terms filtered by days", target: "/paymentterms?days=30", code: 200, check: wantPage(1, 1)},
		{name: "delivery types paged", target: "/deliverytypes?page=2&per_page=3", code: 200, check: wantPage(4, 1)},
		{name: "ref list unknown sorting", target: "/leadstatus?sorting=id_asc", code: 400, check: wantFieldError("sorting")},
		{name: "create account", method: "POST", target: "/accounts", body: `{"name":"Sandbox AB","typeid":2,"userid":3,"externalkey":"ext-1","active":1}`, code: 201, check: func(t *testing.T, r resp) {
			id := int(at(r.body, "id").(float64))
			got := call(t, s, "GET", "/accounts?externalkey=ext-1", nil, "")
			if id != len(s.accounts) || at(items(got)[0], "id") != float64(id) || at(items(got)[0], "user", "id") != 3.0 {
				t.Fatalf("created account not listed: %s", got.raw)
			}
		}},
		{name: "create account missing fields", method: "POST", target: "/accounts", body: `{"name":""}`, code: 400, check: func(t *testing.T, r resp) {
			if at(r.body, "errors", "typeid") != "'typeid' is a required property" || at(r.body, "errors", "name") != "'' is too short" {
				t.Fatalf("validation body: %s", r.raw)
			}
		}},
		{name: "create with malformed JSON", method: "POST", target: "/contacts", body: `{`, code: 400, check: wantMessage(msgBadJSON)},
		{name: "update unknown lead", method: "PUT", target: "/leads/999999", body: `{}`, code: 404, check: wantMessage("Lead 999999 doesn't exist")},
		{name: "update order rows", method: "PUT", target: "/orders/1", body: `{"rows":[{"article":{"id":1},"quantityordered":2,"price":10.5}]}`, code: 200, check: func(t *testing.T, r resp) {
			if len(at(r.body, "rows").([]any)) != 1 || !bytes.Contains(r.raw, []byte(`"price": 21.0`)) {
				t.Fatalf("rows not replaced: %s", r.raw)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "GET"
			}
			r := call(t, s, method, tc.target, tc.hdr, tc.body)
			if r.code != tc.code {
				t.Fatalf("status %d, want %d: %s", r.code, tc.code, r.raw)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func itoa(n int) string { return string(appendJSON(nil, n)) }

func wantMessage(msg string) func(*testing.T, resp) {
	return func(t *testing.T, r resp) {
		if at(r.body, "message") != msg {
			t.Fatalf("message %v, want %q", at(r.body, "message"), msg)
		}
	}
}

func wantFieldError(field string) func(*testing.T, resp) {
	return func(t *testing.T, r resp) {
		if at(r.body, "message") != msgValidation || at(r.body, "errors", field) == nil {
			t.Fatalf("want a validation error on %s: %s", field, r.raw)
		}
	}
}

func wantArray(n int) func(*testing.T, resp) {
	return func(t *testing.T, r resp) {
		a, ok := r.body.([]any)
		if !ok || len(a) != n || at(a[0], "id") != 1.0 {
			t.Fatalf("want a bare array of %d: %s", n, r.raw)
		}
	}
}

func wantPage(total, n int) func(*testing.T, resp) {
	return func(t *testing.T, r resp) {
		if at(r.body, "total") != float64(total) || len(items(r)) != n {
			t.Fatalf("want total %d and %d items: %s", total, n, r.raw)
		}
	}
}

func TestMask(t *testing.T) {
	rec := obj{{"id", 1}, {"name", "a"}, {"user", obj{{"id", 2}, {"name", "u"}}}, {"tags", []obj{{{"id", 3}, {"name", "t"}}}}}
	tests := []struct{ mask, want string }{
		{"{id}", `{"id": 1}`},
		{"id,name", `{"id": 1, "name": "a"}`},
		{"{name,id,unknown}", `{"name": "a", "id": 1}`},
		{"{user{name},tags{id}}", `{"user": {"name": "u"}, "tags": [{"id": 3}]}`},
		{"{user,*}", `{"user": {"id": 2, "name": "u"}, "id": 1, "name": "a", "tags": [{"id": 3, "name": "t"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.mask, func(t *testing.T) {
			m, err := parseMask(tc.mask)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(appendJSON(nil, m.apply(rec))); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"{id", "id}", "{id,{name}}", "{a{b}"} {
		if _, err := parseMask(bad); err == nil {
			t.Errorf("parseMask(%q) accepted", bad)
		}
	}
}

func TestJSONEncoding(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{"Göteborg", `"G\u00f6teborg"`},
		{"a\"b\\c\n", `"a\"b\\c\n"`},
		{"😀", `"\ud83d\ude00"`},
		{numText(cents(125000)), `1250.0`},
		{numText(cents(9995)), `99.95`},
		{numText(cents(-5)), `-0.05`},
		{numText(cents(120)), `1.2`},
		{numText(big.NewRat(5, 2)), `2.5`},
		{numText(big.NewRat(23135, 100)), `231.35`},
		{obj{{"a", nil}, {"b", []obj{}}}, `{"a": null, "b": []}`},
	}
	for _, tc := range tests {
		if got := string(appendJSON(nil, tc.v)); got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.v, got, tc.want)
		}
	}
}

func TestLike(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"nordic%", "Nordic Data AB", true},
		{"%data%", "Nordic Data AB", true},
		{"%ab", "Nordic Data AB", true},
		{"nordic", "Nordic Data AB", false},
		{"nordic data ab", "Nordic Data AB", true},
		{"%x%", "Nordic Data AB", false},
	}
	for _, tc := range tests {
		if got := like(tc.pattern, tc.s); got != tc.want {
			t.Errorf("like(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	s := newServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	done := make(chan error, 20)
	for i := 0; i < 20; i++ {
		go func(i int) {
			var req *http.Request
			if i%4 == 0 {
				req, _ = http.NewRequest("POST", srv.URL+"/leads", strings.NewReader(`{"title":"t"}`))
			} else {
				req, _ = http.NewRequest("GET", srv.URL+"/orders?accountids=1,2,3&per_page=50", nil)
			}
			req.Header.Set("X-Token", token)
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode >= 300 {
					err = &json.UnsupportedValueError{Str: res.Status}
				}
			}
			done <- err
		}(i)
	}
	for i := 0; i < 20; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

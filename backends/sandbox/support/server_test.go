package support

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"crmgraph/backends/sandbox/dataset"
)

func TestData(t *testing.T) {
	w := world()
	s := shared()
	want := 0
	for i := range w.People {
		p := &w.People[i]
		if p.SupportID == "" {
			continue
		}
		want++
		c, ok := s.st.byID[p.SupportID]
		if !ok {
			t.Fatalf("support customer %s of person %d missing", p.SupportID, i)
		}
		company := w.Companies[p.CompanyIndex]
		if *c.FirstName != p.FirstName || *c.LastName != p.LastName || *c.CompanyName != company.Name || !*c.Individual ||
			c.Emails[0].Email != p.Email || joinPhone(c.PhoneNumbers[0]) != p.Phone || joinPhone(c.PhoneNumbers[1]) != p.Mobile ||
			*c.Addresses[0].City != p.City || *c.Currency != currencies[p.Country] {
			t.Fatalf("customer %s does not match person %d: %+v", p.SupportID, i, c)
		}
	}
	if want < 1500 {
		t.Fatalf("only %d people with a SupportID for seed 1", want)
	}
	statuses, companies := map[string]int{}, 0
	for _, id := range s.st.order {
		c := s.st.byID[id]
		statuses[*c.Status]++
		if !*c.Individual {
			companies++
		}
		created, err := time.Parse(timeFormat, c.CreatedAt)
		if err != nil || created.After(dataset.Epoch) {
			t.Fatalf("created_at %q of %s: %v", c.CreatedAt, id, err)
		}
		if *c.Currency == "" {
			t.Fatalf("no currency for %s", id)
		}
	}
	t.Logf("%d customers: %d people, %d companies, statuses %v", len(s.st.order), want, companies, statuses)
	if companies < len(s.st.order)/20 || companies > len(s.st.order)/5 {
		t.Errorf("company customers = %d of %d, want about 10%%", companies, len(s.st.order))
	}
	if statuses["active"] < len(s.st.order)*8/10 || statuses["archived"] == 0 {
		t.Errorf("statuses = %v, want mostly active and some archived", statuses)
	}
	if !slices.IsSorted(s.st.order) {
		t.Error("list order is not id order")
	}
}

// joinPhone writes a phone object the way the world spells numbers: "+46 8 123 45 67".
func joinPhone(p phoneJSON) string {
	return "+" + *p.CountryCode + " " + *p.AreaCode + " " + p.Number
}

// Phone numbers are the seed's PhoneNumber object (000 L2292–2343; example AR L431–440:
// country_code "1", area_code "323", number "111-111-1111", extension "105"): the
// country and area codes in fields of their own, the subscriber number without them,
// the type from phone_numbers.type. Read over HTTP, as a client sees them.
func TestPhoneNumbersFollowTheSeed(t *testing.T) {
	w := world()
	h := mounted(shared())
	digits := regexp.MustCompile(`^[0-9]{1,4}$`)
	types := []string{"primary", "secondary", "home", "work", "office", "mobile", "assistant", "fax", "direct-dial-in", "personal", "other"}
	phones := map[string]string{} // the world's numbers, by support customer id and type
	for i := range w.People {
		p := &w.People[i]
		if p.SupportID != "" {
			phones[p.SupportID+" work"], phones[p.SupportID+" mobile"] = p.Phone, p.Mobile
		}
	}
	for ci := range w.Companies {
		phones[companyCustomerID(ci)+" primary"] = w.Companies[ci].Phone
	}
	seen, cursor := 0, ""
	for page := 0; page < 100; page++ {
		a := do(t, h, "GET", base+"?limit=200&cursor="+url.QueryEscape(cursor), "")
		var p struct {
			Data []struct {
				ID           string           `json:"id"`
				PhoneNumbers []map[string]any `json:"phone_numbers"`
			} `json:"data"`
			Meta struct{ Cursors struct{ Next *string } } `json:"meta"`
		}
		if err := json.Unmarshal(a.raw, &p); err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Data {
			for _, ph := range c.PhoneNumbers {
				cc, _ := ph["country_code"].(string)
				area, _ := ph["area_code"].(string)
				number, _ := ph["number"].(string)
				typ, _ := ph["type"].(string)
				switch {
				case !digits.MatchString(cc) || !digits.MatchString(area):
					t.Fatalf("%s: country_code %q, area_code %q: want digits", c.ID, cc, area)
				case number == "" || strings.HasPrefix(number, "+") || strings.HasPrefix(number, cc+" "):
					t.Fatalf("%s: number %q holds more than the subscriber number", c.ID, number)
				case !slices.Contains(types, typ):
					t.Fatalf("%s: type %q", c.ID, typ)
				case "+"+cc+" "+area+" "+number != phones[c.ID+" "+typ]:
					t.Fatalf("%s %s: +%s %s %s, the world has %q", c.ID, typ, cc, area, number, phones[c.ID+" "+typ])
				}
				for k := range ph {
					if !slices.Contains([]string{"id", "country_code", "area_code", "number", "extension", "type"}, k) {
						t.Fatalf("%s: property %q is not in PhoneNumber (additionalProperties: false)", c.ID, k)
					}
				}
				seen++
			}
		}
		if p.Meta.Cursors.Next == nil {
			break
		}
		cursor = *p.Meta.Cursors.Next
	}
	if seen < 3000 {
		t.Fatalf("only %d phone numbers", seen)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := mounted(New(world(), Config{})), mounted(New(world(), Config{}))
	for _, target := range []string{base + "?limit=200", base + "/cus_500002", base + "?limit=5&fields=id,addresses.city"} {
		x, y := do(t, a, "GET", target, ""), do(t, b, "GET", target, "")
		if x.status != 200 || !bytes.Equal(x.raw, y.raw) {
			t.Errorf("%s: answers differ between two sandboxes of one seed", target)
		}
		if x.header.Get("Request-Id") != y.header.Get("Request-Id") {
			t.Errorf("Request-Id is not deterministic")
		}
	}
}

func TestAuthAndHeaders(t *testing.T) {
	h := mounted(shared())
	tests := []struct {
		name   string
		edit   func(*http.Request)
		status int
		typ    string
		detail string
	}{
		{"no Authorization", withHeader("Authorization", ""), 401, "UnauthorizedError", ""},
		{"not Bearer", withHeader("Authorization", "Basic abc"), 401, "UnauthorizedError", ""},
		{"wrong API key", withHeader("Authorization", "Bearer nope"), 401, "UnauthorizedError", "Invalid API key"},
		{"no consumer id", withHeader("x-apideck-consumer-id", ""), 400, "RequestHeadersValidationError", "Missing Header: x-apideck-consumer-id"},
		{"no app id", withHeader("x-apideck-app-id", ""), 400, "RequestHeadersValidationError", "Missing Header: x-apideck-app-id"},
		{"wrong app id", withHeader("x-apideck-app-id", "other"), 401, "UnauthorizedError", "Failed to generate valid JWT Session. Verify applicationId is correct"},
		{"service not connected", withHeader("x-apideck-service-id", "zendesk"), 404, "IntegrationNotFoundError", ""},
		{"service connected", withHeader("x-apideck-service-id", "kustomer"), 200, "", ""},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		for _, target := range []string{base, base + "/cus_500002"} {
			t.Run(tt.name+" "+target, func(t *testing.T) {
				a := do(t, h, "GET", target, "", tt.edit)
				id := a.header.Get("Request-Id")
				if !uuidShape.MatchString(id) || seen[id] {
					t.Errorf("Request-Id %q not uuid-shaped or repeated", id)
				}
				seen[id] = true
				if tt.status == 200 {
					if a.status != 200 {
						t.Fatalf("status = %d: %s", a.status, a.raw)
					}
					return
				}
				wantError(t, a, tt.status, tt.typ)
				if tt.detail != "" && a.body["detail"] != tt.detail {
					t.Errorf("detail = %v, want %q", a.body["detail"], tt.detail)
				}
			})
		}
	}
	t.Run("any key and app id when none configured", func(t *testing.T) {
		open := mounted(New(world(), Config{Service: "zendesk"}))
		a := do(t, open, "GET", base+"?limit=1", "", withHeader("Authorization", "Bearer whatever"), withHeader("x-apideck-app-id", "any"))
		if a.status != 200 || a.body["service"] != "zendesk" {
			t.Fatalf("status %d: %s", a.status, a.raw)
		}
	})
}

func TestList(t *testing.T) {
	h := mounted(shared())
	first := do(t, h, "GET", base+"?limit=3", "")
	if first.status != 200 {
		t.Fatalf("status %d: %s", first.status, first.raw)
	}
	b := first.body
	for k, v := range map[string]any{"status_code": 200.0, "status": "OK", "service": "kustomer", "resource": "customers", "operation": "all"} {
		if b[k] != v {
			t.Errorf("%s = %v, want %v", k, b[k], v)
		}
	}
	meta := b["meta"].(map[string]any)
	cursors := meta["cursors"].(map[string]any)
	links := b["links"].(map[string]any)
	if meta["items_on_page"] != 3.0 || len(b["data"].([]any)) != 3 {
		t.Errorf("items_on_page = %v", meta["items_on_page"])
	}
	if cursors["previous"] != nil || cursors["current"] != nil || cursors["next"] == nil {
		t.Errorf("first page cursors = %v", cursors)
	}
	// Absolute, on the address the request reached (httptest's example.com).
	if links["previous"] != nil || links["current"] != "http://example.com"+base+"?limit=3" {
		t.Errorf("first page links = %v", links)
	}
	d0 := b["data"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "company_name", "first_name", "last_name", "individual", "addresses", "notes", "phone_numbers",
		"emails", "tax_number", "currency", "bank_accounts", "status", "updated_by", "created_by", "updated_at", "created_at"} {
		if _, ok := d0[k]; !ok {
			t.Errorf("customer lacks %q", k)
		}
	}
	if len(d0) != 17 {
		t.Errorf("customer has %d properties, the schema 17", len(d0))
	}

	// links.next is a working URL, and equals asking with meta.cursors.next.
	nextLink := links["next"].(string)
	if !strings.HasPrefix(nextLink, "http://example.com"+base+"?") {
		t.Fatalf("next link %q lost the mount path", nextLink)
	}
	viaLink := do(t, h, "GET", nextLink, "")
	viaCursor := do(t, h, "GET", base+"?limit=3&cursor="+url.QueryEscape(cursors["next"].(string)), "")
	ids1, _ := pageOf(t, viaLink)
	ids2, _ := pageOf(t, viaCursor)
	ids0, _ := pageOf(t, first)
	if !slices.Equal(ids1, ids2) || len(ids1) != 3 || slices.Contains(ids0, ids1[0]) {
		t.Errorf("page 2 via link %v, via cursor %v, page 1 %v", ids1, ids2, ids0)
	}
	c2 := viaLink.body["meta"].(map[string]any)["cursors"].(map[string]any)
	if c2["current"] != cursors["next"] || c2["previous"] == nil {
		t.Errorf("page 2 cursors = %v", c2)
	}
	// previous leads back to page 1.
	back := do(t, h, "GET", viaLink.body["links"].(map[string]any)["previous"].(string), "")
	if idsBack, _ := pageOf(t, back); !slices.Equal(idsBack, ids0) {
		t.Errorf("previous page = %v, want %v", idsBack, ids0)
	}
	// the unpadded form of a cursor (the seed's links example) is accepted too.
	unpadded := strings.TrimRight(cursors["next"].(string), "=")
	if ids, _ := pageOf(t, do(t, h, "GET", base+"?limit=3&cursor="+unpadded, "")); !slices.Equal(ids, ids1) {
		t.Errorf("unpadded cursor page = %v", ids)
	}
}

func TestCursorWalk(t *testing.T) {
	s := shared()
	h := mounted(s)
	for _, limit := range []int{200, 77} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			var all []string
			cursor, pages := "", 0
			for {
				target := fmt.Sprintf("%s?limit=%d&fields=id", base, limit)
				if cursor != "" {
					target += "&cursor=" + url.QueryEscape(cursor)
				}
				a := do(t, h, "GET", target, "")
				if a.status != 200 {
					t.Fatalf("status %d: %s", a.status, a.raw)
				}
				ids, next := pageOf(t, a)
				if next != "" && len(ids) != limit {
					t.Fatalf("short page (%d) before the end", len(ids))
				}
				all = append(all, ids...)
				pages++
				if next == "" {
					if a.body["links"].(map[string]any)["next"] != nil {
						t.Error("links.next set on the last page")
					}
					break
				}
				cursor = next
			}
			if !slices.Equal(all, s.st.order) {
				t.Fatalf("walk returned %d ids in %d pages, the store holds %d (every customer exactly once, in order)", len(all), pages, len(s.st.order))
			}
		})
	}
}

func TestListParams(t *testing.T) {
	h := mounted(shared())
	other := New(world(), Config{Service: "zendesk"})
	tests := []struct {
		query  string
		status int
		typ    string
		items  int
	}{
		{"", 200, "", 20},
		{"limit=1", 200, "", 1},
		{"limit=200", 200, "", 200},
		{"limit=0", 400, "RequestValidationError", 0},
		{"limit=-1", 400, "RequestValidationError", 0},
		{"limit=201", 400, "RequestValidationError", 0},
		{"limit=ten", 400, "RequestValidationError", 0},
		{"cursor=not-base64!", 400, "InvalidCursorError", 0},
		{"cursor=" + url.QueryEscape(other.encodeCursor(3)), 400, "InvalidCursorError", 0},
		{"cursor=" + url.QueryEscape(shared().encodeCursor(1<<30)), 400, "InvalidCursorError", 0},
		{"raw=true&limit=2", 200, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			a := do(t, h, "GET", base+"?"+tt.query, "")
			if tt.status != 200 {
				wantError(t, a, tt.status, tt.typ)
				if tt.typ == "RequestValidationError" && !detailHas(a.body["detail"], "invalid", "limit") {
					t.Errorf("detail does not name limit: %s", a.raw)
				}
				return
			}
			if a.status != 200 || len(a.body["data"].([]any)) != tt.items {
				t.Fatalf("status %d, want %d items: %.300s", a.status, tt.items, a.raw)
			}
		})
	}
}

func TestFields(t *testing.T) {
	h := mounted(shared())
	// A customer with a bank account, for the nested-object case.
	var banked string
	for _, id := range shared().st.order {
		if shared().st.byID[id].BankAccounts != nil {
			banked = id
			break
		}
	}
	c := shared().st.byID[banked]
	q := func(s *string) string { return mustJSON(s) }
	tests := []struct {
		fields string
		want   string // the JSON of data for customer banked
	}{
		{"id,updated_at", fmt.Sprintf(`{"id":"%s","updated_at":"%s"}`, c.ID, *c.UpdatedAt)},
		{"first_name", fmt.Sprintf(`{"first_name":%s}`, q(c.FirstName))},
		{"addresses.city", fmt.Sprintf(`{"addresses":[{"city":%s}]}`, q(c.Addresses[0].City))},
		{"bank_accounts.iban,bank_accounts.currency",
			fmt.Sprintf(`{"bank_accounts":{"currency":%s,"iban":%s}}`, q(c.BankAccounts.Currency), q(c.BankAccounts.IBAN))},
		{"emails.email, id", fmt.Sprintf(`{"emails":[{"email":%s}],"id":"%s"}`, q(&c.Emails[0].Email), c.ID)},
		{"nonexistent", `{}`},
		{"first_name.x", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.fields, func(t *testing.T) {
			a := do(t, h, "GET", base+"/"+banked+"?fields="+url.QueryEscape(tt.fields), "")
			if a.status != 200 || a.body["operation"] != "one" {
				t.Fatalf("status %d: %s", a.status, a.raw)
			}
			got, _ := json.Marshal(a.body["data"])
			if string(got) != tt.want {
				t.Errorf("data = %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("whole property wins over a nested path", func(t *testing.T) {
		a := do(t, h, "GET", base+"/"+banked+"?fields=addresses.city,addresses", "")
		addr := a.body["data"].(map[string]any)["addresses"].([]any)[0].(map[string]any)
		if addr["line1"] == nil || addr["city"] == nil {
			t.Errorf("address = %v", addr)
		}
	})
	t.Run("list", func(t *testing.T) {
		a := do(t, h, "GET", base+"?limit=50&fields=id,emails.type", "")
		for _, d := range a.body["data"].([]any) {
			m := d.(map[string]any)
			if len(m) != 2 || m["id"] == nil || len(m["emails"].([]any)[0].(map[string]any)) != 1 {
				t.Fatalf("projected customer = %v", m)
			}
		}
	})
}

func TestGetOne(t *testing.T) {
	h := mounted(shared())
	p := world().PeopleWhere(func(p *dataset.Person) bool { return p.SupportID != "" })[0]
	a := do(t, h, "GET", base+"/"+p.SupportID, "")
	if a.status != 200 || a.body["operation"] != "one" || a.body["status_code"] != 200.0 || a.body["meta"] != nil {
		t.Fatalf("status %d: %s", a.status, a.raw)
	}
	d := a.body["data"].(map[string]any)
	if d["id"] != p.SupportID || d["first_name"] != p.FirstName || d["individual"] != true {
		t.Errorf("data = %v", d)
	}
	nf := do(t, h, "GET", base+"/cus_000000", "")
	wantError(t, nf, 404, "EntityNotFoundError")
	want := map[string]any{"not_found": map[string]any{"entity": "customer", "id": "cus_000000"}}
	if got, _ := json.Marshal(nf.body["detail"]); string(got) != mustJSON(want) {
		t.Errorf("detail = %s", got)
	}
	for _, target := range []string{mount + "/customer-support/nope", base + "/"} {
		wantError(t, do(t, h, "GET", target, ""), 404, "EntityNotFoundError")
	}
	wantError(t, do(t, h, "PUT", base+"/"+p.SupportID, "{}"), 404, "EntityNotFoundError")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

package support

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

const fullBody = `{"company_name":"SpaceX","first_name":"Elon","last_name":"Musk","individual":true,
"addresses":[{"id":"123","type":"primary","string":"25 Spring Street, Blackburn, VIC 3130","name":"HQ US","line1":"Main street",
"line2":"apt #","line3":"Suite #","line4":"delivery instructions","street_number":"25","city":"San Francisco","state":"CA",
"postal_code":"94104","country":"US","latitude":"40.759211","longitude":"-73.984638","county":"Santa Clara","contact_name":"Elon Musk",
"salutation":"Mr","phone_number":"111-111-1111","fax":"122-111-1111","email":"elon@musk.com","website":"https://elonmusk.com","row_version":"1-12345"}],
"notes":"Some notes about this customer",
"phone_numbers":[{"id":"12345","country_code":"1","area_code":"323","number":"111-111-1111","extension":"105","type":"primary"}],
"emails":[{"id":"123","email":"elon@musk.com","type":"primary"}],"tax_number":"US123945459","currency":"USD",
"bank_accounts":{"account_number":"123465","account_name":"SPACEX LLC","account_type":"credit_card","iban":"CH2989144532982975332",
"bic":"AUDSCHGGXXX","bsb_number":"062-001","branch_identifier":"001","bank_code":"BNH","currency":"USD"},"status":"active"}`

func TestWrites(t *testing.T) {
	s := New(world(), Config{Token: testToken, AppID: testApp})
	h := mounted(s)
	before := len(s.st.order)

	// Create with the seed's own example body.
	a := do(t, h, "POST", base, fullBody)
	if a.status != 201 || a.body["status_code"] != 201.0 || a.body["operation"] != "add" || a.body["resource"] != "customers" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	id := a.body["data"].(map[string]any)["id"].(string)
	if len(a.body["data"].(map[string]any)) != 1 || id == "" {
		t.Fatalf("create data = %v", a.body["data"])
	}
	got := do(t, h, "GET", base+"/"+id, "").body["data"].(map[string]any)
	if got["first_name"] != "Elon" || got["currency"] != "USD" || got["created_at"] == nil || got["status"] != "active" ||
		got["bank_accounts"].(map[string]any)["bsb_number"] != "062-001" ||
		got["addresses"].([]any)[0].(map[string]any)["row_version"] != "1-12345" {
		t.Errorf("created customer = %v", got)
	}
	createdAt := got["created_at"]

	// Read-only properties in a body are ignored.
	a = do(t, h, "POST", base, `{"id":"mine","created_at":"2000-01-01T00:00:00.000Z","first_name":"Ro"}`)
	if a.status != 201 || a.body["data"].(map[string]any)["id"] == "mine" {
		t.Fatalf("create with read-only fields: %d %s", a.status, a.raw)
	}
	id2 := a.body["data"].(map[string]any)["id"].(string)

	// PATCH is partial; null clears a nullable property.
	a = do(t, h, "PATCH", base+"/"+id, `{"last_name":"Mask","notes":null,"status":"archived"}`)
	if a.status != 200 || a.body["operation"] != "update" || a.body["data"].(map[string]any)["id"] != id {
		t.Fatalf("update: %d %s", a.status, a.raw)
	}
	got = do(t, h, "GET", base+"/"+id, "").body["data"].(map[string]any)
	if got["last_name"] != "Mask" || got["first_name"] != "Elon" || got["notes"] != nil || got["status"] != "archived" ||
		got["created_at"] != createdAt || got["updated_at"] == createdAt || got["tax_number"] != "US123945459" {
		t.Errorf("updated customer = %v", got)
	}

	// _method overrides the method of a POST.
	a = do(t, h, "POST", base+"/"+id+"?_method=PATCH", `{"first_name":"E."}`)
	if a.status != 200 || a.body["operation"] != "update" {
		t.Fatalf("POST _method=PATCH: %d %s", a.status, a.raw)
	}
	if got := do(t, h, "GET", base+"/"+id, "").body["data"].(map[string]any); got["first_name"] != "E." {
		t.Errorf("after _method=PATCH first_name = %v", got["first_name"])
	}

	// Delete, then every operation on the id is a 404.
	victim := s.st.order[5]
	a = do(t, h, "DELETE", base+"/"+victim, "")
	if a.status != 200 || a.body["operation"] != "delete" || a.body["data"].(map[string]any)["id"] != victim {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	wantError(t, do(t, h, "GET", base+"/"+victim, ""), 404, "EntityNotFoundError")
	wantError(t, do(t, h, "DELETE", base+"/"+victim, ""), 404, "EntityNotFoundError")
	wantError(t, do(t, h, "PATCH", base+"/"+victim, `{"notes":"x"}`), 404, "EntityNotFoundError")
	a = do(t, h, "POST", base+"/"+id2+"?_method=DELETE", "")
	if a.status != 200 || a.body["operation"] != "delete" {
		t.Fatalf("POST _method=DELETE: %d %s", a.status, a.raw)
	}

	// A walk sees the created customer at the end and not the deleted ones.
	var all []string
	cursor := ""
	for {
		target := base + "?limit=200&fields=id"
		if cursor != "" {
			target += "&cursor=" + cursor
		}
		ids, next := pageOf(t, do(t, h, "GET", target, ""))
		all = append(all, ids...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(all) != before || all[len(all)-1] != id || slices.Contains(all, victim) || slices.Contains(all, id2) {
		t.Errorf("walk after writes: %d ids (want %d), last %s", len(all), before, all[len(all)-1])
	}
}

func TestCursorSurvivesDeletes(t *testing.T) {
	s := New(world(), Config{})
	h := mounted(s)
	ids1, next := pageOf(t, do(t, h, "GET", base+"?limit=10&fields=id", ""))
	// Delete the last customer of page 1 and the first two of page 2.
	for _, id := range []string{ids1[9], s.st.order[10], s.st.order[11]} {
		if a := do(t, h, "DELETE", base+"/"+id, ""); a.status != 200 {
			t.Fatal(a.status)
		}
	}
	ids2, _ := pageOf(t, do(t, h, "GET", base+"?limit=10&fields=id&cursor="+next, ""))
	if !slices.Equal(ids2, s.st.order[12:22]) {
		t.Errorf("page 2 after deletes = %v, want %v", ids2, s.st.order[12:22])
	}
}

func TestBodyValidation(t *testing.T) {
	s := New(world(), Config{Token: testToken, AppID: testApp})
	h := mounted(s)
	existing := s.st.order[0]
	tests := []struct {
		name, body string
		kind       string // "missing" or "invalid": the detail object; "" a string detail
		field      string
	}{
		{"invalid JSON", `{"first_name":`, "", ""},
		{"array body", `[{"first_name":"A"}]`, "", ""},
		{"empty body", ``, "", ""},
		{"unknown property", `{"first_name":"A","nickname":"B"}`, "invalid", "nickname"},
		{"unknown nested property", `{"addresses":[{"city":"X","planet":"Mars"}]}`, "invalid", "addresses[0].planet"},
		{"unknown bank account property", `{"bank_accounts":{"swift":"X"}}`, "invalid", "bank_accounts.swift"},
		{"status enum", `{"status":"deleted"}`, "invalid", "status"},
		{"currency enum", `{"currency":"XYZ"}`, "invalid", "currency"},
		{"address type enum", `{"addresses":[{"type":"moon"}]}`, "invalid", "addresses[0].type"},
		{"phone type enum", `{"phone_numbers":[{"number":"1","type":"pager"}]}`, "invalid", "phone_numbers[0].type"},
		{"email required", `{"emails":[{"type":"work"}]}`, "missing", "emails[0].email"},
		{"email format", `{"emails":[{"email":"nope"}]}`, "invalid", "emails[0].email"},
		{"number required", `{"phone_numbers":[{"type":"work"}]}`, "missing", "phone_numbers[0].number"},
		{"string type", `{"first_name":5}`, "invalid", "first_name"},
		{"boolean type", `{"individual":"yes"}`, "invalid", "individual"},
		{"nested type", `{"addresses":[{"city":5}]}`, "invalid", "addresses[0].city"},
		{"array type", `{"emails":{"email":"a@b.c"}}`, "invalid", "emails"},
		{"account type enum", `{"bank_accounts":{"account_type":"piggy"}}`, "invalid", "bank_accounts.account_type"},
	}
	for _, tt := range tests {
		for _, op := range []struct{ method, target string }{{"POST", base}, {"PATCH", base + "/" + existing}} {
			t.Run(op.method+" "+tt.name, func(t *testing.T) {
				a := do(t, h, op.method, op.target, tt.body, withHeader("Content-Type", "application/json"))
				wantError(t, a, 400, "RequestValidationError")
				if tt.kind == "" {
					if _, ok := a.body["detail"].(string); !ok {
						t.Errorf("detail = %v, want a string", a.body["detail"])
					}
				} else if !detailHas(a.body["detail"], tt.kind, tt.field) {
					t.Errorf("detail = %s, want %s %q", mustJSON(a.body["detail"]), tt.kind, tt.field)
				}
			})
		}
	}
	t.Run("wrong content type", func(t *testing.T) {
		wantError(t, do(t, h, "POST", base, `{}`, withHeader("Content-Type", "text/plain")), 400, "RequestValidationError")
	})
	t.Run("failed update changes nothing", func(t *testing.T) {
		before := mustJSON(s.st.byID[existing])
		do(t, h, "PATCH", base+"/"+existing, `{"first_name":"Changed","status":"bogus"}`)
		if mustJSON(s.st.byID[existing]) != before {
			t.Error("a rejected PATCH changed the customer")
		}
	})
	if len(s.st.order) != len(shared().st.order) {
		t.Errorf("rejected creates added customers")
	}
}

func TestConcurrentAccess(t *testing.T) {
	s := New(world(), Config{})
	h := mounted(s)
	ids := slices.Clone(s.st.order[:16]) // before any goroutine appends to the order
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 8 {
				var a answer
				switch i % 4 {
				case 0:
					a = do(t, h, "GET", base+"?limit=50", "")
				case 1:
					a = do(t, h, "POST", base, fmt.Sprintf(`{"first_name":"G%d","last_name":"I%d"}`, g, i))
				case 2:
					a = do(t, h, "PATCH", base+"/"+ids[g], `{"notes":"n"}`)
				case 3:
					a = do(t, h, "GET", base+"/"+ids[g+8]+"?fields=id,notes", "")
				}
				if a.status >= 300 {
					t.Errorf("status %d: %s", a.status, a.raw)
				}
			}
		}()
	}
	wg.Wait()
	s.mu.RLock()
	defer s.mu.RUnlock()
	created := 0
	for _, c := range s.st.byID {
		if c.FirstName != nil && c.LastName != nil && strings.HasPrefix(*c.FirstName, "G") && strings.HasPrefix(*c.LastName, "I") {
			created++
		}
	}
	if created != 16 || len(s.st.order) != len(shared().st.order)+16 {
		t.Errorf("after 16 concurrent creates: %d found, order holds %d (want %d)", created, len(s.st.order), len(shared().st.order)+16)
	}
}

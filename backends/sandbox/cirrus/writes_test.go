package cirrus

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// readBack is one key of a write body and where the record's GET shows it.
type readBack struct {
	key   string // in the write body
	value any    // written
	path  []any  // in the GET response
	want  any    // read (JSON-decoded); nil: the written value
}

// TestWritesKeepEveryField writes every key each write model (seed) has, then zeroes
// them, and reads the record back: what was written is what is read, decimals exact.
func TestWritesKeepEveryField(t *testing.T) {
	s := newServer(t)
	addr := func(kind string) []readBack {
		var out []readBack
		for i, leaf := range []string{"careof", "name", "street", "zip", "city", "country", "email", "number", "letter"} {
			out = append(out, readBack{"addresses." + kind + "." + leaf, kind + "-" + leaf + "-" + fmt.Sprint(i), []any{"addresses", kind, leaf}, nil})
		}
		for _, leaf := range []string{"latitude", "longitude", "distance"} {
			out = append(out, readBack{"addresses." + kind + ".coordinates." + leaf, "1.5", []any{"addresses", kind, "coordinates", leaf}, nil})
		}
		return out
	}
	account := []readBack{
		{"name", "Skrivbolaget AB", nil, nil}, {"alt_name", "Skrivbolaget", nil, nil}, {"typeid", 3, []any{"type", "id"}, 3.0},
		{"number", "A-77", nil, nil}, {"userid", 4, []any{"user", "id"}, 4.0}, {"alternateuserid", 5, []any{"alternateuserid"}, "5"},
		{"phone", "+46 8 1", nil, nil}, {"cellphone", "+46 70 1", nil, nil}, {"fax", "+46 8 2", nil, nil},
		{"email", "a@b.example", nil, nil}, {"url", "https://b.example", nil, nil}, {"vatno", "SE1", nil, nil},
		{"active", 0, nil, nil}, {"info", "Notes", nil, nil}, {"socialmedia_fb", "fb", nil, nil}, {"socialmedia_tw", "tw", nil, nil},
		{"socialmedia_li", "li", nil, nil}, {"uservisitintervalweeks", 0, nil, nil}, {"alternateuservisitintervalweeks", 7, nil, nil},
		{"parentaccountid", 2, []any{"parentaccount", "id"}, 2.0}, {"externalkey", "EXT-1", nil, nil},
		{"accountgroups", []any{map[string]any{"id": 2, "name": "Resellers"}}, []any{"accountgroups", 0, "name"}, "Resellers"},
		{"tags", []any{map[string]any{"id": 1}, map[string]any{"id": 2}}, []any{"tags", 1, "name"}, "Partner"},
	}
	for _, kind := range addressKinds {
		account = append(account, addr(kind)...)
	}
	contact := []readBack{
		{"name", "Ada", nil, nil}, {"surname", "Lovelace", nil, nil}, {"function", "Engineering", nil, nil}, {"department", "R&D", nil, nil},
		{"email", "ada@b.example", nil, nil}, {"officephone", "+46 8 3", nil, nil}, {"cellphone", "+46 70 3", nil, nil},
		{"title", "CTO", nil, nil}, {"street", "Gatan 1", nil, nil}, {"city", "Umeå", nil, nil}, {"zip", "90100", nil, nil},
		{"primarycontact", 0, nil, nil}, {"socialmedia_fb", "fb", nil, nil}, {"socialmedia_tw", "tw", nil, nil}, {"socialmedia_li", "li", nil, nil},
		{"idnumber", "19121210-0000", nil, nil}, {"externalkey", "C-1", nil, nil}, {"active", 0, nil, nil},
		{"superiorid", 2, []any{"superior", "id"}, 2.0}, {"tags", []any{map[string]any{"id": 4}}, []any{"tags", 0, "type"}, "contact"},
	}
	opportunity := []readBack{
		{"accountid", 2, nil, nil}, {"altaccountid", 3, []any{"altaccount", "id"}, 3.0}, {"contactid", 2, nil, nil},
		{"phone", "+46 8 4", nil, nil}, {"title", "Deal", nil, nil}, {"description", "Ten seats", nil, nil}, {"userid", 3, nil, nil},
		{"result", "Won on price", nil, nil}, {"value", json.Number("12500.55"), nil, nil},
		{"altvalue", "99.5", []any{"altvalue"}, 99.5}, {"altvaluelabel", "EUR", nil, nil}, {"statusid", 2, nil, nil},
		{"estimatedenddate", "2026-09-30", nil, nil}, {"lostreasonid", 1, nil, nil}, {"typeid", 2, nil, nil}, {"winreasonid", 2, nil, nil},
		{"stateid", 2, []any{"state", "state"}, "On hold"}, {"estimateid", 4, []any{"estimate", "id"}, 4.0},
		{"sourceid", "3", []any{"sourceid"}, 3.0}, {"closed", 1, nil, nil}, {"tags", []any{map[string]any{"id": 6}}, []any{"tags", 0, "id"}, 6.0},
	}
	order := []readBack{
		{"placedate", "2026-05-02T00:00:00.000Z", nil, nil}, {"account", map[string]any{"id": 2}, []any{"account", "id"}, 2.0},
		{"user", map[string]any{"id": 3}, []any{"user", "id"}, 3.0}, {"contact", map[string]any{"id": 2}, []any{"contact", "id"}, 2.0},
		{"status", map[string]any{"id": 2}, []any{"status", "id"}, 2.0}, {"deliveryterm", map[string]any{"id": 2}, []any{"deliveryterm", "id"}, 2.0},
		{"paymentterm", map[string]any{"id": 3}, []any{"paymentterm", "id"}, 3.0}, {"deliverytype", map[string]any{"id": 4}, []any{"deliverytype", "id"}, 4.0},
		{"price", json.Number("1999.95"), nil, nil}, {"currencycode", "NOK", nil, nil}, {"currencyrate", json.Number("1.125"), nil, nil},
		{"statisticsprice", json.Number("1800.5"), nil, nil}, {"alternativevalue", json.Number("12.25"), nil, nil},
		{"buyprice", json.Number("1200.75"), nil, nil}, {"discounted", true, nil, nil}, {"alternateid", "SO-X", nil, nil},
		{"externalcomment", "Gate 4", nil, nil}, {"delivered", 1, nil, nil}, {"deliverydate", "2026-05-09T00:00:00.000Z", nil, nil},
		{"deliveryname", "Dn", nil, nil}, {"deliverystreet", "Ds", nil, nil}, {"deliveryzip", "Dz", nil, nil}, {"deliverycity", "Dc", nil, nil},
		{"deliverycountry", "NO", nil, nil}, {"invoicename", "In", nil, nil}, {"invoicestreet", "Is", nil, nil}, {"invoicezip", "Iz", nil, nil},
		{"invoicecity", "Ic", nil, nil}, {"invoicecountry", "DK", nil, nil}, {"invoiceemail", "inv@b.example", nil, nil},
		{"invoicenumber", "INV-X", nil, nil}, {"invoicedate", "2026-05-31", nil, nil}, {"externalkey", "ERP-X", nil, nil},
		{"internalcomment", "Check credit", nil, nil}, {"marking", "PO 9", nil, nil}, {"referencecode", "REF", nil, nil},
		{"extracode", "XC", nil, nil}, {"user2", map[string]any{"id": 5}, []any{"user2", "id"}, 5.0},
		{"opportunity", map[string]any{"id": 3}, []any{"opportunity", "id"}, 3.0}, {"type", map[string]any{"id": 2}, []any{"type", "id"}, 2.0},
		{"tags", []any{map[string]any{"id": 3}}, []any{"tags", 0, "name"}, "Prospect"},
	}
	lead := []readBack{
		{"contacttitle", "Dr", nil, nil}, {"contactname", "Per", nil, nil}, {"contactsurname", "Son", nil, nil},
		{"contactcompany", "Prospekt AB", nil, nil}, {"contactstreet", "Väg 2", nil, nil}, {"contactcity", "Luleå", nil, nil},
		{"contactzip", "97100", nil, nil}, {"contactphone", "+46 920 1", nil, nil}, {"contactcellphone", "+46 70 5", nil, nil},
		{"contactemail", "per@p.example", nil, nil}, {"contactvatno", "SE2", nil, nil}, {"value", json.Number("0.5"), nil, nil},
		{"title", "Inbound", nil, nil}, {"description", "Web form", nil, nil}, {"rating", 0, nil, nil},
		{"user", map[string]any{"id": 2}, []any{"user", "id"}, 2.0}, {"source", map[string]any{"id": 2}, []any{"source", "id"}, 2.0},
		{"status", map[string]any{"id": 3}, []any{"status", "id"}, 3.0}, {"tags", []any{map[string]any{"id": 5}}, []any{"tags", 0, "id"}, 5.0},
	}
	for _, tt := range []struct {
		name, item string
		fields     []readBack
	}{
		{"account", "/accounts/1", account},
		{"contact", "/contacts/1", contact},
		{"opportunity", "/opportunities/1", opportunity},
		{"order", "/orders/1", order},
		{"lead", "/leads/1", lead},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{}
			for _, f := range tt.fields {
				setPath(body, strings.Split(f.key, "."), f.value)
			}
			r := call(t, s, "PUT", tt.item, nil, mustJSON(t, body))
			if r.code != 200 {
				t.Fatalf("PUT: %d %s", r.code, r.raw)
			}
			got := call(t, s, "GET", tt.item, nil, "")
			for _, f := range tt.fields {
				path, want := f.path, f.want
				if path == nil {
					path = []any{f.key}
				}
				if want == nil {
					want = decoded(t, f.value)
				}
				if v := at(got.body, path...); fmt.Sprint(v) != fmt.Sprint(want) {
					t.Errorf("%s: read %v, wrote %v (want %v)", f.key, v, f.value, want)
				}
			}
		})
	}

	t.Run("zero and empty values are written, not dropped", func(t *testing.T) {
		r := call(t, s, "PUT", "/leads/1", nil, `{"title": "", "rating": 0, "value": 0, "contactcompany": ""}`)
		if r.code != 200 || at(r.body, "title") != nil || at(r.body, "rating") != 0.0 || at(r.body, "value") != 0.0 || at(r.body, "contactcompany") != nil {
			t.Fatalf("lead after zeroing: %d %s", r.code, r.raw)
		}
		r = call(t, s, "PUT", "/orders/1", nil, `{"price": 0, "discounted": false, "marking": "", "delivered": 0}`)
		if r.code != 200 || at(r.body, "price") != 0.0 || at(r.body, "discounted") != false || at(r.body, "marking") != nil || at(r.body, "delivered") != 0.0 {
			t.Fatalf("order after zeroing: %d %s", r.code, r.raw)
		}
	})
	t.Run("null clears a nullable address leaf", func(t *testing.T) {
		r := call(t, s, "PUT", "/accounts/1", nil, `{"addresses": {"postal": {"city": null, "coordinates": null}}}`)
		if r.code != 200 || at(r.body, "addresses", "postal", "city") != nil || at(r.body, "addresses", "postal", "coordinates", "latitude") != nil ||
			at(r.body, "addresses", "postal", "street") != "postal-street-2" || at(r.body, "addresses", "visiting", "city") != "visiting-city-4" {
			t.Fatalf("after null: %d %s", r.code, r.raw)
		}
	})
	t.Run("null on a field the seed does not declare nullable is refused", func(t *testing.T) {
		for _, tc := range []struct{ item, body, field, typ string }{
			{"/accounts/1", `{"phone": null}`, "phone", "string"},
			{"/leads/1", `{"rating": null}`, "rating", "integer"},
			{"/orders/1", `{"price": null}`, "price", "number"},
			{"/contacts/1", `{"title": null}`, "title", "string"},
		} {
			r := call(t, s, "PUT", tc.item, nil, tc.body)
			if r.code != 400 || at(r.body, "errors", tc.field) != "None is not of type '"+tc.typ+"'" {
				t.Errorf("%s %s: %d %s", tc.item, tc.body, r.code, r.raw)
			}
		}
	})
}

// TestOrderRowsKeepDecimals writes rows with fractional quantities and discounts and a
// text row: the totals are exact (2.5 × 40.00 less 12.5 % plus 3.5 × 41.10 = 231.35).
func TestOrderRowsKeepDecimals(t *testing.T) {
	s := newServer(t)
	r := call(t, s, "POST", "/orders", nil, `{"placedate": "2026-05-02T00:00:00.000Z", "account": {"id": 1}, "user": {"id": 1},
		"contact": {"id": 1}, "status": {"id": 1}, "invoicedate": "2026-05-30", "rows": [
		{"article": {"id": 1}, "quantityordered": 2.5, "price": 40.00, "discountpercent": 12.5},
		{"article": {"id": 2}, "quantityordered": 3.5, "price": 41.10, "specification": "Support, Q3", "externalkey": "R-2"},
		{"specification": "Free text line", "quantityordered": 1, "price": 0, "externalkey": null}]}`)
	if r.code != 201 {
		t.Fatalf("create: %d %s", r.code, r.raw)
	}
	id := itoa(int(at(r.body, "id").(float64)))
	got := call(t, s, "GET", "/orders/"+id, nil, "")
	checks := []struct {
		path []any
		want any
	}{
		{[]any{"rows", 0, "quantityordered"}, 2.5}, {[]any{"rows", 0, "discountpercent"}, 12.5}, {[]any{"rows", 0, "totalprice"}, 87.5},
		{[]any{"rows", 0, "discountamount"}, 12.5}, {[]any{"rows", 1, "totalprice"}, 143.85}, {[]any{"rows", 1, "specification"}, "Support, Q3"},
		{[]any{"rows", 1, "externalkey"}, "R-2"}, {[]any{"rows", 2, "article", "id"}, nil}, {[]any{"rows", 2, "specification"}, "Free text line"},
		{[]any{"rows", 2, "externalkey"}, nil}, {[]any{"price"}, 231.35}, {[]any{"invoicedate"}, "2026-05-30"},
	}
	for _, c := range checks {
		if v := at(got.body, c.path...); v != c.want {
			t.Errorf("%v = %v, want %v", c.path, v, c.want)
		}
	}
	if !strings.Contains(string(got.raw), `"totalprice": 143.85`) || !strings.Contains(string(got.raw), `"quantityordered": 2.5`) {
		t.Errorf("numbers not rendered exactly: %s", got.raw)
	}
	// An update naming a row by its id keeps it; rows left out go.
	rowID := itoa(int(at(got.body, "rows", 1, "id").(float64)))
	r = call(t, s, "PUT", "/orders/"+id, nil, `{"rows": [{"id": `+rowID+`, "quantitydelivered": 1.5}]}`)
	if r.code != 200 || len(at(r.body, "rows").([]any)) != 1 || at(r.body, "rows", 0, "quantitydelivered") != 1.5 ||
		at(r.body, "rows", 0, "specification") != "Support, Q3" || at(r.body, "price") != 143.85 {
		t.Fatalf("update rows: %d %s", r.code, r.raw)
	}
	if r = call(t, s, "PUT", "/orders/"+id, nil, `{"rows": [{"id": 999999}]}`); r.code != 400 || at(r.body, "errors", "rows.0.id") == nil {
		t.Fatalf("unknown row id: %d %s", r.code, r.raw)
	}
}

// TestWritesUseTheSandboxClock: new and changed records are stamped by the sandbox's
// clock, after every generated record and later with every write.
func TestWritesUseTheSandboxClock(t *testing.T) {
	s := newServer(t)
	latest := s.latest()
	stamp := func(r resp, key string) time.Time {
		t.Helper()
		ts, err := time.Parse(isoTime, at(r.body, key).(string))
		if err != nil {
			t.Fatalf("%s: %v (%s)", key, err, r.raw)
		}
		return ts
	}
	o := call(t, s, "POST", "/orders", nil, `{"placedate": "2026-05-02", "account": {"id": 1}, "user": {"id": 1}, "contact": {"id": 1}, "status": {"id": 1}}`)
	created := stamp(o, "tscreated")
	l := call(t, s, "POST", "/leads", nil, `{"title": "x"}`)
	u := call(t, s, "PUT", "/orders/"+itoa(int(at(o.body, "id").(float64))), nil, `{"marking": "m"}`)
	if !created.After(latest) || !stamp(l, "created").After(created) || !stamp(u, "tsupdated").After(stamp(l, "created")) ||
		!stamp(u, "tscreated").Equal(created) {
		t.Fatalf("stamps: latest generated %v, order created %v, lead %v, order updated %v", latest, created, stamp(l, "created"), stamp(u, "tsupdated"))
	}
	op := call(t, s, "PUT", "/opportunities/1", nil, oppBody(s, 1, `"phone": "1"`))
	if !stamp(op, "changedate").After(stamp(u, "tsupdated")) {
		t.Fatalf("opportunity changedate %v", stamp(op, "changedate"))
	}
}

func setPath(m map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decoded(t *testing.T, v any) any {
	var out any
	if err := json.Unmarshal([]byte(mustJSON(t, v)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

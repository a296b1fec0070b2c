package cone

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"crmgraph/backends/sandbox/dataset"
)

const testToken = "test-jwt"

// worldOnce shares the generated world between tests; it is read-only.
var worldOnce = sync.OnceValue(func() *dataset.World { return dataset.New(7) })

// sharedServer is one sandbox for the tests that only read (building one costs more
// than the reads, under -race).
var sharedServer = sync.OnceValue(func() *Server { return New(worldOnce(), testToken) })

// newTestServer returns a fresh sandbox, for tests that change state.
func newTestServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	return serve(t, New(worldOnce(), testToken))
}

// readOnlyServer returns the shared sandbox.
func readOnlyServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	return serve(t, sharedServer())
}

func serve(t *testing.T, s *Server) (*Server, *httptest.Server) {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// call sends one request and returns the status and body.
func call(t *testing.T, ts *httptest.Server, method, path string, body any, token string) (int, []byte) {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, buf.Bytes()
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, trunc(b), err)
	}
	return v
}

func trunc(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func TestAuth(t *testing.T) {
	_, ts := readOnlyServer(t)
	tests := []struct {
		name, token string
		wantStatus  int
		wantBody    string
	}{
		{"no token", "", http.StatusUnauthorized, `{"code":401,"message":"JWT Token not found"}`},
		{"wrong token", "nope", http.StatusUnauthorized, `{"code":401,"message":"Invalid JWT Token"}`},
		{"valid token", testToken, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, ts, http.MethodGet, pathStages, nil, tt.token)
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", status, tt.wantStatus, body)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Errorf("body = %s, want %s", body, tt.wantBody)
			}
		})
	}
	t.Run("no tokens configured accepts any bearer token", func(t *testing.T) {
		open := httptest.NewServer(New(worldOnce()))
		defer open.Close()
		if status, _ := call(t, open, http.MethodGet, pathStages, nil, "anything"); status != http.StatusOK {
			t.Errorf("status = %d, want 200", status)
		}
		if status, _ := call(t, open, http.MethodGet, pathStages, nil, ""); status != http.StatusUnauthorized {
			t.Errorf("without token: status = %d, want 401", status)
		}
	})
}

func TestGeneratedData(t *testing.T) {
	s, ts1 := readOnlyServer(t)
	w, st := worldOnce(), s.st
	if got, want := len(st.accounts), len(w.CompaniesInCone()); got != want {
		t.Errorf("accounts = %d, want %d", got, want)
	}
	if got, want := len(st.contacts), len(w.PeopleWhere(func(p *dataset.Person) bool { return p.ConeID != "" })); got != want {
		t.Errorf("contacts = %d, want %d", got, want)
	}
	if len(st.leads) < 1500 {
		t.Errorf("leads = %d, want >= 1500", len(st.leads))
	}
	if len(st.stages) != 13 {
		t.Errorf("stages = %d, want 13", len(st.stages))
	}
	open := 0
	for _, l := range st.leads {
		if l.open() {
			open++
		}
		if l.Contact == nil || st.contacts[l.Contact.ID] == nil {
			t.Fatalf("lead %s has no valid contact", l.ID)
		}
		if l.Stage == nil || st.stages[l.Stage.ID] == nil {
			t.Fatalf("lead %s has no valid stage", l.ID)
		}
		if l.ID[14] != '7' {
			t.Fatalf("lead id %s is not a uuid7", l.ID)
		}
	}
	if open == 0 || open == len(st.leads) {
		t.Errorf("open leads = %d of %d, want some open and some closed", open, len(st.leads))
	}
	for _, c := range w.CompaniesInCone() {
		a := st.accounts[c.ConeID]
		wantTP := 0
		if c.CirrusID != 0 {
			wantTP = 1
		}
		if len(a.base.ThirdPartyIDs) != wantTP {
			t.Fatalf("account %s: %d thirdPartyIds, want %d", c.ConeID, len(a.base.ThirdPartyIDs), wantTP)
		}
		if wantTP == 1 && (a.base.ThirdPartyIDs[0].SystemName != "CIRRUS" || a.base.ThirdPartyIDs[0].ThirdPartyID != strconv.Itoa(c.CirrusID)) {
			t.Fatalf("account %s: thirdPartyIds = %+v", c.ConeID, a.base.ThirdPartyIDs)
		}
		if len(a.contacts) > 0 && a.primary != a.contacts[0] {
			t.Fatalf("account %s: primary contact is not the first", c.ConeID)
		}
	}
	t.Run("deterministic", func(t *testing.T) {
		_, ts2 := newTestServer(t)
		q := `{"query":{"combinator":"and","rules":[{"field":"priority","operator":">=","value":"4"}]}}`
		_, b1 := call(t, ts1, http.MethodPost, expand(pathQueryBuilderFilter, "lead"), q, testToken)
		_, b2 := call(t, ts2, http.MethodPost, expand(pathQueryBuilderFilter, "lead"), q, testToken)
		if !bytes.Equal(b1, b2) {
			t.Error("two servers for the same seed serve different leads")
		}
	})
}

// firstWith returns a contact id with at least one open lead.
func contactWithOpenLead(t *testing.T, s *Server) string {
	t.Helper()
	for _, id := range s.st.leadOrder {
		if l := s.st.leads[id]; l.open() {
			return l.Contact.ID
		}
	}
	t.Fatal("no open lead")
	return ""
}

type accountsEnvelope struct {
	Total    int               `json:"total"`
	Accounts []json.RawMessage `json:"accounts"`
}

func TestReadEndpoints(t *testing.T) {
	s, ts := readOnlyServer(t)
	st := s.st
	someAccount := st.accounts[st.accountOrder[0]]
	withOpen := contactWithOpenLead(t, s)
	phoneContact := st.contacts[st.contactOrder[3]]
	tests := []struct {
		name, method, path string
		body               any
		wantStatus         int
		check              func(t *testing.T, body []byte)
	}{
		{"accounts page", "GET", pathAccounts + "?offset=10&limit=3", nil, 200, func(t *testing.T, b []byte) {
			env := decode[accountsEnvelope](t, b)
			if env.Total != len(st.accounts) || len(env.Accounts) != 3 {
				t.Fatalf("total=%d len=%d", env.Total, len(env.Accounts))
			}
			a := decode[map[string]any](t, env.Accounts[0])
			if a["id"] != st.accountOrder[10] {
				t.Errorf("first id = %v, want %s", a["id"], st.accountOrder[10])
			}
			contacts, _ := a["contacts"].([]any)
			if len(contacts) == 0 || a["primaryContact"] == nil {
				t.Fatalf("account without embedded contacts: %s", trunc(env.Accounts[0]))
			}
			nested, _ := contacts[0].(map[string]any)["accounts"].([]any)
			if nested == nil || len(nested) != 0 {
				t.Errorf("embedded contact accounts = %v, want [] (one level deep)", nested)
			}
		}},
		{"accounts search", "GET", pathAccounts + "?search=" + strings.ReplaceAll(someAccount.name, " ", "+") + "&limit=100", nil, 200, func(t *testing.T, b []byte) {
			env := decode[accountsEnvelope](t, b)
			found := false
			for _, raw := range env.Accounts {
				found = found || decode[map[string]any](t, raw)["id"] == someAccount.base.ID
			}
			if !found || env.Total > 20 {
				t.Errorf("search %q: total %d, found %v", someAccount.name, env.Total, found)
			}
		}},
		{"accounts sorted by name desc, exclude", "GET", pathAccounts + "?sortField=name&sortDirection=DESC&limit=5&exclude=" + someAccount.base.ID, nil, 200, func(t *testing.T, b []byte) {
			env := decode[accountsEnvelope](t, b)
			if env.Total != len(st.accounts)-1 {
				t.Errorf("total = %d, want %d", env.Total, len(st.accounts)-1)
			}
			prev := "\U0010FFFF"
			for _, raw := range env.Accounts {
				n := strings.ToLower(decode[map[string]any](t, raw)["name"].(string))
				if n > prev {
					t.Errorf("not sorted desc: %q after %q", n, prev)
				}
				prev = n
			}
		}},
		{"accounts bad offset", "GET", pathAccounts + "?offset=x", nil, 400, errorBody},
		{"accounts bad sortField", "GET", pathAccounts + "?sortField=evil", nil, 400, errorBody},
		{"accounts bad sortDirection", "GET", pathAccounts + "?sortDirection=UP", nil, 400, errorBody},
		{"contacts page is a bare array", "GET", pathContacts + "?start=5&limit=4&sortField=lastName", nil, 200, func(t *testing.T, b []byte) {
			cs := decode[[]map[string]any](t, b)
			if len(cs) != 4 {
				t.Fatalf("len = %d", len(cs))
			}
			if accs, _ := cs[0]["accounts"].([]any); len(accs) == 0 {
				t.Error("contact without embedded accounts")
			}
		}},
		{"contacts past the end", "GET", pathContacts + "?start=999999", nil, 200, func(t *testing.T, b []byte) {
			if string(b) != "[]" {
				t.Errorf("body = %s, want []", b)
			}
		}},
		{"open leads", "GET", expand(pathContactOpenLeads, withOpen), nil, 200, func(t *testing.T, b []byte) {
			leads := decode[[]map[string]any](t, b)
			want := 0
			for _, id := range st.leadsByContact[withOpen] {
				if st.leads[id].open() {
					want++
				}
			}
			if len(leads) != want || want == 0 {
				t.Fatalf("open leads = %d, want %d", len(leads), want)
			}
			for _, l := range leads {
				if l["connectionClosedDate"] != nil || l["contact"].(map[string]any)["id"] != withOpen {
					t.Errorf("not an open lead of the contact: %v", l["id"])
				}
			}
		}},
		{"open leads of unknown contact", "GET", expand(pathContactOpenLeads, "0190a000-0000-7000-8000-000000000000"), nil, 404, errorBody},
		{"contact by phone", "GET", expand(pathContactByPhone, phoneContact.base.MobilePhone), nil, 200, func(t *testing.T, b []byte) {
			cs := decode[[]map[string]any](t, b)
			found := false
			for _, c := range cs {
				found = found || c["id"] == phoneContact.base.ID
			}
			if !found {
				t.Errorf("contact %s not found by phone", phoneContact.base.ID)
			}
		}},
		{"contact by unknown phone", "GET", expand(pathContactByPhone, "000"), nil, 200, func(t *testing.T, b []byte) {
			if string(b) != "[]" {
				t.Errorf("body = %s, want []", b)
			}
		}},
		{"stages", "GET", pathStages, nil, 200, func(t *testing.T, b []byte) {
			if got := decode[[]map[string]string](t, b); len(got) != 13 || got[0]["name"] != "New" {
				t.Errorf("stages = %v", got)
			}
		}},
		{"stage", "GET", expand(pathStage, st.stageOrder[2]), nil, 200, func(t *testing.T, b []byte) {
			if got := decode[map[string]string](t, b); got["id"] != st.stageOrder[2] {
				t.Errorf("stage = %v", got)
			}
		}},
		{"unknown stage", "GET", expand(pathStage, "x"), nil, 404, errorBody},
		{"unknown route", "GET", "/api/nothing", nil, 404, errorBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, ts, tt.method, tt.path, tt.body, testToken)
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", status, tt.wantStatus, trunc(body))
			}
			tt.check(t, body)
		})
	}
}

// errorBody asserts the {error: string} shape.
func errorBody(t *testing.T, b []byte) {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("body %s: %v", b, err)
	}
	if s, _ := e["error"].(string); s == "" || len(e) != 1 {
		t.Errorf("body = %s, want {\"error\": \"...\"}", b)
	}
}

// validationBody asserts the ValidationError shape {errors: [string], message}.
func validationBody(t *testing.T, b []byte) {
	t.Helper()
	e := decode[struct {
		Errors  []string `json:"errors"`
		Message string   `json:"message"`
	}](t, b)
	if len(e.Errors) == 0 || e.Message == "" {
		t.Errorf("body = %s, want {errors: [..], message}", b)
	}
}

func formBody(field string) func(t *testing.T, b []byte) {
	return func(t *testing.T, b []byte) {
		t.Helper()
		e := decode[struct {
			Errors  map[string]string `json:"errors"`
			Message string            `json:"message"`
		}](t, b)
		if e.Errors[field] == "" || e.Message == "" {
			t.Errorf("body = %s, want {errors: {%s: ..}, message}", b, field)
		}
	}
}

func stringBody(want string) func(t *testing.T, b []byte) {
	return func(t *testing.T, b []byte) {
		t.Helper()
		if got := decode[string](t, b); got != want {
			t.Errorf("body = %q, want %q", got, want)
		}
	}
}

func emptyBody(t *testing.T, b []byte) {
	t.Helper()
	if len(b) != 0 {
		t.Errorf("body = %s, want none", b)
	}
}

func field(key string, want any) func(t *testing.T, b []byte) {
	return func(t *testing.T, b []byte) {
		t.Helper()
		if got := decode[map[string]any](t, b)[key]; got != want {
			t.Errorf("%s = %v, want %v", key, got, want)
		}
	}
}

// TestMutations runs in order on one server: later steps use what earlier ones made.
func TestMutations(t *testing.T) {
	s, ts := newTestServer(t)
	st := s.st
	contactID := st.contactOrder[0]
	leadID := st.leadOrder[0]
	user := worldOnce().Users[0].ConeID
	var created = map[string]string{}
	idOf := func(key string) func(t *testing.T, b []byte) {
		return func(t *testing.T, b []byte) {
			id, _ := decode[map[string]any](t, b)["id"].(string)
			if len(id) != 36 || id[14] != '7' {
				t.Fatalf("id %q is not a uuid7", id)
			}
			created[key] = id
		}
	}
	usedStage := st.leads[leadID].Stage.ID
	steps := []struct {
		name, method string
		path         func() string
		body         any
		wantStatus   int
		check        func(t *testing.T, body []byte)
	}{
		{"create account", "POST", fixed(pathAccounts), map[string]any{"name": "Sandbox AB", "primaryEmail": "a@b.example",
			"contacts": []any{map[string]any{"id": contactID}, map[string]any{"firstName": "New", "lastName": "Person"}}}, 200,
			func(t *testing.T, b []byte) {
				idOf("account")(t, b)
				a := decode[map[string]any](t, b)
				if cs, _ := a["contacts"].([]any); len(cs) != 2 || a["primaryContact"].(map[string]any)["id"] != contactID {
					t.Errorf("contacts = %v primary = %v", a["contacts"], a["primaryContact"])
				}
			}},
		// The seed requires no field (L1510): an account needs no name.
		{"create account without name", "POST", fixed(pathAccounts), map[string]any{"city": "Oslo"}, 200, func(t *testing.T, b []byte) {
			if a := decode[map[string]any](t, b); a["name"] != "" || a["city"] != "Oslo" {
				t.Errorf("created = %s", trunc(b))
			}
		}},
		// A province of five characters fits, whatever its bytes; a sixth is too long.
		{"create account with a five-letter province", "POST", fixed(pathAccounts), map[string]any{"province": "Skåne"}, 200, field("province", "Skåne")},
		{"create account with a six-letter province", "POST", fixed(pathAccounts), map[string]any{"province": "Örebro"}, 400, validationBody},
		{"create account with bad email", "POST", fixed(pathAccounts), map[string]any{"name": "X", "primaryEmail": "nope"}, 400, validationBody},
		{"create account with unknown contact", "POST", fixed(pathAccounts), map[string]any{"name": "X", "contacts": []any{map[string]any{"id": "nope"}}}, 400, validationBody},
		{"create account with bad JSON", "POST", fixed(pathAccounts), "{", 400, validationBody},
		{"update account", "PATCH", func() string { return expand(pathAccount, created["account"]) }, map[string]any{"city": "Lund"}, 200, func(t *testing.T, b []byte) {
			a := decode[map[string]any](t, b)
			if a["city"] != "Lund" || a["name"] != "Sandbox AB" {
				t.Errorf("after patch: city=%v name=%v", a["city"], a["name"])
			}
		}},
		{"update account clears with null and with an empty text", "PATCH", func() string { return expand(pathAccount, created["account"]) },
			map[string]any{"city": nil, "primaryEmail": "", "isActive": false}, 200, func(t *testing.T, b []byte) {
				a := decode[map[string]any](t, b)
				if a["city"] != "" || a["primaryEmail"] != "" || a["isActive"] != false || a["name"] != "Sandbox AB" {
					t.Errorf("after patch: %s", trunc(b))
				}
			}},
		{"update account refuses a null isActive", "PATCH", func() string { return expand(pathAccount, created["account"]) }, map[string]any{"isActive": nil}, 400, validationBody},
		{"update account with blank name", "PATCH", func() string { return expand(pathAccount, created["account"]) }, map[string]any{"name": " "}, 200, field("name", " ")},
		{"update unknown account", "PATCH", fixed(expand(pathAccount, "nope")), map[string]any{}, 404, errorBody},
		{"delete account", "DELETE", func() string { return expand(pathAccount, created["account"]) }, nil, 200, emptyBody},
		{"delete account again", "DELETE", func() string { return expand(pathAccount, created["account"]) }, nil, 404, errorBody},
		{"create lead", "POST", fixed(pathLeads), map[string]any{"subject": "Test drive", "department": map[string]string{"id": "d"},
			"contact": map[string]string{"id": contactID}, "source": map[string]string{"id": "s"}, "franchise": map[string]string{"id": "f"}}, 200,
			func(t *testing.T, b []byte) {
				idOf("lead")(t, b)
				l := decode[map[string]any](t, b)
				if l["contact"].(map[string]any)["id"] != contactID || l["subject"] != "Test drive" {
					t.Errorf("lead = %s", trunc(b))
				}
				if _, ok := l["department"]; ok {
					t.Error("department is write-only but came back")
				}
			}},
		{"create lead without subject", "POST", fixed(pathLeads), map[string]any{"contact": map[string]string{"id": contactID}}, 400, formBody("subject")},
		{"create lead with unknown contact", "POST", fixed(pathLeads), map[string]any{"subject": "x", "contact": map[string]string{"id": "nope"}}, 400, formBody("contact")},
		{"new lead is open for its contact", "GET", fixed(expand(pathContactOpenLeads, contactID)), nil, 200, func(t *testing.T, b []byte) {
			found := false
			for _, l := range decode[[]map[string]any](t, b) {
				found = found || l["id"] == created["lead"]
			}
			if !found {
				t.Error("created lead not among the contact's open leads")
			}
		}},
		{"copy lead", "POST", fixed(expand(pathLeadCopy, leadID)), map[string]any{"contact": map[string]any{"id": st.contactOrder[1]}, "subject": "Copy"}, 200,
			func(t *testing.T, b []byte) {
				l := decode[map[string]any](t, b)
				if l["id"] == leadID || l["subject"] != "Copy" || l["contact"].(map[string]any)["id"] != st.contactOrder[1] {
					t.Errorf("copy = %s", trunc(b))
				}
			}},
		{"copy lead without contact", "POST", fixed(expand(pathLeadCopy, leadID)), map[string]any{}, 400, formBody("contact")},
		{"copy unknown lead", "POST", fixed(expand(pathLeadCopy, "nope")), map[string]any{"contact": map[string]any{"id": contactID}}, 404, errorBody},
		{"create stage", "POST", fixed(pathStages), map[string]any{"name": "Delivered"}, 201, idOf("stage")},
		{"create stage without name", "POST", fixed(pathStages), map[string]any{}, 400, validationBody},
		{"update stage", "PATCH", func() string { return expand(pathStage, created["stage"]) }, map[string]any{"name": "Handed over"}, 200, field("name", "Handed over")},
		{"update unknown stage", "PATCH", fixed(expand(pathStage, "nope")), map[string]any{"name": "x"}, 404, errorBody},
		{"delete stage in use", "DELETE", fixed(expand(pathStage, usedStage)), nil, 400, errorBody},
		{"delete stage", "DELETE", func() string { return expand(pathStage, created["stage"]) }, nil, 204, emptyBody},
		{"delete stage again", "DELETE", func() string { return expand(pathStage, created["stage"]) }, nil, 404, errorBody},
		{"create task", "POST", fixed(pathTasks), map[string]any{"type": "CALL", "assignee": user, "title": "Call back",
			"contact": contactID, "connection": leadID}, 200, func(t *testing.T, b []byte) {
			idOf("task")(t, b)
			task := decode[map[string]any](t, b)
			if task["assignee"].(map[string]any)["id"] != user || task["connection"].(map[string]any)["id"] != leadID ||
				task["contact"].(map[string]any)["id"] != contactID || task["tenant"] == nil {
				t.Errorf("task = %s", trunc(b))
			}
		}},
		{"create task without title", "POST", fixed(pathTasks), map[string]any{"assignee": user}, 400, stringBody("title This value should not be blank.")},
		{"create task with unknown assignee", "POST", fixed(pathTasks), map[string]any{"assignee": "nope", "title": "x"}, 400, stringBody("assignee This value is not valid.")},
		{"update task", "PATCH", func() string { return expand(pathTask, created["task"]) }, map[string]any{"assignee": user, "title": "Call again"}, 200, field("title", "Call again")},
		{"update task invalid", "PATCH", func() string { return expand(pathTask, created["task"]) }, map[string]any{"assignee": user}, 400, stringBody("title This value should not be blank.")},
		{"update unknown task", "PATCH", fixed(expand(pathTask, "nope")), map[string]any{"assignee": user, "title": "x"}, 404, errorBody},
		{"delete task", "DELETE", func() string { return expand(pathTask, created["task"]) }, nil, 200, emptyBody},
		{"delete task again", "DELETE", func() string { return expand(pathTask, created["task"]) }, nil, 404, errorBody},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, ts, tt.method, tt.path(), tt.body, testToken)
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", status, tt.wantStatus, trunc(body))
			}
			tt.check(t, body)
		})
	}
}

func fixed(p string) func() string { return func() string { return p } }

// expand fills a path pattern's {name} segments with args, in order, path-escaped.
func expand(pattern string, args ...string) string {
	for _, a := range args {
		i, j := strings.IndexByte(pattern, '{'), strings.IndexByte(pattern, '}')
		if i < 0 || j < i {
			break
		}
		pattern = pattern[:i] + url.PathEscape(a) + pattern[j+1:]
	}
	return pattern
}

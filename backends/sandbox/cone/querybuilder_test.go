package cone

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// filterRow decodes only what the assertions need: full maps of 1,800 leads are slow
// under -race.
type filterRow struct {
	ID       string            `json:"id"`
	Contacts []json.RawMessage `json:"contacts"`
}

type filterResponse struct {
	Success bool        `json:"success"`
	Data    []filterRow `json:"data"`
}

func filterQuery(rules ...any) map[string]any {
	return map[string]any{"query": map[string]any{"id": "q", "combinator": "and", "rules": rules}}
}

func rule(field, op, value string) map[string]any {
	return map[string]any{"field": field, "operator": op, "valueSource": "value", "value": value}
}

func TestQueryBuilderFilter(t *testing.T) {
	s, ts := readOnlyServer(t)
	st := s.st
	leadIDs := st.leadOrder[100:120]
	accountIDs := st.accountOrder[:20]
	stage := st.stageOrder[3]
	// Operator cases run within the leads of a few hundred contacts (an indexed rule)
	// to keep responses small; count computes the expected number from the store.
	scope := st.contactOrder[:300]
	scoped := func(rules ...any) any {
		return filterQuery(append([]any{rule("contact.id", "in", strings.Join(scope, ","))}, rules...)...)
	}
	count := func(keep func(l *lead) bool) int {
		n := 0
		for _, l := range st.leads {
			if contains(scope, l.Contact.ID) && keep(l) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name, entity string
		body         any
		want         int
		check        func(t *testing.T, rows []filterRow)
	}{
		{"account id in", "account", filterQuery(rule("id", "in", strings.Join(accountIDs, ","))), 20, func(t *testing.T, rows []filterRow) {
			for i, r := range rows {
				if r.ID != accountIDs[i] {
					t.Fatalf("row %d = %v, want %s (creation order)", i, r.ID, accountIDs[i])
				}
				if len(r.Contacts) == 0 {
					t.Fatalf("row %d has no embedded contacts", i)
				}
			}
		}},
		{"account id in as JSON array", "account", filterQuery(map[string]any{"field": "id", "operator": "in", "value": accountIDs[:3]}), 3, nil},
		{"account id in with unknown ids", "account", filterQuery(rule("id", "in", accountIDs[0]+",nope,"+accountIDs[1])), 2, nil},
		{"account equal", "account", filterQuery(rule("id", "=", accountIDs[5])), 1, nil},
		{"contact by third-party id", "contact", filterQuery(rule("thirdPartyIds.systemName", "=", "CIRRUS"),
			rule("thirdPartyIds.thirdPartyId", "in", st.contacts[st.contactOrder[0]].base.ThirdPartyIDs[0].ThirdPartyID)), 1, nil},
		{"accounts without third-party id", "account", filterQuery(rule("thirdPartyIds.thirdPartyId", "null", "")), func() int {
			n := 0
			for _, a := range st.accounts {
				if len(a.base.ThirdPartyIDs) == 0 {
					n++
				}
			}
			return n
		}(), nil},
		{"lead id in", "lead", filterQuery(rule("id", "in", strings.Join(leadIDs, ","))), 20, nil},
		{"lead stage equal", "lead", scoped(rule("stage.id", "=", stage)), count(func(l *lead) bool { return l.Stage.ID == stage }), nil},
		{"lead stage not equal", "lead", scoped(rule("stage.id", "!=", stage)), count(func(l *lead) bool { return l.Stage.ID != stage }), nil},
		{"lead priority between", "lead", scoped(rule("priority", "between", "2,3")), count(func(l *lead) bool { return *l.Priority >= 2 && *l.Priority <= 3 }), nil},
		{"lead priority notIn", "lead", scoped(rule("priority", "notIn", "1,5")), count(func(l *lead) bool { return *l.Priority != 1 && *l.Priority != 5 }), nil},
		{"open leads (closed date null)", "lead", scoped(rule("connectionClosedDate", "null", "")), count(func(l *lead) bool { return l.ConnectionClosedDate == nil }), nil},
		{"closed leads", "lead", scoped(rule("connectionClosedDate", "notNull", "")), count(func(l *lead) bool { return l.ConnectionClosedDate != nil }), nil},
		{"subject contains, any case", "lead", scoped(rule("subject", "contains", "VOLVO")), count(func(l *lead) bool { return strings.Contains(l.Subject, "Volvo") }), nil},
		{"subject beginsWith", "lead", scoped(rule("subject", "beginsWith", "2024")), count(func(l *lead) bool { return strings.HasPrefix(l.Subject, "2024") }), nil},
		{"subject doesNotEndWith", "lead", scoped(rule("subject", "doesNotEndWith", "XC60")), count(func(l *lead) bool { return !strings.HasSuffix(l.Subject, "XC60") }), nil},
		{"qualified", "lead", scoped(rule("isQualified", "=", "true")), count(func(l *lead) bool { return l.IsQualified }), nil},
		{"created after", "lead", scoped(rule("dateCreated", ">", "2026-01-01T00:00:00Z")), count(func(l *lead) bool { return l.DateCreated.After(mustTime("2026-01-01T00:00:00Z")) }), nil},
		{"keyset: id after", "lead", scoped(rule("id", ">", st.leadOrder[1000])), count(func(l *lead) bool { return l.pos > 1000 }), nil},
		{"or group, negated", "lead", scoped(map[string]any{"combinator": "or", "not": true, "rules": []any{
			rule("priority", "=", "1"), rule("priority", "=", "2")}}), count(func(l *lead) bool { return *l.Priority > 2 }), nil},
		{"leads of contacts", "lead", scoped(rule("contact.id", "in", strings.Join(st.contactOrder[:30], ","))), count(func(l *lead) bool {
			return contains(st.contactOrder[:30], l.Contact.ID)
		}), nil},
		// Errors: the count field holds the status.
		{"unknown field", "lead", filterQuery(rule("salary", "=", "1")), 400, nil},
		{"unknown operator", "lead", filterQuery(rule("subject", "like", "x")), 400, nil},
		{"operator not for type", "lead", filterQuery(rule("isQualified", ">", "true")), 400, nil},
		{"bad number", "lead", filterQuery(rule("priority", "=", "high")), 400, nil},
		{"between needs two values", "lead", filterQuery(rule("priority", "between", "1")), 400, nil},
		{"bad combinator", "lead", map[string]any{"query": map[string]any{"combinator": "xor", "rules": []any{}}}, 400, nil},
		{"no query", "lead", map[string]any{}, 400, nil},
		{"bad JSON", "lead", "{", 400, nil},
		{"unknown entity", "opportunity", filterQuery(), 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, ts, http.MethodPost, expand(pathQueryBuilderFilter, tt.entity), tt.body, testToken)
			if status != http.StatusOK {
				if status != tt.want {
					t.Fatalf("status = %d, want %d (%s)", status, tt.want, trunc(body))
				}
				errorBody(t, body)
				return
			}
			var resp filterResponse
			if err := json.Unmarshal(body, &resp); err != nil {
				t.Fatal(err)
			}
			if !resp.Success || len(resp.Data) != tt.want {
				t.Fatalf("success=%v rows=%d, want %d", resp.Success, len(resp.Data), tt.want)
			}
			if tt.check != nil {
				tt.check(t, resp.Data)
			}
		})
	}
}

func TestCandidatesUseIndexes(t *testing.T) {
	s, _ := readOnlyServer(t)
	ids := s.st.accountOrder[:5]
	tests := []struct {
		name         string
		entity       string
		query        string
		wantNarrowed bool
		wantIDs      int
	}{
		{"id in", "account", `{"combinator":"and","rules":[{"field":"id","operator":"in","value":"` + strings.Join(ids, ",") + `"}]}`, true, 5},
		{"id in after another rule", "account", `{"combinator":"and","rules":[{"field":"name","operator":"contains","value":"a"},{"field":"id","operator":"=","value":"` + ids[0] + `"}]}`, true, 1},
		{"or group scans", "account", `{"combinator":"or","rules":[{"field":"id","operator":"in","value":"` + ids[0] + `"}]}`, false, 0},
		{"unindexed field scans", "account", `{"combinator":"and","rules":[{"field":"name","operator":"=","value":"x"}]}`, false, 0},
		{"lead contact index", "lead", `{"combinator":"and","rules":[{"field":"contact.id","operator":"in","value":"` + s.st.leads[s.st.leadOrder[0]].Contact.ID + `"}]}`, true, len(s.st.leadsByContact[s.st.leads[s.st.leadOrder[0]].Contact.ID])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q ruleInput
			if err := json.Unmarshal([]byte(tt.query), &q); err != nil {
				t.Fatal(err)
			}
			got, narrowed := candidates(s.st, s.entities[tt.entity], &q)
			if narrowed != tt.wantNarrowed || len(got) != tt.wantIDs {
				t.Errorf("narrowed=%v ids=%d, want %v %d", narrowed, len(got), tt.wantNarrowed, tt.wantIDs)
			}
		})
	}
}

func TestQueryBuilderConfig(t *testing.T) {
	_, ts := readOnlyServer(t)
	tests := []struct {
		entity     string
		wantStatus int
		wantFields []string
	}{
		{"account", 200, []string{"id", "name", "thirdPartyIds.systemName", "thirdPartyIds.thirdPartyId"}},
		{"contact", 200, []string{"id", "firstName", "accounts.id", "thirdPartyIds.thirdPartyId"}},
		{"lead", 200, []string{"id", "contact.id", "account.id", "stage.id", "connectionClosedDate"}},
		{"opportunity", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.entity, func(t *testing.T) {
			status, body := call(t, ts, http.MethodGet, expand(pathQueryBuilderConfig, tt.entity), nil, testToken)
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", status, tt.wantStatus)
			}
			if status != http.StatusOK {
				errorBody(t, body)
				return
			}
			cfg := decode[struct {
				Fields []struct {
					Name      string   `json:"name"`
					Type      string   `json:"type"`
					Operators []string `json:"operators"`
				} `json:"fields"`
				Operators []string `json:"operators"`
			}](t, body)
			if len(cfg.Operators) != 18 || !contains(cfg.Operators, "in") || !contains(cfg.Operators, "=") {
				t.Errorf("operators = %v", cfg.Operators)
			}
			have := map[string]bool{}
			for _, f := range cfg.Fields {
				have[f.Name] = true
				if f.Type == "" || len(f.Operators) == 0 {
					t.Errorf("field %s: type %q operators %v", f.Name, f.Type, f.Operators)
				}
			}
			for _, f := range tt.wantFields {
				if !have[f] {
					t.Errorf("field %s not advertised", f)
				}
			}
		})
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

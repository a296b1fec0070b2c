package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"crmgraph/backends/cone"
	sandbox "crmgraph/backends/sandbox/cone"
)

// rewriting serves a ConeCRM sandbox, changing query-builder filters on the way: query
// edits each filter's query of entity, rows each answer's rows.
type rewriting struct {
	h      http.Handler
	entity string
	query  func(q map[string]any)
	rows   func(rows []any) []any
}

func (rw rewriting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/query-builder/filter/"+rw.entity {
		rw.h.ServeHTTP(w, r)
		return
	}
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &body); err == nil && rw.query != nil {
		if q, ok := body["query"].(map[string]any); ok {
			rw.query(q)
		}
		b, _ = json.Marshal(body)
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	rec := httptest.NewRecorder()
	rw.h.ServeHTTP(rec, r)
	out := rec.Body.Bytes()
	var answer struct {
		Success bool  `json:"success"`
		Data    []any `json:"data"`
	}
	if rec.Code == http.StatusOK && rw.rows != nil && json.Unmarshal(out, &answer) == nil {
		answer.Data = rw.rows(answer.Data)
		out, _ = json.Marshal(answer)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

// editRules applies edit to every rule (not group) of q, nested ones included; a rule
// edit returns nil is dropped.
func editRules(q map[string]any, edit func(rule map[string]any) map[string]any) {
	rules, _ := q["rules"].([]any)
	kept := []any{}
	for _, x := range rules {
		r, _ := x.(map[string]any)
		if _, group := r["rules"]; group {
			editRules(r, edit)
			kept = append(kept, r)
		} else if r = edit(r); r != nil {
			kept = append(kept, r)
		}
	}
	q["rules"] = kept
}

// ignoring is a server that ignores rules on field (as one that does not know it might).
func ignoring(field string) func(map[string]any) {
	return func(q map[string]any) {
		editRules(q, func(r map[string]any) map[string]any {
			if r["field"] == field {
				return nil
			}
			return r
		})
	}
}

// matchingNothing is a server on which rules on field match no record.
func matchingNothing(field string) func(map[string]any) {
	return func(q map[string]any) {
		editRules(q, func(r map[string]any) map[string]any {
			if r["field"] == field {
				r["value"] = "no-such-value"
			}
			return r
		})
	}
}

// TestConeRelationAndOrderChecks: the checks of the dotted relation fields the client
// filters by (account.id, stage.id on leads; thirdPartyIds on contacts) and of the
// lead order bounded lead reads rely on hold against both sandbox readings, differ
// against a server that ignores a field, matches nothing through it or answers out of
// order, and cannot tell without access.
func TestConeRelationAndOrderChecks(t *testing.T) {
	const (
		account = "dotted relation field account.id filters leads"
		stage   = "dotted relation field stage.id filters leads"
		order   = "query-builder answers leads in id order (lead pages without totalCount stop reading on it)"
		contact = "dotted relation fields thirdPartyIds.systemName/thirdPartyId find contacts"
	)
	def := sandbox.New(world(), "t")
	alt := sandbox.New(world(), "t")
	alt.UseAlternative()
	reversed := func(rows []any) []any { slices.Reverse(rows); return rows }
	tests := []struct {
		name    string
		h       http.Handler
		token   string
		want    map[string]string // assumption → result, and a piece of the detail
		others  string            // the result every other cone check must have ("": any)
		inArray bool
	}{
		{"default reading", def, "t", map[string]string{account: "holds leads of one account", stage: "holds leads of one stage",
			order: "holds leads in id order", contact: "holds id found its contact"}, "holds", false},
		{"alt reading", alt, "t", map[string]string{account: "holds", stage: "holds", order: "holds", contact: "holds"}, "holds", true},
		{"account.id ignored", rewriting{h: def, entity: "lead", query: ignoring("account.id")}, "t",
			map[string]string{account: "differs a lead of another account came back", stage: "holds", order: "holds"}, "", false},
		{"stage.id matches nothing", rewriting{h: def, entity: "lead", query: matchingNothing("stage.id")}, "t",
			map[string]string{stage: "differs did not find that lead", account: "holds"}, "", false},
		{"thirdPartyIds.thirdPartyId matches nothing on contacts", rewriting{h: def, entity: "contact", query: matchingNothing("thirdPartyIds.thirdPartyId")}, "t",
			map[string]string{contact: "differs did not find its contact", account: "holds"}, "", false},
		{"leads in reverse order", rewriting{h: def, entity: "lead", rows: reversed}, "t",
			map[string]string{order: "differs comes after", account: "holds", stage: "holds"}, "", false},
		{"no access", def, "not-the-token", map[string]string{account: "unknown refused", stage: "unknown refused",
			order: "unknown refused", contact: "unknown refused"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.h)
			t.Cleanup(srv.Close)
			cfg := cone.Config{BaseURL: srv.URL, Token: tt.token, HTTP: srv.Client(), Timeout: 10 * time.Second}
			if tt.inArray {
				cfg.InValues = cone.InArray
			}
			fs := map[string]Finding{}
			for _, f := range Run(context.Background(), coneChecks(cone.New(cfg)), Options{}) {
				fs[f.Assumption] = f
			}
			for a, want := range tt.want {
				f, ok := fs[a]
				result, detail, _ := strings.Cut(want, " ")
				if !ok || string(f.Result) != result || !strings.Contains(f.Detail, detail) || f.Setting != "" {
					t.Errorf("%s: %s %q (%s), want %s with %q", a, f.Result, f.Setting, f.Detail, result, detail)
				}
			}
			for a, f := range fs {
				if _, named := tt.want[a]; !named && tt.others != "" && string(f.Result) != tt.others {
					t.Errorf("%s: %s (%s), want %s", a, f.Result, f.Detail, tt.others)
				}
			}
		})
	}
}

package cirrus

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func raw(s *Server, method, target, mask, payload string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(payload))
	req.Header.Set("X-Token", token)
	if mask != "" {
		req.Header.Set("X-Fields", mask)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// TestAlternative: each point of the alternative reading, next to the default one.
func TestAlternative(t *testing.T) {
	def := newServer(t)
	alt := newServer(t)
	alt.UseAlternative()
	const account = `{"name": "Alt AB", "typeid": 1, "userid": 1}`
	tests := []struct {
		name           string
		s              *Server
		method, target string
		mask, payload  string
		code           int
		check          func(t *testing.T, rec *httptest.ResponseRecorder)
	}{
		{"default create answers the record", def, "POST", "/accounts", "", account, http.StatusCreated, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if !strings.Contains(rec.Body.String(), `"Alt AB"`) {
				t.Fatalf("body %q", rec.Body)
			}
		}},
		{"alt create answers no body", alt, "POST", "/accounts/", "", account, http.StatusCreated, empty},
		{"alt update answers 204", alt, "PUT", "/accounts/1", "", `{"phone": "1"}`, http.StatusNoContent, empty},
		{"alt validation still answers the errors", alt, "POST", "/accounts/", "", `{"name": "x"}`, http.StatusBadRequest, nil},
		{"default has no slash form", def, "GET", "/accounts/", "", "", http.StatusNotFound, nil},
		{"alt redirects the slash-less form", alt, "GET", "/accounts?page=2", "", "", http.StatusPermanentRedirect, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if loc := rec.Header().Get("Location"); loc != "accounts/?page=2" {
				t.Fatalf("Location %q", loc)
			}
		}},
		{"alt reference list with slash", alt, "GET", "/accounts/types/", "", "", http.StatusOK, nil},
		{"alt item path unchanged", alt, "GET", "/accounts/1", "{id}", "", http.StatusOK, func(t *testing.T, rec *httptest.ResponseRecorder) {
			if got := strings.TrimSpace(rec.Body.String()); got != `{"id": 1}` {
				t.Fatalf("body %s", got)
			}
		}},
		{"default masks the envelope", def, "GET", "/accounts?per_page=50", "{total,items{id}}", "", http.StatusOK, func(t *testing.T, rec *httptest.ResponseRecorder) {
			p := decodePage(t, rec)
			if p.Total == 0 || len(p.Items) != 50 || p.Items[0]["id"] == nil || len(p.Items[0]) != 1 || p.PerPage != 0 {
				t.Fatalf("page %+v", p)
			}
		}},
		{"alt masks each item and caps at 25", alt, "GET", "/accounts/?per_page=50", "{id}", "", http.StatusOK, func(t *testing.T, rec *httptest.ResponseRecorder) {
			p := decodePage(t, rec)
			if p.Total == 0 || p.PerPage != altMaxPerPage || len(p.Items) != altMaxPerPage || len(p.Items[0]) != 1 || p.Items[0]["id"] == nil {
				t.Fatalf("page %+v", p)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := raw(tc.s, tc.method, tc.target, tc.mask, tc.payload)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			if tc.check != nil {
				tc.check(t, rec)
			}
		})
	}
}

func empty(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Body.Len() != 0 {
		t.Fatalf("body %q, want none", rec.Body)
	}
}

type decodedPage struct {
	Total   int              `json:"total"`
	PerPage int              `json:"per_page"`
	Items   []map[string]any `json:"items"`
}

func decodePage(t *testing.T, rec *httptest.ResponseRecorder) decodedPage {
	t.Helper()
	var p decodedPage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

package cone

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"crmgraph/backends/sandbox/dataset"
)

func TestInValueReadings(t *testing.T) {
	w := dataset.New(1)
	def, alt := New(w, "t"), New(w, "t")
	alt.UseAlternative()
	ids := def.st.accountOrder[:2]
	comma, _ := json.Marshal(strings.Join(ids, ","))
	array, _ := json.Marshal(ids)
	tests := []struct {
		name  string
		s     *Server
		value []byte
		want  int
	}{
		{"default, comma-joined", def, comma, 2},
		{"default, JSON array", def, array, 2},
		{"alt, comma-joined is one value", alt, comma, 0},
		{"alt, JSON array", alt, array, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"query":{"combinator":"and","rules":[{"field":"id","operator":"in","value":` + string(tt.value) + `}]}}`
			req := httptest.NewRequest(http.MethodPost, "/api/query-builder/filter/account", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer t")
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			tt.s.ServeHTTP(rec, req)
			var out struct {
				Data []json.RawMessage `json:"data"`
			}
			if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil || len(out.Data) != tt.want {
				t.Fatalf("status %d, %d rows, want %d: %s", rec.Code, len(out.Data), tt.want, rec.Body.Bytes())
			}
		})
	}
}

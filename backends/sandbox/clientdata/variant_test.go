package clientdata

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestAlternative: UseAlternative counts search pages from 0, caps them at
// AltMaxPageSize and keeps an export job pending for AltPendingReads reads; the
// default reading counts from 1, takes maxPageSize and has the CSV at once.
func TestAlternative(t *testing.T) {
	def := New(world(), Tokens{}) // not shared(): other tests add change requests to it
	alt := New(world(), Tokens{})
	alt.UseAlternative()
	search := func(s *Server, body map[string]any) (reply, paged[wireSummary]) {
		r := call(t, s, "POST", "/v1.0/contacts/change-requests/search", AppToken, body)
		var p paged[wireSummary]
		if r.status == http.StatusOK {
			r.decode(t, &p)
		}
		return r, p
	}
	t.Run("page base", func(t *testing.T) {
		_, d1 := search(def, map[string]any{"page": 1, "pageSize": 3})
		_, a0 := search(alt, map[string]any{"page": 0, "pageSize": 3})
		_, a1 := search(alt, map[string]any{"page": 1, "pageSize": 3})
		if len(d1.Results) != 3 || a0.Results[0].ID != d1.Results[0].ID || a1.Results[0].ID == d1.Results[0].ID || a0.Page != 0 {
			t.Fatalf("default page 1 %v, alt page 0 %v, alt page 1 %v", d1.Results, a0.Results, a1.Results)
		}
	})
	t.Run("page cap", func(t *testing.T) {
		expectStatus(t, call(t, def, "POST", "/v1.0/contacts/change-requests/search", AppToken, map[string]any{"pageSize": maxPageSize}), 200)
		expectStatus(t, call(t, alt, "POST", "/v1.0/contacts/change-requests/search", AppToken, map[string]any{"pageSize": AltMaxPageSize}), 200)
		expectStatus(t, call(t, alt, "POST", "/v1.0/contacts/change-requests/search", AppToken, map[string]any{"pageSize": AltMaxPageSize + 1}), 400)
	})
	t.Run("export pending", func(t *testing.T) {
		for _, tc := range []struct {
			s       *Server
			pending int
		}{{def, 0}, {alt, AltPendingReads}} {
			r := call(t, tc.s, "POST", "/v1.0/contacts/export", AppToken, nil)
			var job struct{ ExportJobID string }
			r.decode(t, &job)
			for read := range tc.pending + 2 {
				want := http.StatusOK
				if read < tc.pending {
					want = http.StatusAccepted
				}
				expectStatus(t, call(t, tc.s, "GET", "/v1.0/contacts/export/"+job.ExportJobID, AppToken, nil), want)
			}
		}
	})
	t.Run("export identity headers", func(t *testing.T) {
		for _, tc := range []struct {
			s    *Server
			want []string
		}{{def, []string{"id", "uId", "username"}}, {alt, []string{AltColumnID, AltColumnUID, "username"}}} {
			r := call(t, tc.s, "POST", "/v1.0/contacts/export", AppToken, nil)
			var job struct{ ExportJobID string }
			r.decode(t, &job)
			var got reply
			for range AltPendingReads + 1 {
				got = call(t, tc.s, "GET", "/v1.0/contacts/export/"+job.ExportJobID, AppToken, nil)
			}
			expectStatus(t, got, 200)
			header, _, _ := strings.Cut(string(got.body), "\r\n")
			if cols := strings.Split(header, ","); !slices.Equal(cols[:3], tc.want) {
				t.Fatalf("header %v, want it to start %v", cols, tc.want)
			}
		}
	})
}

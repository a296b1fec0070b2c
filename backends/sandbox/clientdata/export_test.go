package clientdata

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"crmgraph/backends/sandbox/dataset"
)

// exportRows POSTs body as an export, downloads the job and returns header and rows.
func exportRows(t *testing.T, s *Server, token string, body any) ([]string, [][]string) {
	t.Helper()
	r := call(t, s, "POST", routeContactsExport, token, body)
	expectStatus(t, r, 200)
	var job struct{ ExportJobID string }
	r.decode(t, &job)
	if _, err := canonicalUUID(job.ExportJobID); err != nil {
		t.Fatalf("exportJobId %q is not a uuid", job.ExportJobID)
	}
	got := call(t, s, "GET", "/v1.0/contacts/export/"+job.ExportJobID, token, nil)
	expectStatus(t, got, 200)
	recs, err := csv.NewReader(bytes.NewReader(got.body)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if len(recs) == 0 {
		t.Fatal("no header row")
	}
	return recs[0], recs[1:]
}

func ids(rows [][]string) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i], _ = strconv.Atoi(r[0])
	}
	return out
}

// column returns the index of name in header.
func column(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, header)
	}
	return i
}

func TestExportAll(t *testing.T) {
	s := shared()
	s.mu.RLock()
	want := make([]int, 0, len(s.contacts))
	for id := range s.contacts {
		want = append(want, int(id))
	}
	s.mu.RUnlock()
	slices.Sort(want)

	for _, tc := range []struct {
		name string
		body any
	}{
		{"no body", nil},
		{"blank body", "  \n"},
		{"query without arguments", "query { contacts { items { id } } }"},
		{"shorthand", "{ contacts { items { } } }"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header, rows := exportRows(t, s, AppToken, tc.body)
			if !slices.Equal(header, exportColumns()) {
				t.Fatalf("header %v, want %v", header, exportColumns())
			}
			if got := ids(rows); !slices.Equal(got, want) {
				t.Fatalf("%d rows (first %v), want all %d contacts in id order", len(got), got[:min(5, len(got))], len(want))
			}
		})
	}
	t.Run("columns are the exportable attributes", func(t *testing.T) {
		header := exportColumns()
		if !slices.Equal(header[:3], []string{"id", "uId", "username"}) {
			t.Fatalf("identity columns %v", header[:3])
		}
		if slices.Contains(header, pathBirthDate) {
			t.Fatal("birth date is not exportable but exported")
		}
		for _, p := range []string{pathDisplayName, pathFirstName, pathLastName, pathEmail, pathMobile, pathCity} {
			column(t, header, p)
		}
	})
	t.Run("row holds the contact's values", func(t *testing.T) {
		header, rows := exportRows(t, s, AppToken, "query { contacts(skip: 3, take: 1) { items { id } } }")
		id, _ := strconv.Atoi(rows[0][0])
		s.mu.RLock()
		c := s.contacts[int32(id)]
		wantRow := []string{rows[0][0], c.uid, c.username}
		for _, col := range header[3:] {
			wantRow = append(wantRow, c.details[col])
		}
		s.mu.RUnlock()
		if !slices.Equal(rows[0], wantRow) {
			t.Fatalf("row %v, want %v", rows[0], wantRow)
		}
	})
}

func TestExportQuery(t *testing.T) {
	s := shared()
	header, all := exportRows(t, s, AppToken, nil)
	display, email, city := column(t, header, pathDisplayName), column(t, header, pathEmail), column(t, header, pathCity)
	sample := all[len(all)/2]
	last := strings.Fields(sample[display])[len(strings.Fields(sample[display]))-1]
	where := func(keep func(r []string) bool) []int {
		var out []int
		for _, r := range all {
			if keep(r) {
				n, _ := strconv.Atoi(r[0])
				out = append(out, n)
			}
		}
		return out
	}
	containsLast := where(func(r []string) bool { return strings.Contains(strings.ToLower(r[display]), strings.ToLower(last)) })
	if len(containsLast) < 2 {
		t.Fatalf("test data: %q matches %d contacts", last, len(containsLast))
	}
	for _, tc := range []struct {
		name  string
		query string
		want  []int
	}{
		{"skip/take window", "query { contacts(skip: 10, take: 5) { items { id } } }", ids(all[10:15])},
		{"skip past the end", fmt.Sprintf("query { contacts(skip: %d) { items { id } } }", len(all)), nil},
		{"take 0", "query { contacts(take: 0) { items { id } } }", nil},
		{"seed sample shape, contains", `query { contacts( where: { and: [{ personalInformation: { displayName: { contains: "` + last + `" } } }] } ) { items { } } }`, containsLast},
		{"contains ignores case", `query { contacts(where: { personalInformation: { displayName: { contains: "` + strings.ToUpper(last) + `" } } }) { items { id } } }`, containsLast},
		{"contains with skip/take", `query Page { contacts(skip: 1, take: 1, where: { and: [{ personalInformation: { displayName: { contains: "` + last + `" } } }] }) { items { id } } }`, containsLast[1:2]},
		{"eq on email", `{ contacts(where: { communicationMeans: { primaryEmail: { eq: "` + sample[email] + `" } } }) { items { id } } }`,
			where(func(r []string) bool { return strings.EqualFold(r[email], sample[email]) })},
		{"or, startsWith, nested address", `{ contacts(where: { or: [{ addresses: { primaryAddress: { city: { startsWith: "` + sample[city][:2] + `" } } } }, { id: { eq: 1 } }] }) { items { id } } }`,
			where(func(r []string) bool {
				return strings.HasPrefix(strings.ToLower(r[city]), strings.ToLower(sample[city][:2])) || r[0] == "1"
			})},
		{"id in, neq, alias, escapes", `# a comment
			query { list: contacts(where: { id: { in: [` + all[0][0] + `, ` + all[1][0] + `, ` + all[2][0] + `] }, username: { neq: "\u0041\"\\" } }) { items { id } } }`, ids(all[:3])},
		{"id range", fmt.Sprintf("{ contacts(where: { id: { gte: %s, lt: %s } }) { items { id } } }", all[5][0], all[8][0]), ids(all[5:8])},
		{"ncontains", `{ contacts(where: { and: [{ personalInformation: { displayName: { ncontains: "` + last + `" } } }, { id: { lte: ` + all[40][0] + ` } }] }) { items { id } } }`,
			where(func(r []string) bool {
				n, _ := strconv.Atoi(r[0])
				m, _ := strconv.Atoi(all[40][0])
				return n <= m && !strings.Contains(strings.ToLower(r[display]), strings.ToLower(last))
			})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, rows := exportRows(t, s, AppToken, tc.query)
			if got := ids(rows); !slices.Equal(got, tc.want) {
				t.Fatalf("ids %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("JSON body forms", func(t *testing.T) {
		q := "query { contacts(take: 2) { items { id } } }"
		for _, body := range []any{map[string]string{"query": q}, q, fmt.Sprintf("%q", q)} {
			if _, rows := exportRows(t, s, AppToken, body); !slices.Equal(ids(rows), ids(all[:2])) {
				t.Fatalf("body %v: ids %v", body, ids(rows))
			}
		}
	})
}

func TestExportErrors(t *testing.T) {
	s := shared()
	t.Run("unknown job is 404", func(t *testing.T) {
		r := call(t, s, "GET", "/v1.0/contacts/export/8a16feed-2e0d-4228-8fbb-a05bb4aba530", AppToken, nil)
		expectSubCode(t, r, 404, subCodeNA)
		if e := r.apiError(t); e.Code != "NotFound" {
			t.Fatalf("code %q", e.Code)
		}
	})
	t.Run("job id not a uuid is 400", func(t *testing.T) {
		expectSubCode(t, call(t, s, "GET", "/v1.0/contacts/export/42", AppToken, nil), 400, subCodeNA)
	})
	t.Run("no token is 401", func(t *testing.T) {
		expectStatus(t, call(t, s, "POST", routeContactsExport, "", nil), 401)
		expectStatus(t, call(t, s, "GET", "/v1.0/contacts/export/8a16feed-2e0d-4228-8fbb-a05bb4aba530", "", nil), 401)
	})
	t.Run("contact routes beside the export route", func(t *testing.T) {
		id := world().People[slices.IndexFunc(world().People, func(p dataset.Person) bool { return p.ClientDataID != 0 })].ClientDataID
		expectStatus(t, call(t, s, "GET", path("/v1.0/contacts/%d/details", id), AppToken, nil), 200)
		expectStatus(t, call(t, s, "GET", "/v1.0/contacts/export/details", AppToken, nil), 400)
	})
	for _, tc := range []struct{ name, query string }{
		{"unterminated", "query { contacts("},
		{"unbalanced selection", "query { contacts { items { id } }"},
		{"other root field", "query { accounts { items { id } } }"},
		{"two root fields", "query { contacts { items { id } } other }"},
		{"mutation", "mutation { contacts { items { id } } }"},
		{"variables", "query Q($n: Int) { contacts(take: $n) { items { id } } }"},
		{"variable value", "query { contacts(take: $n) { items { id } } }"},
		{"fragment", "query { contacts { ...F } }"},
		{"unknown argument", "query { contacts(first: 5) { items { id } } }"},
		{"duplicate argument", "query { contacts(take: 5, take: 6) { items { id } } }"},
		{"negative skip", "query { contacts(skip: -1) { items { id } } }"},
		{"string take", `query { contacts(take: "5") { items { id } } }`},
		{"unknown filter field", `query { contacts(where: { personalInformation: { nickname: { eq: "x" } } }) { items { id } } }`},
		{"unknown operator", `query { contacts(where: { personalInformation: { displayName: { like: "x" } } }) { items { id } } }`},
		{"contains a number", `query { contacts(where: { personalInformation: { displayName: { contains: 5 } } }) { items { id } } }`},
		{"operator on a branch", `query { contacts(where: { personalInformation: { eq: "x" } }) { items { id } } }`},
		{"and of scalars", `query { contacts(where: { and: [1, 2] }) { items { id } } }`},
		{"contains on id", `query { contacts(where: { id: { contains: "1" } }) { items { id } } }`},
		{"bad escape", `query { contacts(where: { username: { eq: "\q" } }) { items { id } } }`},
		{"trailing garbage", "query { contacts { items { id } } } }"},
		{"not graphql", "SELECT * FROM contacts"},
	} {
		t.Run("400 "+tc.name, func(t *testing.T) {
			r := call(t, s, "POST", routeContactsExport, AppToken, tc.query)
			expectSubCode(t, r, 400, subCodeNA)
			if e := r.apiError(t); e.Code != "BadRequest" || !strings.HasPrefix(e.Message, "The export query is not valid") {
				t.Fatalf("error %+v", e)
			}
		})
	}
	t.Run("400 JSON object without query", func(t *testing.T) {
		expectSubCode(t, call(t, s, "POST", routeContactsExport, AppToken, map[string]int{"query": 5}), 400, subCodeNA)
	})
}

func TestExportSnapshotAndScope(t *testing.T) {
	s := shared()
	c := pick(t, s, free)
	byID := fmt.Sprintf("{ contacts(where: { id: { eq: %d } }) { items { id } } }", c.id)
	r := call(t, s, "POST", routeContactsExport, AppToken, byID)
	expectStatus(t, r, 200)
	var job struct{ ExportJobID string }
	r.decode(t, &job)
	title := fmt.Sprintf("Head, \"Exports\" %d", seq.Add(1))
	expectStatus(t, call(t, s, "PATCH", path("/v1.0/contacts/%d/details", c.id), AppToken,
		map[string]any{"details": map[string]any{"employment": map[string]any{"jobTitle": title}}}), 200)

	jobTitle := func(t *testing.T, raw []byte) string {
		t.Helper()
		recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("csv %v: %q", err, raw)
		}
		return recs[1][column(t, recs[0], pathJobTitle)]
	}
	t.Run("the job holds the contacts as they were at POST time", func(t *testing.T) {
		got := call(t, s, "GET", "/v1.0/contacts/export/"+strings.ToUpper(job.ExportJobID), AppToken, nil)
		expectStatus(t, got, 200)
		if jt := jobTitle(t, got.body); jt == title {
			t.Fatalf("old job shows the later title %q", jt)
		}
	})
	t.Run("a new job sees the change, quoted", func(t *testing.T) {
		_, rows := exportRows(t, s, AppToken, byID)
		header := exportColumns()
		if got := rows[0][column(t, header, pathJobTitle)]; got != title {
			t.Fatalf("title %q, want %q", got, title)
		}
	})
	t.Run("member exports only visible contacts", func(t *testing.T) {
		_, rows := exportRows(t, s, MemberToken1, nil)
		s.mu.RLock()
		defer s.mu.RUnlock()
		want := 0
		for _, c := range s.contacts {
			if s.visible(caller{user: 0}, c, true) {
				want++
			}
		}
		if len(rows) != want || want == 0 || want == len(s.contacts) {
			t.Fatalf("%d rows, want %d of %d", len(rows), want, len(s.contacts))
		}
	})
	t.Run("a job is readable by its creator only", func(t *testing.T) {
		expectStatus(t, call(t, s, "GET", "/v1.0/contacts/export/"+job.ExportJobID, MemberToken1, nil), 404)
	})
}

func TestExportJobsBounded(t *testing.T) {
	s := &Server{w: world()} // jobs only need the world for their uuids
	first := s.jobs.add(s, -1, []byte("x"))
	var ids []string
	for range maxExportJobs {
		ids = append(ids, s.jobs.add(s, -1, []byte("x")))
	}
	if s.jobs.get(first) != nil || s.jobs.get(ids[0]) == nil || len(s.jobs.byID) != maxExportJobs {
		t.Fatalf("count bound: first kept %v, %d jobs", s.jobs.get(first) != nil, len(s.jobs.byID))
	}
	if slices.Contains(ids, first) || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Fatal("job ids repeat")
	}
	big := s.jobs.add(s, -1, make([]byte, maxExportBytes))
	if s.jobs.get(big) == nil || len(s.jobs.byID) != 1 || s.jobs.bytes != maxExportBytes {
		t.Fatalf("byte bound: %d jobs, %d bytes", len(s.jobs.byID), s.jobs.bytes)
	}
}

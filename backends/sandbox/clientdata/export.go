package clientdata

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Export jobs are kept in memory, oldest evicted first, bounded by count and by CSV
// bytes (a full export is a few MB). An evicted job answers 404 like an expired one.
const (
	maxExportJobs  = 1000
	maxExportBytes = 64 << 20
	maxQueryBytes  = 64 << 10
)

type exportJob struct {
	id    string
	owner int // caller user index (-1 for the app): a job is readable by its creator only
	csv   []byte
	reads int // GETs so far, under exportJobs.mu
}

type exportJobs struct {
	mu    sync.Mutex
	byID  map[string]*exportJob
	order []*exportJob // oldest first
	bytes int
	n     int // jobs created, numbers the job uuids
}

// exportColumns is the CSV header: the identity columns, then the exportable schema
// paths in schema order.
func exportColumns() []string { return variant{}.exportColumns() }

// exportColumns: the identity headers are the variant's (the seed names none).
func (v variant) exportColumns() []string {
	cols := []string{columnID, columnUID, columnUsername}
	if v.altColumns {
		cols[0], cols[1] = AltColumnID, AltColumnUID
	}
	for _, f := range contactFields {
		if f.exported {
			cols = append(cols, f.path)
		}
	}
	return cols
}

// exportQueryText reads the POST body: empty (all contacts), the raw GraphQL text as
// the seed shows it, or, leniently, a JSON string or a GraphQL-over-HTTP {"query"} object.
func exportQueryText(body []byte) (string, bool) {
	text := strings.TrimSpace(string(body))
	switch {
	case strings.HasPrefix(text, `"`):
		var s string
		if json.Unmarshal(body, &s) != nil {
			return "", false
		}
		return s, true
	case strings.HasPrefix(text, "{"):
		var obj struct {
			Query *string `json:"query"`
		}
		if json.Unmarshal(body, &obj) == nil {
			if obj.Query == nil {
				return "", false
			}
			return *obj.Query, true
		}
	}
	return text, true // raw GraphQL, including the `{ contacts … }` shorthand
}

func (s *Server) startExport(rw http.ResponseWriter, r *http.Request, who caller) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxQueryBytes+1))
	if err != nil || len(body) > maxQueryBytes {
		s.malformed(rw)
		return
	}
	text, ok := exportQueryText(body)
	if !ok {
		s.malformed(rw)
		return
	}
	q := exportQuery{take: -1}
	if strings.TrimSpace(text) != "" {
		if q, err = parseExportQuery(text); err != nil {
			s.badRequest(rw, subCodeNA, "The export query is not valid: "+err.Error())
			return
		}
	}
	csv := s.exportCSV(who, q)
	job := s.jobs.add(s, who.user, csv)
	writeJSON(rw, http.StatusOK, struct {
		ExportJobID string `json:"exportJobId"`
	}{job})
}

// exportCSV writes the contacts q selects, as they are now, in contact-id order.
// Members export the contacts they can see (directly or through the hierarchy).
func (s *Server) exportCSV(who caller, q exportQuery) []byte {
	cols := s.variant.exportColumns()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true // RFC 4180
	_ = w.Write(cols)

	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int32, 0, len(s.contacts))
	for id := range s.contacts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	row := make([]string, len(cols))
	skipped, written := 0, 0
	for _, id := range ids {
		if q.take >= 0 && written >= q.take {
			break
		}
		c := s.contacts[id]
		if !s.visible(who, c, true) || q.where != nil && !q.where(c) {
			continue
		}
		if skipped < q.skip {
			skipped++
			continue
		}
		row[0], row[1], row[2] = strconv.Itoa(int(c.id)), c.uid, c.username
		for i, col := range cols[3:] {
			row[3+i] = c.details[col]
		}
		_ = w.Write(row)
		written++
	}
	w.Flush()
	return buf.Bytes()
}

// add stores a job and returns its uuid (deterministic: the n-th job of a seed).
func (j *exportJobs) add(s *Server, owner int, csv []byte) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.byID == nil {
		j.byID = map[string]*exportJob{}
	}
	j.n++
	job := &exportJob{id: s.w.UUID("clientdata-export-job", j.n), owner: owner, csv: csv}
	j.byID[job.id] = job
	j.order = append(j.order, job)
	j.bytes += len(csv)
	for len(j.order) > maxExportJobs || j.bytes > maxExportBytes && len(j.order) > 1 {
		old := j.order[0]
		j.order[0] = nil
		j.order = j.order[1:]
		delete(j.byID, old.id)
		j.bytes -= len(old.csv)
	}
	return job.id
}

// read counts a read of job id and reports whether its CSV is ready: after pending
// earlier reads.
func (j *exportJobs) read(id string, pending int) (*exportJob, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job := j.byID[id]
	if job == nil {
		return nil, false
	}
	job.reads++
	return job, job.reads > pending
}

var errNotUUID = errors.New("not a uuid")

// canonicalUUID lower-cases a uuid in its 8-4-4-4-12 form.
func canonicalUUID(s string) (string, error) {
	if len(s) != 36 {
		return "", errNotUUID
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return "", errNotUUID
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return "", errNotUUID
		}
	}
	return strings.ToLower(s), nil
}

func (s *Server) getExport(rw http.ResponseWriter, r *http.Request, who caller) {
	id, err := canonicalUUID(r.PathValue("exportJobId"))
	if err != nil {
		s.malformed(rw)
		return
	}
	job, ready := s.jobs.read(id, s.variant.pendingReads)
	if job == nil || job.owner != who.user {
		s.notFound(rw, "Export job "+id)
		return
	}
	if !ready {
		// The seed says nothing of a job still running (L503: the export "initiates
		// the process … and responds with a jobId"); the alternative reading answers
		// 202 Accepted with the job id until the CSV is ready.
		writeJSON(rw, http.StatusAccepted, struct {
			ExportJobID string `json:"exportJobId"`
		}{id})
		return
	}
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="contacts-`+id+`.csv"`)
	rw.Header().Set("Content-Length", strconv.Itoa(len(job.csv)))
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(job.csv)
}

func (j *exportJobs) get(id string) *exportJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.byID[id]
}

package cone

import (
	"net/http"
	"strings"
	"time"
)

// taskInput is TaskRequest: references are bare uuid strings.
type taskInput struct {
	Type       *string    `json:"type"`
	Assignee   string     `json:"assignee"`
	Start      *time.Time `json:"start"`
	End        *time.Time `json:"end"`
	Title      string     `json:"title"`
	Note       *string    `json:"note"`
	Contact    *string    `json:"contact"`
	Account    *string    `json:"account"`
	Connection *string    `json:"connection"`
}

var taskTypes = map[string]bool{"CALL": true, "MEETING": true, "OTHER": true, "SMS": true, "FOLLOW_UP": true,
	"REMINDER": true, "LINKEDIN_MESSAGE": true, "DM": true}

// validateTask returns the first violation as Symfony renders a constraint violation
// list for this endpoint: "<propertyPath> <message>" (the seed's example is
// "title This value should not be blank.").
func (st *store) validateTask(in *taskInput) string {
	switch {
	case strings.TrimSpace(in.Title) == "":
		return "title This value should not be blank."
	case in.Assignee == "":
		return "assignee This value should not be blank."
	}
	if _, ok := st.users[in.Assignee]; !ok {
		return "assignee This value is not valid."
	}
	if in.Type != nil && *in.Type != "" && !taskTypes[*in.Type] {
		return "type The value you selected is not a valid choice."
	}
	if in.Start != nil && in.End != nil && in.End.Before(*in.Start) {
		return "end This value should be greater than or equal to start."
	}
	if in.Contact != nil && *in.Contact != "" && st.contacts[*in.Contact] == nil {
		return "contact This value is not valid."
	}
	if in.Account != nil && *in.Account != "" && st.accounts[*in.Account] == nil {
		return "account This value is not valid."
	}
	if in.Connection != nil && *in.Connection != "" && st.leads[*in.Connection] == nil {
		return "connection This value is not valid."
	}
	return ""
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (t *task) apply(in *taskInput) {
	t.typ, t.assignee, t.start, t.end, t.title = in.Type, in.Assignee, in.Start, in.End, in.Title
	t.note, t.contact, t.account, t.connection = deref(in.Note), deref(in.Contact), deref(in.Account), deref(in.Connection)
}

func (st *store) securityObject(userID string) *securityObjectJSON {
	i, ok := st.users[userID]
	if !ok {
		return nil
	}
	u := st.w.Users[i]
	tenant := st.tenant
	return &securityObjectJSON{
		baseRecordJSON: baseRecordJSON{ID: u.ConeID, DateCreated: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), DType: "User"},
		DisplayName:    u.Name(), IsDisableable: true, IsActive: u.Active,
		Franchises: []refJSON{{ID: st.franchises[i%len(st.franchises)]}}, Departments: []refJSON{},
		AssignationTypes: []refJSON{}, Tenant: &tenant, AdditionalTenants: []refJSON{},
	}
}

// renderTask expands the embedded objects one level deep.
func (st *store) renderTask(t *task) taskJSON {
	tenant := st.tenant
	out := taskJSON{
		baseRecordJSON: baseRecordJSON{ID: t.id, DateCreated: t.created, CreatedBy: ref(t.createdBy),
			DateModified: t.modified, ModifiedBy: nil, DType: "task"},
		Start: t.start, End: t.end, Title: t.title, Note: t.note, Assignee: st.securityObject(t.assignee),
		Edited: t.edited, Tenant: &tenant, Type: t.typ,
	}
	if t.modified != nil {
		out.ModifiedBy = ref(t.createdBy)
	}
	if l := st.leads[t.connection]; l != nil {
		lj := l.leadJSON
		out.Connection = &lj
	}
	if c := st.contacts[t.contact]; c != nil {
		cj := st.renderContact(c, false)
		out.Contact = &cj
	}
	if a := st.accounts[t.account]; a != nil {
		aj := st.renderAccount(a, false)
		out.Account = &aj
	}
	return out
}

// POST /api/task → 200 Task; 400 a bare JSON string.
func (s *Server) createTask(w http.ResponseWriter, r *http.Request) {
	var in taskInput
	if err := decodeBody(r, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, "Invalid JSON body.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if msg := st.validateTask(&in); msg != "" {
		writeJSON(w, http.StatusBadRequest, msg)
		return
	}
	id, at := st.nextID("task")
	t := &task{id: id, created: at, createdBy: in.Assignee}
	t.apply(&in)
	st.tasks[id] = t
	writeJSON(w, http.StatusOK, st.renderTask(t))
}

// PATCH /api/task/{task} → 200 Task; 400 string; 404 {error}.
func (s *Server) updateTask(w http.ResponseWriter, r *http.Request) {
	var in taskInput
	if err := decodeBody(r, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, "Invalid JSON body.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	t := st.tasks[r.PathValue("task")]
	if t == nil {
		notFound(w, "Task")
		return
	}
	if msg := st.validateTask(&in); msg != "" {
		writeJSON(w, http.StatusBadRequest, msg)
		return
	}
	t.apply(&in)
	_, at := st.nextID("task-edit")
	t.modified, t.edited = &at, tp(true)
	writeJSON(w, http.StatusOK, st.renderTask(t))
}

// DELETE /api/task/{task} → 200 with no body; 404 {error}.
func (s *Server) deleteTask(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("task")
	if s.st.tasks[id] == nil {
		notFound(w, "Task")
		return
	}
	delete(s.st.tasks, id)
	w.WriteHeader(http.StatusOK)
}

package cone

import (
	"net/http"
	"strings"
)

type stageInput struct {
	Name *string `json:"name"`
}

func badStage(w http.ResponseWriter, errs ...string) {
	writeJSON(w, http.StatusBadRequest, validationErrorJSON{Errors: errs, Message: "Invalid input"})
}

// GET /api/stage → 200 bare [ConnectionStage].
func (s *Server) listStages(w http.ResponseWriter, _ *http.Request) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []stageJSON{}
	for _, id := range s.st.stageOrder {
		if st := s.st.stages[id]; st != nil {
			out = append(out, *st)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// GET /api/stage/{id} → 200; 404 {error}.
func (s *Server) getStage(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st.stages[r.PathValue("id")]
	if st == nil {
		notFound(w, "Stage")
		return
	}
	writeJSON(w, http.StatusOK, *st)
}

// POST /api/stage → 201 ConnectionStage; 400 ValidationError.
func (s *Server) createStage(w http.ResponseWriter, r *http.Request) {
	var in stageInput
	if err := decodeBody(r, &in); err != nil {
		badStage(w, "Invalid JSON body.")
		return
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		badStage(w, "name: This value should not be blank.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := s.st.nextID("stage")
	st := &stageJSON{ID: id, Name: *in.Name}
	s.st.stages[id] = st
	s.st.stageOrder = append(s.st.stageOrder, id)
	writeJSON(w, http.StatusCreated, *st)
}

// PATCH /api/stage/{id} → 200; 400 ValidationError; 404 {error}.
func (s *Server) updateStage(w http.ResponseWriter, r *http.Request) {
	var in stageInput
	if err := decodeBody(r, &in); err != nil {
		badStage(w, "Invalid JSON body.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st.stages[r.PathValue("id")]
	if st == nil {
		notFound(w, "Stage")
		return
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		badStage(w, "name: This value should not be blank.")
		return
	}
	if in.Name != nil {
		st.Name = *in.Name
	}
	writeJSON(w, http.StatusOK, *st)
}

// DELETE /api/stage/{id} → 204; 400 {error} when a lead uses it; 404 {error}.
func (s *Server) deleteStage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if s.st.stages[id] == nil {
		notFound(w, "Stage")
		return
	}
	for _, l := range s.st.leads {
		if l.Stage != nil && l.Stage.ID == id {
			writeJSON(w, http.StatusBadRequest, errorJSON{Error: "Cannot delete stage that is used in connections or pipelines"})
			return
		}
	}
	delete(s.st.stages, id)
	s.st.stageOrder = without(s.st.stageOrder, id)
	w.WriteHeader(http.StatusNoContent)
}

// Package cone is a simulated ConeCRM v1 API (seed 002) serving the shared dataset:
// accounts are the world's ConeCRM companies, contacts their people, plus generated
// leads, stages and tasks. Paths, status codes, envelopes and error bodies follow the
// seed; where the seed leaves a body undocumented the choice is written next to it.
//
// Authentication: "Authorization: Bearer <token>". A Symfony app behind
// LexikJWTAuthenticationBundle answers 401 {"code":401,"message":"JWT Token not found"}
// without a token and {"code":401,"message":"Invalid JWT Token"} with a wrong one, with
// "WWW-Authenticate: Bearer"; the sandbox does the same. With no tokens configured any
// bearer token is accepted (a token is still required).
package cone

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"crmgraph/backends/sandbox/dataset"
)

// Server is the simulated API. It is an http.Handler serving paths relative to its
// root ("/api/..."); mount it under a prefix with http.StripPrefix.
type Server struct {
	mux      *http.ServeMux
	tokens   map[string]struct{}
	entities map[string]*entityDef // query-builder entities

	// alt takes the other reading of the points the seed leaves open (readings.go).
	alt atomic.Bool

	mu sync.RWMutex // guards st
	st *store
}

// UseAlternative switches the sandbox to the alternative reading of the points its
// seed leaves open (SANDBOX_VARIANT=alt; readings.go).
func (s *Server) UseAlternative() { s.alt.Store(true) }

// New builds the sandbox for world w, accepting the given bearer tokens.
func New(w *dataset.World, tokens ...string) *Server {
	s := &Server{mux: http.NewServeMux(), tokens: map[string]struct{}{}, entities: newEntities(), st: newStore(w)}
	for _, t := range tokens {
		s.tokens[t] = struct{}{}
	}
	routes := []struct {
		method, path string
		h            http.HandlerFunc
	}{
		{http.MethodGet, pathAccounts, s.listAccounts},
		{http.MethodPost, pathAccounts, s.createAccount},
		{http.MethodPatch, pathAccount, s.updateAccount},
		{http.MethodDelete, pathAccount, s.deleteAccount},
		{http.MethodGet, pathContacts, s.listContacts},
		{http.MethodGet, pathContactOpenLeads, s.contactOpenLeads},
		{http.MethodGet, pathContactByPhone, s.contactByPhone},
		{http.MethodPost, pathLeads, s.createLead},
		{http.MethodPost, pathLeadCopy, s.copyLead},
		{http.MethodGet, pathStages, s.listStages},
		{http.MethodPost, pathStages, s.createStage},
		{http.MethodGet, pathStage, s.getStage},
		{http.MethodPatch, pathStage, s.updateStage},
		{http.MethodDelete, pathStage, s.deleteStage},
		{http.MethodPost, pathTasks, s.createTask},
		{http.MethodPatch, pathTask, s.updateTask},
		{http.MethodDelete, pathTask, s.deleteTask},
		{http.MethodGet, pathQueryBuilderConfig, s.queryBuilderConfig},
		{http.MethodPost, pathQueryBuilderFilter, s.queryBuilderFilter},
	}
	for _, r := range routes {
		s.mux.HandleFunc(r.method+" "+r.path, r.h)
	}
	// Symfony's answer for an unknown route.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorJSON{Error: `No route found for "` + r.Method + " " + r.URL.Path + `"`})
	})
	return s
}

// ServeHTTP authenticates the request (the firewall runs before routing) and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	token = strings.TrimSpace(token)
	if !ok || token == "" {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeJSON(w, http.StatusUnauthorized, jwtErrorJSON{Code: http.StatusUnauthorized, Message: "JWT Token not found"})
		return
	}
	if _, known := s.tokens[token]; len(s.tokens) > 0 && !known {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, jwtErrorJSON{Code: http.StatusUnauthorized, Message: "Invalid JWT Token"})
		return
	}
	s.mux.ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"Internal Server Error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func notFound(w http.ResponseWriter, what string) {
	writeJSON(w, http.StatusNotFound, errorJSON{Error: what + " not found"})
}

// decodeBody reads a JSON request body into v (bounded at 1 MiB).
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	return dec.Decode(v)
}

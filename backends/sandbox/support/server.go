// Package support is a simulated Apideck Customer Support unified API 9.5.0 (seed 000)
// serving the shared dataset: a customer for every person with a SupportID (the id is
// the SupportID, so client-data's SUPPORT external connections resolve) and for some
// of their companies, as the connector configured (Kustomer by default) would hold
// them. Paths, headers, envelopes, cursor paging, the fields projection and the error
// bodies follow the seed; choices the seed leaves open are written next to the code.
//
// Consumers are isolated: x-apideck-consumer-id is "The id of the customer stored
// inside Apideck Vault" (AY L5) and the "ID of the consumer which you want to get or
// push data from" (AY L41, AR L664), so every consumer sees its own customers. The
// generated customers belong to Config.Consumer; any other consumer starts with none
// and sees only what it creates. readings.go lists what else the sandbox reads where
// the seed leaves a point open.
package support

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"crmgraph/backends/sandbox/dataset"
)

// DefaultService is the connector the sandbox impersonates (the seed's example).
const DefaultService = "kustomer"

// Config configures the sandbox.
type Config struct {
	Token   string // accepted API key; "" accepts any non-empty bearer token
	AppID   string // accepted x-apideck-app-id; "" accepts any non-empty one
	Service string // connector id answered in "service"; "" is DefaultService
	// Consumer owns the generated customers; "" is DefaultConsumer. Other consumers
	// each get a store of their own, empty at first.
	Consumer string
}

// DefaultConsumer is the consumer id that owns the generated customers unless
// Config.Consumer names another.
const DefaultConsumer = "sandbox-consumer"

// maxConsumers bounds the stores created for other consumers, so that a client
// inventing consumer ids cannot grow the sandbox without end.
const maxConsumers = 1000

// Server is the simulated API. It is an http.Handler serving paths relative to its
// root ("/customer-support/..."); mount it under a prefix with http.StripPrefix.
type Server struct {
	mux      *http.ServeMux
	cfg      Config
	seed     int64
	requests atomic.Uint64 // numbers the Request-Id header

	// alt takes the other reading of the paging links (readings.go): relative links and
	// no previous page.
	alt atomic.Bool

	mu     sync.RWMutex      // guards st and others
	st     *store            // the customers of cfg.Consumer
	others map[string]*store // the customers of every other consumer that wrote
	empty  *store            // what a consumer without a store reads; never written
}

// UseAlternative switches the sandbox to the alternative reading of the points its seed
// leaves open (SANDBOX_VARIANT=alt; readings.go).
func (s *Server) UseAlternative() { s.alt.Store(true) }

// storeOf returns the store of the request's consumer; Server.mu must be held (for
// writing when create is set, which makes the store of a new consumer). It returns nil
// when create is set and maxConsumers stores exist.
func (s *Server) storeOf(r *http.Request, create bool) *store {
	id := r.Header.Get(headerConsumerID)
	if id == s.cfg.Consumer {
		return s.st
	}
	if st, ok := s.others[id]; ok {
		return st
	}
	if !create {
		return s.empty
	}
	if len(s.others) >= maxConsumers {
		return nil
	}
	st := &store{byID: map[string]*customerJSON{}}
	s.others[id] = st
	return st
}

// New builds the sandbox for world w.
func New(w *dataset.World, cfg Config) *Server {
	if cfg.Service == "" {
		cfg.Service = DefaultService
	}
	if cfg.Consumer == "" {
		cfg.Consumer = DefaultConsumer
	}
	s := &Server{mux: http.NewServeMux(), cfg: cfg, seed: w.Seed, st: newStore(w),
		others: map[string]*store{}, empty: &store{byID: map[string]*customerJSON{}}}
	routes := []struct {
		method, path string
		h            http.HandlerFunc
	}{
		{http.MethodGet, routeCustomers, s.listCustomers},
		{http.MethodPost, routeCustomers, s.createCustomer},
		{http.MethodGet, routeCustomer, s.getCustomer},
		{http.MethodPatch, routeCustomer, s.updateCustomer},
		{http.MethodDelete, routeCustomer, s.deleteCustomer},
	}
	for _, r := range routes {
		s.mux.HandleFunc(r.method+" "+r.path, r.h)
	}
	// "EntityNotFoundError: a request for a resource or route that does not exist."
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, typeEntityNotFound, "Unknown Route", "No route matches "+r.Method+" on this path")
	})
	return s
}

// ServeHTTP checks the credentials and headers the way the unified API does, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(headerRequestID, s.requestID())
	// "_method overrides the HTTP method" for clients that can only POST.
	if m := strings.ToUpper(r.URL.Query().Get("_method")); r.Method == http.MethodPost && (m == http.MethodPatch || m == http.MethodDelete) {
		r = r.Clone(r.Context())
		r.Method = m
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token = strings.TrimSpace(token); !ok || token == "" {
		writeError(w, http.StatusUnauthorized, typeUnauthorized, "Unauthorized Request", "Missing Authorization header: expected Bearer API key")
		return
	}
	if s.cfg.Token != "" && token != s.cfg.Token {
		writeError(w, http.StatusUnauthorized, typeUnauthorized, "Unauthorized Request", "Invalid API key")
		return
	}
	for _, h := range []string{headerConsumerID, headerAppID} {
		if strings.TrimSpace(r.Header.Get(h)) == "" {
			// UnexpectedErrorResponse (the "default" response), with the seed's own example.
			writeError(w, http.StatusBadRequest, typeRequestHeadersValidation, "Invalid Params", "Missing Header: "+h)
			return
		}
	}
	if s.cfg.AppID != "" && r.Header.Get(headerAppID) != s.cfg.AppID {
		writeError(w, http.StatusUnauthorized, typeUnauthorized, "Unauthorized Request",
			"Failed to generate valid JWT Session. Verify applicationId is correct")
		return
	}
	// The seed does not say what a service id the consumer has not connected gets;
	// the error types name it IntegrationNotFoundError (answered 404 here).
	if svc := r.Header.Get(headerServiceID); svc != "" && svc != s.cfg.Service {
		writeError(w, http.StatusNotFound, typeIntegrationNotFound, "Integration not found",
			"No "+svc+" integration is connected for this consumer")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// requestID returns a uuid-shaped, per-server deterministic request id.
func (s *Server) requestID() string {
	n := s.requests.Add(1)
	h := fnv.New128a()
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(s.seed))
	binary.BigEndian.PutUint64(buf[8:], n)
	_, _ = h.Write([]byte("support-request"))
	_, _ = h.Write(buf[:])
	u := h.Sum(nil)
	u[6] = 0x40 | (u[6] & 0x0f)
	u[8] = 0x80 | (u[8] & 0x3f)
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"status_code":500,"error":"Internal Server Error","type_name":"UnknownError","message":"Could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError writes the seed's error body; detail is a string or an object.
func writeError(w http.ResponseWriter, status int, typeName, message string, detail any) {
	writeJSON(w, status, errorJSON{
		StatusCode: status,
		Error:      http.StatusText(status),
		TypeName:   typeName,
		Message:    message,
		Detail:     detail,
		Ref:        "https://developers.apideck.com/errors#" + strings.ToLower(typeName),
	})
}

func (s *Server) envelope(status int, operation string, data any) envelopeJSON {
	return envelopeJSON{StatusCode: status, Status: http.StatusText(status), Service: s.cfg.Service,
		Resource: "customers", Operation: operation, Data: data}
}

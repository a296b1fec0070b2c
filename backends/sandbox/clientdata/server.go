// Package clientdata simulates the client-data API (additiv DFS style) over the shared
// data set: contacts with schema-driven details, change requests with a member approval
// flow, email/mobile verification, usernames, external connections, change history,
// localized statuses, schema field metadata and reference lists. Paths are relative to
// the handler's root; error bodies are the API's ApiError.
package clientdata

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"crmgraph/backends/sandbox/dataset"
)

// Default tokens. App callers are not scope-limited and never need approval; member
// callers act as one of the world's users.
const (
	AppToken     = "sandbox"
	MemberToken1 = "member-1"
	MemberToken2 = "member-2"
	MemberToken3 = "member-3"
	MemberToken4 = "member-4"
	MemberToken5 = "member-5"
)

// Tokens are the bearer tokens the sandbox accepts.
type Tokens struct {
	App     string         // the service token
	Members map[string]int // member token → index into World.Users
}

// DefaultTokens: AppToken, and MemberToken1..5 for w.Users[0..4].
func DefaultTokens() Tokens {
	return Tokens{App: AppToken, Members: map[string]int{
		MemberToken1: 0, MemberToken2: 1, MemberToken3: 2, MemberToken4: 3, MemberToken5: 4,
	}}
}

// DefaultTokenOf is the default member token acting as w.Users[user], or "" for none.
func DefaultTokenOf(user int) string {
	for tok, idx := range DefaultTokens().Members {
		if idx == user {
			return tok
		}
	}
	return ""
}

// maxPageSize bounds search pages; the seed gives no limit, so this is the sandbox's.
const (
	defaultPageSize = 20
	maxPageSize     = 500
	maxKeyAttempts  = 3
)

// variant is the reading the sandbox takes of points the seed leaves open (see
// readings.go). The default reading is New's; UseAlternative takes the other one.
type variant struct {
	pageBase     int32 // number of the first search page
	maxPageSize  int32 // largest search page accepted
	pendingReads int   // reads of an export job answered 202 before its CSV
	altColumns   bool  // the export CSV's identity headers are AltColumnID, AltColumnUID
}

// Alternative reading's figures, for tests and the probe's expectations.
const (
	AltPageBase     = 0
	AltMaxPageSize  = 100
	AltPendingReads = 2
	AltColumnID     = "contactId"
	AltColumnUID    = "contactUid"
)

// UseAlternative switches the sandbox to the alternative reading: 0-based pages,
// pages capped at AltMaxPageSize, export jobs pending for AltPendingReads reads, export
// identity columns headed AltColumnID and AltColumnUID. Call it before serving.
func (s *Server) UseAlternative() {
	s.variant = variant{pageBase: AltPageBase, maxPageSize: AltMaxPageSize, pendingReads: AltPendingReads, altColumns: true}
}

// Server is the simulated API. Create it with New.
type Server struct {
	w      *dataset.World
	tokens Tokens
	mux    *http.ServeMux
	// literal holds routes whose literal segment sits where mux has a wildcard
	// ("contacts/export/{id}" against "contacts/{contactId}/details"): ServeMux rejects
	// such overlaps, while the API (ASP.NET routing) prefers the literal segment, so
	// literal is tried first.
	literal *http.ServeMux
	seq     atomic.Uint64 // correlation ids
	variant variant
	// routeTable is every "METHOD pattern" served, from seed.go.
	routeTable []string
	jobs       exportJobs

	mu            sync.RWMutex
	contacts      map[int32]*contact
	byUID         map[string]*contact
	external      map[string]*contact // upper(system) + "\x00" + externalId
	externalIDs   map[string]*contact // externalId alone: unique across systems
	usernames     map[string]*contact // lower(username)
	crs           map[int32]*changeRequest
	crsByContact  map[int32][]*changeRequest
	allCRs        []*changeRequest // creation order
	nextContactID int32
	nextCRID      int32
	nextChangeSet int32
	ticks         int64 // logical clock: mutations happen at Epoch + ticks seconds
}

// New builds the server's state from w (deterministic for w.Seed). A zero Tokens
// means DefaultTokens.
func New(w *dataset.World, tokens Tokens) *Server {
	if tokens.App == "" && len(tokens.Members) == 0 {
		tokens = DefaultTokens()
	}
	s := &Server{w: w, tokens: tokens, mux: http.NewServeMux(), literal: http.NewServeMux(),
		variant: variant{pageBase: 1, maxPageSize: maxPageSize}}
	s.generate()
	s.routes()
	return s
}

func (s *Server) routes() {
	h := func(pattern string, fn func(http.ResponseWriter, *http.Request, caller)) {
		s.routeTable = append(s.routeTable, pattern)
		s.mux.HandleFunc(pattern, s.authed(fn))
	}
	h("GET "+routeChangeRequest, s.getChangeRequest)
	h("GET "+routeChangeRequestStatuses, s.getStatuses)
	h("POST "+routeSearchChangeRequests, s.searchChangeRequests)
	h("POST "+routeCancelChangeRequest, s.cancelChangeRequest)
	h("POST "+routeReviewChangeRequest, s.reviewChangeRequest)
	h("GET "+routePendingChangeRequest, s.pendingCheck)
	h("POST "+routeContacts, s.createContact)
	h("GET "+routeContactDetails, s.getDetails)
	h("PATCH "+routeContactDetails, s.updateDetails)
	h("PUT "+routeContactDetails, s.updateDetails)
	h("GET "+routeChangeHistory, s.searchHistory)
	h("GET "+routeExternalConnections, s.getConnections)
	h("POST "+routeExternalConnections, s.addConnection)
	h("GET "+routeContactByExternalID, s.contactByExternalID)
	h("GET "+routeUsername, s.getUsername)
	h("PUT "+routeUsername, s.putUsername)
	h("GET "+routeProfilePicture, s.getPicture)
	h("PUT "+routeProfilePicture, s.putPicture)
	h("DELETE "+routeProfilePicture, s.deletePicture)
	h("POST "+routeVerifyChannel, s.verifyChannel)
	h("POST "+routeResendKey, s.resendKey)
	h("POST "+routeDiscontinueVerification, s.discontinue)
	h("POST "+routeAnonymize, s.anonymize)
	h("POST "+routeContactsExport, s.startExport)
	s.routeTable = append(s.routeTable, "GET "+routeContactsExportJob)
	s.literal.HandleFunc("GET "+routeContactsExportJob, s.authed(s.getExport))
	h("POST "+routeSchemaFields, s.schemaFields)
	h("POST "+routeListItems, s.listItems)
	h("POST "+routeListLookup, s.listLookup)
	s.mux.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
		s.fail(rw, http.StatusNotFound, "NotFound", subCodeNA, "The requested resource does not exist")
	})
}

// Routes lists the "METHOD /pattern" of every operation the sandbox serves, as seed.go
// reads the seed; a test of a client can hold its requests against it.
func (s *Server) Routes() []string { return slices.Clone(s.routeTable) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if _, pattern := s.literal.Handler(r); pattern != "" {
		s.literal.ServeHTTP(rw, r)
		return
	}
	s.mux.ServeHTTP(rw, r)
}

// caller is who a request acts as.
type caller struct {
	app  bool
	user int // index into World.Users; -1 for the app
	lang string
}

func (s *Server) authed(fn func(http.ResponseWriter, *http.Request, caller)) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		c := caller{user: -1, lang: language(r)}
		switch idx, member := s.tokens.Members[tok]; {
		case ok && tok != "" && tok == s.tokens.App:
			c.app = true
		case ok && member && idx >= 0 && idx < len(s.w.Users):
			c.user = idx
		default:
			s.fail(rw, http.StatusUnauthorized, "Unauthorized", subCodeNA, "The access token is missing, invalid or expired")
			return
		}
		fn(rw, r, c)
	}
}

// Localization. The seed settles only that a language comes as the 'language' query
// parameter or the Accept-Language header, that without one "the default configured
// language will be used" (004 L3–4), and that the header is "The ISO 639-1 language to
// use for localizable data" (L9 and every operation). What it leaves open, and the
// sandbox's choices:
//   - the languages: en (the configured default), de, fr and sv;
//   - both given: a supported query parameter wins, an unsupported one is ignored;
//   - the header's syntax: HTTP's (RFC 9110 §12.5.4), a list of language ranges with
//     optional weights; the sandbox answers by RFC 4647 §3.4 lookup: ranges in order of
//     descending q (the first listed among equals), each truncated subtag by subtag
//     until it names a supported language; q=0 means not acceptable (RFC 9110 §12.4.2);
//     "*" and ranges with a malformed weight are skipped; no match is the default.

// defaultLanguage is the sandbox's "default configured language" (004 L4).
const defaultLanguage = "en"

// language reads the 'language' query parameter, then Accept-Language.
func language(r *http.Request) string {
	if l := supported(r.URL.Query().Get("language")); l != "" {
		return l
	}
	type weighted struct {
		tag string
		q   float64
	}
	var ranges []weighted
	for _, line := range r.Header.Values("Accept-Language") {
		for part := range strings.SplitSeq(line, ",") {
			tag, params, _ := strings.Cut(part, ";")
			w := weighted{tag: strings.TrimSpace(tag), q: 1}
			valid := w.tag != "" && w.tag != "*"
			for p := range strings.SplitSeq(params, ";") {
				name, v, _ := strings.Cut(p, "=")
				if !strings.EqualFold(strings.TrimSpace(name), "q") {
					continue
				}
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					valid = false
				}
				w.q = f
			}
			if valid && w.q > 0 {
				ranges = append(ranges, w)
			}
		}
	}
	slices.SortStableFunc(ranges, func(a, b weighted) int { return cmp.Compare(b.q, a.q) })
	for _, w := range ranges {
		if l := supported(w.tag); l != "" {
			return l
		}
	}
	return defaultLanguage
}

// supported is the sandbox language a language range names after RFC 4647 lookup's
// truncation ("sv-FI-x-turku" → "sv-FI" → "sv"), or "" for none.
func supported(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	for t != "" {
		switch t {
		case "en", "de", "fr", "sv":
			return t
		}
		i := strings.LastIndexByte(t, '-')
		if i < 0 {
			return ""
		}
		t = t[:i]
		if j := strings.LastIndexByte(t, '-'); j >= 0 && j == len(t)-2 {
			t = t[:j] // a singleton ("-x", "-u") goes with the subtag after it
		}
	}
	return ""
}

type apiError struct {
	Code          string `json:"code"`
	SubCode       string `json:"subCode"`
	Message       string `json:"message"`
	CorrelationID string `json:"correlationId"`
}

func (s *Server) fail(rw http.ResponseWriter, status int, code, subCode, msg string) {
	h := fnv.New128a()
	_, _ = fmt.Fprintf(h, "%d/%d", s.w.Seed, s.seq.Add(1))
	writeJSON(rw, status, apiError{Code: code, SubCode: subCode, Message: msg, CorrelationID: fmt.Sprintf("%x", h.Sum(nil))})
}

func (s *Server) badRequest(rw http.ResponseWriter, subCode, msg string) {
	s.fail(rw, http.StatusBadRequest, "BadRequest", subCode, msg)
}

func (s *Server) malformed(rw http.ResponseWriter) {
	s.badRequest(rw, subCodeNA, "The request was not in the required format")
}

func (s *Server) notFound(rw http.ResponseWriter, what string) {
	s.fail(rw, http.StatusNotFound, "NotFound", subCodeNA, what+" was not found")
}

func (s *Server) forbidden(rw http.ResponseWriter, subCode, msg string) {
	s.fail(rw, http.StatusForbidden, "Forbidden", subCode, msg)
}

func (s *Server) conflict(rw http.ResponseWriter, subCode, msg string) {
	s.fail(rw, http.StatusConflict, "Conflict", subCode, msg)
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	rw.WriteHeader(status)
	_ = json.NewEncoder(rw).Encode(v)
}

// decode reads a JSON body into v; an empty body is allowed when optional.
func decode(r *http.Request, v any, optional bool) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return optional
	}
	return json.Unmarshal(b, v) == nil
}

func pathID(r *http.Request, name string) (int32, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 32)
	return int32(n), err == nil
}

// now advances the logical clock: runtime changes sort after every generated record
// and the same request sequence gives the same timestamps.
func (s *Server) now() time.Time {
	s.ticks++
	return dataset.Epoch.Add(time.Duration(s.ticks) * time.Second)
}

// contactFor resolves the {contactId} of r or answers 400/404; callers hold s.mu.
func (s *Server) contactFor(rw http.ResponseWriter, r *http.Request) *contact {
	id, ok := pathID(r, "contactId")
	if !ok {
		s.malformed(rw)
		return nil
	}
	c := s.contacts[id]
	if c == nil {
		s.notFound(rw, fmt.Sprintf("Contact %d", id))
		return nil
	}
	return c
}

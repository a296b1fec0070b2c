// Package cirrus simulates the Cirrus 2 REST API (a flask-restx app) over the shared
// dataset: the seed digest's inferred paths (paths.go), query
// parameters, page envelopes, X-Fields masks, int 0/1 booleans, date formats, auth
// headers and flask-restx error bodies.
package cirrus

import (
	"cmp"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"crmgraph/backends/sandbox/dataset"
)

// flask/werkzeug default wordings.
const (
	msgUnauthorized = "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required."
	msgNotFoundURL  = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."
	msgNotAllowed   = "The method is not allowed for the requested URL."
	msgBadJSON      = "The browser (or proxy) sent a request that this server could not understand."
	msgValidation   = "Input payload validation failed"
)

// Server is the simulated Cirrus API. It is safe for concurrent use: reads share a
// read lock, mutations take the write lock.
type Server struct {
	tokens map[string]bool
	mux    *http.ServeMux
	refs   refs

	mu       sync.RWMutex
	accounts []*account // id n at index n-1
	contacts []*contact
	opps     []*opportunity
	orders   []*order
	leads    []*lead
	users    []*user

	contactsByExtKey map[string][]int
	accountsByExtKey map[string][]int
	oppsByAccount    map[int][]int
	oppsByContact    map[int][]int
	ordersByAcc      map[int][]int
	ordersByContact  map[int][]int
	ordersByOpp      map[int][]int

	// sorted caches the full id list of an entity per sorting value, so an unfiltered
	// page does not sort thousands of records. Mutations clear it under the write lock.
	sorted sync.Map

	// clock is the sandbox's time: the last timestamp a write was given (see now).
	clock time.Time

	// alt is the alternative reading (UseAlternative), set before serving.
	alt bool
}

// New builds the sandbox for world w. Requests must carry one of tokens as X-Token or
// as a Bearer token; with no (non-empty) tokens, any non-empty token is accepted.
func New(w *dataset.World, tokens ...string) *Server {
	s := &Server{tokens: map[string]bool{}, refs: newRefs(), mux: http.NewServeMux()}
	for _, t := range tokens {
		if t != "" { // an empty token would otherwise lock every client out
			s.tokens[t] = true
		}
	}
	s.generate(w)
	s.clock = s.latest()
	s.reindex()
	s.routes()
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// now is the time a write is stamped with: a logical clock that starts after the
// latest generated timestamp and advances a second per write, so new and changed
// records sort after the generated ones and the same sequence of requests gives the
// same timestamps (the generated data set stays anchored at dataset.Epoch). Callers
// hold the write lock.
func (s *Server) now() time.Time {
	s.clock = s.clock.Add(time.Second)
	return s.clock
}

// latest is the latest timestamp in the generated records.
func (s *Server) latest() time.Time {
	t := dataset.Epoch
	for _, o := range s.opps {
		t = later(t, o.regDate, o.changeDate)
	}
	for _, o := range s.orders {
		t = later(t, o.created, o.updated)
	}
	for _, l := range s.leads {
		t = later(t, l.created, l.updated)
	}
	return t.Truncate(time.Second)
}

func later(t time.Time, ts ...time.Time) time.Time {
	for _, x := range ts {
		if x.After(t) {
			t = x
		}
	}
	return t
}

func (s *Server) reindex() {
	s.contactsByExtKey = map[string][]int{}
	s.accountsByExtKey = map[string][]int{}
	s.oppsByAccount, s.oppsByContact = map[int][]int{}, map[int][]int{}
	s.ordersByAcc, s.ordersByContact, s.ordersByOpp = map[int][]int{}, map[int][]int{}, map[int][]int{}
	for _, a := range s.accounts {
		if a.extKey != "" {
			s.accountsByExtKey[a.extKey] = append(s.accountsByExtKey[a.extKey], a.id)
		}
	}
	for _, c := range s.contacts {
		if c.extKey != "" {
			s.contactsByExtKey[c.extKey] = append(s.contactsByExtKey[c.extKey], c.id)
		}
	}
	for _, o := range s.opps {
		s.indexOpp(o)
	}
	for _, o := range s.orders {
		s.indexOrder(o)
	}
}

func (s *Server) indexOpp(o *opportunity) {
	s.oppsByAccount[o.accountID] = append(s.oppsByAccount[o.accountID], o.id)
	if o.contactID != 0 {
		s.oppsByContact[o.contactID] = append(s.oppsByContact[o.contactID], o.id)
	}
}

func (s *Server) indexOrder(o *order) {
	s.ordersByAcc[o.accountID] = append(s.ordersByAcc[o.accountID], o.id)
	if o.contactID != 0 {
		s.ordersByContact[o.contactID] = append(s.ordersByContact[o.contactID], o.id)
	}
	if o.opportunityID != 0 {
		s.ordersByOpp[o.opportunityID] = append(s.ordersByOpp[o.opportunityID], o.id)
	}
}

func lookup[T any](xs []*T, id int) *T {
	if id < 1 || id > len(xs) {
		return nil
	}
	return xs[id-1]
}

func (s *Server) account(id int) *account         { return lookup(s.accounts, id) }
func (s *Server) contact(id int) *contact         { return lookup(s.contacts, id) }
func (s *Server) opportunity(id int) *opportunity { return lookup(s.opps, id) }
func (s *Server) user(id int) *user               { return lookup(s.users, id) }

func (s *Server) routes() {
	item := func(p string) string { return p + "/{id}" }
	s.handle(pathAccounts, map[string]http.HandlerFunc{"GET": s.listAccounts, "POST": s.createAccount})
	s.handle(item(pathAccounts), map[string]http.HandlerFunc{"GET": s.getAccount, "PUT": s.updateAccount})
	s.handle(pathContacts, map[string]http.HandlerFunc{"GET": s.listContacts, "POST": s.createContact})
	s.handle(item(pathContacts), map[string]http.HandlerFunc{"GET": s.getContact, "PUT": s.updateContact})
	s.handle(pathOpportunities, map[string]http.HandlerFunc{"GET": s.listOpportunities, "POST": s.createOpportunity})
	s.handle(item(pathOpportunities), map[string]http.HandlerFunc{"GET": s.getOpportunity, "PUT": s.updateOpportunity})
	s.handle(pathOrders, map[string]http.HandlerFunc{"GET": s.listOrders, "POST": s.createOrder})
	s.handle(item(pathOrders), map[string]http.HandlerFunc{"GET": s.getOrder, "PUT": s.updateOrder})
	s.handle(pathLeads, map[string]http.HandlerFunc{"GET": s.listLeads, "POST": s.createLead})
	s.handle(item(pathLeads), map[string]http.HandlerFunc{"GET": s.getLead, "PUT": s.updateLead})
	s.handle(pathUsers, map[string]http.HandlerFunc{"GET": s.listUsers})
	s.handle(item(pathUsers), map[string]http.HandlerFunc{"GET": s.getUser})

	s.handle(pathAccountTypes, get(s.bareList(func() []obj {
		out := make([]obj, len(s.refs.typeNames))
		for i := range out {
			out[i] = s.renderAccountType(i + 1)
		}
		return out
	})))
	s.handle(pathOpportunityStatuses, get(s.bareList(func() []obj {
		out := make([]obj, len(s.refs.oppStatuses))
		for i := range out {
			out[i] = s.oppStatusObj(i + 1)
		}
		return out
	})))
	s.handle(pathOpportunityTypes, get(s.bareList(func() []obj {
		out := make([]obj, len(s.refs.oppTypes))
		for i := range out {
			out[i] = s.oppTypeObj(i + 1)
		}
		return out
	})))
	s.handle(pathOpportunitySources, get(s.bareList(func() []obj {
		out := make([]obj, len(s.refs.sources))
		for i := range out {
			out[i] = s.sourceObj(i + 1)
		}
		return out
	})))
	reasons := func(refs []namedRef) http.HandlerFunc {
		return s.bareList(func() []obj {
			out := make([]obj, len(refs))
			for i := range out {
				out[i] = reason(refs, i+1)
			}
			return out
		})
	}
	s.handle(pathLostReasons, get(reasons(s.refs.lostReasons)))
	s.handle(pathWinReasons, get(reasons(s.refs.winReasons)))

	s.refList(pathOrderStatuses, s.refs.orderStatuses, []string{"name"}, "name_asc", []string{"name", "default", "step"},
		func(r namedRef) obj {
			return obj{{"id", r.id}, {"default", r.isDefault}, {"name", r.name}, {"step", r.extra}}
		})
	s.refList(pathOrderTypes, s.refs.orderTypes, []string{"name", "sortorder"}, "sortorder_asc", []string{"name", "default", "sortorder"},
		func(r namedRef) obj {
			return obj{{"id", r.id}, {"default", r.isDefault}, {"name", r.name}, {"sortorder", r.sortorder}}
		})
	s.refList(pathLeadStatuses, s.refs.leadStatuses, []string{"name", "sortorder"}, "sortorder_asc", []string{"name", "sortorder"},
		func(r namedRef) obj { return obj{{"id", r.id}, {"name", r.name}, {"sortorder", r.sortorder}} })
	s.refList(pathDeliveryTerms, s.refs.deliveryTerms, []string{"name", "id"}, "name_asc", []string{"name", "default", "externalkey"},
		func(r namedRef) obj {
			return obj{{"id", r.id}, {"name", r.name}, {"default", r.isDefault}, {"externalkey", r.key}}
		})
	s.refList(pathPaymentTerms, s.refs.paymentTerms, []string{"name", "days"}, "name_asc", []string{"name", "default", "externalkey", "days"},
		func(r namedRef) obj {
			return obj{{"id", r.id}, {"name", r.name}, {"default", r.isDefault}, {"externalkey", r.key}, {"days", r.extra}}
		})
	s.refList(pathDeliveryTypes, s.refs.deliveryTypes, []string{"name", "id"}, "name_asc", []string{"name", "default"},
		func(r namedRef) obj { return obj{{"id", r.id}, {"name", r.name}, {"default", r.isDefault}} })

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.message(w, http.StatusNotFound, msgNotFoundURL)
	})
}

func get(h http.HandlerFunc) map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{"GET": h}
}

// handle routes one path: flask answers an unknown path (404) and a wrong method (405)
// before any authentication.
func (s *Server) handle(pattern string, byMethod map[string]http.HandlerFunc) {
	allow := make([]string, 0, len(byMethod))
	for m := range byMethod {
		allow = append(allow, m)
	}
	slices.Sort(allow)
	if s.alt && isCollection(pattern) {
		s.mux.HandleFunc(pattern, slashRedirect(pattern))
		pattern += "/{$}"
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		h, ok := byMethod[r.Method]
		if !ok {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.message(w, http.StatusMethodNotAllowed, msgNotAllowed)
			return
		}
		if !s.authorized(r) {
			s.message(w, http.StatusUnauthorized, msgUnauthorized)
			return
		}
		h(w, r)
	})
}

func (s *Server) authorized(r *http.Request) bool {
	token := r.Header.Get("X-Token")
	if token == "" {
		if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			token = strings.TrimSpace(h[7:])
		}
	}
	if token == "" {
		return false
	}
	return len(s.tokens) == 0 || s.tokens[token]
}

// reply writes v as flask-restx does, after applying the request's X-Fields mask.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any) {
	if h := r.Header.Get("X-Fields"); h != "" {
		m, err := parseMask(h)
		if err != nil {
			s.message(w, http.StatusBadRequest, "Mask parse error: "+err.Error())
			return
		}
		if m != nil {
			masked := false
			if s.alt {
				v, masked = maskItems(m, v)
			}
			if !masked {
				v = m.apply(v)
			}
		}
	}
	s.write(w, status, v)
}

func (s *Server) write(w http.ResponseWriter, status int, v any) {
	b := appendJSON(make([]byte, 0, 4096), v)
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) message(w http.ResponseWriter, status int, msg string) {
	s.write(w, status, obj{{"message", msg}})
}

func (s *Server) validation(w http.ResponseWriter, errs map[string]string) {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e := make(obj, len(keys))
	for i, k := range keys {
		e[i] = field{k, errs[k]}
	}
	s.write(w, http.StatusBadRequest, obj{{"errors", e}, {"message", msgValidation}})
}

// pathID reads {id}; a non-integer does not match flask's <int:id> route, hence 404.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request) (int, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 0 || strings.HasPrefix(r.PathValue("id"), "+") {
		s.message(w, http.StatusNotFound, msgNotFoundURL)
		return 0, false
	}
	return id, true
}

func notFound(kind string, id int) string { return kind + " " + strconv.Itoa(id) + " doesn't exist" }

// getItem serves GET …/{id}.
func getItem[T any](s *Server, kind string, xs func() []*T, render func(*T) obj) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.pathID(w, r)
		if !ok {
			return
		}
		s.mu.RLock()
		rec := lookup(xs(), id)
		var v obj
		if rec != nil {
			v = render(rec)
		}
		s.mu.RUnlock()
		if rec == nil {
			s.message(w, http.StatusNotFound, notFound(kind, id))
			return
		}
		s.reply(w, r, http.StatusOK, v)
	}
}

func (s *Server) bareList(render func() []obj) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.reply(w, r, http.StatusOK, render()) }
}

// params reads query parameters the way flask-restx's reqparse does, collecting errors.
type params struct {
	q    url.Values
	errs map[string]string
}

func newParams(r *http.Request) *params { return &params{q: r.URL.Query(), errs: map[string]string{}} }

func (p *params) str(name string) string { return p.q.Get(name) }

func (p *params) has(name string) bool { return p.q.Has(name) && p.q.Get(name) != "" }

func (p *params) int(name string) int {
	v := strings.TrimSpace(p.q.Get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.errs[name] = "invalid literal for int() with base 10: '" + v + "'"
	}
	return n
}

// intPtr is an optional int filter (0 is a meaningful value, e.g. active=0).
func (p *params) intPtr(name string, choices ...int) *int {
	if !p.has(name) {
		return nil
	}
	n := p.int(name)
	if len(choices) > 0 && !slices.Contains(choices, n) {
		p.errs[name] = "The value '" + p.q.Get(name) + "' is not a valid choice for '" + name + "'."
	}
	return &n
}

// ints reads a "comma separated list of ids".
func (p *params) ints(name string) []int {
	v := p.q.Get(name)
	if v == "" {
		return nil
	}
	var out []int
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil {
			p.errs[name] = "invalid literal for int() with base 10: '" + part + "'"
			return nil
		}
		out = append(out, n)
	}
	return out
}

func (p *params) paging() (page, perPage int) {
	page, perPage = 1, 10
	if p.has("page") {
		if page = p.int("page"); page < 1 {
			p.errs["page"] = "Page number"
		}
	}
	if p.has("per_page") {
		perPage = p.int("per_page")
		if _, bad := p.errs["per_page"]; !bad && (perPage < 1 || perPage > maxPerPage) {
			p.errs["per_page"] = "Results per page Invalid argument: " + p.q.Get("per_page") +
				". argument must be within the range 1 - 50, max pagesize is 50"
		}
	}
	return page, perPage
}

// sorting validates the sorting enum; keys are the documented sort keys, each taking
// an _asc/_desc suffix. A missing value falls back to the documented default.
func (p *params) sorting(keys []string, def string) (key string, desc bool) {
	v := p.q.Get("sorting")
	if v == "" {
		v = def
	}
	i := strings.LastIndexByte(v, '_')
	if i > 0 && (v[i+1:] == "asc" || v[i+1:] == "desc") && slices.Contains(keys, v[:i]) {
		return v[:i], v[i+1:] == "desc"
	}
	p.errs["sorting"] = "The value '" + v + "' is not a valid choice for 'sorting'."
	return "", false
}

func (p *params) failed(s *Server, w http.ResponseWriter) bool {
	if len(p.errs) == 0 {
		return false
	}
	s.validation(w, p.errs)
	return true
}

// like matches SQL LIKE with % wildcards, case-insensitively (the API documents only %).
func like(pattern, s string) bool {
	pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	parts := strings.Split(pattern, "%")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}

func containsFold(needle string, hay ...string) bool {
	needle = strings.ToLower(needle)
	for _, h := range hay {
		if strings.Contains(strings.ToLower(h), needle) {
			return true
		}
	}
	return false
}

// page renders one page of ids in the envelope (served as a plain object).
func (s *Server) page(ids []int, page, perPage int, render func(int) obj) obj {
	if s.alt {
		perPage = min(perPage, altMaxPerPage)
	}
	total := len(ids)
	pages := int(math.Ceil(float64(total) / float64(perPage)))
	items := []obj{}
	if start := (page - 1) * perPage; start < total {
		for _, id := range ids[start:min(start+perPage, total)] {
			items = append(items, render(id))
		}
	}
	return obj{{"page", page}, {"pages", pages}, {"per_page", perPage}, {"total", total}, {"items", items}}
}

// candidates returns the ids to filter: from an index when a foreign-key filter is set
// (already the result set's superset, small), else every id in sorted order (cached).
// sorted reports whether the result is already in the requested order.
func (s *Server) allSorted(entity, key string, desc bool, n int, less func(a, b int) int) []int {
	ck := entity + ":" + key + ":" + strconv.FormatBool(desc)
	if v, ok := s.sorted.Load(ck); ok {
		return v.([]int)
	}
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i + 1
	}
	sortIDs(ids, desc, less)
	s.sorted.Store(ck, ids)
	return ids
}

func sortIDs(ids []int, desc bool, less func(a, b int) int) {
	slices.SortStableFunc(ids, func(a, b int) int {
		c := less(a, b)
		if desc {
			c = -c
		}
		if c == 0 {
			return cmp.Compare(a, b)
		}
		return c
	})
}

func filterIDs(ids []int, keep func(int) bool) []int {
	out := make([]int, 0, min(len(ids), 64))
	for _, id := range ids {
		if keep(id) {
			out = append(out, id)
		}
	}
	return out
}

// union merges index lists of several keys, deduplicated.
func union(index map[int][]int, keys []int) []int {
	var out []int
	seen := map[int]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, index[k]...)
	}
	return out
}

// refList serves a paged reference list with its filters and sorting.
func (s *Server) refList(path string, refs []namedRef, sortKeys []string, def string, filters []string, render func(namedRef) obj) {
	s.handle(path, get(func(w http.ResponseWriter, r *http.Request) {
		p := newParams(r)
		page, perPage := p.paging()
		key, desc := p.sorting(sortKeys, def)
		name := p.str("name")
		var dflt, sortorder, step, days *int
		if slices.Contains(filters, "default") {
			dflt = p.intPtr("default")
		}
		if slices.Contains(filters, "sortorder") {
			sortorder = p.intPtr("sortorder")
		}
		if slices.Contains(filters, "step") {
			step = p.intPtr("step")
		}
		if slices.Contains(filters, "days") {
			days = p.intPtr("days")
		}
		extKey := ""
		if slices.Contains(filters, "externalkey") {
			extKey = p.str("externalkey")
		}
		if p.failed(s, w) {
			return
		}
		ids := filterIDs(seqIDs(len(refs)), func(id int) bool {
			x := refs[id-1]
			return (name == "" || strings.EqualFold(x.name, name)) &&
				(dflt == nil || x.isDefault == *dflt) && (sortorder == nil || x.sortorder == *sortorder) &&
				(step == nil || x.extra == *step) && (days == nil || x.extra == *days) &&
				(extKey == "" || x.key == extKey)
		})
		sortIDs(ids, desc, func(a, b int) int {
			x, y := refs[a-1], refs[b-1]
			switch key {
			case "name":
				return strings.Compare(x.name, y.name)
			case "sortorder":
				return cmp.Compare(x.sortorder, y.sortorder)
			case "days":
				return cmp.Compare(x.extra, y.extra)
			}
			return cmp.Compare(a, b)
		})
		s.reply(w, r, http.StatusOK, s.page(ids, page, perPage, func(id int) obj { return render(refs[id-1]) }))
	}))
}

func seqIDs(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i + 1
	}
	return ids
}

// decodeBody reads a JSON object body; flask answers a malformed one with 400.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request) (*body, bool) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(&m); err != nil || m == nil {
		s.message(w, http.StatusBadRequest, msgBadJSON)
		return nil, false
	}
	return &body{m: m, errs: map[string]string{}}, true
}

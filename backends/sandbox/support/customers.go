package support

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// defaultLimit is the page without a limit (AY L5: "Default 20"; maxLimit in seed.go).
const defaultLimit = 20

func (s *Server) listCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := defaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			writeError(w, http.StatusBadRequest, typeRequestValidation, "Invalid Params",
				map[string]any{"invalid": []map[string]string{{"limit": "must be an integer from 1 to 200"}}})
			return
		}
		limit = n
	}
	fields := parseFields(q.Get("fields"))

	s.mu.RLock()
	st := s.storeOf(r, false)
	start := 0
	if c := q.Get("cursor"); c != "" {
		pos, ok := s.decodeCursor(c)
		if !ok || pos > len(st.order) {
			s.mu.RUnlock()
			writeError(w, http.StatusBadRequest, typeInvalidCursor, "Invalid cursor",
				"The cursor is not valid for the "+s.cfg.Service+" connector")
			return
		}
		start = pos
	}
	page := make([]*customerJSON, 0, limit)
	end := start
	for ; end < len(st.order) && len(page) < limit; end++ {
		if c, ok := st.byID[st.order[end]]; ok {
			page = append(page, c)
		}
	}
	next := -1
	for j := end; j < len(st.order); j++ {
		if _, ok := st.byID[st.order[j]]; ok {
			next = end
			break
		}
	}
	prev := -1
	if start > 0 {
		p, n := start, 0
		for p > 0 && n < limit {
			p--
			if _, ok := st.byID[st.order[p]]; ok {
				n++
			}
		}
		prev = p
	}
	s.mu.RUnlock()
	s.writePage(w, r, page, fields, start, prev, next)
}

// writePage renders a list answer. Positions below zero stand for null cursors; the
// first page has no current cursor (it was fetched without one).
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, page []*customerJSON, fields fieldTree, start, prev, next int) {
	data, err := render(page, fields)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "UnknownError", "Could not render customers", err.Error())
		return
	}
	env := s.envelope(http.StatusOK, "all", data)
	meta := &metaJSON{ItemsOnPage: len(page)}
	links := &linksJSON{}
	path, query := requestPath(r)
	alt := s.alt.Load()
	if !alt {
		path = origin(r) + path
	}
	link := func(pos int) string {
		q := cloneValues(query)
		q.Set("cursor", s.encodeCursor(pos))
		return path + "?" + q.Encode()
	}
	if q := query.Encode(); q != "" {
		links.Current = path + "?" + q
	} else {
		links.Current = path
	}
	if alt {
		prev = -1 // "not available for all connectors" (AY L5, AR L79)
	}
	if query.Get("cursor") != "" {
		meta.Cursors.Current = ptr(s.encodeCursor(start))
	}
	if prev >= 0 {
		meta.Cursors.Previous = ptr(s.encodeCursor(prev))
		links.Previous = ptr(link(prev))
	}
	if next >= 0 {
		meta.Cursors.Next = ptr(s.encodeCursor(next))
		links.Next = ptr(link(next))
	}
	env.Meta, env.Links = meta, links
	writeJSON(w, http.StatusOK, env)
}

// origin is the scheme and host the request was sent to: the links of a page are
// absolute URLs, as the seed's examples are (AR L477-L479, AY L1904-L1913), built from
// the request so that they point back at whichever address reached the sandbox.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// requestPath returns the path the client asked for (RequestURI keeps a mount prefix
// that http.StripPrefix removed from URL.Path) and the query without _method.
func requestPath(r *http.Request) (string, url.Values) {
	path := r.URL.EscapedPath()
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && r.RequestURI != "" {
		path = u.EscapedPath()
	}
	q := r.URL.Query()
	q.Del("_method")
	return path, q
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Cursors are opaque base64 like Apideck's own ("em9oby1jcm06OnBhZ2U6OjE=" is
// "zoho-crm::page::1"): "<service>::position::<n>", n being a position in the list
// order. Deleted customers keep their position, so a cursor stays valid while others
// are deleted or added.
func (s *Server) encodeCursor(pos int) string {
	return base64.StdEncoding.EncodeToString([]byte(s.cfg.Service + "::position::" + strconv.Itoa(pos)))
}

func (s *Server) decodeCursor(c string) (int, bool) {
	c = strings.TrimRight(c, "=") // links may carry it unpadded, as the seed's example does
	c = strings.NewReplacer("-", "+", "_", "/").Replace(c)
	b, err := base64.RawStdEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), s.cfg.Service+"::position::")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.RLock()
	c, ok := s.storeOf(r, false).byID[id]
	s.mu.RUnlock()
	if !ok {
		notFound(w, id)
		return
	}
	data, err := render([]*customerJSON{c}, parseFields(r.URL.Query().Get("fields")))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "UnknownError", "Could not render customer", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, s.envelope(http.StatusOK, "one", data[0]))
}

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	c := &customerJSON{Addresses: []addressJSON{}, PhoneNumbers: []phoneJSON{}, Emails: []emailJSON{}}
	if !applyBody(w, body, c) {
		return
	}
	if c.Status == nil {
		c.Status = ptr("active") // what the connectors default a new customer to
	}
	s.mu.Lock()
	st := s.storeOf(r, true)
	if st == nil {
		s.mu.Unlock()
		writeError(w, http.StatusTooManyRequests, "RequestLimitError", "Too many consumers",
			"The sandbox holds customers for at most "+strconv.Itoa(maxConsumers)+" consumers")
		return
	}
	id, at := st.nextID()
	c.ID = id
	c.CreatedAt = at.Format(timeFormat)
	c.UpdatedAt = ptr(c.CreatedAt)
	st.byID[id] = c
	st.order = append(st.order, id)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, s.envelope(http.StatusCreated, "add", unifiedIDJSON{ID: id}))
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.storeOf(r, false)
	old, ok := st.byID[id]
	if !ok {
		notFound(w, id)
		return
	}
	c := old.clone()
	if !applyBody(w, body, c) {
		return
	}
	c.UpdatedAt = ptr(st.tick().Format(timeFormat))
	st.byID[id] = c
	writeJSON(w, http.StatusOK, s.envelope(http.StatusOK, "update", unifiedIDJSON{ID: id}))
}

func (s *Server) deleteCustomer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	st := s.storeOf(r, false)
	_, ok := st.byID[id]
	delete(st.byID, id)
	s.mu.Unlock()
	if !ok {
		notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, s.envelope(http.StatusOK, "delete", unifiedIDJSON{ID: id}))
}

// notFound is the seed's NotFoundResponse with the object form of detail.
func notFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, typeEntityNotFound, "Unknown Customer",
		map[string]any{"not_found": map[string]string{"entity": "customer", "id": id}})
}

// render encodes customers, projected to fields when any are named.
func render(cs []*customerJSON, fields fieldTree) ([]any, error) {
	out := make([]any, len(cs))
	for i, c := range cs {
		if fields == nil {
			out[i] = c
			continue
		}
		b, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		out[i] = fields.project(m)
	}
	return out, nil
}

// clone copies c deeply enough that changing the copy never touches c.
func (c *customerJSON) clone() *customerJSON {
	d := *c
	d.Addresses = slices.Clone(c.Addresses)
	d.PhoneNumbers = slices.Clone(c.PhoneNumbers)
	d.Emails = slices.Clone(c.Emails)
	if c.BankAccounts != nil {
		b := *c.BankAccounts
		d.BankAccounts = &b
	}
	return &d
}

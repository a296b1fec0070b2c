package clientdata

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"
)

// nest turns flat schema paths into the nested details object.
func nest(flat map[string]string) map[string]any {
	out := map[string]any{}
	for path, v := range flat {
		parts := strings.Split(path, ".")
		m := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = v
	}
	return out
}

// flatten turns a nested details object into schema paths; leaves must be strings
// or null (null clears a field). It reports the first path the schema does not know
// or whose value is not a string.
func flatten(prefix string, in map[string]any, out map[string]string) (bad string) {
	for k, v := range in {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			if bad := flatten(path, v, out); bad != "" {
				return bad
			}
		case string:
			if fieldFor(path) == nil {
				return path
			}
			out[path] = v
		case nil:
			if fieldFor(path) == nil {
				return path
			}
			out[path] = ""
		default:
			return path
		}
	}
	return ""
}

func (s *Server) getDetails(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	writeJSON(rw, http.StatusOK, s.detailsOf(c))
}

type wireDetailsOut struct {
	ID                      int32          `json:"id"`
	HasPendingChangeRequest bool           `json:"hasPendingChangeRequest"`
	HasPendingEmail         bool           `json:"hasPendingEmail"`
	HasPendingMobile        bool           `json:"hasPendingMobile"`
	Details                 map[string]any `json:"details"`
}

func (s *Server) detailsOf(c *contact) wireDetailsOut {
	return wireDetailsOut{ID: c.id, HasPendingChangeRequest: c.pendingCR != nil,
		HasPendingEmail: c.pending["Email"] != nil, HasPendingMobile: c.pending["Mobile"] != nil,
		Details: nest(c.details)}
}

// usernameTaken reports whether name is another contact's username.
func (s *Server) usernameTaken(name string, self *contact) bool {
	o := s.usernames[strings.ToLower(name)]
	return o != nil && o != self
}

// updateDetails serves PATCH (only given leaves) and PUT (all fields; missing ones are
// cleared). Email and mobile changes wait for verification; a member's change to an
// approval field becomes a pending change request holding every changed field; the
// rest is applied at once and recorded in the change history.
func (s *Server) updateDetails(rw http.ResponseWriter, r *http.Request, who caller) {
	var body struct {
		Details map[string]any `json:"details"`
		Comment *string        `json:"comment"`
	}
	if !decode(r, &body, false) || body.Details == nil {
		s.malformed(rw)
		return
	}
	in := map[string]string{}
	if bad := flatten("", body.Details, in); bad != "" {
		s.badRequest(rw, subCodeNA, fmt.Sprintf("Field '%s' is not part of the contact schema or not a string", bad))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	if r.Method == http.MethodPut {
		for _, f := range contactFields {
			if _, ok := in[f.path]; !ok && !f.readOnly {
				in[f.path] = ""
			}
		}
	}
	var changes []detail
	channels := map[string]string{}
	for _, f := range contactFields {
		v, ok := in[f.path]
		if !ok || v == c.details[f.path] {
			continue
		}
		switch {
		case f.readOnly:
			s.badRequest(rw, subCodeNA, fmt.Sprintf("Field '%s' is read-only", f.path))
			return
		case f.required && v == "":
			s.badRequest(rw, subCodeNA, fmt.Sprintf("Field '%s' is required", f.path))
			return
		case f.maxLength > 0 && int32(len([]rune(v))) > f.maxLength:
			s.badRequest(rw, subCodeNA, fmt.Sprintf("Field '%s' is too long", f.path))
			return
		case channelOf(f.path) != "" && v != "":
			channels[channelOf(f.path)] = v
		default:
			changes = append(changes, detail{path: f.path, original: c.details[f.path], target: v, approval: f.approval})
		}
	}
	if email, ok := channels["Email"]; ok && c.coupled && s.usernameTaken(email, c) {
		s.badRequest(rw, subCodeUsernameNotUnique, "The provided username or email (when username is coupled with email) is not unique")
		return
	}
	approval := false
	if !who.app {
		for _, d := range changes {
			approval = approval || d.approval
		}
	}
	if approval && c.pendingCR != nil {
		s.conflict(rw, subCodePendingExists, "The contact already has a pending change request")
		return
	}
	at := s.now()
	for ch, v := range channels {
		p := c.pending[ch]
		if p == nil {
			p = &pendingChannel{}
			c.pending[ch] = p
		}
		p.value, p.issued, p.attempts = v, p.issued+1, 0
	}
	switch {
	case approval:
		s.nextCRID++
		cr := &changeRequest{id: s.nextCRID, uid: s.w.UUID("clientdata-change-request", int(s.nextCRID)),
			contactID: c.id, status: statusPending, createDate: at, initiator: s.member(who.user),
			initiatorComment: body.Comment, details: changes}
		s.index(cr)
		c.pendingCR = cr
	case len(changes) > 0:
		c.apply(changes)
		s.record(c, s.member(who.user), at, changes)
	}
	writeJSON(rw, http.StatusOK, struct {
		IsApprovalRequired bool `json:"isApprovalRequired"`
		HasPendingEmail    bool `json:"hasPendingEmail"`
		HasPendingMobile   bool `json:"hasPendingMobile"`
	}{approval, c.pending["Email"] != nil, c.pending["Mobile"] != nil})
}

func (s *Server) createContact(rw http.ResponseWriter, r *http.Request, who caller) {
	var body struct {
		ContactTypeID int32          `json:"contactTypeId"`
		Username      *string        `json:"username"`
		Details       map[string]any `json:"details"`
		CorrelationID *string        `json:"correlationId"`
	}
	if !decode(r, &body, false) || !validContactType(body.ContactTypeID) {
		s.malformed(rw)
		return
	}
	in := map[string]string{}
	if bad := flatten("", body.Details, in); bad != "" {
		s.badRequest(rw, subCodeNA, fmt.Sprintf("Field '%s' is not part of the contact schema or not a string", bad))
		return
	}
	for _, f := range contactFields {
		if f.required && in[f.path] == "" {
			s.badRequest(rw, subCodeNA, fmt.Sprintf("Field '%s' is required", f.path))
			return
		}
	}
	username, coupled := "", false
	if body.Username != nil && *body.Username != "" {
		username = *body.Username
	} else if in[pathEmail] != "" {
		username, coupled = in[pathEmail], true
	} else {
		s.badRequest(rw, subCodeNA, "A username or a primary email is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.usernameTaken(username, nil) {
		s.badRequest(rw, subCodeUsernameNotUnique, "The provided username or email (when username is coupled with email) is not unique")
		return
	}
	s.nextContactID++
	c := &contact{id: s.nextContactID, uid: s.w.UUID("clientdata-contact-created", int(s.nextContactID)),
		typeID: body.ContactTypeID, company: -1, owner: who.user, username: username, coupled: coupled,
		details: in, pending: map[string]*pendingChannel{}}
	c.apply(nil)
	s.contacts[c.id], s.byUID[c.uid] = c, c
	s.usernames[strings.ToLower(username)] = c
	s.link(c, "Default", fmt.Sprintf("DFS-%06d", c.id))
	writeJSON(rw, http.StatusCreated, struct {
		ID      int32  `json:"id"`
		UID     string `json:"uId"`
		Details any    `json:"details"`
	}{c.id, c.uid, nil})
}

type wireConnection struct {
	ExternalID string `json:"externalId"`
	System     string `json:"system"`
}

func (s *Server) getConnections(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	out := struct {
		Connections []wireConnection `json:"connections"`
	}{Connections: []wireConnection{}}
	for _, cn := range c.connections {
		out.Connections = append(out.Connections, wireConnection{cn.externalID, cn.system})
	}
	writeJSON(rw, http.StatusOK, out)
}

func (s *Server) addConnection(rw http.ResponseWriter, r *http.Request, who caller) {
	var body struct {
		ExternalID *string `json:"externalId"`
		System     *string `json:"system"`
	}
	if !decode(r, &body, false) || body.ExternalID == nil || *body.ExternalID == "" || body.System == nil || *body.System == "" {
		s.malformed(rw)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	if s.externalIDs[*body.ExternalID] != nil {
		s.conflict(rw, subCodeExternalIDNotUnique, "External-Ids must be unique across all contacts")
		return
	}
	s.link(c, *body.System, *body.ExternalID)
	rw.WriteHeader(http.StatusNoContent)
}

func (s *Server) contactByExternalID(rw http.ResponseWriter, r *http.Request, who caller) {
	system, ext := r.URL.Query().Get("system"), r.URL.Query().Get("externalId")
	if system == "" || ext == "" {
		s.malformed(rw)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.external[strings.ToUpper(system)+"\x00"+ext]
	if c == nil {
		s.notFound(rw, "A contact with this external connection")
		return
	}
	writeJSON(rw, http.StatusOK, struct {
		ID  int32  `json:"id"`
		UID string `json:"uid"`
	}{c.id, c.uid})
}

func (s *Server) getUsername(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	writeJSON(rw, http.StatusOK, struct {
		Username string `json:"username"`
	}{c.username})
}

func (s *Server) putUsername(rw http.ResponseWriter, r *http.Request, who caller) {
	var body struct {
		Username *string `json:"username"`
	}
	if !decode(r, &body, false) || body.Username == nil || strings.TrimSpace(*body.Username) == "" {
		s.malformed(rw)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	switch {
	case c.coupled:
		s.badRequest(rw, subCodeUsernameCoupledWithEmail, "The username is coupled with the email and cannot be updated on its own")
	case s.usernameTaken(*body.Username, c):
		s.badRequest(rw, subCodeUsernameNotUnique, "The provided username is not unique")
	default:
		delete(s.usernames, strings.ToLower(c.username))
		c.username = *body.Username
		s.usernames[strings.ToLower(c.username)] = c
		rw.WriteHeader(http.StatusNoContent)
	}
}

// defaultPicture is a 1×1 PNG served when a contact has none.
const defaultPicture = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

func (s *Server) getPicture(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	out := struct {
		ImageContentBase64 string `json:"imageContentBase64"`
		IsDefaultImage     bool   `json:"isDefaultImage"`
	}{c.picture, c.picture == ""}
	if out.IsDefaultImage {
		out.ImageContentBase64 = defaultPicture
	}
	writeJSON(rw, http.StatusOK, out)
}

func (s *Server) putPicture(rw http.ResponseWriter, r *http.Request, who caller) {
	var body struct {
		ImageContentBase64 *string `json:"imageContentBase64"`
	}
	if !decode(r, &body, false) || body.ImageContentBase64 == nil {
		s.malformed(rw)
		return
	}
	raw, err := base64.StdEncoding.DecodeString(*body.ImageContentBase64)
	if err != nil || !bytes.HasPrefix(raw, []byte("\x89PNG\r\n\x1a\n")) {
		s.badRequest(rw, subCodeNA, "The image must be a base64 encoded PNG")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.contactFor(rw, r); c != nil {
		c.picture = *body.ImageContentBase64
		rw.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) deletePicture(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.contactFor(rw, r); c != nil {
		c.picture = ""
		rw.WriteHeader(http.StatusNoContent)
	}
}

// VerificationKey returns the key the sandbox "sent" for a contact's pending channel
// ("Email" or "Mobile"), standing in for the user's inbox in tests and demos.
func (s *Server) VerificationKey(contactID int32, channel string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.contacts[contactID]
	if c == nil || c.pending[channel] == nil {
		return "", false
	}
	return s.key(c, channel), true
}

func (s *Server) key(c *contact, channel string) string {
	h := fnv.New64a()
	_, _ = fmt.Fprintf(h, "%d/%d/%s/%d", s.w.Seed, c.id, channel, c.pending[channel].issued)
	return fmt.Sprintf("%06d", h.Sum64()%1_000_000)
}

type channelBody struct {
	Channel string  `json:"channel"`
	Key     *string `json:"key"`
}

// channelRequest decodes the body and resolves the contact and its pending channel,
// answering the error itself when any is missing. Callers hold s.mu.
func (s *Server) channelRequest(rw http.ResponseWriter, r *http.Request) (*contact, *pendingChannel, channelBody) {
	var body channelBody
	if !decode(r, &body, false) || channelPath(body.Channel) == "" {
		s.malformed(rw)
		return nil, nil, body
	}
	c := s.contactFor(rw, r)
	if c == nil {
		return nil, nil, body
	}
	p := c.pending[body.Channel]
	if p == nil {
		s.badRequest(rw, subCodeNoPendingChannel, "There is no pending "+strings.ToLower(body.Channel)+" to verify")
		return nil, nil, body
	}
	return c, p, body
}

func (s *Server) verifyChannel(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, p, body := s.channelRequest(rw, r)
	if c == nil {
		return
	}
	switch {
	case p.attempts >= maxKeyAttempts:
		s.badRequest(rw, subCodeKeyExpired, "The key is no longer valid due to passing the expiration date or exceeding the number of allowed attempts")
		return
	case body.Key == nil || *body.Key != s.key(c, body.Channel):
		p.attempts++
		s.badRequest(rw, subCodeKeyNoMatch, "The key supplied does not match the key generated for the contact in the channel provided")
		return
	case body.Channel == "Email" && c.coupled && s.usernameTaken(p.value, c):
		s.badRequest(rw, subCodeUsernameNotUnique, "The provided username or email (when username is coupled with email) is not unique")
		return
	}
	path := channelPath(body.Channel)
	change := []detail{{path: path, original: c.details[path], target: p.value}}
	c.apply(change)
	if body.Channel == "Email" && c.coupled {
		delete(s.usernames, strings.ToLower(c.username))
		c.username = p.value
		s.usernames[strings.ToLower(c.username)] = c
	}
	delete(c.pending, body.Channel)
	s.record(c, s.member(who.user), s.now(), change)
	rw.WriteHeader(http.StatusNoContent)
}

func (s *Server) resendKey(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, p, _ := s.channelRequest(rw, r); c != nil {
		p.issued, p.attempts = p.issued+1, 0
		rw.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) discontinue(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, _, body := s.channelRequest(rw, r); c != nil {
		delete(c.pending, body.Channel)
		rw.WriteHeader(http.StatusNoContent)
	}
}

// anonymize blanks personal data of the listed contacts (all must exist). The history
// goes too: it would otherwise keep the old values.
func (s *Server) anonymize(rw http.ResponseWriter, r *http.Request, who caller) {
	var body struct {
		ContactIDs  []int32  `json:"contactIds"`
		ContactUIDs []string `json:"contactUIds"`
	}
	if !decode(r, &body, false) || len(body.ContactIDs)+len(body.ContactUIDs) == 0 {
		s.malformed(rw)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var targets []*contact
	for _, id := range body.ContactIDs {
		c := s.contacts[id]
		if c == nil {
			s.notFound(rw, fmt.Sprintf("Contact %d", id))
			return
		}
		targets = append(targets, c)
	}
	for _, uid := range body.ContactUIDs {
		c := s.byUID[strings.ToLower(uid)]
		if c == nil {
			s.notFound(rw, "Contact "+uid)
			return
		}
		targets = append(targets, c)
	}
	for _, c := range targets {
		for _, f := range contactFields {
			if f.path != pathLanguage && f.path != pathCountry {
				c.details[f.path] = ""
			}
		}
		c.details[pathFirstName], c.details[pathLastName] = "Anonymized", fmt.Sprint(c.id)
		c.apply(nil)
		delete(s.usernames, strings.ToLower(c.username))
		c.username, c.coupled = fmt.Sprintf("anonymized-%d", c.id), false
		s.usernames[c.username] = c
		c.pending, c.picture, c.history = map[string]*pendingChannel{}, "", nil
	}
	rw.WriteHeader(http.StatusNoContent)
}

type historyBody struct {
	Page                int32      `json:"page"`
	PageSize            int32      `json:"pageSize"`
	SortOrder           string     `json:"sortOrder"`
	SortBy              *string    `json:"sortBy"`
	InitiatorPersonUIDs []string   `json:"initiatorPersonUids"`
	ExecutionDateFrom   *time.Time `json:"executionDateFrom"`
	ExecutionDateTo     *time.Time `json:"executionDateTo"`
	Paths               []string   `json:"paths"`
}

type wireHistoryEntry struct {
	InitiatorPerson wireMemberRef `json:"initiatorPerson"`
	ExecutionDate   time.Time     `json:"executionDate"`
	Details         []wireDetail  `json:"details"`
}

func (s *Server) searchHistory(rw http.ResponseWriter, r *http.Request, who caller) {
	var q historyBody
	if !decode(r, &q, true) {
		s.malformed(rw)
		return
	}
	page, size, ok := s.paging(q.Page, q.PageSize, q.SortOrder)
	if !ok {
		s.malformed(rw)
		return
	}
	key, order := sortSpec(q.SortBy, q.SortOrder, "executiondate")
	var by func(a, b *historyEntry) int
	switch key {
	case "contactchangesetid":
		by = func(a, b *historyEntry) int { return 0 }
	case "executiondate":
		by = func(a, b *historyEntry) int { return a.executed.Compare(b.executed) }
	case "initiatorpersonid":
		by = func(a, b *historyEntry) int { return cmp.Compare(a.initiator.uid, b.initiator.uid) }
	default:
		s.badRequest(rw, subCodeNA, "Sorting is available for contactChangeSetId, executionDate, initiatorPersonId")
		return
	}
	sign := 1
	if order == "Descending" {
		sign = -1
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	initiators, paths := set(q.InitiatorPersonUIDs), set(q.Paths)
	var hits []*historyEntry
	for _, e := range c.history {
		switch {
		case initiators != nil && !initiators[e.initiator.uid],
			q.ExecutionDateFrom != nil && e.executed.Before(*q.ExecutionDateFrom),
			q.ExecutionDateTo != nil && e.executed.After(*q.ExecutionDateTo),
			paths != nil && !touches(e.details, paths):
			continue
		}
		hits = append(hits, e)
	}
	slices.SortStableFunc(hits, func(a, b *historyEntry) int {
		if c := by(a, b); c != 0 {
			return sign * c
		}
		return sign * cmp.Compare(a.changeSet, b.changeSet)
	})
	p := pageOf(hits, page, s.variant.pageBase, size)
	out := paged[wireHistoryEntry]{Page: p.Page, PageSize: p.PageSize, PageCount: p.PageCount, TotalCount: p.TotalCount,
		Results: make([]wireHistoryEntry, len(p.Results))}
	for i, e := range p.Results {
		out.Results[i] = wireHistoryEntry{wireMemberRef{e.initiator.uid, e.initiator.name}, e.executed, wireDetails(e.details)}
	}
	writeJSON(rw, http.StatusOK, out)
}

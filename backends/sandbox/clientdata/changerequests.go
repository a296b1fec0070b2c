package clientdata

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Wire shapes, as the seed shows them (this package keeps its own encoding so a
// client mistake cannot hide behind a shared struct).
type wireContactRef struct {
	ID   int32  `json:"id"`
	UID  string `json:"uId"`
	Name string `json:"name"`
}

type wireStatus struct {
	ID   int32  `json:"id"`
	Name string `json:"name"`
}

type wireMemberV11 struct { // change-request GET spells it "uId"
	UID  string `json:"uId"`
	Name string `json:"name"`
}

type wireMemberRef struct { // search, pending check, history spell it "uid"
	UID  string `json:"uid"`
	Name string `json:"name"`
}

type wireDetail struct {
	Path               string `json:"path"`
	OriginalValue      string `json:"originalValue"`
	TargetValue        string `json:"targetValue"`
	IsApprovalRequired bool   `json:"isApprovalRequired"`
}

type wireChangeRequest struct {
	ID               int32          `json:"id"`
	UID              string         `json:"uId"`
	Contact          wireContactRef `json:"contact"`
	Status           wireStatus     `json:"status"`
	CreateDate       time.Time      `json:"createDate"`
	InitiatorMember  wireMemberV11  `json:"initiatorMember"`
	InitiatorComment *string        `json:"initiatorComment"`
	ReviewDate       *time.Time     `json:"reviewDate"`
	ReviewMember     *wireMemberV11 `json:"reviewMember"`
	ReviewComment    *string        `json:"reviewComment"`
	Details          []wireDetail   `json:"details"`
}

type wireSummary struct {
	ID              int32          `json:"id"`
	Contact         wireContactRef `json:"contact"`
	Status          wireStatus     `json:"status"`
	CreateDate      time.Time      `json:"createDate"`
	InitiatorMember wireMemberRef  `json:"initiatorMember"`
	ReviewDate      *time.Time     `json:"reviewDate"`
	ReviewMember    *wireMemberRef `json:"reviewMember"`
}

type paged[T any] struct {
	Results    []T   `json:"results"`
	Page       int32 `json:"page"`
	PageSize   int32 `json:"pageSize"`
	PageCount  int32 `json:"pageCount"`
	TotalCount int32 `json:"totalCount"`
}

func wireDetails(ds []detail) []wireDetail {
	out := make([]wireDetail, len(ds))
	for i, d := range ds {
		out[i] = wireDetail{d.path, d.original, d.target, d.approval}
	}
	return out
}

func (s *Server) contactRef(id int32) wireContactRef {
	c := s.contacts[id]
	return wireContactRef{ID: c.id, UID: c.uid, Name: c.name()}
}

func (s *Server) getChangeRequest(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cr := s.changeRequestFor(rw, r, who)
	if cr == nil {
		return
	}
	out := wireChangeRequest{
		ID: cr.id, UID: cr.uid, Contact: s.contactRef(cr.contactID),
		Status:     wireStatus{cr.status, statusName(cr.status, who.lang)},
		CreateDate: cr.createDate, InitiatorMember: wireMemberV11{cr.initiator.uid, cr.initiator.name},
		InitiatorComment: cr.initiatorComment, ReviewDate: cr.reviewDate, ReviewComment: cr.reviewComment,
		Details: wireDetails(cr.details),
	}
	if cr.reviewer != nil {
		out.ReviewMember = &wireMemberV11{cr.reviewer.uid, cr.reviewer.name}
	}
	writeJSON(rw, http.StatusOK, out)
}

// changeRequestFor resolves {contactId}/{changeRequestId}; a request of another
// contact is not found, and neither is one the caller's search would not show
// (memberScope). Callers hold s.mu.
func (s *Server) changeRequestFor(rw http.ResponseWriter, r *http.Request, who caller) *changeRequest {
	c := s.contactFor(rw, r)
	if c == nil {
		return nil
	}
	id, ok := pathID(r, "changeRequestId")
	if !ok {
		s.malformed(rw)
		return nil
	}
	cr := s.crs[id]
	if cr == nil || cr.contactID != c.id || !s.crReachable(who, cr) {
		s.notFound(rw, fmt.Sprintf("Change request %d of contact %d", id, c.id))
		return nil
	}
	return cr
}

func (s *Server) getStatuses(rw http.ResponseWriter, r *http.Request, who caller) {
	out := struct {
		ChangeRequestStatuses []wireStatus `json:"changeRequestStatuses"`
	}{}
	for id := statusPending; id <= statusCancelled; id++ {
		out.ChangeRequestStatuses = append(out.ChangeRequestStatuses, wireStatus{id, statusName(id, who.lang)})
	}
	writeJSON(rw, http.StatusOK, out)
}

// pendingCheck is the v1.1 check (004 L88–98). The seed scopes the search to the
// contacts a member has access to (L99, L161) but says no such thing of the check, nor
// of detail updates, which a pending request blocks: the sandbox answers the check for
// every caller (a member learns that a request exists and who started it, as a blocked
// update would tell them anyway), and scopes the request itself (memberScope).
func (s *Server) pendingCheck(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.contactFor(rw, r)
	if c == nil {
		return
	}
	type pending struct {
		ID              int32         `json:"id"`
		InitiatorMember wireMemberRef `json:"initiatorMember"`
		CreatedDate     time.Time     `json:"createdDate"`
	}
	out := struct {
		HasPendingChangeRequest bool     `json:"hasPendingChangeRequest"`
		ChangeRequest           *pending `json:"changeRequest"`
	}{}
	if cr := c.pendingCR; cr != nil {
		out.HasPendingChangeRequest = true
		out.ChangeRequest = &pending{cr.id, wireMemberRef{cr.initiator.uid, cr.initiator.name}, cr.createDate}
	}
	writeJSON(rw, http.StatusOK, out)
}

type searchBody struct {
	Page                int32      `json:"page"`
	PageSize            int32      `json:"pageSize"`
	SortOrder           string     `json:"sortOrder"`
	SortBy              *string    `json:"sortBy"`
	ExcludeHierarchy    bool       `json:"excludeHierarchy"`
	StatusID            *int32     `json:"statusId"`
	CreateDateFrom      *time.Time `json:"createDateFrom"`
	CreateDateTo        *time.Time `json:"createDateTo"`
	InitiatorMemberUIDs []string   `json:"initiatorMemberUids"`
	ContactIDs          []int32    `json:"contactIds"`
	ReviewDateFrom      *time.Time `json:"reviewDateFrom"`
	ReviewDateTo        *time.Time `json:"reviewDateTo"`
	ReviewMemberUIDs    []string   `json:"reviewMemberUids"`
	Paths               []string   `json:"paths"`
}

// paging validates page/pageSize (pages count from the variant's base; none or a
// lower one is the first) and the sort order.
func (s *Server) paging(page, size int32, order string) (int32, int32, bool) {
	if page < s.variant.pageBase {
		page = s.variant.pageBase
	}
	if size == 0 {
		size = defaultPageSize
	}
	if size < 0 || size > s.variant.maxPageSize || (order != "" && order != "Ascending" && order != "Descending") {
		return 0, 0, false
	}
	return page, size, true
}

// pageOf is the page-th page (the first numbered base) of items.
func pageOf[T any](items []T, page, base, size int32) paged[T] {
	total := int32(len(items))
	from := min(int64(page-base)*int64(size), int64(total))
	to := min(from+int64(size), int64(total))
	return paged[T]{Results: append([]T{}, items[from:to]...), Page: page, PageSize: size,
		PageCount: (total + size - 1) / size, TotalCount: total}
}

func (s *Server) searchChangeRequests(rw http.ResponseWriter, r *http.Request, who caller) {
	var q searchBody
	if !decode(r, &q, true) {
		s.malformed(rw)
		return
	}
	page, size, ok := s.paging(q.Page, q.PageSize, q.SortOrder)
	if !ok {
		s.malformed(rw)
		return
	}
	less, ok := crOrder(q.SortBy, q.SortOrder)
	if !ok {
		s.badRequest(rw, subCodeNA, "Sorting is available for Id, StatusId, CreateDate, InitiatorMemberId, ContactId, ReviewDate, ReviewMemberId")
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	// With contact ids the index gives the candidates directly, so the work is
	// proportional to the result, not to all change requests.
	candidates := s.allCRs
	if len(q.ContactIDs) > 0 {
		candidates = nil
		seen := map[int32]bool{}
		for _, id := range q.ContactIDs {
			if !seen[id] {
				seen[id] = true
				candidates = append(candidates, s.crsByContact[id]...)
			}
		}
	}
	initiators, reviewers, paths := set(q.InitiatorMemberUIDs), set(q.ReviewMemberUIDs), set(q.Paths)
	var hits []*changeRequest
	for _, cr := range candidates {
		switch {
		case q.StatusID != nil && cr.status != *q.StatusID,
			q.CreateDateFrom != nil && cr.createDate.Before(*q.CreateDateFrom),
			q.CreateDateTo != nil && cr.createDate.After(*q.CreateDateTo),
			initiators != nil && !initiators[cr.initiator.uid],
			(q.ReviewDateFrom != nil || q.ReviewDateTo != nil) && cr.reviewDate == nil,
			q.ReviewDateFrom != nil && cr.reviewDate.Before(*q.ReviewDateFrom),
			q.ReviewDateTo != nil && cr.reviewDate.After(*q.ReviewDateTo),
			reviewers != nil && (cr.reviewer == nil || !reviewers[cr.reviewer.uid]),
			paths != nil && !touches(cr.details, paths),
			!s.crVisible(who, cr, !q.ExcludeHierarchy):
			continue
		}
		hits = append(hits, cr)
	}
	slices.SortStableFunc(hits, less)
	p := pageOf(hits, page, s.variant.pageBase, size)
	out := paged[wireSummary]{Page: p.Page, PageSize: p.PageSize, PageCount: p.PageCount, TotalCount: p.TotalCount,
		Results: make([]wireSummary, len(p.Results))}
	for i, cr := range p.Results {
		sum := wireSummary{ID: cr.id, Contact: s.contactRef(cr.contactID),
			Status: wireStatus{cr.status, statusName(cr.status, who.lang)}, CreateDate: cr.createDate,
			InitiatorMember: wireMemberRef{cr.initiator.uid, cr.initiator.name}, ReviewDate: cr.reviewDate}
		if cr.reviewer != nil {
			sum.ReviewMember = &wireMemberRef{cr.reviewer.uid, cr.reviewer.name}
		}
		out.Results[i] = sum
	}
	writeJSON(rw, http.StatusOK, out)
}

// Member scope (memberScope). The seed states access scoping once: "A member can
// only see change requests for contacts which they have access to (with or without
// hierarchy)" (004 L99, repeated for the current search at L161), and "An app calling
// the endpoint is not subject to such potential limitation" (L295). It is silent on
// reading, reviewing or cancelling one change request (L37, L221, L229). The
// sandbox's reading: a change request the member's search (with hierarchy) does not
// show, and that the member did not initiate, does not exist for them: those
// endpoints answer 404 as for an unknown id (a 403 would confirm the id exists).

// crVisible is the search's scope for one change request: its contact's.
func (s *Server) crVisible(who caller, cr *changeRequest, hierarchy bool) bool {
	return s.visible(who, s.contacts[cr.contactID], hierarchy)
}

// crReachable is crVisible, or who initiated cr: a member may start a request on any
// contact (the seed scopes no update, L281, L295) and must then read it back and be
// able to cancel it (L221: only the initiator can).
func (s *Server) crReachable(who caller, cr *changeRequest) bool {
	return s.crVisible(who, cr, true) || !who.app && cr.initiator.user == who.user
}

// visible: a member sees change requests of contacts they have access to: directly
// (the contact's company is theirs) or through the hierarchy (its parent company is).
// Apps see everything.
func (s *Server) visible(who caller, c *contact, hierarchy bool) bool {
	if who.app || c.owner == who.user {
		return true
	}
	if !hierarchy || c.company < 0 {
		return false
	}
	parent := s.w.Companies[c.company].ParentIndex
	return parent >= 0 && s.w.Companies[parent].OwnerUser == who.user
}

func set(xs []string) map[string]bool {
	if len(xs) == 0 {
		return nil
	}
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[strings.ToLower(x)] = true
		m[x] = true
	}
	return m
}

func touches(ds []detail, paths map[string]bool) bool {
	for _, d := range ds {
		if paths[d.path] {
			return true
		}
	}
	return false
}

// sortSpec resolves a search's sort: the default key newest first; with sortBy the
// order defaults to ascending.
func sortSpec(sortBy *string, order, defaultKey string) (string, string) {
	key := defaultKey
	if sortBy != nil && *sortBy != "" {
		key = strings.ToLower(*sortBy)
		if order == "" {
			order = "Ascending"
		}
	} else if order == "" {
		order = "Descending"
	}
	return key, order
}

// crOrder: default newest first; with sortBy the order defaults to ascending. Ties
// break by id so pages never overlap.
func crOrder(sortBy *string, order string) (func(a, b *changeRequest) int, bool) {
	key, order := sortSpec(sortBy, order, "createdate")
	var by func(a, b *changeRequest) int
	switch key {
	case "id":
		by = func(a, b *changeRequest) int { return 0 }
	case "statusid":
		by = func(a, b *changeRequest) int { return cmp.Compare(a.status, b.status) }
	case "createdate":
		by = func(a, b *changeRequest) int { return a.createDate.Compare(b.createDate) }
	case "initiatormemberid":
		by = func(a, b *changeRequest) int { return cmp.Compare(a.initiator.uid, b.initiator.uid) }
	case "contactid":
		by = func(a, b *changeRequest) int { return cmp.Compare(a.contactID, b.contactID) }
	case "reviewdate":
		by = func(a, b *changeRequest) int { return cmp.Compare(unix(a.reviewDate), unix(b.reviewDate)) }
	case "reviewmemberid":
		by = func(a, b *changeRequest) int { return cmp.Compare(uidOf(a.reviewer), uidOf(b.reviewer)) }
	default:
		return nil, false
	}
	sign := 1
	if order == "Descending" {
		sign = -1
	}
	return func(a, b *changeRequest) int {
		if c := by(a, b); c != 0 {
			return sign * c
		}
		return sign * cmp.Compare(a.id, b.id)
	}, true
}

func unix(t *time.Time) int64 {
	if t == nil {
		return -1 << 62
	}
	return t.UnixNano()
}

func uidOf(m *member) string {
	if m == nil {
		return ""
	}
	return m.uid
}

func (s *Server) reviewChangeRequest(rw http.ResponseWriter, r *http.Request, who caller) {
	var body struct {
		IsApproved *bool   `json:"isApproved"`
		Comment    *string `json:"comment"`
	}
	if !decode(r, &body, false) || body.IsApproved == nil {
		s.malformed(rw)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cr := s.changeRequestFor(rw, r, who)
	if cr == nil {
		return
	}
	if cr.status != statusPending {
		s.badRequest(rw, subCodeNotPending, "Review is only possible from pending status")
		return
	}
	if !who.app && cr.initiator.user == who.user {
		s.forbidden(rw, subCodeSelfReview, "The initiating member cannot review their own change")
		return
	}
	at := s.now()
	reviewer := s.member(who.user)
	cr.reviewDate, cr.reviewer, cr.reviewComment = &at, &reviewer, body.Comment
	c := s.contacts[cr.contactID]
	c.pendingCR = nil
	if *body.IsApproved {
		cr.status = statusApproved
		c.apply(cr.details)
		s.record(c, cr.initiator, at, cr.details)
	} else {
		cr.status = statusRejected
	}
	rw.WriteHeader(http.StatusNoContent)
}

func (s *Server) cancelChangeRequest(rw http.ResponseWriter, r *http.Request, who caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cr := s.changeRequestFor(rw, r, who)
	if cr == nil {
		return
	}
	if cr.status != statusPending {
		s.badRequest(rw, subCodeNotPending, "Cancelling is only possible from pending status")
		return
	}
	if who.app || cr.initiator.user != who.user {
		s.forbidden(rw, subCodeNotInitiator, "Only the member which initiated the change-request can cancel it")
		return
	}
	cr.status = statusCancelled
	s.contacts[cr.contactID].pendingCR = nil
	rw.WriteHeader(http.StatusNoContent)
}

package clientdata

import (
	"slices"
	"strings"
	"testing"
)

func TestDataSizes(t *testing.T) {
	s := New(world(), Tokens{}) // own server: counts must not see other tests' mutations
	if n := len(s.contacts); n < 3000 {
		t.Fatalf("%d contacts, want >= 3000", n)
	}
	for _, st := range []int32{statusPending, statusApproved, statusRejected, statusCancelled} {
		t.Run(statusName(st, "en"), func(t *testing.T) {
			r := call(t, s, "POST", routeSearchChangeRequests, AppToken, map[string]any{"statusId": st, "pageSize": 1})
			expectStatus(t, r, 200)
			var p paged[wireSummary]
			r.decode(t, &p)
			if p.TotalCount < 1000 {
				t.Fatalf("%d change requests in status %d, want >= 1000", p.TotalCount, st)
			}
		})
	}
	t.Run("one pending per contact and consistent approvals", func(t *testing.T) {
		for id, crs := range s.crsByContact {
			pending := 0
			for _, cr := range crs {
				if cr.status == statusPending {
					pending++
					if s.contacts[id].pendingCR != cr {
						t.Fatalf("contact %d: pending request %d not linked", id, cr.id)
					}
				}
			}
			if pending > 1 {
				t.Fatalf("contact %d has %d pending requests", id, pending)
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		other := New(world(), Tokens{})
		for id, c := range s.contacts {
			o := other.contacts[id]
			if o == nil || o.uid != c.uid || o.username != c.username || len(other.crsByContact[id]) != len(s.crsByContact[id]) {
				t.Fatalf("contact %d differs between two servers of the same seed", id)
			}
		}
	})
}

func TestAuth(t *testing.T) {
	s := shared()
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", 401},
		{"unknown token", "nope", 401},
		{"app", AppToken, 200},
		{"member", MemberToken3, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, s, "GET", routeChangeRequestStatuses, tc.token, nil)
			expectStatus(t, r, tc.want)
			if tc.want == 401 && r.apiError(t).Code != "Unauthorized" {
				t.Fatalf("401 body %s", r.body)
			}
		})
	}
}

func TestLocalization(t *testing.T) {
	s := shared()
	names := func(t *testing.T, url string, hdr ...string) []wireStatus {
		r := call(t, s, "GET", url, AppToken, nil, hdr...)
		expectStatus(t, r, 200)
		var out struct {
			ChangeRequestStatuses []wireStatus `json:"changeRequestStatuses"`
		}
		r.decode(t, &out)
		return out.ChangeRequestStatuses
	}
	for _, tc := range []struct {
		name, url, acceptLanguage, wantPending string
	}{
		{"default", routeChangeRequestStatuses, "", "Pending"},
		{"en", routeChangeRequestStatuses, "en-GB", "Pending"},
		{"de", routeChangeRequestStatuses, "de", "Ausstehend"},
		{"fr", routeChangeRequestStatuses, "fr-CH, en;q=0.5", "En attente"},
		{"q order", routeChangeRequestStatuses, "de;q=0.4, fr;q=0.9", "En attente"},
		{"unsupported falls back", routeChangeRequestStatuses, "ja", "Pending"},
		{"query parameter wins", routeChangeRequestStatuses + "?language=de", "fr", "Ausstehend"},
		// RFC 4647 §3.4 lookup over the q-ordered list (RFC 9110 §12.5.4): the most
		// preferred range that matches after truncation, else the default language.
		{"falls back through the list", routeChangeRequestStatuses, "pt-BR, de;q=0.8", "Ausstehend"},
		{"truncates the range", routeChangeRequestStatuses, "ja, sv-FI-x-turku;q=0.5", "Väntande"},
		{"higher q first", routeChangeRequestStatuses, "de;q=0.1, sv;q=0.9", "Väntande"},
		{"equal q: first listed", routeChangeRequestStatuses, "fr;q=0.5, de;q=0.5", "En attente"},
		{"q=0 is not acceptable", routeChangeRequestStatuses, "de;q=0", "Pending"},
		{"q=0 is not acceptable, later ranges are", routeChangeRequestStatuses, "sv;q=0.0, fr;q=0.2", "En attente"},
		{"a malformed weight drops its range", routeChangeRequestStatuses, "de;q=high, fr;q=0.3", "En attente"},
		{"a weight above 1 drops its range", routeChangeRequestStatuses, "de;q=2, fr;q=0.3", "En attente"},
		{"spaces in the weight", routeChangeRequestStatuses, "de ; q = 0.2, fr;q=0.3", "En attente"},
		{"the wildcard matches no particular language", routeChangeRequestStatuses, "*, de;q=0.5", "Ausstehend"},
		{"an unsupported query parameter leaves the header", routeChangeRequestStatuses + "?language=ja", "sv", "Väntande"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := names(t, tc.url, "Accept-Language", tc.acceptLanguage)
			if len(got) != 4 || got[0].ID != statusPending || got[0].Name != tc.wantPending {
				t.Fatalf("statuses %+v, want 4 with pending %q", got, tc.wantPending)
			}
		})
	}
	t.Run("same ids, different names", func(t *testing.T) {
		en, de, fr := names(t, routeChangeRequestStatuses, "Accept-Language", "en"),
			names(t, routeChangeRequestStatuses, "Accept-Language", "de"),
			names(t, routeChangeRequestStatuses, "Accept-Language", "fr")
		for i := range en {
			if en[i].ID != de[i].ID || en[i].ID != fr[i].ID || en[i].Name == de[i].Name || en[i].Name == fr[i].Name {
				t.Fatalf("en %+v de %+v fr %+v", en[i], de[i], fr[i])
			}
		}
	})
	t.Run("search results and field labels", func(t *testing.T) {
		r := call(t, s, "POST", routeSearchChangeRequests, AppToken, map[string]any{"statusId": statusRejected, "pageSize": 1}, "Accept-Language", "de")
		var p paged[wireSummary]
		r.decode(t, &p)
		if len(p.Results) != 1 || p.Results[0].Status.Name != "Abgelehnt" {
			t.Fatalf("search status %s", r.body)
		}
		r = call(t, s, "POST", path("/v1.0/schemas/contact/fields"), AppToken, map[string]any{"fieldKeys": []string{pathLastName}}, "Accept-Language", "fr")
		var f struct{ Fields []wireField }
		r.decode(t, &f)
		if len(f.Fields) != 1 || f.Fields[0].Label != "Nom" {
			t.Fatalf("fields %s", r.body)
		}
	})
}

func TestApprovalFlow(t *testing.T) {
	s := shared()
	// Member 1 initiates on a contact another member reviews: both have access (004
	// L99), member 1 through the parent company.
	w := world()
	c := pick(t, s, func(c *contact) bool {
		if !free(c) || c.owner < 1 || c.owner > 4 || c.company < 0 {
			return false
		}
		parent := w.Companies[c.company].ParentIndex
		return parent >= 0 && w.Companies[parent].OwnerUser == 0
	})
	reviewer := DefaultTokenOf(c.owner)
	detailsURL := path("/v1.0/contacts/%d/details", c.id)
	before := details(t, s, c.id)
	oldName := leaf(before.Details, pathLastName)

	// A member's change to an approval field becomes a pending change request.
	r := call(t, s, "PATCH", detailsURL, MemberToken1, map[string]any{
		"details": map[string]any{"personalInformation": map[string]any{"lastName": "Approved-Name"}, "employment": map[string]any{"jobTitle": "CTO"}},
		"comment": "married"})
	expectStatus(t, r, 200)
	var res struct{ IsApprovalRequired, HasPendingEmail, HasPendingMobile bool }
	r.decode(t, &res)
	if !res.IsApprovalRequired {
		t.Fatalf("member update of lastName not sent to approval: %s", r.body)
	}
	after := details(t, s, c.id)
	if leaf(after.Details, pathLastName) != oldName || leaf(after.Details, pathJobTitle) != leaf(before.Details, pathJobTitle) || !after.HasPendingChangeRequest {
		t.Fatalf("details changed before approval: %+v", after)
	}
	r = call(t, s, "GET", path("/v1.1/contacts/%d/pending-change-request/check", c.id), reviewer, nil)
	var check struct {
		HasPendingChangeRequest bool
		ChangeRequest           *struct {
			ID              int32
			InitiatorMember map[string]string
		}
	}
	r.decode(t, &check)
	if !check.HasPendingChangeRequest || check.ChangeRequest == nil || check.ChangeRequest.InitiatorMember["uid"] != world().Users[0].MemberID {
		t.Fatalf("pending check %s", r.body)
	}
	crURL := path("/v1.1/contacts/%d/change-requests/%d", c.id, check.ChangeRequest.ID)
	r = call(t, s, "GET", crURL, AppToken, nil)
	var cr wireChangeRequest
	r.decode(t, &cr)
	if cr.Status.ID != statusPending || cr.InitiatorMember.UID != world().Users[0].MemberID || len(cr.Details) != 2 || cr.ReviewMember != nil ||
		!strings.Contains(string(r.body), `"uId"`) || cr.InitiatorComment == nil || *cr.InitiatorComment != "married" {
		t.Fatalf("change request %s", r.body)
	}
	review := path("/v1.0/contacts/%d/change-requests/%d/review", c.id, cr.ID)
	cancel := path("/v1.0/contacts/%d/change-requests/%d/cancel", c.id, cr.ID)

	t.Run("initiator cannot review", func(t *testing.T) {
		expectSubCode(t, call(t, s, "POST", review, MemberToken1, map[string]any{"isApproved": true}), 403, subCodeSelfReview)
	})
	t.Run("only initiator cancels", func(t *testing.T) {
		expectSubCode(t, call(t, s, "POST", cancel, reviewer, nil), 403, subCodeNotInitiator)
		expectSubCode(t, call(t, s, "POST", cancel, AppToken, nil), 403, subCodeNotInitiator)
	})
	t.Run("second change while pending conflicts", func(t *testing.T) {
		r := call(t, s, "PATCH", detailsURL, MemberToken3, map[string]any{"details": map[string]any{"personalInformation": map[string]any{"birthDate": "1970-01-01"}}})
		expectSubCode(t, r, 409, subCodePendingExists)
	})
	t.Run("review body required", func(t *testing.T) {
		expectSubCode(t, call(t, s, "POST", review, reviewer, "{"), 400, subCodeNA)
	})
	t.Run("other member approves", func(t *testing.T) {
		expectStatus(t, call(t, s, "POST", review, reviewer, map[string]any{"isApproved": true, "comment": "ok"}), 204)
		d := details(t, s, c.id)
		if leaf(d.Details, pathLastName) != "Approved-Name" || leaf(d.Details, pathJobTitle) != "CTO" || d.HasPendingChangeRequest {
			t.Fatalf("approved details not applied: %+v", d)
		}
		if dn, _ := leaf(d.Details, pathDisplayName).(string); !strings.HasSuffix(dn, " Approved-Name") {
			t.Fatalf("display name %q not derived", dn)
		}
		r := call(t, s, "GET", crURL, AppToken, nil, "Accept-Language", "fr")
		var got wireChangeRequest
		r.decode(t, &got)
		if got.Status.ID != statusApproved || got.Status.Name != "Approuvé" || got.ReviewMember == nil ||
			got.ReviewMember.UID != world().Users[1].MemberID || got.ReviewDate == nil || *got.ReviewComment != "ok" {
			t.Fatalf("reviewed change request %s", r.body)
		}
		r = call(t, s, "GET", path("/v1.1/contacts/%d/details/change-history/search", c.id), AppToken, map[string]any{"pageSize": 1})
		var h paged[wireHistoryEntry]
		r.decode(t, &h)
		if len(h.Results) != 1 || h.Results[0].InitiatorPerson.UID != world().Users[0].MemberID || len(h.Results[0].Details) != 2 {
			t.Fatalf("history newest entry %s", r.body)
		}
	})
	t.Run("second review fails", func(t *testing.T) {
		expectSubCode(t, call(t, s, "POST", review, reviewer, map[string]any{"isApproved": false}), 400, subCodeNotPending)
		expectSubCode(t, call(t, s, "POST", cancel, MemberToken1, nil), 400, subCodeNotPending)
	})
	t.Run("reject leaves details", func(t *testing.T) {
		r := call(t, s, "PATCH", detailsURL, MemberToken1, map[string]any{"details": map[string]any{"addresses": map[string]any{"primaryAddress": map[string]any{"city": "Rejectville"}}}})
		expectStatus(t, r, 200)
		id := s.pendingID(c.id)
		expectStatus(t, call(t, s, "POST", path("/v1.0/contacts/%d/change-requests/%d/review", c.id, id), reviewer, map[string]any{"isApproved": false}), 204)
		if d := details(t, s, c.id); leaf(d.Details, pathCity) == "Rejectville" || d.HasPendingChangeRequest {
			t.Fatalf("rejected change applied: %+v", d)
		}
	})
	t.Run("initiator cancels", func(t *testing.T) {
		r := call(t, s, "PATCH", detailsURL, MemberToken1, map[string]any{"details": map[string]any{"personalInformation": map[string]any{"firstName": "Cancelled"}}})
		expectStatus(t, r, 200)
		id := s.pendingID(c.id)
		expectStatus(t, call(t, s, "POST", path("/v1.0/contacts/%d/change-requests/%d/cancel", c.id, id), MemberToken1, nil), 204)
		r = call(t, s, "GET", path("/v1.1/contacts/%d/change-requests/%d", c.id, id), AppToken, nil)
		var got wireChangeRequest
		r.decode(t, &got)
		if got.Status.ID != statusCancelled {
			t.Fatalf("status %+v", got.Status)
		}
	})
	t.Run("no approval needed", func(t *testing.T) {
		for _, tc := range []struct {
			name, token, path, value string
		}{
			{"member, non-approval field", MemberToken1, "jobTitle", "Chairman"},
			{"app, approval field", AppToken, "lastName", "Direct"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				section := "employment"
				if tc.path == "lastName" {
					section = "personalInformation"
				}
				r := call(t, s, "PATCH", detailsURL, tc.token, map[string]any{"details": map[string]any{section: map[string]any{tc.path: tc.value}}})
				expectStatus(t, r, 200)
				var res struct{ IsApprovalRequired bool }
				r.decode(t, &res)
				if d := details(t, s, c.id); res.IsApprovalRequired || leaf(d.Details, section+"."+tc.path) != tc.value {
					t.Fatalf("not applied directly: %s / %+v", r.body, d)
				}
			})
		}
	})
}

func (s *Server) pendingID(contactID int32) int32 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if cr := s.contacts[contactID].pendingCR; cr != nil {
		return cr.id
	}
	return 0
}

func TestSearch(t *testing.T) {
	s := shared()
	search := func(t *testing.T, token string, body map[string]any) paged[wireSummary] {
		t.Helper()
		r := call(t, s, "POST", routeSearchChangeRequests, token, body)
		expectStatus(t, r, 200)
		var p paged[wireSummary]
		r.decode(t, &p)
		return p
	}
	var ids []int32
	want := 0
	for id := int32(100001); len(ids) < 20; id++ {
		if s.contacts[id] != nil {
			ids = append(ids, id)
			want += len(s.crsByContact[id])
		}
	}
	t.Run("contact ids", func(t *testing.T) {
		p := search(t, AppToken, map[string]any{"contactIds": ids, "pageSize": 500})
		if int(p.TotalCount) != want || len(p.Results) != want {
			t.Fatalf("total %d results %d, want %d", p.TotalCount, len(p.Results), want)
		}
		for _, r := range p.Results {
			if !slices.Contains(ids, r.Contact.ID) {
				t.Fatalf("result of contact %d not asked for", r.Contact.ID)
			}
		}
		if !slices.IsSortedFunc(p.Results, func(a, b wireSummary) int { return b.CreateDate.Compare(a.CreateDate) }) {
			t.Fatal("default order is not newest first")
		}
	})
	t.Run("paging walks every result once", func(t *testing.T) {
		seen := map[int32]bool{}
		first := search(t, AppToken, map[string]any{"statusId": statusRejected, "pageSize": 250, "sortBy": "Id"})
		for page := int32(1); page <= first.PageCount; page++ {
			p := search(t, AppToken, map[string]any{"statusId": statusRejected, "pageSize": 250, "sortBy": "Id", "page": page})
			for _, r := range p.Results {
				if seen[r.ID] || r.Status.ID != statusRejected {
					t.Fatalf("page %d: duplicate or wrong status %+v", page, r)
				}
				seen[r.ID] = true
			}
		}
		if len(seen) != int(first.TotalCount) || first.PageCount != (first.TotalCount+249)/250 {
			t.Fatalf("walked %d of %d in %d pages", len(seen), first.TotalCount, first.PageCount)
		}
	})
	t.Run("filters", func(t *testing.T) {
		u := world().Users[7].MemberID
		p := search(t, AppToken, map[string]any{"initiatorMemberUids": []string{u}, "paths": []string{pathCity}, "pageSize": 500})
		if p.TotalCount == 0 {
			t.Fatal("no results")
		}
		for _, r := range p.Results {
			cr := s.crs[r.ID]
			if r.InitiatorMember.UID != u || !touches(cr.details, map[string]bool{pathCity: true}) {
				t.Fatalf("filtered result %+v", r)
			}
		}
		rev := search(t, AppToken, map[string]any{"reviewMemberUids": []string{u}, "createDateFrom": "2025-01-01T00:00:00Z", "pageSize": 500})
		for _, r := range rev.Results {
			if r.ReviewMember == nil || r.ReviewMember.UID != u || r.CreateDate.Year() < 2025 {
				t.Fatalf("filtered result %+v", r)
			}
		}
	})
	t.Run("member sees only accessible contacts", func(t *testing.T) {
		all := search(t, AppToken, map[string]any{"pageSize": 1})
		direct := search(t, MemberToken2, map[string]any{"pageSize": 500, "excludeHierarchy": true})
		withHierarchy := search(t, MemberToken2, map[string]any{"pageSize": 1})
		if direct.TotalCount == 0 || direct.TotalCount >= all.TotalCount || withHierarchy.TotalCount < direct.TotalCount {
			t.Fatalf("all %d, direct %d, hierarchy %d", all.TotalCount, direct.TotalCount, withHierarchy.TotalCount)
		}
		for _, r := range direct.Results {
			if s.contacts[r.Contact.ID].owner != 1 {
				t.Fatalf("member 2 sees contact %d", r.Contact.ID)
			}
		}
	})
	for _, tc := range []struct {
		name string
		body any
	}{
		{"bad sortBy", map[string]any{"sortBy": "Colour"}},
		{"page size too big", map[string]any{"pageSize": 501}},
		{"bad sort order", map[string]any{"sortOrder": "Sideways"}},
		{"not json", "{"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectSubCode(t, call(t, s, "POST", routeSearchChangeRequests, AppToken, tc.body), 400, subCodeNA)
		})
	}
}

func TestNotFound(t *testing.T) {
	s := shared()
	var crOfOther int32
	for _, cr := range s.allCRs {
		if cr.contactID != 100002 {
			crOfOther = cr.id
			break
		}
	}
	for _, tc := range []struct{ name, method, url string }{
		{"unknown contact", "GET", "/v1.0/contacts/99/details"},
		{"unknown change request", "GET", "/v1.1/contacts/100002/change-requests/99999999"},
		{"change request of another contact", "GET", path("/v1.1/contacts/100002/change-requests/%d", crOfOther)},
		{"unknown route", "GET", "/v2.0/whatever"},
		{"unknown schema", "POST", "/v1.0/schemas/nope/fields"},
		{"unknown list", "POST", "/v1.0/lists/nope/lookup"},
		{"unknown external id", "GET", routeContactByExternalID + "?system=CIRRUS&externalId=none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, s, tc.method, tc.url, AppToken, nil)
			expectStatus(t, r, 404)
			if r.apiError(t).Code != "NotFound" {
				t.Fatalf("body %s", r.body)
			}
		})
	}
	t.Run("malformed id", func(t *testing.T) {
		expectSubCode(t, call(t, s, "GET", "/v1.0/contacts/abc/details", AppToken, nil), 400, subCodeNA)
	})
}

// TestMemberScope: a member reads, reviews and cancels only the change requests their
// search shows or they initiated (004 L99, L161; the reading is in changerequests.go);
// an app sees all; the pending check answers every caller.
func TestMemberScope(t *testing.T) {
	s := New(world(), Tokens{})
	const member = MemberToken5
	who := caller{user: s.tokens.Members[member]}
	var hidden, shown *changeRequest
	for _, cr := range s.allCRs {
		c := s.contacts[cr.contactID]
		switch vis := s.visible(who, c, true); {
		case hidden == nil && !vis && cr.status == statusPending && cr.initiator.user != who.user:
			hidden = cr
		case shown == nil && vis && cr.status == statusPending && cr.initiator.user != who.user:
			shown = cr
		}
	}
	if hidden == nil || shown == nil {
		t.Fatal("no pending change requests both hidden from and shown to the member")
	}
	for _, tc := range []struct {
		name, method, format string
		body                 any
		shownStatus          int
	}{
		{"read", "GET", "/v1.1/contacts/%d/change-requests/%d", nil, 200},
		{"cancel", "POST", "/v1.0/contacts/%d/change-requests/%d/cancel", nil, 403},
		{"review", "POST", "/v1.0/contacts/%d/change-requests/%d/review", map[string]any{"isApproved": false}, 204},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := func(cr *changeRequest) string {
				if strings.Count(tc.format, "%d") == 1 {
					return path(tc.format, cr.contactID)
				}
				return path(tc.format, cr.contactID, cr.id)
			}
			expectStatus(t, call(t, s, tc.method, url(hidden), member, tc.body), 404)
			expectStatus(t, call(t, s, "GET", path("/v1.1/contacts/%d/pending-change-request/check", hidden.contactID), member, nil), 200)
			if tc.method == "GET" {
				expectStatus(t, call(t, s, tc.method, url(hidden), AppToken, tc.body), 200)
			}
			expectStatus(t, call(t, s, tc.method, url(shown), member, tc.body), tc.shownStatus)
		})
	}
	t.Run("scoped by default", func(t *testing.T) {
		d := New(world(), Tokens{})
		expectStatus(t, call(t, d, "GET", path("/v1.1/contacts/%d/change-requests/%d", hidden.contactID, hidden.id), member, nil), 404)
	})
	t.Run("search agrees", func(t *testing.T) {
		r := call(t, s, "POST", "/v1.0/contacts/change-requests/search", member, map[string]any{"contactIds": []int32{hidden.contactID, shown.contactID}, "pageSize": 100})
		var p paged[wireSummary]
		r.decode(t, &p)
		for _, x := range p.Results {
			if x.Contact.ID == hidden.contactID {
				t.Fatalf("search shows hidden contact %d", x.Contact.ID)
			}
		}
		if p.TotalCount == 0 {
			t.Fatalf("search hides shown contact %d: %s", shown.contactID, r.body)
		}
	})
}

package resolvers

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"crmgraph/backends/clientdata"
	"crmgraph/graph/model"
)

type languageKey struct{}

type callerKey struct{}

// WithClientDataBearer forwards the caller's own bearer token to client-data (which
// scopes what a member may see and whether an update needs approval) and keys the
// caller's cached lists apart from the service's.
func WithClientDataBearer(ctx context.Context, token string) context.Context {
	return clientdata.WithBearer(context.WithValue(ctx, callerKey{}, Fingerprint(token)), token)
}

// callerScope is "" for the service credential, else a fingerprint of the caller's token.
func callerScope(ctx context.Context) string {
	s, _ := ctx.Value(callerKey{}).(string)
	return s
}

// WithLanguage records the caller's Accept-Language for the localized lists and
// forwards it to client-data, normalized by ParseAcceptLanguage but whole: the seed
// names no supported languages (004 L3–4, L9), so only the API can pick the caller's
// best one, and the cache keys what it answered by the header it was sent. A header
// with no valid range is ignored: the API's default language answers.
func WithLanguage(ctx context.Context, acceptLanguage string) context.Context {
	h := ParseAcceptLanguage(acceptLanguage)
	if h == "" {
		return ctx
	}
	return clientdata.WithLanguage(context.WithValue(ctx, languageKey{}, h), h)
}

// referenceData answers referenceData(language:) after checking the language, which
// becomes a cache key and an Accept-Language header.
func referenceData(language *string) (*model.ReferenceData, error) {
	if language == nil || *language == "" {
		return &model.ReferenceData{}, nil
	}
	tag, ok := ParseLanguageTag(*language)
	if !ok {
		return nil, badInput(fmt.Sprintf("language must be a BCP 47 language tag (e.g. \"de\" or \"de-CH\") of at most %d characters", MaxLanguageTag))
	}
	return &model.ReferenceData{Language: tag}, nil
}

// requestLanguage is the request's normalized Accept-Language (referenceData(language:)
// wins over it where given); "" means the backend's default.
func requestLanguage(ctx context.Context) string {
	lang, _ := ctx.Value(languageKey{}).(string)
	return lang
}

// changeRequestStatuses is the localized status list, cached per language and scope.
func (r *Resolver) changeRequestStatuses(ctx context.Context, language string) ([]*model.ChangeRequestStatus, error) {
	if language != "" {
		ctx = clientdata.WithLanguage(ctx, language)
	} else {
		language = requestLanguage(ctx)
	}
	return cached(ctx, r, "clientdata", strings.ToLower(language), "changeRequestStatuses", func(ctx context.Context) ([]*model.ChangeRequestStatus, error) {
		xs, err := r.ClientData.ChangeRequestStatuses(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]*model.ChangeRequestStatus, 0, len(xs))
		for _, s := range xs {
			code, ok := r.changeRequestCodes()[s.ID]
			if !ok {
				continue // a status crmgraph has no code for
			}
			out = append(out, &model.ChangeRequestStatus{SourceID: strconv.Itoa(int(s.ID)), Code: code, Name: s.Name})
		}
		return out, nil
	})
}

func (r *Resolver) changeRequestStatus(ctx context.Context, cr *model.ChangeRequest) (*model.ChangeRequestStatus, error) {
	if cr.StatusID == statusUnknown {
		full, err := r.fullChangeRequest(ctx, cr)
		if err != nil {
			return nil, err
		}
		cr = full
	}
	statuses, err := r.changeRequestStatuses(ctx, "")
	if err != nil {
		return nil, err
	}
	want := strconv.Itoa(int(cr.StatusID))
	for _, s := range statuses {
		if s.SourceID == want {
			return s, nil
		}
	}
	return nil, notFound("unknown change request status " + want)
}

// fullChangeRequest returns cr itself, or the full record when cr is a search summary.
func (r *Resolver) fullChangeRequest(ctx context.Context, cr *model.ChangeRequest) (*model.ChangeRequest, error) {
	if !cr.Partial {
		return cr, nil
	}
	k, err := parseCRSourceID(cr.SourceID)
	if err != nil {
		return nil, err
	}
	return load(ctx, r.loaders(ctx).ClientData.ChangeRequestByID, k)
}

func (r *Resolver) changeRequestContact(ctx context.Context, cr *model.ChangeRequest) (*model.Contact, error) {
	if cr.ContactRef != nil && embeddedSelectionCovers(ctx, "Contact", changeRequestContactFields) {
		return cr.ContactRef, nil
	}
	return load(ctx, r.loaders(ctx).ClientData.ContactByID, cr.ContactID)
}

// changeRequestContactFields: what a change request's contact reference carries, plus
// edges that need only the contact id.
var changeRequestContactFields = map[string]bool{"__typename": true, "id": true, "source": true, "sourceId": true,
	"name": true, "changeRequests": true, "pendingChangeRequest": true, "externalIds": true, "links": true, "username": true}

// crFilter applies a contact's changeRequests filter to its loaded requests.
func crMatches(cr *model.ChangeRequest, codes map[int32]bool, after, before *time.Time) bool {
	if codes != nil && !codes[cr.StatusID] {
		return false
	}
	if cr.CreatedAt != nil && after != nil && cr.CreatedAt.Before(*after) {
		return false
	}
	if cr.CreatedAt != nil && before != nil && cr.CreatedAt.After(*before) {
		return false
	}
	return true
}

func (r *Resolver) statusIDs(codes []model.ChangeRequestStatusCode) map[int32]bool {
	if len(codes) == 0 {
		return nil
	}
	out := map[int32]bool{}
	for id, c := range r.changeRequestCodes() {
		for _, want := range codes {
			if c == want {
				out[id] = true
			}
		}
	}
	return out
}

func (r *Resolver) contactChangeRequests(ctx context.Context, c *model.Contact, f *model.ContactChangeRequestFilter, args pageArgs) (*model.ChangeRequestConnection, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	if c.Source != model.SourceClientData {
		return nil, nil // only client-data contacts have change requests
	}
	id, err := parseCDContactID(c.SourceID)
	if err != nil {
		return nil, err
	}
	if f != nil && len(f.Paths) > 0 {
		// Paths are only known to the backend: search for this contact with them.
		q := clientdata.SearchQuery{ContactIDs: []int32{id}, Paths: f.Paths}
		all, _, err := r.searchAllChangeRequests(ctx, q)
		if err != nil {
			return nil, fromBackend("clientdata", err)
		}
		return r.filterCRConnection(ctx, all, f, args)
	}
	all, err := load(ctx, r.loaders(ctx).ClientData.ChangeRequestsByContactID, id)
	if err != nil {
		return nil, err
	}
	return r.filterCRConnection(ctx, all, f, args)
}

func (r *Resolver) filterCRConnection(ctx context.Context, all []*model.ChangeRequest, f *model.ContactChangeRequestFilter, args pageArgs) (*model.ChangeRequestConnection, error) {
	var codes map[int32]bool
	var after, before *time.Time
	if f != nil {
		codes, after, before = r.statusIDs(f.Status), f.CreatedAfter, f.CreatedBefore
	}
	kept := make([]*model.ChangeRequest, 0, len(all))
	for _, cr := range all {
		if crMatches(cr, codes, after, before) {
			kept = append(kept, cr)
		}
	}
	return sliceConnection(ctx, kept, args, changeRequestConnection)
}

// contactPendingChangeRequest answers the API's pending check (v1.1, seed 004 L88–98).
// The member-scoped search (L99, L161) is not the same question: a member may not see
// a contact's pending request there, yet it blocks their next update that needs
// approval.
func (r *Resolver) contactPendingChangeRequest(ctx context.Context, c *model.Contact) (*model.ChangeRequest, error) {
	if c.Source != model.SourceClientData {
		return nil, nil
	}
	id, err := parseCDContactID(c.SourceID)
	if err != nil {
		return nil, err
	}
	cr, err := load(ctx, r.loaders(ctx).ClientData.PendingByContactID, id)
	if err != nil || cr == nil {
		return nil, err
	}
	withRef := *cr // the loader's value is shared: the parent contact is this field's own
	withRef.ContactRef = c
	return &withRef, nil
}

func (r *Resolver) contactDetails(ctx context.Context, c *model.Contact) (model.JSON, error) {
	if c.Source != model.SourceClientData {
		return nil, nil
	}
	if c.Details != nil {
		return c.Details, nil
	}
	id, err := parseCDContactID(c.SourceID)
	if err != nil {
		return nil, err
	}
	full, err := load(ctx, r.loaders(ctx).ClientData.ContactByID, id)
	if err != nil {
		return nil, err
	}
	return full.Details, nil
}

func (r *Resolver) contactUsername(ctx context.Context, c *model.Contact) (*string, error) {
	if c.Source != model.SourceClientData {
		return nil, nil
	}
	if c.Username != nil {
		return c.Username, nil
	}
	id, err := parseCDContactID(c.SourceID)
	if err != nil {
		return nil, err
	}
	u, err := load(ctx, r.loaders(ctx).ClientData.UsernameByContactID, id)
	if err != nil {
		return nil, err
	}
	return str(u), nil
}

// changeRequests lists change requests over the client-data search, newest first. The
// API filters by one statusId at a time (seed 004 L104–117) and a status code may stand
// for several ids (CLIENT_DATA_STATUS_CODES), so a status filter becomes one search per
// distinct id, merged newest first, the cursor holding each search's position. A code
// that no id maps to matches no change request: the answer is an empty list, not an
// unfiltered one. A search that fails fails the list: a merge without one of its
// parts would be silently incomplete.
func (r *Resolver) changeRequests(ctx context.Context, f *model.ChangeRequestFilter, args pageArgs) (*model.ChangeRequestConnection, error) {
	if f == nil {
		f = &model.ChangeRequestFilter{}
	}
	if _, err := resolveSources("change requests", f.Sources, []model.Source{model.SourceClientData}, []model.Source{model.SourceClientData}); err != nil {
		return nil, err
	}
	base := clientdata.SearchQuery{Paths: f.Paths, SortBy: "CreateDate", SortOrder: clientdata.Descending}
	if f.CreatedAfter != nil {
		base.CreateDateFrom = *f.CreatedAfter
	}
	if f.CreatedBefore != nil {
		base.CreateDateTo = *f.CreatedBefore
	}
	for _, id := range f.ContactIds {
		s, err := globalSourceID(id, "Contact", model.SourceClientData)
		if err != nil {
			return nil, err
		}
		n, err := parseCDContactID(s)
		if err != nil {
			return nil, err
		}
		base.ContactIDs = append(base.ContactIDs, n)
	}
	listers := map[string]lister[*model.ChangeRequest]{}
	var keys []string
	if len(f.Status) == 0 {
		keys = []string{"all"}
		listers["all"] = func(ctx context.Context, offset, limit int) ([]*model.ChangeRequest, int, error) {
			return r.searchWindow(ctx, base, window{Offset: offset, First: limit})
		}
	}
	ids := r.statusIDs(f.Status)
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		k := strconv.Itoa(int(id))
		q := base
		q.StatusID = &id
		keys = append(keys, k)
		listers[k] = func(ctx context.Context, offset, limit int) ([]*model.ChangeRequest, int, error) {
			return r.searchWindow(ctx, q, window{Offset: offset, First: limit})
		}
	}
	fp, err := parts[*model.ChangeRequest]{keys: keys, listers: listers, cmp: newestFirst}.page(ctx, args)
	if err != nil {
		return nil, err
	}
	edges, pi := pageEdges(fp, func(c string, n *model.ChangeRequest) *model.ChangeRequestEdge {
		return &model.ChangeRequestEdge{Cursor: c, Node: n}
	})
	r.prefetchChangeRequests(ctx, fp.Nodes)
	return &model.ChangeRequestConnection{Edges: edges, PageInfo: pi, TotalCount: fp.Total}, nil
}

// newestFirst is the search's order (sortBy CreateDate, Descending) with ties broken by
// the higher id, as the merge of several searches needs one total order.
func newestFirst(a, b *model.ChangeRequest) int {
	if c := cmpTime(b.CreatedAt, a.CreatedAt); c != 0 {
		return c
	}
	ka, _ := parseCRSourceID(a.SourceID)
	kb, _ := parseCRSourceID(b.SourceID)
	if c := cmp.Compare(kb.ID, ka.ID); c != 0 {
		return c
	}
	return cmp.Compare(kb.Contact, ka.Contact)
}

// cmpTime orders times with nil before every time.
func cmpTime(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

// searchWindow reads [offset, offset+first) of a search with page-number requests: one
// page when one holds the window, else the pages it straddles, so the window is short
// only at the end of the list (a merge of searches relies on full windows).
func (r *Resolver) searchWindow(ctx context.Context, q clientdata.SearchQuery, w window) ([]*model.ChangeRequest, int, error) {
	var out []*model.ChangeRequest
	offset, want, size := w.Offset, w.First, r.searchPageSize()
	for {
		pg, per, skip, ok := pageFor(offset, max(want, 1), size)
		if !ok {
			pg, per, skip = offset/size+1, size, offset%size
		}
		q.Page, q.PageSize = int32(pg), int32(per)
		res, err := r.ClientData.SearchChangeRequests(ctx, q)
		if err != nil {
			return nil, 0, fromBackend("clientdata", err)
		}
		items := make([]*model.ChangeRequest, 0, len(res.Results))
		for i := range res.Results {
			items = append(items, cdChangeRequestSummary(&res.Results[i]))
		}
		got := sliceWindow(items, window{Offset: skip, First: want})
		out = append(out, got...)
		offset, want = offset+len(got), want-len(got)
		if want <= 0 || len(got) == 0 || offset >= int(res.TotalCount) {
			return out, int(res.TotalCount), nil
		}
	}
}

// prefetchChangeRequests queues the full records when the selection needs them.
func (r *Resolver) prefetchChangeRequests(ctx context.Context, crs []*model.ChangeRequest) {
	l := r.loaders(ctx)
	for _, f := range nodeFields(ctx, "ChangeRequest") {
		switch f.Name {
		case "changes", "uid", "initiatorComment", "reviewComment":
			for _, cr := range crs {
				if k, err := parseCRSourceID(cr.SourceID); err == nil && cr.Partial {
					l.ClientData.ChangeRequestByID.Load(ctx, k)
				}
			}
			return
		}
	}
}

// Mutations.

func contactIDOf(id string) (int32, error) {
	s, err := globalSourceID(id, "Contact", model.SourceClientData)
	if err != nil {
		return 0, err
	}
	return parseCDContactID(s)
}

func changeRequestIDOf(id string) (crKey, error) {
	s, err := globalSourceID(id, "ChangeRequest", model.SourceClientData)
	if err != nil {
		return crKey{}, err
	}
	return parseCRSourceID(s)
}

// The client-data refusals of a mutation, by the input field they concern. The API
// names no fields in its errors: a refusal of a details patch concerns the details, one
// of a username change the username, and the seed's verification sub-codes KeyNoMatch
// and KeyExpired (004 L454-L455) the key.
var (
	detailsWire  = &wireNames{whole: fieldPath{"input", "details"}}
	usernameWire = &wireNames{whole: fieldPath{"input", "username"}}
	verifyWire   = &wireNames{bySubCode: map[string]fieldPath{"KeyNoMatch": {"input", "key"}, "KeyExpired": {"input", "key"}}}
)

func (r *Resolver) updateContactDetails(ctx context.Context, in model.UpdateContactDetailsInput) (*model.UpdateContactDetailsPayload, error) {
	id, err := contactIDOf(in.ID)
	if err != nil {
		return nil, onField(err, atID)
	}
	var details map[string]any
	if err := json.Unmarshal(in.Details, &details); err != nil || details == nil {
		return nil, refuse(fieldPath{"input", "details"}, userInvalid, "details must be a JSON object")
	}
	comment := ""
	if in.Comment != nil {
		comment = *in.Comment
	}
	out, err := r.ClientData.PatchContactDetails(ctx, id, details, comment)
	if err != nil {
		return nil, fromBackendWrite("clientdata", err, detailsWire)
	}
	p := &model.UpdateContactDetailsPayload{ApprovalRequired: out.IsApprovalRequired}
	if out.ChangeRequest != nil {
		p.ChangeRequest = cdChangeRequest(out.ChangeRequest)
	}
	d, err := r.ClientData.ContactDetails(ctx, id)
	if err != nil {
		graphql.AddError(ctx, fromBackend("clientdata", err))
		return p, nil
	}
	p.Contact = cdContact(d, r.clientDataPaths())
	return p, nil
}

func (r *Resolver) reviewChangeRequest(ctx context.Context, in model.ReviewChangeRequestInput) (*model.ReviewChangeRequestPayload, error) {
	k, err := changeRequestIDOf(in.ID)
	if err != nil {
		return nil, onField(err, atID)
	}
	comment := ""
	if in.Comment != nil {
		comment = *in.Comment
	}
	if err := r.ClientData.ReviewChangeRequest(ctx, k.Contact, k.ID, in.Approve, comment); err != nil {
		return nil, fromBackendWrite("clientdata", err, nil)
	}
	cr, err := r.ClientData.ChangeRequest(ctx, k.Contact, k.ID)
	if err != nil {
		return nil, fromBackend("clientdata", err)
	}
	return &model.ReviewChangeRequestPayload{ChangeRequest: cdChangeRequest(cr)}, nil
}

func (r *Resolver) cancelChangeRequest(ctx context.Context, in model.CancelChangeRequestInput) (*model.CancelChangeRequestPayload, error) {
	k, err := changeRequestIDOf(in.ID)
	if err != nil {
		return nil, onField(err, atID)
	}
	if err := r.ClientData.CancelChangeRequest(ctx, k.Contact, k.ID); err != nil {
		return nil, fromBackendWrite("clientdata", err, nil)
	}
	cr, err := r.ClientData.ChangeRequest(ctx, k.Contact, k.ID)
	if err != nil {
		return nil, fromBackend("clientdata", err)
	}
	return &model.CancelChangeRequestPayload{ChangeRequest: cdChangeRequest(cr)}, nil
}

func (r *Resolver) updateContactUsername(ctx context.Context, in model.UpdateContactUsernameInput) (*model.UpdateContactUsernamePayload, error) {
	id, err := contactIDOf(in.ID)
	if err != nil {
		return nil, onField(err, atID)
	}
	if err := r.ClientData.UpdateUsername(ctx, id, in.Username); err != nil {
		return nil, fromBackendWrite("clientdata", err, usernameWire)
	}
	c, err := r.ClientData.ContactDetails(ctx, id)
	if err != nil {
		return nil, fromBackend("clientdata", err)
	}
	m := cdContact(c, r.clientDataPaths())
	m.Username = &in.Username
	return &model.UpdateContactUsernamePayload{Contact: m}, nil
}

func (r *Resolver) verifyContactChannel(ctx context.Context, in model.VerifyContactChannelInput) (*model.VerifyContactChannelPayload, error) {
	id, err := contactIDOf(in.ID)
	if err != nil {
		return nil, onField(err, atID)
	}
	ch := clientdata.ChannelEmail
	if in.Channel == model.VerificationChannelMobile {
		ch = clientdata.ChannelMobile
	}
	if err := r.ClientData.VerifyChannel(ctx, id, ch, in.Key); err != nil {
		return nil, fromBackendWrite("clientdata", err, verifyWire)
	}
	c, err := r.ClientData.ContactDetails(ctx, id)
	if err != nil {
		return nil, fromBackend("clientdata", err)
	}
	return &model.VerifyContactChannelPayload{Contact: cdContact(c, r.clientDataPaths())}, nil
}

// clientDataContactLister lists client-data contacts. The API has no contact list; its
// export (POST a job, GET the CSV) is the one way to enumerate contacts, filtered by
// display name when searching. Two calls per page, exact totals.
func (r *Resolver) clientDataContactLister(search *string) lister[*model.Contact] {
	return func(ctx context.Context, offset, limit int) ([]*model.Contact, int, error) {
		q := ""
		if search != nil && *search != "" {
			q = clientdata.ContactsExportQuery(0, 0, *search)
		}
		job, err := r.ClientData.ExportContacts(ctx, q)
		if err != nil {
			return nil, 0, fromBackend("clientdata", err)
		}
		rows, err := r.ClientData.ExportedContacts(ctx, job)
		if err != nil {
			return nil, 0, fromBackend("clientdata", err)
		}
		out := make([]*model.Contact, 0, min(limit, len(rows)))
		for i := offset; i < len(rows) && len(out) < limit; i++ {
			out = append(out, cdExportedContact(&rows[i], r.clientDataPaths()))
		}
		return out, len(rows), nil
	}
}

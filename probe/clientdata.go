package probe

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"

	"crmgraph/backends/clientdata"
	"crmgraph/backends/rest"
)

func clientDataChecks(c *clientdata.Client, member string) []Check {
	return []Check{
		{Backend: "clientdata", Assumption: "change-request statuses at the inferred path, one per configured code",
			Run: func(ctx context.Context) Finding {
				xs, err := c.ChangeRequestStatuses(ctx)
				if f := reached(err, "statuses"); f != nil {
					return *f
				}
				return Verdict(len(xs) > 0, fmt.Sprintf("%d statuses", len(xs)), "")
			}},
		{Backend: "clientdata", Assumption: "change-request search answers {results,page,pageSize,pageCount,totalCount}",
			Run: func(ctx context.Context) Finding {
				r, err := c.SearchChangeRequests(clientdata.WithService(ctx), clientdata.SearchQuery{Page: 1, PageSize: 2})
				if f := reached(err, "search"); f != nil {
					return *f
				}
				return Verdict(len(r.Results) <= 2 && int(r.TotalCount) >= len(r.Results),
					fmt.Sprintf("page %d, pageSize %d, totalCount %d, %d results", r.Page, r.PageSize, r.TotalCount, len(r.Results)), "")
			}},
		{Backend: "clientdata", Assumption: "search pages count from CLIENT_DATA_PAGE_BASE (the seed's sample shows page: 0)",
			Run: func(ctx context.Context) Finding { return pageBaseCheck(clientdata.WithService(ctx), c) }},
		{Backend: "clientdata", Assumption: "a search page of CLIENT_DATA_PAGE_SIZE is accepted and answered whole (the seed names no cap)",
			Run: func(ctx context.Context) Finding { return pageSizeCheck(clientdata.WithService(ctx), c) }},
		{Backend: "clientdata", Assumption: "an export job's CSV is ready within CLIENT_DATA_EXPORT_POLLS reads (the seed: the export answers a jobId)",
			Run: func(ctx context.Context) Finding {
				ctx = clientdata.WithService(ctx)
				job, err := c.ExportContacts(ctx, clientdata.ContactsExportQuery(0, 1, ""))
				if f := reached(err, "export"); f != nil {
					return *f
				}
				raw, err := c.ExportedCSV(ctx, job)
				if errors.Is(err, clientdata.ErrExportPending) {
					// Read on (each call up to ExportPolls reads) to see how many it takes.
					calls := 1
					for ; calls < 8 && errors.Is(err, clientdata.ErrExportPending); calls++ {
						_, err = c.ExportedCSV(ctx, job)
					}
					reads := calls * c.ExportPolls()
					if err != nil {
						reads *= 2
					}
					return Verdict(false, fmt.Sprintf("not ready after %d reads; %d reads in all: %v", c.ExportPolls(), calls*c.ExportPolls(), err),
						fmt.Sprintf("CLIENT_DATA_EXPORT_POLLS=%d", reads))
				}
				if f := reached(err, "export job"); f != nil {
					return *f
				}
				lines := csvRecords(raw)
				return Verdict(len(lines) >= 1 && len(lines) <= 2, fmt.Sprintf("%d CSV lines (header and rows) for take 1", len(lines)), "")
			}},
		{Backend: "clientdata", Assumption: "the export CSV heads its identity columns as CLIENT_DATA_EXPORT_COLUMNS says (the seed names no column)",
			Run: func(ctx context.Context) Finding { return exportColumnsCheck(clientdata.WithService(ctx), c) }},
		{Backend: "clientdata", Assumption: "a member cannot read a change request their search does not show (the seed scopes the search only, L99, L161)",
			Run: func(ctx context.Context) Finding { return memberScopeCheck(ctx, c, member) }},
	}
}

// memberScopeCheck reads, as the member of CLIENT_DATA_PROBE_MEMBER_TOKEN, change
// requests the service's search shows and the member's does not: each should be
// refused (404 or 403). A member may start a request on any contact and read it back,
// and the probe cannot tell which member the token is, so the requests come from
// distinct initiators (up to three): one readable among several refused may be the
// member's own; two readable cannot both be. Read-only: searches and GETs.
func memberScopeCheck(ctx context.Context, c *clientdata.Client, member string) Finding {
	if member == "" {
		return Inconclusive("CLIENT_DATA_PROBE_MEMBER_TOKEN is not set")
	}
	size := min(c.PageSize(), 100)
	all, err := c.SearchChangeRequests(clientdata.WithService(ctx), clientdata.SearchQuery{Page: 1, PageSize: size})
	if f := reached(err, "search as the service"); f != nil {
		return *f
	}
	var contacts []int32
	for _, cr := range all.Results {
		if !slices.Contains(contacts, cr.Contact.ID) {
			contacts = append(contacts, cr.Contact.ID)
		}
	}
	if len(contacts) == 0 {
		return Inconclusive("no change requests")
	}
	asMember := clientdata.WithBearer(ctx, member)
	seen := map[int32]bool{}
	for page := int32(1); ; page++ {
		r, err := c.SearchChangeRequests(asMember, clientdata.SearchQuery{Page: page, PageSize: size, ContactIDs: contacts})
		if errors.Is(err, rest.ErrUnauthorized) {
			return Inconclusive("the backend refused CLIENT_DATA_PROBE_MEMBER_TOKEN")
		}
		if f := reached(err, "search as the member"); f != nil {
			return *f
		}
		for _, cr := range r.Results {
			seen[cr.ID] = true
		}
		if page >= r.PageCount || len(r.Results) == 0 || page >= 20 {
			break
		}
	}
	var hidden []clientdata.ChangeRequestSummary
	initiators := map[string]bool{}
	for _, cr := range all.Results {
		uid := ""
		if cr.InitiatorMember != nil {
			uid = cr.InitiatorMember.UID
		}
		if !seen[cr.ID] && !initiators[uid] && len(hidden) < 3 {
			initiators[uid] = true
			hidden = append(hidden, cr)
		}
	}
	if len(hidden) == 0 {
		return Inconclusive(fmt.Sprintf("the member's search shows all %d newest change requests", len(all.Results)))
	}
	var readable, refused []string
	for _, cr := range hidden {
		_, err := c.ChangeRequest(asMember, cr.Contact.ID, cr.ID)
		id := fmt.Sprintf("%d/%d", cr.Contact.ID, cr.ID)
		switch {
		case err == nil:
			readable = append(readable, id)
		case errors.Is(err, rest.ErrNotFound), errors.Is(err, rest.ErrForbidden):
			refused = append(refused, id)
		default:
			if f := reached(err, "read as the member"); f != nil {
				return *f
			}
		}
	}
	detail := fmt.Sprintf("of %d requests the member's search hides, by distinct initiators: refused %v, readable %v", len(hidden), refused, readable)
	switch {
	case len(readable) == 0 || len(readable) == 1 && len(refused) > 0:
		return Verdict(true, detail, "")
	case len(readable) == 1:
		return Inconclusive(detail + " (may be the member's own)")
	}
	return Verdict(false, detail+": the API does not scope reads by id; crmgraph shows what it answers", "")
}

// pageBaseCheck: the API's default page is its first. Asked for page 1 and 2, the
// client sends base and base+1: with the right base page 1 is the default page and
// page 2 is not (a base of 0 on a 1-based API sends 0, which such an API may read as
// its first page, so page 2 must differ too).
func pageBaseCheck(ctx context.Context, c *clientdata.Client) Finding {
	first, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{PageSize: 1})
	if f := reached(err, "search without a page"); f != nil {
		return *f
	}
	if first.TotalCount < 2 || len(first.Results) == 0 {
		return Inconclusive("fewer than two change requests")
	}
	p1, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{Page: 1, PageSize: 1})
	if f := reached(err, "search page 1"); f != nil {
		return *f
	}
	p2, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{Page: 2, PageSize: 1})
	if f := reached(err, "search page 2"); f != nil {
		return *f
	}
	if len(p1.Results) == 0 || len(p2.Results) == 0 {
		return Verdict(false, "page 1 or 2 is empty", fmt.Sprintf("CLIENT_DATA_PAGE_BASE=%d", 1-c.PageBase()))
	}
	d, a, b := first.Results[0].ID, p1.Results[0].ID, p2.Results[0].ID
	return Verdict(a == d && b != d,
		fmt.Sprintf("base %d: the default page starts at %d, page 1 at %d, page 2 at %d", c.PageBase(), d, a, b),
		fmt.Sprintf("CLIENT_DATA_PAGE_BASE=%d", 1-c.PageBase()))
}

// pageSizeCheck asks for one page of the configured size; refused, it finds the
// largest size accepted (halving, then bisecting) and names it; answered short of
// the total, the API caps silently and the answer's length is the cap.
func pageSizeCheck(ctx context.Context, c *clientdata.Client) Finding {
	size := c.PageSize()
	accepted := func(n int32) (*clientdata.SearchResult, bool, *Finding) {
		r, err := c.SearchChangeRequests(ctx, clientdata.SearchQuery{Page: 1, PageSize: n})
		if errors.Is(err, rest.ErrBadRequest) {
			return nil, false, nil
		}
		if f := reached(err, fmt.Sprintf("search of %d a page", n)); f != nil {
			return nil, false, f
		}
		return r, true, nil
	}
	r, ok, f := accepted(size)
	if f != nil {
		return *f
	}
	if ok {
		want := min(size, r.TotalCount)
		return Verdict(int32(len(r.Results)) == want,
			fmt.Sprintf("%d results for pageSize %d of %d", len(r.Results), size, r.TotalCount),
			fmt.Sprintf("CLIENT_DATA_PAGE_SIZE=%d", len(r.Results)))
	}
	lo, hi := int32(0), size // lo accepted (0: none yet), hi refused
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		_, ok, f := accepted(mid)
		if f != nil {
			return *f
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return Verdict(false, "every page size is refused", "")
	}
	return Verdict(false, fmt.Sprintf("pageSize %d refused, %d accepted", size, lo), fmt.Sprintf("CLIENT_DATA_PAGE_SIZE=%d", lo))
}

// csvRecords parses an export CSV leniently (nil when it is not CSV).
func csvRecords(raw []byte) [][]string {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil
	}
	return recs
}

// exportColumnsCheck reads the header of a one-contact export and looks for the
// identity columns the client reads. Where one is missing it suggests the header that
// looks like it: ending in "uid" for uId, in "id" for id, holding "user" for username.
func exportColumnsCheck(ctx context.Context, c *clientdata.Client) Finding {
	job, err := c.ExportContacts(ctx, clientdata.ContactsExportQuery(0, 1, ""))
	if f := reached(err, "export"); f != nil {
		return *f
	}
	raw, err := c.ExportedCSV(ctx, job)
	if errors.Is(err, clientdata.ErrExportPending) {
		return Inconclusive("the export job was not ready (see CLIENT_DATA_EXPORT_POLLS)")
	}
	if f := reached(err, "export job"); f != nil {
		return *f
	}
	recs := csvRecords(raw)
	if len(recs) == 0 {
		return Inconclusive("the export answer is not CSV")
	}
	header := recs[0]
	has := func(h string) bool {
		return slices.ContainsFunc(header, func(x string) bool { return strings.EqualFold(x, h) })
	}
	like := func(match func(string) bool) string {
		for _, h := range header {
			if !strings.Contains(h, ".") && match(strings.ToLower(h)) {
				return h
			}
		}
		return ""
	}
	cols, fit := c.ExportColumns(), c.ExportColumns()
	var missing []string
	if !has(cols.ID) {
		missing = append(missing, cols.ID)
		fit.ID = like(func(h string) bool { return strings.HasSuffix(h, "id") && !strings.HasSuffix(h, "uid") })
	}
	if !has(cols.UID) {
		missing = append(missing, cols.UID)
		fit.UID = like(func(h string) bool { return strings.HasSuffix(h, "uid") })
	}
	if !has(cols.Username) {
		missing = append(missing, cols.Username)
		fit.Username = like(func(h string) bool { return strings.Contains(h, "user") })
	}
	detail := fmt.Sprintf("header %s", strings.Join(header[:min(len(header), 6)], ","))
	if len(missing) == 0 {
		return Verdict(true, detail, "")
	}
	setting := ""
	if fit.ID != "" && fit.UID != "" && fit.Username != "" {
		setting = "CLIENT_DATA_EXPORT_COLUMNS=" + fit.String()
	}
	return Verdict(false, fmt.Sprintf("%s: no %s column", detail, strings.Join(missing, ", ")), setting)
}

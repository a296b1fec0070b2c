package cone

import (
	"context"
	"net/http"

	"crmgraph/backends/rest"
)

// CreateLead creates a lead (200 with the Lead; 400 {errors, message} on form errors).
func (c *Client) CreateLead(ctx context.Context, in LeadCreateRequest) (*Lead, error) {
	var out Lead
	if err := c.do(ctx, rest.Request{Op: "leads.create", Method: http.MethodPost, Path: PathLeads, Body: in}, &out); err != nil {
		return nil, wrap("create lead", err)
	}
	return &out, nil
}

// CopyLead copies lead id onto another contact (and optionally account, subject…).
func (c *Client) CopyLead(ctx context.Context, id string, in CopyLeadData) (*Lead, error) {
	var out Lead
	if err := c.do(ctx, rest.Request{Op: "leads.copy", Method: http.MethodPost, Path: Expand(PathLeadCopy, id), Body: in}, &out); err != nil {
		return nil, wrap("copy lead "+id, err)
	}
	return &out, nil
}

// LeadFilter selects leads for Leads.
type LeadFilter struct {
	// Rules are and-ed (e.g. Equal(FieldLeadStage, id)); empty selects every lead.
	Rules []Rule
	// AfterID, when set, keeps only leads whose id sorts after it (keyset paging).
	AfterID string
}

// Leads lists leads. ConeCRM has no lead list endpoint, so this is a query-builder
// filter on entity "lead". The filter body has no limit, offset or sort: every match
// comes back in one response. Leads therefore sorts by id (uuid7, i.e. creation order)
// and the gateway pages by keyset: first=N after=cursor → LeadFilter{AfterID: cursor},
// keep the first N, cursor = last id. Each page costs one request whose size shrinks
// as the walk goes on; totalCount is len(Leads(ctx, LeadFilter{Rules: same})).
func (c *Client) Leads(ctx context.Context, f LeadFilter) ([]Lead, error) {
	out, _, err := c.LeadsUntil(ctx, f, nil)
	return out, err
}

// LeadsUntil is Leads that may stop reading early: enough (nil: never) sees each lead as
// it arrives and returns true once the caller has what it needs, say a page and one
// more; the rest of the answer is then left unread and complete is false. Stopping is
// sound because the answer comes in id order (creation order, which uuid7 ids follow;
// `crmgraph probe` checks it), so the leads read are the first of the whole list. Should
// a lead arrive out of order, that no longer holds: the read goes on to the end and is
// sorted, as Leads does.
func (c *Client) LeadsUntil(ctx context.Context, f LeadFilter, enough func(Lead) bool) (leads []Lead, complete bool, err error) {
	rules := append([]Rule(nil), f.Rules...)
	if f.AfterID != "" {
		rules = append(rules, Rule{Field: FieldID, Operator: OpGreater, Value: f.AfterID})
	}
	var out []Lead
	ordered := true
	complete, err = filterEach(ctx, c, "leads.list", EntityLead, Query{Combinator: CombinatorAnd, Rules: rules}, func(l Lead) bool {
		if n := len(out); n > 0 && l.ID < out[n-1].ID {
			ordered = false
		}
		out = append(out, l)
		return !ordered || enough == nil || !enough(l)
	})
	if err != nil {
		return nil, false, wrap("list leads", err)
	}
	sortByID(out, func(l Lead) string { return l.ID })
	return out, complete, nil
}

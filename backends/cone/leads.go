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
	rules := append([]Rule(nil), f.Rules...)
	if f.AfterID != "" {
		rules = append(rules, Rule{Field: FieldID, Operator: OpGreater, Value: f.AfterID})
	}
	var out []Lead
	if err := c.filterInto(ctx, "leads.list", EntityLead, Query{Combinator: CombinatorAnd, Rules: rules}, &out); err != nil {
		return nil, wrap("list leads", err)
	}
	sortByID(out, func(l Lead) string { return l.ID })
	return out, nil
}

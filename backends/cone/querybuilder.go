package cone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"crmgraph/backends/rest"
)

// Query-builder operators (QueryBuilderRule.operator enum).
const (
	OpEqual            = "="
	OpNotEqual         = "!="
	OpGreater          = ">"
	OpGreaterOrEqual   = ">="
	OpLess             = "<"
	OpLessOrEqual      = "<="
	OpContains         = "contains"
	OpDoesNotContain   = "doesNotContain"
	OpBeginsWith       = "beginsWith"
	OpDoesNotBeginWith = "doesNotBeginWith"
	OpEndsWith         = "endsWith"
	OpDoesNotEndWith   = "doesNotEndWith"
	OpNull             = "null"
	OpNotNull          = "notNull"
	OpIn               = "in"
	OpNotIn            = "notIn"
	OpBetween          = "between"
	OpNotBetween       = "notBetween"
)

// Combinators of a rule group.
const (
	CombinatorAnd = "and"
	CombinatorOr  = "or"
)

// MaxFilterIDs bounds the ids of one `in` rule. The seed gives no limit; 250 uuids keep
// the body near 10 kB, well inside any proxy's limits. Larger batches are split into
// several requests.
const MaxFilterIDs = 250

// Query is the "query" object of a QueryBuilderQuery: the top-level rule group.
type Query struct {
	ID         string `json:"id,omitempty"`
	Combinator string `json:"combinator"`
	Rules      []Rule `json:"rules"`
}

// Rule is a QueryBuilderRule or, when Combinator is set, a QueryBuilderRuleGroup (the
// seed's oneOf): one Go type keeps nested queries easy to build.
//
// Value is always a string (the seed types it so). Lists for in/notIn and the two
// bounds of between/notBetween are comma-separated, react-querybuilder's default
// encoding ("a,b,c"); the seed does not document the list encoding.
type Rule struct {
	ID          string
	Field       string
	Operator    string
	ValueSource string
	Value       string
	// Values is the list of an in/notIn rule built by In; sent comma-joined in Value,
	// or as a JSON array when the client is configured with InArray.
	Values  []string
	asArray bool
	// Group fields.
	Combinator string
	Not        bool
	Rules      []Rule
}

type ruleJSON struct {
	ID          string `json:"id,omitempty"`
	Field       string `json:"field"`
	Operator    string `json:"operator"`
	ValueSource string `json:"valueSource,omitempty"`
	Value       string `json:"value"`
}

type groupJSON struct {
	ID         string `json:"id,omitempty"`
	Combinator string `json:"combinator"`
	Not        bool   `json:"not"`
	Rules      []Rule `json:"rules"`
}

// MarshalJSON writes the rule or group shape.
func (r Rule) MarshalJSON() ([]byte, error) {
	if r.IsGroup() {
		rules := r.Rules
		if rules == nil {
			rules = []Rule{}
		}
		return json.Marshal(groupJSON{ID: r.ID, Combinator: r.Combinator, Not: r.Not, Rules: rules})
	}
	if r.asArray && r.Values != nil {
		return json.Marshal(ruleArrayJSON{ID: r.ID, Field: r.Field, Operator: r.Operator, ValueSource: r.ValueSource, Value: r.Values})
	}
	return json.Marshal(ruleJSON{ID: r.ID, Field: r.Field, Operator: r.Operator, ValueSource: r.ValueSource, Value: r.Value})
}

type ruleArrayJSON struct {
	ID          string   `json:"id,omitempty"`
	Field       string   `json:"field"`
	Operator    string   `json:"operator"`
	ValueSource string   `json:"valueSource,omitempty"`
	Value       []string `json:"value"`
}

// withArrays returns rules with every list rule (and those of nested groups) marked to
// send its values as a JSON array.
func withArrays(rules []Rule) []Rule {
	out := make([]Rule, len(rules))
	for i, r := range rules {
		if r.IsGroup() {
			r.Rules = withArrays(r.Rules)
		} else if r.Values != nil {
			r.asArray = true
		}
		out[i] = r
	}
	return out
}

// UnmarshalJSON reads either shape; a list value may be a JSON array (InArray).
func (r *Rule) UnmarshalJSON(b []byte) error {
	var v struct {
		ID          string          `json:"id"`
		Field       string          `json:"field"`
		Operator    string          `json:"operator"`
		ValueSource string          `json:"valueSource"`
		Value       json.RawMessage `json:"value"`
		Combinator  string          `json:"combinator"`
		Not         bool            `json:"not"`
		Rules       []Rule          `json:"rules"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Rule{ID: v.ID, Field: v.Field, Operator: v.Operator, ValueSource: v.ValueSource,
		Combinator: v.Combinator, Not: v.Not, Rules: v.Rules}
	if len(v.Value) > 0 && v.Value[0] == '[' {
		if err := json.Unmarshal(v.Value, &r.Values); err != nil {
			return fmt.Errorf("rule value: %w", err)
		}
		r.Value = strings.Join(r.Values, ",")
		return nil
	}
	if len(v.Value) > 0 && string(v.Value) != "null" {
		if err := json.Unmarshal(v.Value, &r.Value); err != nil {
			return fmt.Errorf("rule value: %w", err)
		}
	}
	return nil
}

// IsGroup reports whether r is a rule group.
func (r Rule) IsGroup() bool { return r.Combinator != "" || r.Rules != nil }

// Equal is the rule field = value.
func Equal(field, value string) Rule {
	return Rule{Field: field, Operator: OpEqual, ValueSource: "value", Value: value}
}

// In is the rule field in values. Values holding a comma cannot travel in the
// comma-separated encoding; In turns such a list into an "or" group of Equal rules.
// A client configured with InArray sends the list as a JSON array instead.
func In(field string, values []string) Rule {
	for _, v := range values {
		if strings.Contains(v, ",") {
			g := Rule{Combinator: CombinatorOr, Rules: make([]Rule, 0, len(values))}
			for _, v := range values {
				g.Rules = append(g.Rules, Equal(field, v))
			}
			return g
		}
	}
	return Rule{Field: field, Operator: OpIn, ValueSource: "value", Value: strings.Join(values, ","), Values: values}
}

// QueryBuilderConfig is GET /api/query-builder/config/{entity}. The seed leaves the
// field objects untyped; the sandbox (and react-querybuilder) use {name, label, type,
// operators}.
type QueryBuilderConfig struct {
	Fields    []json.RawMessage `json:"fields"`
	Operators []string          `json:"operators"`
}

// QueryBuilderConfig returns the fields and operators a query on entity can use
// (404 for an unknown entity).
func (c *Client) QueryBuilderConfig(ctx context.Context, entity string) (*QueryBuilderConfig, error) {
	var out QueryBuilderConfig
	if err := c.do(ctx, rest.Request{Op: "querybuilder.config", Method: http.MethodGet, Path: Expand(PathQueryBuilderConfig, entity)}, &out); err != nil {
		return nil, wrap("query-builder config "+entity, err)
	}
	return &out, nil
}

// Filter runs a query-builder query on entity and returns the untyped rows.
func (c *Client) Filter(ctx context.Context, entity string, q Query) ([]json.RawMessage, error) {
	out, err := filterAll[json.RawMessage](ctx, c, "querybuilder.filter", entity, q)
	return out, wrap("filter "+entity, err)
}

// Count is the number of rows a query-builder query on entity matches. The API has no
// count and no paging, so this still reads the whole answer; it only spares decoding
// the rows.
func (c *Client) Count(ctx context.Context, entity string, q Query) (int, error) {
	n := 0
	_, err := filterEach(ctx, c, "querybuilder.count", entity, q, func(struct{}) bool { n++; return true })
	if err != nil {
		return 0, wrap("count "+entity, err)
	}
	return n, nil
}

type filterBody struct {
	Query Query `json:"query"`
}

// filterAll posts q and returns every row of the answer.
func filterAll[T any](ctx context.Context, c *Client, op, entity string, q Query) ([]T, error) {
	var out []T
	if _, err := filterEach(ctx, c, op, entity, q, func(row T) bool { out = append(out, row); return true }); err != nil {
		return nil, err
	}
	return out, nil
}

// filterEach posts q and hands the rows of the answer to each, one at a time in the
// server's order, until each returns false; the rest of the answer is then left
// unread (the query builder has no limit, so this is the only way to bound a read).
// complete reports whether every row was read.
func filterEach[T any](ctx context.Context, c *Client, op, entity string, q Query, each func(T) bool) (complete bool, err error) {
	if q.Combinator == "" {
		q.Combinator = CombinatorAnd
	}
	if q.Rules == nil {
		q.Rules = []Rule{}
	}
	if c.inArray {
		q.Rules = withArrays(q.Rules)
	}
	resp := &filterRows[T]{each: each}
	// A query-builder filter is a read sent as POST: marked idempotent, so the transport
	// may cut a hung attempt and retry it like a GET.
	if err := c.do(ctx, rest.Request{Op: op, Method: http.MethodPost, Path: Expand(PathQueryBuilderFilter, entity),
		Body: filterBody{Query: q}, Idempotent: true}, resp); err != nil {
		return false, err
	}
	if resp.success != nil && !*resp.success {
		return false, fmt.Errorf("%s %s: success=false: %w", Backend, op, rest.ErrUnavailable)
	}
	return !resp.stopped, nil
}

// filterRows decodes a filter answer {success, data: [...]} as a stream (a
// rest.StreamDecoder): each row of data is decoded on its own, exactly as it would be in
// a []T, and handed to each. Keys match case-insensitively, as encoding/json's do.
type filterRows[T any] struct {
	each    func(T) bool
	success *bool
	stopped bool // each asked to stop: the rest of the body is unread
}

func (r *filterRows[T]) DecodeStream(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil || tok == nil { // an empty body (io.EOF) or null: no rows
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("filter answer is not an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "success"):
			if err := dec.Decode(&r.success); err != nil {
				return err
			}
		case strings.EqualFold(key, "data"):
			if err := r.data(dec); err != nil || r.stopped {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing brace
	return err
}

func (r *filterRows[T]) data(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil || tok == nil { // data: null holds no rows
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("filter answer data is not an array")
	}
	for dec.More() {
		var row T
		if err := dec.Decode(&row); err != nil {
			return err
		}
		if !r.each(row) {
			r.stopped = true
			return nil
		}
	}
	_, err = dec.Token() // the closing bracket
	return err
}

// byIn runs one `field in values` filter per MaxFilterIDs values and concatenates the
// rows. The rows come back in the server's order, not the order of values: callers
// index them by id.
func byIn[T any](ctx context.Context, c *Client, op, entity, field string, values []string, extra ...Rule) ([]T, error) {
	values = dedupe(values)
	var all []T
	for start := 0; start < len(values); start += MaxFilterIDs {
		chunk := values[start:min(start+MaxFilterIDs, len(values))]
		rules := append([]Rule{In(field, chunk)}, extra...)
		rows, err := filterAll[T](rest.WithKeys(ctx, len(chunk)), c, op, entity, Query{Combinator: CombinatorAnd, Rules: rules})
		if err != nil {
			return nil, err
		}
		all = append(all, rows...)
	}
	return all, nil
}

// AccountsByID reads accounts by id with one query-builder request per MaxFilterIDs ids.
// Unknown ids are simply absent from the result.
func (c *Client) AccountsByID(ctx context.Context, ids []string) ([]Account, error) {
	out, err := byIn[Account](ctx, c, "accounts.byId", EntityAccount, FieldID, ids)
	return out, wrap("accounts by id", err)
}

// ContactsByID reads contacts by id (see AccountsByID).
func (c *Client) ContactsByID(ctx context.Context, ids []string) ([]Contact, error) {
	out, err := byIn[Contact](ctx, c, "contacts.byId", EntityContact, FieldID, ids)
	return out, wrap("contacts by id", err)
}

// LeadsByID reads leads by id (see AccountsByID).
func (c *Client) LeadsByID(ctx context.Context, ids []string) ([]Lead, error) {
	out, err := byIn[Lead](ctx, c, "leads.byId", EntityLead, FieldID, ids)
	return out, wrap("leads by id", err)
}

// LeadsByContactID returns every lead (open or closed) of the given contacts in one
// request per MaxFilterIDs contacts; group them by Lead.Contact.ID.
func (c *Client) LeadsByContactID(ctx context.Context, contactIDs []string) ([]Lead, error) {
	out, err := byIn[Lead](ctx, c, "leads.byContact", EntityLead, FieldLeadContact, contactIDs)
	return out, wrap("leads by contact", err)
}

// LeadsByAccountID returns every lead of the given accounts; group by Lead.Account.ID.
func (c *Client) LeadsByAccountID(ctx context.Context, accountIDs []string) ([]Lead, error) {
	out, err := byIn[Lead](ctx, c, "leads.byAccount", EntityLead, FieldLeadAccount, accountIDs)
	return out, wrap("leads by account", err)
}

// AccountsByThirdPartyID finds the accounts carrying one of ids as their id in system
// (e.g. "CIRRUS"): systemName = system AND thirdPartyId in ids. Records whose match
// spans two different thirdPartyIds entries are dropped.
func (c *Client) AccountsByThirdPartyID(ctx context.Context, system string, ids []string) ([]Account, error) {
	rows, err := byIn[Account](ctx, c, "accounts.byThirdPartyId", EntityAccount, FieldThirdPartyID, ids, Equal(FieldThirdPartySystem, system))
	if err != nil {
		return nil, wrap("accounts by third-party id", err)
	}
	want := set(ids)
	out := rows[:0]
	for _, a := range rows {
		if hasThirdPartyID(a.ThirdPartyIDs, system, want) {
			out = append(out, a)
		}
	}
	return out, nil
}

// ContactsByThirdPartyID is AccountsByThirdPartyID for contacts.
func (c *Client) ContactsByThirdPartyID(ctx context.Context, system string, ids []string) ([]Contact, error) {
	rows, err := byIn[Contact](ctx, c, "contacts.byThirdPartyId", EntityContact, FieldThirdPartyID, ids, Equal(FieldThirdPartySystem, system))
	if err != nil {
		return nil, wrap("contacts by third-party id", err)
	}
	want := set(ids)
	out := rows[:0]
	for _, ct := range rows {
		if hasThirdPartyID(ct.ThirdPartyIDs, system, want) {
			out = append(out, ct)
		}
	}
	return out, nil
}

func set(xs []string) map[string]struct{} {
	m := make(map[string]struct{}, len(xs))
	for _, x := range xs {
		m[x] = struct{}{}
	}
	return m
}

// hasThirdPartyID reports whether one entry names system with an id in want.
func hasThirdPartyID(tps []ThirdPartyID, system string, want map[string]struct{}) bool {
	for _, t := range tps {
		if _, ok := want[t.ThirdPartyID]; ok && t.SystemName == system {
			return true
		}
	}
	return false
}

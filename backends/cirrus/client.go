// Package cirrus is a typed client for the Cirrus 2 REST API (a flask-restx app).
//
// Wire structs follow the seed verbatim, typos included (OrderRow.alternatvievalue),
// keep the API's int 0/1 booleans as Flag and keep money as json.Number so no value
// ever goes through float arithmetic.
package cirrus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"crmgraph/backends/rest"
)

// Config configures a Client.
type Config struct {
	BaseURL string // API root, e.g. https://cirrus.example/api/v2 (no trailing slash needed)
	Token   string
	// Bearer sends Token as "Authorization: Bearer" (new auth) instead of the legacy X-Token header.
	Bearer  bool
	HTTP    *http.Client  // nil: a client of its own
	Timeout time.Duration // per call; 0: the context's deadline only

	// MaskPlacement says what the API applies X-Fields to on a paged list: MaskEnvelope
	// (flask-restx marshals the page model, so the mask names page,…,items{…}; the
	// default) or MaskItem (the mask is that of one item).
	MaskPlacement string
	// TrailingSlash sends collection paths (lists, creates) as "/accounts/" instead of
	// "/accounts"; flask answers the other form with a redirect the client refuses.
	TrailingSlash bool
	// MaxPerPage is the largest per_page the API honours; 0: MaxPerPage (the seed's 50).
	// A caller asking for more gets its page assembled from pages of this size.
	MaxPerPage int
}

// Mask placements (Config.MaskPlacement).
const (
	MaskEnvelope = "envelope"
	MaskItem     = "item"
)

// Client calls one Cirrus tenant.
type Client struct {
	rest     rest.Client
	cfg      Config
	itemMask bool
	slash    bool
	perPage  int
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	if cfg.TrailingSlash {
		// rest.Client refuses a path ending in "/" (an empty segment), so the slash is
		// added below it, on the requests marked as collection calls.
		wrapped := *hc
		wrapped.Transport = slashTransport{base: hc.Transport}
		hc = &wrapped
	}
	token, bearer := cfg.Token, cfg.Bearer
	perPage := cfg.MaxPerPage
	if perPage <= 0 || perPage > MaxPerPage {
		perPage = MaxPerPage
	}
	return &Client{cfg: cfg, itemMask: cfg.MaskPlacement == MaskItem, slash: cfg.TrailingSlash, perPage: perPage, rest: rest.Client{
		Backend: "cirrus",
		BaseURL: strings.TrimRight(cfg.BaseURL, "/"),
		HTTP:    hc,
		Timeout: cfg.Timeout,
		Auth: func(_ context.Context, h http.Header) {
			if token == "" {
				return
			}
			if bearer {
				h.Set("Authorization", "Bearer "+token)
			} else {
				h.Set("X-Token", token)
			}
		},
		DecodeError: DecodeError,
	}}
}

// With returns a client like c with change applied to its configuration (the probe
// tries the other readings with it).
func (c *Client) With(change func(*Config)) *Client {
	cfg := c.cfg
	change(&cfg)
	return New(cfg)
}

type collectionKey struct{}

// collection marks ctx as a call on a collection path (list, create), which takes the
// trailing slash when Config.TrailingSlash is set.
func (c *Client) collection(ctx context.Context) context.Context {
	if !c.slash {
		return ctx
	}
	return context.WithValue(ctx, collectionKey{}, true)
}

// slashTransport adds the trailing slash to collection calls.
type slashTransport struct{ base http.RoundTripper }

func (t slashTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if on, _ := r.Context().Value(collectionKey{}).(bool); !on || strings.HasSuffix(r.URL.Path, "/") {
		return base.RoundTrip(r)
	}
	r = r.Clone(r.Context()) // a RoundTripper must not change the caller's request
	r.URL.Path += "/"
	if r.URL.RawPath != "" {
		r.URL.RawPath += "/"
	}
	return base.RoundTrip(r)
}

// PerPage is the largest per_page the client asks for (CIRRUS_MAX_PER_PAGE, at most
// MaxPerPage); a larger page is fetched as several.
func (c *Client) PerPage() int { return c.perPage }

// listMask is the X-Fields header of a paged list for an item mask.
func (c *Client) listMask(itemMask string) string {
	if c.itemMask {
		return itemMask
	}
	return pageMask(itemMask)
}

// DecodeError reads the flask-restx error bodies: {"message": "..."} and the
// validation form {"errors": {field: msg}, "message": "Input payload validation failed"}.
func DecodeError(body []byte, e *rest.HTTPError) {
	var b struct {
		Message json.RawMessage            `json:"message"`
		Errors  map[string]json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &b) != nil {
		return
	}
	e.Message = rawText(b.Message)
	if len(b.Errors) > 0 {
		e.Fields = make(map[string]string, len(b.Errors))
		for k, v := range b.Errors {
			e.Fields[k] = rawText(v)
		}
	}
}

// rawText renders a JSON string as its value and anything else (flask-restx sometimes
// nests messages) as compact JSON.
func rawText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// Page is the paged envelope of list endpoints.
type Page[T any] struct {
	Page    int `json:"page"`
	Pages   int `json:"pages"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
	Items   []T `json:"items"`
}

// UnmarshalJSON accepts the envelope object and, because the spec declares every paged
// response as an array holding the envelope (a flask-restx marshal_list_with quirk), the
// array-wrapped form too.
func (p *Page[T]) UnmarshalJSON(b []byte) error {
	type plain Page[T]
	if trimmed := bytes.TrimLeft(b, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		var arr []plain
		if err := json.Unmarshal(b, &arr); err != nil {
			return err
		}
		*p = Page[T]{}
		if len(arr) > 0 {
			*p = Page[T](arr[0])
		}
		return nil
	}
	return json.Unmarshal(b, (*plain)(p))
}

// ListOptions are the parameters every paged list takes.
type ListOptions struct {
	Page     int    // 1-based; 0: the API default (1)
	PerPage  int    // 0: the API default (10); at most MaxPerPage
	Sorting  string // e.g. "name_asc"; "": the endpoint's documented default
	Fulltext string
	Mask     string // X-Fields mask of one item, e.g. "{id,name,user{id,name}}"; "": all fields
}

func (o ListOptions) values(defaultSorting string) url.Values {
	q := url.Values{}
	if o.Page > 0 {
		q.Set("page", strconv.Itoa(o.Page))
	}
	if o.PerPage > 0 {
		q.Set("per_page", strconv.Itoa(o.PerPage))
	}
	// sorting is marked required (with a default) on every list: always send it so a
	// strict server never rejects the call.
	if o.Sorting != "" {
		q.Set("sorting", o.Sorting)
	} else {
		q.Set("sorting", defaultSorting)
	}
	if o.Fulltext != "" {
		q.Set("fulltext", o.Fulltext)
	}
	return q
}

func setInt(q url.Values, key string, v int) {
	if v != 0 {
		q.Set(key, strconv.Itoa(v))
	}
}

func setInts(q url.Values, key string, v []int) {
	if len(v) > 0 {
		q.Set(key, rest.JoinInts(v))
	}
}

func setString(q url.Values, key, v string) {
	if v != "" {
		q.Set(key, v)
	}
}

func setFlag(q url.Values, key string, v *bool) {
	if v != nil {
		q.Set(key, boolDigit(*v))
	}
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func maskHeader(mask string) http.Header {
	if mask == "" {
		return nil
	}
	return http.Header{"X-Fields": []string{mask}}
}

// pageMask turns an item mask into the mask of the page envelope: flask-restx applies
// X-Fields to the marshalled model, which for a list is the envelope.
func pageMask(itemMask string) string {
	if itemMask == "" {
		return ""
	}
	inner := strings.TrimSpace(itemMask)
	if strings.HasPrefix(inner, "{") && strings.HasSuffix(inner, "}") {
		inner = inner[1 : len(inner)-1]
	}
	return "{page,pages,per_page,total,items{" + inner + "}}"
}

// itemPath is base + "/{id}". A Cirrus id is positive: any other id gets an empty
// segment, which rest.Client refuses (ErrBadRequest) before sending anything.
func itemPath(base string, id int) string {
	if id <= 0 {
		return base + "/"
	}
	return base + "/" + strconv.Itoa(id)
}

func (c *Client) get(ctx context.Context, op, path string, q url.Values, mask string, out any) error {
	_, _, err := c.rest.Do(ctx, rest.Request{Op: op, Method: http.MethodGet, Path: path, Query: q, Header: maskHeader(mask)}, out)
	return err
}

func (c *Client) send(ctx context.Context, op, method, path string, body any, out any) error {
	_, _, err := c.rest.Do(ctx, rest.Request{Op: op, Method: method, Path: path, Body: body}, out)
	return err
}

// list fetches one page of a paged list. A per_page above the API's cap is served
// from the cap-sized pages that cover it, so the caller's page stays exact.
func list[T any](ctx context.Context, c *Client, op, path string, q url.Values, mask string) (*Page[T], error) {
	n, _ := strconv.Atoi(q.Get("per_page"))
	if n <= c.perPage {
		return onePage[T](ctx, c, op, path, q, mask)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	out := &Page[T]{Page: page, PerPage: n, Items: []T{}}
	start, end := (page-1)*n, page*n
	for off := start; off < end; {
		sub := off/c.perPage + 1
		sq := url.Values{}
		for k, v := range q {
			sq[k] = v
		}
		sq.Set("page", strconv.Itoa(sub))
		sq.Set("per_page", strconv.Itoa(c.perPage))
		p, err := onePage[T](ctx, c, op, path, sq, mask)
		if err != nil {
			return nil, err
		}
		out.Total = p.Total
		items := p.Items[min(off-(sub-1)*c.perPage, len(p.Items)):]
		items = items[:min(len(items), end-off)]
		out.Items = append(out.Items, items...)
		off += len(items)
		if len(items) == 0 || len(p.Items) < c.perPage || sub >= p.Pages {
			break
		}
	}
	out.Pages = (out.Total + n - 1) / n
	return out, nil
}

func onePage[T any](ctx context.Context, c *Client, op, path string, q url.Values, mask string) (*Page[T], error) {
	// Read the body once and decode it once (a json.Decoder would scan it, then
	// UnmarshalJSON would parse it again): pages are the bulk of what the gateway reads.
	var raw []byte
	if err := c.get(c.collection(ctx), op, path, q, c.listMask(mask), &raw); err != nil {
		return nil, err
	}
	var p Page[T]
	if err := p.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("cirrus %s: decode response: %w", op, rest.ErrUnavailable)
	}
	return &p, nil
}

// all walks every page of a paged reference list.
func all[T any](ctx context.Context, c *Client, op, path, sorting string) ([]T, error) {
	var out []T
	for page := 1; ; page++ {
		q := ListOptions{Page: page, PerPage: c.perPage, Sorting: sorting}.values(sorting)
		p, err := list[T](ctx, c, op, path, q, "")
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if page >= p.Pages || len(p.Items) == 0 {
			return out, nil
		}
	}
}

// bare fetches a reference list served as a bare JSON array.
func bare[T any](ctx context.Context, c *Client, op, path string) ([]T, error) {
	var out []T
	if err := c.get(c.collection(ctx), op, path, nil, "", &out); err != nil {
		return nil, err
	}
	return out, nil
}

// errorf wraps err with what the call was about; never the URL or token.
func errorf(err error, format string, args ...any) error {
	return fmt.Errorf("cirrus: "+format+": %w", append(args, err)...)
}

// Config is the configuration c was built with.
func (c *Client) Config() Config { return c.cfg }

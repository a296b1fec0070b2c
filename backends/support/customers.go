package support

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"crmgraph/backends/rest"
)

// MaxLimit is the largest page the API serves (limit: minimum 1, maximum 200).
const MaxLimit = 200

// ListQuery holds the GET /customer-support/customers parameters.
type ListQuery struct {
	Cursor string // meta.cursors.next of the previous page; "" for the first page
	Limit  int    // 0: the API default (20); above MaxLimit: MaxLimit
	// Fields restricts the answer to these fields; nested ones in dot notation
	// ("addresses.city"). Empty: every field.
	Fields []string
}

// CustomerPage is one page of customers.
type CustomerPage struct {
	Customers []Customer
	Next      string // cursor of the next page; "" on the last page
	Service   string // the connector that answered, e.g. "kustomer"
	// NextLink is links.next as the API answered it ("" for null): an absolute URL in
	// the seed's examples, possibly relative elsewhere. Next already holds its cursor.
	NextLink string
}

// Customers lists one page of customers (operation "all").
func (c *Client) Customers(ctx context.Context, q ListQuery) (*CustomerPage, error) {
	v := url.Values{}
	if q.Cursor != "" {
		v.Set("cursor", q.Cursor)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(min(q.Limit, MaxLimit)))
	}
	setFields(v, q.Fields)
	var out Envelope[[]Customer]
	if err := c.do(ctx, rest.Request{Op: "customers.list", Method: http.MethodGet, Path: PathCustomers, Query: v}, &out); err != nil {
		return nil, wrap("list customers", err)
	}
	page := &CustomerPage{Customers: out.Data, Service: out.Service}
	if out.Meta != nil {
		page.Next = out.Meta.Cursors.Next
	}
	if out.Links != nil {
		page.NextLink = out.Links.Next
	}
	// meta.cursors.next is the paging key (AY L5); a page that names only links.next
	// still pages, through the cursor the link carries.
	if page.Next == "" && page.NextLink != "" {
		cur, err := c.LinkCursor(page.NextLink)
		if err != nil {
			return nil, wrap("list customers: links.next", err)
		}
		page.Next = cur
	}
	return page, nil
}

// ErrForeignLink is a paging link that leaves the configured base URL: another scheme,
// host or path. The client never follows one (the API key would go with it).
var ErrForeignLink = errors.New("link outside the configured base URL")

// LinkCursor returns the cursor of a paging link (links.next or links.previous),
// absolute or relative to the host, provided it names the customers list under the
// configured base URL; the client asks for that cursor itself rather than calling
// the link, so credentials only ever go to the configured origin.
func (c *Client) LinkCursor(link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("%w: not a URL: %w", ErrForeignLink, err)
	}
	base, err := url.Parse(c.rest.BaseURL)
	if err != nil {
		return "", fmt.Errorf("%w: base URL: %w", ErrForeignLink, err)
	}
	if u.Scheme != "" || u.Host != "" {
		if !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) || u.User != nil {
			return "", fmt.Errorf("%w: another origin", ErrForeignLink)
		}
	}
	if u.EscapedPath() != strings.TrimRight(base.EscapedPath(), "/")+PathCustomers {
		return "", fmt.Errorf("%w: another path", ErrForeignLink)
	}
	cur := u.Query().Get("cursor")
	if cur == "" {
		return "", fmt.Errorf("%w: no cursor", ErrForeignLink)
	}
	return cur, nil
}

// Customer returns one customer (operation "one"); fields as in ListQuery.
func (c *Client) Customer(ctx context.Context, id string, fields []string) (*Customer, error) {
	if id == "" {
		return nil, fmt.Errorf("support: get customer: empty id: %w", rest.ErrBadRequest)
	}
	v := url.Values{}
	setFields(v, fields)
	var out Envelope[Customer]
	if err := c.do(ctx, rest.Request{Op: "customers.get", Method: http.MethodGet, Path: Expand(PathCustomer, id), Query: v}, &out); err != nil {
		return nil, wrap("get customer "+id, err)
	}
	return &out.Data, nil
}

// CreateCustomer creates a customer (201, operation "add") and returns its id.
// Read-only fields of in (id, created_*, updated_*) are not sent.
func (c *Client) CreateCustomer(ctx context.Context, in Customer) (string, error) {
	var out Envelope[UnifiedID]
	if err := c.do(ctx, rest.Request{Op: "customers.create", Method: http.MethodPost, Path: PathCustomers, Body: writable(in)}, &out); err != nil {
		return "", wrap("create customer", err)
	}
	return out.Data.ID, nil
}

// UpdateCustomer patches a customer (operation "update"): only the non-zero fields of
// in are sent, read-only ones never. It returns the id the API answers with.
func (c *Client) UpdateCustomer(ctx context.Context, id string, in Customer) (string, error) {
	if id == "" {
		return "", fmt.Errorf("support: update customer: empty id: %w", rest.ErrBadRequest)
	}
	var out Envelope[UnifiedID]
	if err := c.do(ctx, rest.Request{Op: "customers.update", Method: http.MethodPatch, Path: Expand(PathCustomer, id), Body: writable(in)}, &out); err != nil {
		return "", wrap("update customer "+id, err)
	}
	return out.Data.ID, nil
}

// DeleteCustomer deletes a customer (operation "delete").
func (c *Client) DeleteCustomer(ctx context.Context, id string) error {
	if id == "" {
		return fmt.Errorf("support: delete customer: empty id: %w", rest.ErrBadRequest)
	}
	var out Envelope[UnifiedID]
	err := c.do(ctx, rest.Request{Op: "customers.delete", Method: http.MethodDelete, Path: Expand(PathCustomer, id)}, &out)
	return wrap("delete customer "+id, err)
}

// setFields sets the comma-separated fields parameter, when any field is named.
func setFields(v url.Values, fields []string) {
	var keep []string
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" {
			keep = append(keep, f)
		}
	}
	if len(keep) > 0 {
		v.Set("fields", strings.Join(keep, ","))
	}
}

// writable drops the read-only fields: the schema marks them readOnly, so a body
// carrying them is at best ignored.
func writable(in Customer) Customer {
	in.ID, in.CreatedBy, in.UpdatedBy, in.CreatedAt, in.UpdatedAt = "", "", "", nil, nil
	return in
}

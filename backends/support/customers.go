package support

import (
	"context"
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
	return page, nil
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

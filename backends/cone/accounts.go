package cone

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"crmgraph/backends/rest"
)

// AccountQuery holds the GET /api/account parameters. Zero values are not sent (the
// server's defaults apply; the seed documents no default or maximum limit).
type AccountQuery struct {
	Offset        int
	Limit         int
	Search        string
	Exclude       string // one account id
	SortField     string // e.g. "name", "dateCreated"
	SortDirection string // "ASC" or "DESC"
}

// Accounts lists accounts: offset/limit paging with a total.
func (c *Client) Accounts(ctx context.Context, q AccountQuery) (*AccountList, error) {
	v := listParams("offset", q.Offset, q.Limit, q.Search, q.Exclude, q.SortField, q.SortDirection)
	var out AccountList
	if err := c.do(ctx, rest.Request{Op: "accounts.list", Method: http.MethodGet, Path: PathAccounts, Query: v}, &out); err != nil {
		return nil, wrap("list accounts", err)
	}
	return &out, nil
}

// CreateAccount creates an account (200 with the Account, as the seed says).
func (c *Client) CreateAccount(ctx context.Context, in AccountInput) (*Account, error) {
	var out Account
	if err := c.do(ctx, rest.Request{Op: "accounts.create", Method: http.MethodPost, Path: PathAccounts, Body: in}, &out); err != nil {
		return nil, wrap("create account", err)
	}
	return &out, nil
}

// UpdateAccount patches an account; only the non-nil fields of in are sent.
func (c *Client) UpdateAccount(ctx context.Context, id string, in AccountInput) (*Account, error) {
	var out Account
	if err := c.do(ctx, rest.Request{Op: "accounts.update", Method: http.MethodPatch, Path: Expand(PathAccount, id), Body: in}, &out); err != nil {
		return nil, wrap("update account "+id, err)
	}
	return &out, nil
}

// DeleteAccount deletes an account (200, no body).
func (c *Client) DeleteAccount(ctx context.Context, id string) error {
	err := c.do(ctx, rest.Request{Op: "accounts.delete", Method: http.MethodDelete, Path: Expand(PathAccount, id)}, nil)
	return wrap("delete account "+id, err)
}

// listParams builds the shared list query; the account list calls its start "offset",
// the contact list "start".
func listParams(startName string, start, limit int, search, exclude, sortField, sortDir string) url.Values {
	v := url.Values{}
	if start > 0 {
		v.Set(startName, strconv.Itoa(start))
	}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	for k, s := range map[string]string{"search": search, "exclude": exclude, "sortField": sortField, "sortDirection": sortDir} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

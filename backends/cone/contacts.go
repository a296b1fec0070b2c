package cone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"crmgraph/backends/rest"
)

// ContactQuery holds the GET /api/contact parameters (note: "start", not "offset").
type ContactQuery struct {
	Start         int
	Limit         int
	Search        string
	Exclude       string
	SortField     string // e.g. "firstName", "lastName", "dateCreated"
	SortDirection string // "ASC" or "DESC"
}

// Contacts lists contacts. The API answers a bare array without a total: a page
// shorter than Limit is the last one.
func (c *Client) Contacts(ctx context.Context, q ContactQuery) ([]Contact, error) {
	v := listParams("start", q.Start, q.Limit, q.Search, q.Exclude, q.SortField, q.SortDirection)
	var out []Contact
	if err := c.do(ctx, rest.Request{Op: "contacts.list", Method: http.MethodGet, Path: PathContacts, Query: v}, &out); err != nil {
		return nil, wrap("list contacts", err)
	}
	return out, nil
}

// ContactOpenLeads returns the open leads of a contact. The seed types the path
// parameter as an integer although contact ids are uuids; the uuid is what works.
func (c *Client) ContactOpenLeads(ctx context.Context, contactID string) ([]Lead, error) {
	var out []Lead
	if err := c.do(ctx, rest.Request{Op: "contacts.openLeads", Method: http.MethodGet, Path: Expand(PathContactOpenLeads, contactID)}, &out); err != nil {
		return nil, wrap("open leads of contact "+contactID, err)
	}
	return out, nil
}

// ContactByPhone finds contacts by phone number. The seed leaves the response
// undocumented ("default", schema None). We read it as a bare array of Contacts, like
// the contact list (several contacts can share a number; none is an empty array), and
// also accept a single Contact object, which is what a "find one" controller returns.
func (c *Client) ContactByPhone(ctx context.Context, phone string) ([]Contact, error) {
	var raw json.RawMessage
	if err := c.do(ctx, rest.Request{Op: "contacts.byPhone", Method: http.MethodGet, Path: Expand(PathContactByPhone, phone)}, &raw); err != nil {
		return nil, wrap("find contact by phone", err)
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return nil, nil
	case raw[0] == '{':
		var one Contact
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, fmt.Errorf("cone: find contact by phone: decode: %w", rest.ErrUnavailable)
		}
		return []Contact{one}, nil
	}
	var out []Contact
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("cone: find contact by phone: decode: %w", rest.ErrUnavailable)
	}
	return out, nil
}

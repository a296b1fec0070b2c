package clientdata

import (
	"context"
	"fmt"
	"net/http"

	"crmgraph/backends/rest"
)

// Lists and schema metadata are reference data: the service token may read them.

// ListItems returns the items of the given lists (all lists when none are given),
// labels localized by WithLanguage.
func (c *Client) ListItems(ctx context.Context, listKeys ...string) ([]List, error) {
	body := struct {
		ListKeys []string `json:"listKeys"`
	}{listKeys}
	var out struct {
		Items []List `json:"items"`
	}
	_, _, err := c.rest.Do(WithService(ctx), rest.Request{Op: "lists.items", Method: http.MethodPost,
		Path: PathListItems, Body: body}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: list items: %w", err)
	}
	return out.Items, nil
}

// LookupListItems returns the top items of one list matching a lookup term.
func (c *Client) LookupListItems(ctx context.Context, listKey string, q ListLookup) (*LookupResult, error) {
	var out LookupResult
	_, _, err := c.rest.Do(WithService(ctx), rest.Request{Op: "lists.lookup", Method: http.MethodPost,
		Path: expand(PathListLookup, listKey), Body: q}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: look up list %q: %w", listKey, err)
	}
	return &out, nil
}

// SchemaFields returns field metadata of a schema (labels localized; isApprovalRequired
// tells which fields a member's update sends through approval).
func (c *Client) SchemaFields(ctx context.Context, key string, q FieldsQuery) ([]FieldMeta, error) {
	var out struct {
		Fields []FieldMeta `json:"fields"`
	}
	_, _, err := c.rest.Do(WithService(ctx), rest.Request{Op: "schemas.fields", Method: http.MethodPost,
		Path: expand(PathSchemaFields, key), Body: q}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: get schema %q fields: %w", key, err)
	}
	return out.Fields, nil
}

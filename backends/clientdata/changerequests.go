package clientdata

import (
	"context"
	"fmt"
	"net/http"

	"crmgraph/backends/rest"
)

// ChangeRequest returns one change request (v1.1: member refs by uuid).
func (c *Client) ChangeRequest(ctx context.Context, contactID, changeRequestID int32) (*ChangeRequest, error) {
	var out ChangeRequest
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "changeRequests.get", Method: http.MethodGet,
		Path: expand(PathChangeRequest, id32(contactID), id32(changeRequestID))}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: get change request %d/%d: %w", contactID, changeRequestID, err)
	}
	return &out, nil
}

// SearchChangeRequests runs one search; all filters (including many contact ids) go
// in the one request body, which is what makes it the batch call for dataloaders.
// A page larger than Config.PageSize is fetched as several API pages (fetchPaged).
func (c *Client) SearchChangeRequests(ctx context.Context, q SearchQuery) (*SearchResult, error) {
	p, err := fetchPaged(ctx, c, q.Page, q.PageSize, func(ctx context.Context, page, size int32) (wirePage[ChangeRequestSummary], error) {
		wq := q
		wq.Page, wq.PageSize = page, size
		var out SearchResult
		_, _, err := c.rest.Do(ctx, rest.Request{Op: "changeRequests.search", Method: http.MethodPost,
			Path: PathSearchChangeRequests, Body: wq}, &out)
		return wirePage[ChangeRequestSummary]{out.Results, out.TotalCount, out.PageSize, out.PageCount}, err
	})
	if err != nil {
		return nil, fmt.Errorf("clientdata: search change requests: %w", err)
	}
	return &SearchResult{Results: p.results, Page: p.page, PageSize: p.size, PageCount: p.count, TotalCount: p.total}, nil
}

// CancelChangeRequest cancels a pending change request; only its initiator may.
func (c *Client) CancelChangeRequest(ctx context.Context, contactID, changeRequestID int32) error {
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "changeRequests.cancel", Method: http.MethodPost,
		Path: expand(PathCancelChangeRequest, id32(contactID), id32(changeRequestID))}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: cancel change request %d/%d: %w", contactID, changeRequestID, err)
	}
	return nil
}

type review struct {
	IsApproved bool    `json:"isApproved"`
	Comment    *string `json:"comment"`
}

// ReviewChangeRequest approves or rejects a pending change request. The initiator
// cannot review their own request. An empty comment is sent as null.
func (c *Client) ReviewChangeRequest(ctx context.Context, contactID, changeRequestID int32, approve bool, comment string) error {
	body := review{IsApproved: approve}
	if comment != "" {
		body.Comment = &comment
	}
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "changeRequests.review", Method: http.MethodPost,
		Path: expand(PathReviewChangeRequest, id32(contactID), id32(changeRequestID)), Body: body}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: review change request %d/%d: %w", contactID, changeRequestID, err)
	}
	return nil
}

// ChangeRequestStatuses lists the statuses in the language of WithLanguage (or the
// API's default language). It is reference data, so the service token may read it.
func (c *Client) ChangeRequestStatuses(ctx context.Context) ([]Status, error) {
	var out struct {
		ChangeRequestStatuses []Status `json:"changeRequestStatuses"`
	}
	_, _, err := c.rest.Do(WithService(ctx), rest.Request{Op: "changeRequests.statuses", Method: http.MethodGet,
		Path: PathChangeRequestStatuses}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: list change request statuses: %w", err)
	}
	return out.ChangeRequestStatuses, nil
}

// PendingChangeRequest runs the v1.1 pending check of a contact.
func (c *Client) PendingChangeRequest(ctx context.Context, contactID int32) (*PendingCheck, error) {
	var out PendingCheck
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "changeRequests.pending", Method: http.MethodGet,
		Path: expand(PathPendingChangeRequest, id32(contactID))}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: check pending change request of contact %d: %w", contactID, err)
	}
	return &out, nil
}

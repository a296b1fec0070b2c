package clientdata

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"crmgraph/backends/rest"
)

// ContactDetails returns a contact's details tree and pending flags.
func (c *Client) ContactDetails(ctx context.Context, contactID int32) (*ContactDetails, error) {
	var out ContactDetails
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.details", Method: http.MethodGet,
		Path: expand(PathContactDetails, id32(contactID))}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: get contact %d details: %w", contactID, err)
	}
	return &out, nil
}

// DetailsOutcome is the result of a details update: the API's ContactUpdateResult and,
// when the update needs approval, the change request it created instead of applying it.
type DetailsOutcome struct {
	UpdateResult
	ChangeRequest *ChangeRequest // nil unless IsApprovalRequired
}

// PatchContactDetails partially updates details (only the given leaves change).
// When approval is required, the API answers only with flags, so the created change
// request is read back with two more calls (pending check, then the v1.1 GET).
func (c *Client) PatchContactDetails(ctx context.Context, contactID int32, details map[string]any, comment string) (*DetailsOutcome, error) {
	out, err := c.updateDetails(ctx, http.MethodPatch, contactID, details, comment)
	if err != nil {
		return nil, fmt.Errorf("clientdata: patch contact %d details: %w", contactID, err)
	}
	return out, nil
}

// PutContactDetails replaces details in full; see PatchContactDetails for approval.
func (c *Client) PutContactDetails(ctx context.Context, contactID int32, details map[string]any, comment string) (*DetailsOutcome, error) {
	out, err := c.updateDetails(ctx, http.MethodPut, contactID, details, comment)
	if err != nil {
		return nil, fmt.Errorf("clientdata: put contact %d details: %w", contactID, err)
	}
	return out, nil
}

func (c *Client) updateDetails(ctx context.Context, method string, contactID int32, details map[string]any, comment string) (*DetailsOutcome, error) {
	body := DetailsUpdate{Details: details}
	if comment != "" {
		body.Comment = &comment
	}
	op := "contacts.patchDetails"
	if method == http.MethodPut {
		op = "contacts.putDetails"
	}
	var out DetailsOutcome
	if _, _, err := c.rest.Do(ctx, rest.Request{Op: op, Method: method,
		Path: expand(PathContactDetails, id32(contactID)), Body: body}, &out.UpdateResult); err != nil {
		return nil, err
	}
	if !out.IsApprovalRequired {
		return &out, nil
	}
	var check PendingCheck
	if _, _, err := c.rest.Do(ctx, rest.Request{Op: "changeRequests.pending", Method: http.MethodGet,
		Path: expand(PathPendingChangeRequest, id32(contactID))}, &check); err != nil {
		return nil, fmt.Errorf("read created change request: %w", err)
	}
	if !check.HasPendingChangeRequest || check.ChangeRequest == nil {
		return &out, nil // already reviewed or cancelled in between
	}
	cr, err := c.ChangeRequest(ctx, contactID, check.ChangeRequest.ID)
	if err != nil {
		return nil, err
	}
	out.ChangeRequest = cr
	return &out, nil
}

// CreateContact creates a contact.
func (c *Client) CreateContact(ctx context.Context, nc NewContact) (*CreatedContact, error) {
	var out CreatedContact
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.create", Method: http.MethodPost,
		Path: PathContacts, Body: nc}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: create contact: %w", err)
	}
	return &out, nil
}

// ExternalConnections lists a contact's ids in other systems.
func (c *Client) ExternalConnections(ctx context.Context, contactID int32) ([]ExternalConnection, error) {
	var out externalConnections
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.externalConnections", Method: http.MethodGet,
		Path: expand(PathExternalConnections, id32(contactID))}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: list external connections of contact %d: %w", contactID, err)
	}
	return out.Connections, nil
}

// AddExternalConnection adds an external id; external ids are unique across all
// contacts whatever the system.
func (c *Client) AddExternalConnection(ctx context.Context, contactID int32, conn ExternalConnection) error {
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.addExternalConnection", Method: http.MethodPost,
		Path: expand(PathExternalConnections, id32(contactID)), Body: conn}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: add external connection to contact %d: %w", contactID, err)
	}
	return nil
}

// ContactByExternalID finds the contact holding (system, externalID).
func (c *Client) ContactByExternalID(ctx context.Context, system, externalID string) (*ContactIdentifier, error) {
	var out ContactIdentifier
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.byExternalId", Method: http.MethodGet,
		Path: PathContactByExternalID, Query: url.Values{"system": {system}, "externalId": {externalID}}}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: find contact by %s external id: %w", system, err)
	}
	return &out, nil
}

// Username returns a contact's username.
func (c *Client) Username(ctx context.Context, contactID int32) (string, error) {
	var out struct {
		Username string `json:"username"`
	}
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.username", Method: http.MethodGet,
		Path: expand(PathUsername, id32(contactID))}, &out)
	if err != nil {
		return "", fmt.Errorf("clientdata: get contact %d username: %w", contactID, err)
	}
	return out.Username, nil
}

// UpdateUsername sets a username; it fails when the username is coupled with the
// email or not unique.
func (c *Client) UpdateUsername(ctx context.Context, contactID int32, username string) error {
	body := struct {
		Username *string `json:"username"`
	}{&username}
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.updateUsername", Method: http.MethodPut,
		Path: expand(PathUsername, id32(contactID)), Body: body}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: update contact %d username: %w", contactID, err)
	}
	return nil
}

type channelKey struct {
	Channel Channel `json:"channel"`
	Key     *string `json:"key,omitempty"`
}

// VerifyChannel confirms a pending email or mobile with the key sent to it.
func (c *Client) VerifyChannel(ctx context.Context, contactID int32, ch Channel, key string) error {
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.verifyChannel", Method: http.MethodPost,
		Path: expand(PathVerifyChannel, id32(contactID)), Body: channelKey{Channel: ch, Key: &key}}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: verify contact %d channel: %w", contactID, err)
	}
	return nil
}

// ResendKey sends a new key to a pending channel.
func (c *Client) ResendKey(ctx context.Context, contactID int32, ch Channel) error {
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.resendKey", Method: http.MethodPost,
		Path: expand(PathResendKey, id32(contactID)), Body: channelKey{Channel: ch}}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: resend contact %d key: %w", contactID, err)
	}
	return nil
}

// DiscontinueVerification drops a pending channel value and its key.
func (c *Client) DiscontinueVerification(ctx context.Context, contactID int32, ch Channel) error {
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.discontinueVerification", Method: http.MethodPost,
		Path: expand(PathDiscontinueVerification, id32(contactID)), Body: channelKey{Channel: ch}}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: discontinue contact %d verification: %w", contactID, err)
	}
	return nil
}

// ChangeHistory searches the applied changes of a contact (v1.1).
// A page larger than Config.PageSize is fetched as several API pages (fetchPaged).
func (c *Client) ChangeHistory(ctx context.Context, contactID int32, q HistoryQuery) (*HistoryPage, error) {
	p, err := fetchPaged(ctx, c, q.Page, q.PageSize, func(ctx context.Context, page, size int32) (wirePage[HistoryEntry], error) {
		wq := q
		wq.Page, wq.PageSize = page, size
		var out HistoryPage
		_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.changeHistory", Method: http.MethodGet,
			Path: expand(PathChangeHistory, id32(contactID)), Body: wq}, &out)
		return wirePage[HistoryEntry]{out.Results, out.TotalCount, out.PageSize, out.PageCount}, err
	})
	if err != nil {
		return nil, fmt.Errorf("clientdata: search contact %d change history: %w", contactID, err)
	}
	return &HistoryPage{Results: p.results, Page: p.page, PageSize: p.size, PageCount: p.count, TotalCount: p.total}, nil
}

// ProfilePicture returns the stored picture, or the default image.
func (c *Client) ProfilePicture(ctx context.Context, contactID int32) (*ProfilePicture, error) {
	var out ProfilePicture
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.profilePicture", Method: http.MethodGet,
		Path: expand(PathProfilePicture, id32(contactID))}, &out)
	if err != nil {
		return nil, fmt.Errorf("clientdata: get contact %d profile picture: %w", contactID, err)
	}
	return &out, nil
}

// UpdateProfilePicture stores a base64 PNG.
func (c *Client) UpdateProfilePicture(ctx context.Context, contactID int32, imageBase64 string) error {
	body := struct {
		ImageContentBase64 *string `json:"imageContentBase64"`
	}{&imageBase64}
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.updateProfilePicture", Method: http.MethodPut,
		Path: expand(PathProfilePicture, id32(contactID)), Body: body}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: update contact %d profile picture: %w", contactID, err)
	}
	return nil
}

// DeleteProfilePicture removes the stored picture.
func (c *Client) DeleteProfilePicture(ctx context.Context, contactID int32) error {
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.deleteProfilePicture", Method: http.MethodDelete,
		Path: expand(PathProfilePicture, id32(contactID))}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: delete contact %d profile picture: %w", contactID, err)
	}
	return nil
}

// Anonymize anonymizes the personal data of the given contacts (by id and/or uuid).
func (c *Client) Anonymize(ctx context.Context, contactIDs []int32, contactUIDs []string) error {
	body := struct {
		ContactIDs  []int32  `json:"contactIds"`
		ContactUIDs []string `json:"contactUIds"`
	}{contactIDs, contactUIDs}
	_, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.anonymize", Method: http.MethodPost,
		Path: PathAnonymize, Body: body}, nil)
	if err != nil {
		return fmt.Errorf("clientdata: anonymize %d contacts: %w", len(contactIDs)+len(contactUIDs), err)
	}
	return nil
}

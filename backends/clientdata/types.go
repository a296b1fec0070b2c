package clientdata

import "time"

// Wire structs, field for field as the seed shows them. The seed spells the member
// uuid "uId" in the change-request GET but "uid" in search, pending check, history and
// lookups; Member and MemberRef keep that difference so an encoder emits what the API
// does (decoding is case-insensitive either way).

// ContactRef names a contact inside a change request.
type ContactRef struct {
	ID   int32  `json:"id"`
	UID  string `json:"uId"`
	Name string `json:"name"`
}

// Status is a change-request status; Name is localized.
type Status struct {
	ID   int32  `json:"id"`
	Name string `json:"name"`
}

// Change-request status ids as the sandbox numbers them. A real DFS may differ: read
// ChangeRequestStatuses rather than relying on these outside tests.
const (
	StatusPending   int32 = 1
	StatusApproved  int32 = 2
	StatusRejected  int32 = 3
	StatusCancelled int32 = 4
)

// Member is a member reference in a v1.1 change request ("uId").
type Member struct {
	UID  string `json:"uId"`
	Name string `json:"name"`
}

// MemberRef is a member or person reference in search results, the pending check and
// change history ("uid").
type MemberRef struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
}

// ChangeDetail is one field change; values are strings whatever the field type.
type ChangeDetail struct {
	Path               string `json:"path"`
	OriginalValue      string `json:"originalValue"`
	TargetValue        string `json:"targetValue"`
	IsApprovalRequired bool   `json:"isApprovalRequired"`
}

// ChangeRequest is the v1.1 change request. Review fields are null while pending.
type ChangeRequest struct {
	ID               int32          `json:"id"`
	UID              string         `json:"uId"`
	Contact          ContactRef     `json:"contact"`
	Status           Status         `json:"status"`
	CreateDate       time.Time      `json:"createDate"`
	InitiatorMember  *Member        `json:"initiatorMember"`
	InitiatorComment *string        `json:"initiatorComment"`
	ReviewDate       *time.Time     `json:"reviewDate"`
	ReviewMember     *Member        `json:"reviewMember"`
	ReviewComment    *string        `json:"reviewComment"`
	Details          []ChangeDetail `json:"details"`
}

// ChangeRequestSummary is a search result item (no uId, comments or details).
type ChangeRequestSummary struct {
	ID              int32      `json:"id"`
	Contact         ContactRef `json:"contact"`
	Status          Status     `json:"status"`
	CreateDate      time.Time  `json:"createDate"`
	InitiatorMember *MemberRef `json:"initiatorMember"`
	ReviewDate      *time.Time `json:"reviewDate"`
	ReviewMember    *MemberRef `json:"reviewMember"`
}

// SortOrder is the seed's SortOrder enum.
type SortOrder string

// SortOrder values.
const (
	Ascending  SortOrder = "Ascending"
	Descending SortOrder = "Descending"
)

// SearchQuery is the ChangeRequestSearch body (POST /v1.0/contacts/change-requests/search).
// The API filters by one status at a time (statusId); zero values are left out.
// SortBy is one of Id, StatusId, CreateDate, InitiatorMemberId, ContactId, ReviewDate,
// ReviewMemberId; the default is newest first.
type SearchQuery struct {
	Page                int32     `json:"page,omitzero"`
	PageSize            int32     `json:"pageSize,omitzero"`
	SortOrder           SortOrder `json:"sortOrder,omitzero"`
	SortBy              string    `json:"sortBy,omitzero"`
	ExcludeHierarchy    bool      `json:"excludeHierarchy,omitzero"`
	StatusID            *int32    `json:"statusId,omitzero"`
	CreateDateFrom      time.Time `json:"createDateFrom,omitzero"`
	CreateDateTo        time.Time `json:"createDateTo,omitzero"`
	InitiatorMemberUIDs []string  `json:"initiatorMemberUids,omitzero"`
	ContactIDs          []int32   `json:"contactIds,omitzero"`
	ReviewDateFrom      time.Time `json:"reviewDateFrom,omitzero"`
	ReviewDateTo        time.Time `json:"reviewDateTo,omitzero"`
	ReviewMemberUIDs    []string  `json:"reviewMemberUids,omitzero"`
	Paths               []string  `json:"paths,omitzero"`
}

// SearchResult is a page of change-request summaries.
type SearchResult struct {
	Results    []ChangeRequestSummary `json:"results"`
	Page       int32                  `json:"page"`
	PageSize   int32                  `json:"pageSize"`
	PageCount  int32                  `json:"pageCount"`
	TotalCount int32                  `json:"totalCount"`
}

// PendingCheck answers the v1.1 pending-change-request check.
type PendingCheck struct {
	HasPendingChangeRequest bool                  `json:"hasPendingChangeRequest"`
	ChangeRequest           *PendingChangeRequest `json:"changeRequest"`
}

// PendingChangeRequest is the basic information of a pending change request. Note
// "createdDate" here against "createDate" in ChangeRequest: the seed spells them so.
type PendingChangeRequest struct {
	ID              int32     `json:"id"`
	InitiatorMember MemberRef `json:"initiatorMember"`
	CreatedDate     time.Time `json:"createdDate"`
}

// ContactDetails is GET …/details: the schema-driven details tree and pending flags.
type ContactDetails struct {
	ID                      int32          `json:"id"`
	HasPendingChangeRequest bool           `json:"hasPendingChangeRequest"`
	HasPendingEmail         bool           `json:"hasPendingEmail"`
	HasPendingMobile        bool           `json:"hasPendingMobile"`
	Details                 map[string]any `json:"details"`
}

// DetailsUpdate is the PATCH/PUT …/details body.
type DetailsUpdate struct {
	Details map[string]any `json:"details"`
	Comment *string        `json:"comment"`
}

// UpdateResult is the PATCH/PUT …/details answer (ContactUpdateResult).
type UpdateResult struct {
	IsApprovalRequired bool `json:"isApprovalRequired"`
	HasPendingEmail    bool `json:"hasPendingEmail"`
	HasPendingMobile   bool `json:"hasPendingMobile"`
}

// NewContact is the create-contact body.
type NewContact struct {
	ContactTypeID int32          `json:"contactTypeId"`
	Username      *string        `json:"username"`
	Details       map[string]any `json:"details"`
	CorrelationID *string        `json:"correlationId"`
}

// CreatedContact is the create-contact answer; Details is untyped and null in the seed.
type CreatedContact struct {
	ID      int32  `json:"id"`
	UID     string `json:"uId"`
	Details any    `json:"details"`
}

// ExternalConnection links a contact to a record in another system ("Default" is the
// import service's id).
type ExternalConnection struct {
	ExternalID string `json:"externalId"`
	System     string `json:"system"`
}

type externalConnections struct {
	Connections []ExternalConnection `json:"connections"`
}

// ContactIdentifier is the reverse lookup answer.
type ContactIdentifier struct {
	ID  int32  `json:"id"`
	UID string `json:"uid"`
}

// Channel is CommunicationVerificationChannelType.
type Channel string

// Channel values.
const (
	ChannelEmail  Channel = "Email"
	ChannelMobile Channel = "Mobile"
)

// ProfilePicture is a contact's stored picture (base64 PNG).
type ProfilePicture struct {
	ImageContentBase64 string `json:"imageContentBase64"`
	IsDefaultImage     bool   `json:"isDefaultImage"`
}

// HistoryQuery is the v1.1 change-history search body. SortBy is one of
// contactChangeSetId, executionDate, initiatorPersonId; the default is newest first.
type HistoryQuery struct {
	Page                int32     `json:"page,omitzero"`
	PageSize            int32     `json:"pageSize,omitzero"`
	SortOrder           SortOrder `json:"sortOrder,omitzero"`
	SortBy              string    `json:"sortBy,omitzero"`
	InitiatorPersonUIDs []string  `json:"initiatorPersonUids,omitzero"`
	ExecutionDateFrom   time.Time `json:"executionDateFrom,omitzero"`
	ExecutionDateTo     time.Time `json:"executionDateTo,omitzero"`
	Paths               []string  `json:"paths,omitzero"`
}

// HistoryEntry is one submission of applied changes.
type HistoryEntry struct {
	InitiatorPerson MemberRef      `json:"initiatorPerson"`
	ExecutionDate   time.Time      `json:"executionDate"`
	Details         []ChangeDetail `json:"details"`
}

// HistoryPage is a page of change history.
type HistoryPage struct {
	Results    []HistoryEntry `json:"results"`
	Page       int32          `json:"page"`
	PageSize   int32          `json:"pageSize"`
	PageCount  int32          `json:"pageCount"`
	TotalCount int32          `json:"totalCount"`
}

// ListItem is an item of a reference list; Label is localized.
type ListItem struct {
	ID               int32  `json:"id"`
	UID              string `json:"uid"`
	Label            string `json:"label"`
	Key              string `json:"key"`
	CustomAttributes string `json:"customAttributes"`
}

// List is one list of the list-items answer.
type List struct {
	ListKey   string     `json:"listKey"`
	ListItems []ListItem `json:"listItems"`
}

// ListLookup is the list lookup body; nil fields are sent as null (server defaults).
type ListLookup struct {
	Filter                *string `json:"filter"`
	Limit                 *int32  `json:"limit"`
	IncludeID             *int32  `json:"includeId"`
	IsFilteredByHierarchy *bool   `json:"isFilteredByHierarchy"`
	HierarchyListItemID   *int32  `json:"hierarchyListItemId"`
}

// LookupResult is the list lookup answer.
type LookupResult struct {
	Items      []ListItem `json:"items"`
	TotalCount int32      `json:"totalCount"`
}

// FieldsQuery selects schema fields; nil means all.
type FieldsQuery struct {
	FieldKeys     []string `json:"fieldKeys"`
	LayoutPathKey *string  `json:"layoutPathKey"`
}

// FieldMeta describes one input element of a schema. IsReadOnly and
// IsApprovalRequired matter for member callers only.
type FieldMeta struct {
	Key                    string        `json:"key"`
	Label                  string        `json:"label"`
	FieldType              string        `json:"fieldType"`
	ListKey                string        `json:"listKey"`
	ListHierarchyFilterKey string        `json:"listHierarchyFilterKey"`
	IsReadOnly             bool          `json:"isReadOnly"`
	IsArrayItem            bool          `json:"isArrayItem"`
	Tooltip                string        `json:"tooltip"`
	LayoutPath             []LayoutStep  `json:"layoutPath"`
	Placeholder            string        `json:"placeholder"`
	IsRequired             bool          `json:"isRequired"`
	IsApprovalRequired     bool          `json:"isApprovalRequired"`
	IsHidden               bool          `json:"isHidden"`
	Validations            *Validations  `json:"validations"`
	ToggleHidden           *ToggleHidden `json:"toggleHidden"`
	Currency               string        `json:"currency"`
	Alias                  string        `json:"alias"`
}

// LayoutStep is one level of a field's layout path.
type LayoutStep struct {
	Label string `json:"label"`
	Key   string `json:"key"`
}

// Validations are a field's input rules.
type Validations struct {
	MinLength         *int32     `json:"minLength"`
	MaxLength         *int32     `json:"maxLength"`
	RegularExpression *string    `json:"regularExpression"`
	MinDate           *time.Time `json:"minDate"`
	MaxDate           *time.Time `json:"maxDate"`
	MinValue          *float64   `json:"minValue"`
	MaxValue          *float64   `json:"maxValue"`
	Decimal           *int32     `json:"decimal"`
}

// ToggleHidden hides a field when another field (When) equals Eq.
type ToggleHidden struct {
	When string `json:"when"`
	Eq   string `json:"eq"`
}

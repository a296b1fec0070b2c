package model

// Reference items (account types, statuses, reasons, stages…) are Nodes like records:
// each list numbers its items from 1, so only a global id that names the type keeps
// OpportunitySource 1 and LostReason 1 apart in a normalized client cache. The types
// are hand-written so that they share one embedded identity.

// Ref is a reference item's identity: its global id and its id in the source.
type Ref struct {
	ID       string
	Source   Source
	SourceID string
}

// NewRef is the identity of the reference item sourceID of typename in source.
func NewRef(typename string, source Source, sourceID string) Ref {
	return Ref{ID: GlobalID(typename, source, sourceID), Source: source, SourceID: sourceID}
}

func (Ref) IsNode()               {}
func (r Ref) GetID() string       { return r.ID }
func (r Ref) GetSource() Source   { return r.Source }
func (r Ref) GetSourceID() string { return r.SourceID }

// Named is the shape of the NamedItem types.
type Named struct {
	Ref
	Name      string
	SortOrder *int
	IsDefault *bool
}

func (Named) IsNamedItem()          {}
func (n Named) GetName() string     { return n.Name }
func (n Named) GetSortOrder() *int  { return n.SortOrder }
func (n Named) GetIsDefault() *bool { return n.IsDefault }

// The NamedItem types: one per list, so that each has its own typename in its id.
type (
	OpportunitySource struct{ Named }
	LeadSource        struct{ Named }
	LostReason        struct{ Named }
	WinReason         struct{ Named }
	OrderType         struct{ Named }
	DeliveryType      struct{ Named }
)

type AccountType struct {
	Ref
	Name       string
	IsCustomer *bool
	IsProspect *bool
	IsDefault  *bool
}

type OpportunityStatus struct {
	Ref
	Name        string
	Description *string
	Color       *string
	Won         *bool
	Lost        *bool
	SortOrder   *int
}

type OpportunityType struct {
	Ref
	Name      string
	IsDefault *bool
	SortOrder *int
}

type OrderStatus struct {
	Ref
	Name      string
	Step      *int
	IsDefault *bool
}

type LeadStatus struct {
	Ref
	Name      string
	SortOrder *int
}

type DeliveryTerm struct {
	Ref
	Name        string
	ExternalKey *string
	IsDefault   *bool
}

type PaymentTerm struct {
	Ref
	Name        string
	Days        *int
	ExternalKey *string
	IsDefault   *bool
}

// Stage is a ConeCRM pipeline stage.
type Stage struct {
	Ref
	Name      string
	SortOrder *int
	Color     *string
	IsActive  *bool
}

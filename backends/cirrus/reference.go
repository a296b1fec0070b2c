package cirrus

import "context"

// AccountType is an entry of GET /accounts/types (deprecated in the spec but the only
// source of account types). Turnover bands are integers.
type AccountType struct {
	ID                           int    `json:"id"`
	Name                         string `json:"name"`
	DefaultTab                   string `json:"defaulttab"`
	SortOrder                    int    `json:"sortorder"`
	IsDefault                    Flag   `json:"isdefault"`
	TurnoverFrom                 int    `json:"turnover_from"`
	TurnoverTo                   int    `json:"turnover_to"`
	TurnoverPotentialFrom        int    `json:"turnoverpotential_from"`
	TurnoverPotentialTo          int    `json:"turnoverpotential_to"`
	TurnoverVolume1From          int    `json:"turnover_volume1from"`
	TurnoverVolume1To            int    `json:"turnover_volume1to"`
	TurnoverVolume2From          int    `json:"turnover_volume2from"`
	TurnoverVolume2To            int    `json:"turnover_volume2to"`
	TurnoverPotentialVolume1From int    `json:"turnoverpotential_volume1from"`
	TurnoverPotentialVolume1To   int    `json:"turnoverpotential_volume1to"`
	TurnoverPotentialVolume2From int    `json:"turnoverpotential_volume2from"`
	TurnoverPotentialVolume2To   int    `json:"turnoverpotential_volume2to"`
	TypeIsCustomer               Flag   `json:"typeiscustomer"`
	TypeIsProspect               Flag   `json:"typeisprospect"`
}

// OrderStatus is an entry of GET /orderstatus.
type OrderStatus struct {
	ID      int    `json:"id"`
	Default Flag   `json:"default"`
	Name    string `json:"name"`
	Step    int    `json:"step"`
}

// OrderType is an entry of GET /ordertypes.
type OrderType struct {
	ID        int    `json:"id"`
	Default   Flag   `json:"default"`
	Name      string `json:"name"`
	SortOrder int    `json:"sortorder"`
}

// DeliveryTerm is an entry of GET /deliveryterms.
type DeliveryTerm struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Default     Flag   `json:"default"`
	ExternalKey string `json:"externalkey"`
}

// PaymentTerm is an entry of GET /paymentterms.
type PaymentTerm struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Default     Flag   `json:"default"`
	ExternalKey string `json:"externalkey"`
	Days        int    `json:"days"`
}

// DeliveryType is an entry of GET /deliverytypes.
type DeliveryType struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Default Flag   `json:"default"`
}

// AccountTypes lists the account types (a bare array).
func (c *Client) AccountTypes(ctx context.Context) ([]AccountType, error) {
	out, err := bare[AccountType](ctx, c, "accounttypes.list", PathAccountTypes)
	if err != nil {
		return nil, errorf(err, "list account types")
	}
	return out, nil
}

// OpportunityStatuses lists the opportunity statuses (a bare array).
func (c *Client) OpportunityStatuses(ctx context.Context) ([]OpportunityStatus, error) {
	out, err := bare[OpportunityStatus](ctx, c, "opportunitystatuses.list", PathOpportunityStatuses)
	if err != nil {
		return nil, errorf(err, "list opportunity statuses")
	}
	return out, nil
}

// OpportunityTypes lists the opportunity types (a bare array).
func (c *Client) OpportunityTypes(ctx context.Context) ([]OpportunityType, error) {
	out, err := bare[OpportunityType](ctx, c, "opportunitytypes.list", PathOpportunityTypes)
	if err != nil {
		return nil, errorf(err, "list opportunity types")
	}
	return out, nil
}

// OpportunitySources lists the opportunity sources (a bare array); leads use the same sources.
func (c *Client) OpportunitySources(ctx context.Context) ([]Source, error) {
	out, err := bare[Source](ctx, c, "opportunitysources.list", PathOpportunitySources)
	if err != nil {
		return nil, errorf(err, "list opportunity sources")
	}
	return out, nil
}

// LostReasons lists the opportunity lost reasons (a bare array).
func (c *Client) LostReasons(ctx context.Context) ([]Reason, error) {
	out, err := bare[Reason](ctx, c, "lostreasons.list", PathLostReasons)
	if err != nil {
		return nil, errorf(err, "list lost reasons")
	}
	return out, nil
}

// WinReasons lists the opportunity win reasons (a bare array).
func (c *Client) WinReasons(ctx context.Context) ([]Reason, error) {
	out, err := bare[Reason](ctx, c, "winreasons.list", PathWinReasons)
	if err != nil {
		return nil, errorf(err, "list win reasons")
	}
	return out, nil
}

// OrderStatuses lists every order status, walking all pages.
func (c *Client) OrderStatuses(ctx context.Context) ([]OrderStatus, error) {
	out, err := all[OrderStatus](ctx, c, "orderstatuses.list", PathOrderStatuses, "name_asc")
	if err != nil {
		return nil, errorf(err, "list order statuses")
	}
	return out, nil
}

// OrderTypes lists every order type, walking all pages.
func (c *Client) OrderTypes(ctx context.Context) ([]OrderType, error) {
	out, err := all[OrderType](ctx, c, "ordertypes.list", PathOrderTypes, "sortorder_asc")
	if err != nil {
		return nil, errorf(err, "list order types")
	}
	return out, nil
}

// LeadStatuses lists every lead status, walking all pages.
func (c *Client) LeadStatuses(ctx context.Context) ([]LeadStatus, error) {
	out, err := all[LeadStatus](ctx, c, "leadstatuses.list", PathLeadStatuses, "sortorder_asc")
	if err != nil {
		return nil, errorf(err, "list lead statuses")
	}
	return out, nil
}

// DeliveryTerms lists every delivery term, walking all pages.
func (c *Client) DeliveryTerms(ctx context.Context) ([]DeliveryTerm, error) {
	out, err := all[DeliveryTerm](ctx, c, "deliveryterms.list", PathDeliveryTerms, "name_asc")
	if err != nil {
		return nil, errorf(err, "list delivery terms")
	}
	return out, nil
}

// PaymentTerms lists every payment term, walking all pages.
func (c *Client) PaymentTerms(ctx context.Context) ([]PaymentTerm, error) {
	out, err := all[PaymentTerm](ctx, c, "paymentterms.list", PathPaymentTerms, "name_asc")
	if err != nil {
		return nil, errorf(err, "list payment terms")
	}
	return out, nil
}

// DeliveryTypes lists every delivery type, walking all pages.
func (c *Client) DeliveryTypes(ctx context.Context) ([]DeliveryType, error) {
	out, err := all[DeliveryType](ctx, c, "deliverytypes.list", PathDeliveryTypes, "name_asc")
	if err != nil {
		return nil, errorf(err, "list delivery types")
	}
	return out, nil
}

package cirrus

// Resource paths, relative to the API root.
//
// The seed (a Redoc text rendering of the Cirrus 2 OpenAPI spec) lost every HTTP method
// and path; only path-parameter names survived. These literals are the inferred paths from
// the seed digest (section 2, marked "~"). They live in this one file, used by both the
// client and the sandbox, so that a correction against a live Cirrus (or its
// /swagger.json) is a one-line change here. Item paths are the collection path plus
// "/{id}".
const (
	PathAccounts     = "/accounts"
	PathAccountTypes = "/accounts/types" // DEPRECATED in the seed, still the only account-type source

	PathContacts = "/contacts"

	PathOpportunities       = "/opportunities"
	PathOpportunityStatuses = "/opportunities/statuses"
	PathOpportunityTypes    = "/opportunities/types"
	PathOpportunitySources  = "/opportunities/sources"
	PathLostReasons         = "/opportunities/lostreasons"
	PathWinReasons          = "/opportunities/winreasons"

	PathOrders        = "/orders"
	PathOrderStatuses = "/orderstatus"
	PathOrderTypes    = "/ordertypes"

	PathLeads        = "/leads"
	PathLeadStatuses = "/leadstatus"

	PathUsers = "/users"

	PathDeliveryTerms = "/deliveryterms"
	PathPaymentTerms  = "/paymentterms"
	PathDeliveryTypes = "/deliverytypes"
)

// MaxPerPage is the largest per_page the API accepts ("max pagesize is 50").
const MaxPerPage = 50

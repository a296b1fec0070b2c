package cirrus

// Resource paths, relative to the API root. The seed (a Redoc text rendering) lost every
// method and path; these are the inferred paths of the seed digest (section 2, "~"),
// written down here from the digest and not taken from the client, so that the client
// and the sandbox are two readings that a test can hold against each other. The item
// path of each collection is the collection path plus "/{id}".
const (
	pathAccounts     = "/accounts"       // #0 L4, #1 L127, #13 L543, #14 L669
	pathAccountTypes = "/accounts/types" // #7 L444 (DEPRECATED, the only account-type list)

	pathContacts = "/contacts" // #51 L2259, #52 L2315, #55 L2447, #56 L2504

	pathOpportunities       = "/opportunities"             // #90 L4255, #91 L4313, #101 L4662, #102 L4723
	pathOpportunityStatuses = "/opportunities/statuses"    // #97 L4589
	pathOpportunityTypes    = "/opportunities/types"       // #98 L4609
	pathOpportunitySources  = "/opportunities/sources"     // #96 L4575
	pathLostReasons         = "/opportunities/lostreasons" // #94 L4548
	pathWinReasons          = "/opportunities/winreasons"  // #100 L4648

	pathOrders        = "/orders"      // #103 L4893, #104 L5079, #105 L5353, #106 L5546
	pathOrderStatuses = "/orderstatus" // #150-153 L7556
	pathOrderTypes    = "/ordertypes"  // #107-110 L5792

	pathLeads        = "/leads"      // #86 L3923, #87 L3994, #88 L4098, #89 L4172
	pathLeadStatuses = "/leadstatus" // #229-232 L10733

	pathUsers = "/users" // #133 L6601, #144

	pathDeliveryTerms = "/deliveryterms" // #57-60 L2581
	pathPaymentTerms  = "/paymentterms"  // #111-114 L5876
	pathDeliveryTypes = "/deliverytypes" // #61-64 L2665
)

// maxPerPage is the page-size cap: "max pagesize is 50" (L131).
const maxPerPage = 50

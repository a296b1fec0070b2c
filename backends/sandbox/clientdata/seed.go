package clientdata

// What the sandbox serves, written from the seed (seeds/004_…, "CD" in
// seeds/digests/seed-clientdata-apideck.md) and not taken from the client in
// backends/clientdata: the sandbox is the seed's stand-in, so a client that misreads
// the seed has to fail against it instead of sharing the mistake. Where the seed's
// rendering lost a path, the route is the digest's inferred one ([I]); [A] marks a path
// the seed spells out. The {name} segments are Go ServeMux wildcards.
const (
	// change requests
	routeChangeRequest         = "/v1.1/contacts/{contactId}/change-requests/{changeRequestId}"        // GET, L37 [A]
	routeChangeRequestStatuses = "/v1.0/contacts/change-requests/statuses"                             // GET, L68 [I]
	routeSearchChangeRequests  = "/v1.0/contacts/change-requests/search"                               // POST, L161 [A]
	routeCancelChangeRequest   = "/v1.0/contacts/{contactId}/change-requests/{changeRequestId}/cancel" // POST, L221 [I]
	routeReviewChangeRequest   = "/v1.0/contacts/{contactId}/change-requests/{changeRequestId}/review" // POST, L229 [I]
	routePendingChangeRequest  = "/v1.1/contacts/{contactId}/pending-change-request/check"             // GET, L88 [A]

	// contacts
	routeContacts                = "/v1.0/contacts"                                                // POST, L350 [I]
	routeContactDetails          = "/v1.0/contacts/{contactId}/details"                            // GET L273, PATCH L281, PUT L295 [I]
	routeChangeHistory           = "/v1.1/contacts/{contactId}/details/change-history/search"      // GET with a JSON body: L367 names GET, L409–420 give the body [A]
	routeExternalConnections     = "/v1.0/contacts/{contactId}/external-connections"               // GET L309, POST L318 [I]
	routeContactByExternalID     = "/v1.0/contacts/external-connection"                            // GET ?system=&externalId=, L330 [I]
	routeUsername                = "/v1.0/contacts/{contactId}/username"                           // GET L336, PUT L340 [I]
	routeProfilePicture          = "/v1.0/contacts/{contactId}/profile-picture"                    // DELETE L242, GET L249, PUT L254 [I]
	routeVerifyChannel           = "/v1.0/contacts/{contactId}/communication-channels/verify"      // POST, L451 [I]
	routeResendKey               = "/v1.0/contacts/{contactId}/communication-channels/resend"      // POST, L466 [I]
	routeDiscontinueVerification = "/v1.0/contacts/{contactId}/communication-channels/discontinue" // POST, L264 [I]
	routeAnonymize               = "/v1.0/contacts/anonymize"                                      // POST, L475 [I]

	// export: the job's literal "export" segment sits where the other routes have
	// {contactId}; see Server.literal.
	routeContactsExport    = "/v1.0/contacts/export"               // POST, L503 [A]
	routeContactsExportJob = "/v1.0/contacts/export/{exportJobId}" // GET, L489 [I]

	// metadata
	routeSchemaFields = "/v1.0/schemas/{key}/fields"   // POST (it has a body), L663 [I]
	routeListItems    = "/v1.0/lists/items"            // POST, L706 [I]
	routeListLookup   = "/v1.0/lists/{listKey}/lookup" // POST, L641 [I]
)

// ApiError sub-codes. The seed names four (NA in every error sample, e.g. L226; the
// rest at L284, L454, L455); for the other rules it states it names none, and these
// are the sandbox's.
const (
	subCodeNA                = "NA"
	subCodeUsernameNotUnique = "UsernameNotUnique" // L284, L298, L352, L453
	subCodeKeyExpired        = "KeyExpired"        // L454
	subCodeKeyNoMatch        = "KeyNoMatch"        // L455

	subCodeUsernameCoupledWithEmail = "UsernameCoupledWithEmail"   // L340: "only … if … email is not coupled with username"
	subCodeNotPending               = "ChangeRequestNotPending"    // L221, L229: "only possible from pending status"
	subCodeSelfReview               = "SelfReviewNotAllowed"       // L229: "Initiating member cannot review their own change"
	subCodeNotInitiator             = "NotInitiator"               // L221: "can be done only by the member which initiated"
	subCodePendingExists            = "PendingChangeRequestExists" // one pending request a contact: the single flag of L273–280 and the check of L88
	subCodeExternalIDNotUnique      = "ExternalIdNotUnique"        // L318: "External-Ids must be unique across all contacts"
	subCodeNoPendingChannel         = "NoPendingVerification"      // L451, L466: verify or resend needs a pending channel
)

// Change-request status ids. The seed lists no statuses (L68–75 gives only the shape
// {id, name}); it names "pending" (L221, L229), approval or rejection (isApproved, L229)
// and cancelling (L221). The sandbox numbers them 1 to 4.
const (
	statusPending   int32 = 1
	statusApproved  int32 = 2
	statusRejected  int32 = 3
	statusCancelled int32 = 4
)

// Export CSV identity columns. The seed says only that the CSV holds the attributes
// marked isExportable (L503–508); the identity columns are the sandbox's, named like
// the contact's JSON (id, uId: L364).
const (
	columnID       = "id"
	columnUID      = "uId"
	columnUsername = "username"
)

// contactSchemaKey is the one schema key the sandbox serves; the seed names none
// (L600: `key` is a path parameter).
const contactSchemaKey = "contact"

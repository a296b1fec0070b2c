package cone

// API paths as the seed writes them (net/http ServeMux patterns; the {name} segments are
// the seed's own parameter names). They are copied from the seed here, not taken from
// the client, so that client and sandbox stay two readings a test can compare.
const (
	pathAccounts           = "/api/account"                       // GET L96, POST L1089
	pathAccount            = "/api/account/{account}"             // DELETE L2044, PATCH L2562
	pathContacts           = "/api/contact"                       // GET L4422
	pathContactOpenLeads   = "/api/contact/{contact}/lead/open"   // GET L4812
	pathContactByPhone     = "/api/contact/phone/{phone}"         // GET L5154
	pathLeads              = "/api/lead"                          // POST L6628
	pathLeadCopy           = "/api/lead/{lead}/copy"              // POST L7557
	pathStages             = "/api/stage"                         // GET L9307, POST L9427
	pathStage              = "/api/stage/{id}"                    // GET L9536, DELETE L9622, PATCH L9733
	pathTasks              = "/api/task"                          // POST L9864
	pathTask               = "/api/task/{task}"                   // DELETE L10789, PATCH L10906
	pathQueryBuilderConfig = "/api/query-builder/config/{entity}" // GET L8440
	pathQueryBuilderFilter = "/api/query-builder/filter/{entity}" // POST L8581
)

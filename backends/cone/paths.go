package cone

import (
	"net/url"
	"strings"
)

// API paths, as the seed writes them ({name} segments are the seed's own path parameter
// names). The sandbox copies its own from the seed (backends/sandbox/cone/paths.go) and
// imports nothing of the client's, so the two are separate readings a test compares.
const (
	PathAccounts           = "/api/account"
	PathAccount            = "/api/account/{account}"
	PathContacts           = "/api/contact"
	PathContactOpenLeads   = "/api/contact/{contact}/lead/open"
	PathContactByPhone     = "/api/contact/phone/{phone}"
	PathLeads              = "/api/lead"
	PathLeadCopy           = "/api/lead/{lead}/copy"
	PathStages             = "/api/stage"
	PathStage              = "/api/stage/{id}"
	PathTasks              = "/api/task"
	PathTask               = "/api/task/{task}"
	PathQueryBuilderConfig = "/api/query-builder/config/{entity}"
	PathQueryBuilderFilter = "/api/query-builder/filter/{entity}"
)

// Query-builder entity names. The seed does not enumerate them; these are the ones the
// gateway needs (and the sandbox serves). GET /api/query-builder/config/{entity} tells
// which exist on a real tenant.
const (
	EntityAccount = "account"
	EntityContact = "contact"
	EntityLead    = "lead"
)

// Query-builder field paths. The seed's QueryBuilderRule.field is a free string and its
// example is a plain property ("primaryEmail"); relations and collections are addressed
// with dotted paths (Doctrine-style joins), which is what the config endpoint advertises.
//
// Reverse lookup by a third-party id uses the customer's thirdPartyIds collection:
// FieldThirdPartySystem = system AND FieldThirdPartyID in ids. A server may match the two
// rules against different elements of the collection, so the client re-checks that one
// element carries both before returning a record.
const (
	FieldID               = "id"
	FieldThirdPartySystem = "thirdPartyIds.systemName"
	FieldThirdPartyID     = "thirdPartyIds.thirdPartyId"
	FieldLeadContact      = "contact.id"
	FieldLeadAccount      = "account.id"
	FieldLeadStage        = "stage.id"
	FieldDateCreated      = "dateCreated"
)

// Expand fills the {placeholders} of a path pattern in order, escaping each value as
// one path segment.
func Expand(pattern string, args ...string) string {
	var b strings.Builder
	rest := pattern
	for _, a := range args {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			break
		}
		b.WriteString(rest[:i])
		b.WriteString(url.PathEscape(a))
		rest = rest[j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

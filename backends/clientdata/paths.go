package clientdata

import (
	"net/url"
	"strconv"
	"strings"
)

// Paths of the client-data API, in one place because the seed's rendering lost most of
// them: only the ones marked [A] are attested verbatim; [I] ones are inferred from the
// operation descriptions (see seeds/digests/seed-clientdata-apideck.md, part A) and are
// the first thing to confirm against a real DFS. Where the seed deprecates a v1.0
// operation the v1.1 path is used. The sandbox keeps its own routes, written from the
// seed, so the client tests against it catch a path that drifts from the seed.
const (
	// PathChangeRequest: GET, v1.1 (member refs by uuid) [A].
	PathChangeRequest = "/v1.1/contacts/{contactId}/change-requests/{changeRequestId}"
	// PathChangeRequestStatuses: GET, localized by Accept-Language [I].
	PathChangeRequestStatuses = "/v1.0/contacts/change-requests/statuses"
	// PathSearchChangeRequests: POST with a ChangeRequestSearch body; the caller comes
	// from the token, not from a memberId path segment (the deprecated variant) [A].
	PathSearchChangeRequests = "/v1.0/contacts/change-requests/search"
	// PathCancelChangeRequest: POST, no body [I].
	PathCancelChangeRequest = "/v1.0/contacts/{contactId}/change-requests/{changeRequestId}/cancel"
	// PathReviewChangeRequest: POST {isApproved, comment} [I].
	PathReviewChangeRequest = "/v1.0/contacts/{contactId}/change-requests/{changeRequestId}/review"
	// PathPendingChangeRequest: GET, v1.1 [A].
	PathPendingChangeRequest = "/v1.1/contacts/{contactId}/pending-change-request/check"

	// PathContacts: POST creates a contact [I].
	PathContacts = "/v1.0/contacts"
	// PathContactDetails: GET, PATCH (partial) and PUT (full) [I].
	PathContactDetails = "/v1.0/contacts/{contactId}/details"
	// PathChangeHistory: GET search, v1.1 [A]. The seed names GET (004 L367: "Use GET
	// /v1.1/…/change-history/search") and gives a request body (L409–420), so the
	// search criteria travel as a JSON body on a GET.
	PathChangeHistory = "/v1.1/contacts/{contactId}/details/change-history/search"
	// PathExternalConnections: GET lists, POST adds [I].
	PathExternalConnections = "/v1.0/contacts/{contactId}/external-connections"
	// PathContactByExternalID: GET ?system=&externalId= (reverse lookup) [I].
	PathContactByExternalID = "/v1.0/contacts/external-connection"
	// PathUsername: GET reads, PUT updates [I].
	PathUsername = "/v1.0/contacts/{contactId}/username"
	// PathProfilePicture: GET, PUT, DELETE [I].
	PathProfilePicture = "/v1.0/contacts/{contactId}/profile-picture"
	// PathVerifyChannel, PathResendKey, PathDiscontinueVerification: POST {channel[, key]} [I].
	PathVerifyChannel           = "/v1.0/contacts/{contactId}/communication-channels/verify"
	PathResendKey               = "/v1.0/contacts/{contactId}/communication-channels/resend"
	PathDiscontinueVerification = "/v1.0/contacts/{contactId}/communication-channels/discontinue"
	// PathAnonymize: POST {contactIds, contactUIds} [I].
	PathAnonymize = "/v1.0/contacts/anonymize"

	// PathContactsExport: POST starts an export job; the body is empty (all contacts) or
	// a HotChocolate GraphQL query text; answers {exportJobId} [A].
	PathContactsExport = "/v1.0/contacts/export"
	// PathContactsExportJob: GET answers the job's CSV [I]. The literal "export" segment
	// collides with the {contactId} routes; the API (ASP.NET) prefers literal segments.
	PathContactsExportJob = "/v1.0/contacts/export/{exportJobId}"

	// PathSchemaFields: POST {fieldKeys, layoutPathKey} (has a body, hence POST) [I].
	PathSchemaFields = "/v1.0/schemas/{key}/fields"
	// PathListItems: POST {listKeys} [I].
	PathListItems = "/v1.0/lists/items"
	// PathListLookup: POST {filter, limit, includeId, …} [I].
	PathListLookup = "/v1.0/lists/{listKey}/lookup"
)

// ContactSchemaKey is the schema key of contact details (the sandbox serves only this one).
const ContactSchemaKey = "contact"

// expand fills the {name} wildcards of a path template with escaped values, in order.
func expand(tmpl string, args ...string) string {
	var b strings.Builder
	i := 0
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		end := strings.IndexByte(tmpl[open:], '}')
		b.WriteString(tmpl[:open])
		if i < len(args) {
			b.WriteString(url.PathEscape(args[i]))
		}
		i++
		tmpl = tmpl[open+end+1:]
	}
}

// id32 writes an id for a path segment. client-data ids are positive: any other id
// leaves the segment empty, which rest.Client refuses (ErrBadRequest) before sending.
func id32(n int32) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(int64(n), 10)
}

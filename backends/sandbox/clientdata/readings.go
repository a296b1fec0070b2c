package clientdata

// Readings: what the sandbox (and the client against it) does where the seed
// (004_4892400328ba5c99.txt; lines in seeds/digests/seed-clientdata-apideck.md) does
// not settle it, with the seed lines it rests on and the setting that changes the
// gateway's side. A live DFS may differ on any of these; `crmgraph probe` checks the
// ones marked (probe).
//
// Paths and verbs
//   - 23 of the 28 served routes are inferred ([I] in seed.go): the rendering spells
//     out only the five marked [A], in deprecation notes and descriptions. Setting:
//     none; the client's paths.go holds them in one place. TestRequestsMatchSeedRoutes holds the client to seed.go.
//   - The v1.1 change-history search is GET with a JSON body: L367 names GET, L409–420
//     give a body. A proxy that drops GET bodies would lose the criteria. Setting: none.
//   - cancel, review, verify, resend, discontinue, anonymize: POST (L221, L229, L264,
//     L451, L466, L475 give a body or none and no verb). Profile picture and username
//     updates: PUT (L254, L340). Schema fields, list items and lookup: POST (they take
//     a body, L600–L706). Setting: none.
//
// Member scope
//   - L99 and L161: "A member can only see change requests for contacts which they
//     have access to (with or without hierarchy)"; L295: an app "is not subject to
//     such potential limitation". Read as: access is direct (the contact's company is
//     the member's) or through the hierarchy (its parent company is), and the search
//     defines what a member can see.
//   - Reading, reviewing and cancelling one change request (L37, L221, L229) are
//     silent on access, and the seed names no status for a request out of scope: the
//     sandbox answers 404, as for an unknown id, a request the member's search (with
//     hierarchy) would not show, unless the member initiated it (they may start one on
//     any contact and must read it back and cancel it). A live API might answer 403
//     instead. Always on: every member call to these endpoints is scoped. Setting:
//     CLIENT_DATA_PROBE_MEMBER_TOKEN gives the probe a member's token to check it
//     read-only (probe).
//   - The pending check (L88) answers every caller, as a blocked update would.
//   - Contact endpoints (details, username, connections, pictures, channels, history)
//     stay unscoped: the seed ties access only to change requests. A member can thus
//     start a change request (L295) on a contact whose requests they cannot see.
//   - Export (L503) is scoped like the search: a member's CSV holds the contacts they
//     can see; a job is readable by its creator only.
//
// Paging
//   - Pages count from 1 by default; the seed's only sample shows "page": 0 (L137–160),
//     which fits 0-based pages as well as an empty first page. The alternative sandbox
//     counts from 0. Setting: CLIENT_DATA_PAGE_BASE (probe).
//   - No page-size cap is given: the sandbox takes up to 500 (maxPageSize), the
//     alternative one up to 100, and answers 400 above it. The client asks for at most
//     CLIENT_DATA_PAGE_SIZE a call and fetches a larger page as several. (probe)
//   - A page size of 0 or none is 20 (defaultPageSize); a page below the base is the
//     first page.
//
// Export
//   - L503: the export "initiates the process … and responds with a jobId"; nothing says
//     when the CSV is ready or what a read of a running job answers. The default
//     sandbox has it at once; the alternative one answers 202 Accepted with
//     {exportJobId} for the first 2 reads. The client reads again on 202, with backoff,
//     at most CLIENT_DATA_EXPORT_POLLS times, within the call's deadline. (probe)
//   - The CSV's identity columns (id, uId, username) and the attribute columns' headers
//     (dotted detail paths) are the sandbox's: the seed says only "all the attributes
//     that are marked with 'isExportable' = true" (L503). The alternative sandbox heads
//     the identity columns AltColumnID and AltColumnUID. Setting:
//     CLIENT_DATA_EXPORT_COLUMNS (identity headers), CLIENT_DATA_PATHS (attribute
//     paths). (probe)
//   - The export query is HotChocolate GraphQL (L505–507); skip/take paging is the
//     sandbox's reading of CollectionSegment. Jobs are kept for the last maxExportJobs.
//
// Statuses and errors
//   - Status ids 1–4 (pending, approved, rejected, cancelled): L68–75 give only {id,
//     name}. Setting: CLIENT_DATA_STATUS_CODES.
//   - Sub-codes other than NA, UsernameNotUnique, KeyExpired, KeyNoMatch are the
//     sandbox's (seed.go); HTTP statuses other than 400 are too (403 self-review and
//     not-initiator, 404 unknown or out of scope, 409 conflicts).

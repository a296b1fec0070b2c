package cirrus

// Readings: what the sandbox does where the seed (003_64cf4bcd0a034813.txt) does not
// settle it, with the seed lines it rests on. A live Cirrus may differ on any of these.
//
// Writes
//   - A key left out of a PUT body keeps the stored value ("change root level
//     properties", L544); a key sent is applied, zero values included.
//   - null is refused (400, "None is not of type 'string'") on every field the body
//     tables type as plain string/integer/number/boolean; only the Addresses leaves
//     (samples "nullable string", L59-L113) and OrderRow.externalkey (L5014) take null,
//     which clears them. Texts are cleared with "".
//   - rows sent on an order are its rows: a row naming an existing id keeps that row and
//     changes what it sends, a row without an id is new, a row left out is deleted
//     (the OrderRow sample, L4994-L4996, has an id and no row endpoint exists).
//   - A row without an article is a text row (no OrderRow key is required); an article
//     row takes the article's price, name and unit unless they are written.
//   - Row total = quantity × price − discount, the discount being the written
//     discountamount, else quantity × price × discountpercent / 100, each rounded half
//     up to cents. An order's price, statisticsprice and buyprice follow the rows (buy
//     price 60 %) until written; currencyrate is 1 until written.
//   - A new order has no delivery or invoice address unless they are written (nothing
//     says the API copies the account's).
//   - accountgroups [{id, name}] (AccountGroup name is required, L380) reference groups by
//     id; the group keeps its own name. tags are [IdObject] on write and Tag {id,name,
//     type} on read (L811-L815, type "company"); with no tag or group endpoint
//     served, both come from small catalogues and an unknown id is a 400. So do an
//     opportunity's stateid (no endpoint) and estimateid (#92 is not served).
//   - altvalue is a string on write (L4270) and a number on read: a non-numeric text is a
//     400, "" clears it. enddate (L4277) has no read key (L4723 sample): the
//     actual_startdate/actual_enddate filters are what read it.
//   - changeuserid/reguserid are the written userid: the sandbox does not know the caller.
//   - created/updated, tscreated/tsupdated, regdate/changedate come from the sandbox's
//     logical clock (server.go now), after the latest generated timestamp.
//
// List filters
//   - The sandbox serves no missions (#154-163), activities (#16-28) or dynamic fields
//     (#65-68): missionid/missionids/missionresult, activity=1 (with its activity_*
//     predicates) and dynamicfield_id/_val pairs match nothing; activity=0 asks for
//     nothing (L155), activity_* without activity=1 are "Only in effect when activity=1"
//     (L156-L158). An unpaired dynamicfield_id/_val is a 400 (L132-L133 "must be paired").
//   - nearto "{latitude, longitude}" needs distance (km, L141-L142, no default) and
//     matches accounts with an address within that great-circle distance; generated
//     visiting addresses carry their city's coordinates.
//   - followedby (L152, L2330, L4340): generated followers are an account's alternate
//     owner (also on its opportunities) and a primary contact's account owner; the
//     follow endpoints (#8, #53, #93) are not served.
//
// Alternative reading (UseAlternative, SANDBOX_VARIANT=alt): the other plausible answer
// to each point below; the client has a setting or a fallback for each, and crmgraph
// probe tells which one a live Cirrus takes.
//   - Create and update bodies. Default: a create answers 201 with the rendered record,
//     an update 200 with it (what flask-restx marshal_with would give). Alternative: a
//     create answers 201 with no body and no Location, an update 204: the seed documents
//     no response for any create or update (#0 L4-L126 "Responses" at L34 has no sample,
//     likewise #51 L2259, #90 L4255, #103 L4893, #86 L3923 and every PUT), only requests.
//     Validation errors still answer the 400 body.
//   - X-Fields on a paged list. Default: the mask applies to the marshalled page model,
//     so it must name page,pages,per_page,total,items{…} (flask-restx marshal_with of a
//     page model). Alternative: it applies to each item and the envelope is always
//     whole. The seed says only "Mask which fields to include in the response" (L8,
//     L163), and declares the list response as an array-wrapped envelope (L165-L168),
//     which settles neither.
//   - Trailing slash. Default: collection paths without one (/accounts). Alternative:
//     only /accounts/ (and every other collection and reference list) answers; the
//     slash-less form gets flask's strict_slashes 308 redirect, relative to the mount.
//     Item paths (…/{id}) are unchanged. The seed rendering lost every path (digest
//     section 0), so either is as likely.
//   - Page cap. Default: per_page up to 50 ("max pagesize is 50", L131), above that a
//     400. Alternative: per_page up to 50 is accepted but pages hold at most 25 items
//     and the envelope says per_page 25 (a server-side cap lower than the documented
//     one, applied silently); total and pages follow the 25.

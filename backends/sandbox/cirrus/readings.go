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

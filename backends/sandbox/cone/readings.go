package cone

// Readings: what the query builder does where the seed (002_a9ef2ba58ee13159.txt; notes
// in seeds/digests/seed-conecrm.md, "D") does not settle it, with the lines it rests on,
// and the other reading UseAlternative (SANDBOX_VARIANT=alt) takes. A live ConeCRM may
// differ on any of these; `crmgraph probe` checks them.
//
// Entity names
//   - "account", "contact" and "lead" are the {entity} of GET
//     /api/query-builder/config/{entity} (L8440) and POST
//     /api/query-builder/filter/{entity} (L8581); the seed types the path parameter as a
//     plain string and names no value (D L461: "Entity names are not enumerated";
//     discoverable through GET /api/filters, L6341). The sandbox answers 404 {error} for
//     any other name (L8581 lists 404).
//
// Field paths
//   - A field is a property name (the rule example's "primaryEmail", L11891) or a dotted
//     relation path: "contact.id", "account.id", "stage.id" on leads (Connection's
//     contact, account and stage are {id} references, D L268-L272);
//     "thirdPartyIds.systemName" and "thirdPartyIds.thirdPartyId" on accounts and
//     contacts (BaseCustomerThirdPartyId, D L218-L222). A path through a collection matches when any element does, so
//     systemName = X AND thirdPartyId in Y may match two different elements (the client
//     re-checks). The seed's field objects in config are untyped ({fields:[object]},
//     L8440); the sandbox lists {name, label, type, operators}.
//
// in/notIn values
//   - value is typed string (QueryBuilderRule, L11889-L11905; D L459: "the list encoding
//     is undocumented"). Default: a list is comma-joined ("a,b,c", react-querybuilder's
//     default), and a JSON array is accepted too. Alt: a list is a JSON array; a string
//     is one value, commas included, so a comma-joined list matches nothing. Clients
//     pick theirs with CONE_IN_VALUES=comma|array.
//
// Paging
//   - The filter body has no limit, offset or sort (QueryBuilderQuery, L11961): every
//     match comes back in creation order, which a uuid7 id follows (D L481).

package support

// Readings: what the sandbox does where the seed (000_ac7b364b586f9b8b.txt "AY",
// 001_6189412979483b05.txt "AR") does not settle it, with the lines it rests on, and
// the other reading UseAlternative (SANDBOX_VARIANT=alt) takes. A live Apideck may
// differ on any of these; `crmgraph probe` checks them.
//
// Paging links
//   - Default: links.previous/current/next are absolute URLs on the address the request
//     reached, mount prefix and query kept, cursor replaced: the examples are absolute
//     ("https://unify.apideck.com/crm/companies?cursor=…", AR L477-L479, AY
//     L1904-L1913) and clients are told to "call the URL in links.next" (AY L5, AR L60).
//   - Alt: links are relative to the host (path and query only; the seed types them as
//     plain String, AY L1896-L1913) and there is no previous page, neither cursor nor
//     link ("meta.cursors.previous/links.previous is not available for all
//     connectors", AY L5, AR L79). meta.cursors.next stays the paging key in both
//     readings ("You will find the next cursor in the response body in
//     meta.cursors.next. If meta.cursors.next is null you're at the end", AY L5, AR L58).
//
// Consumers
//   - Each x-apideck-consumer-id has its own customers (AY L5 header table: "The id of
//     the customer stored inside Apideck Vault"; AY L41, AR L664: "ID of the consumer
//     which you want to get or push data from"). The generated customers belong to
//     Config.Consumer (DefaultConsumer, "sandbox-consumer", unless configured); any other consumer
//     starts with none. The seed does not say what an unknown consumer gets: an empty
//     list here, not an error (Vault creates consumers on first use).

package resolvers

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/clientdata"
	"crmgraph/backends/cone"
	"crmgraph/backends/support"
	"crmgraph/graph/model"
	"crmgraph/limits"
)

// The call table prices every field by the REST calls its resolver makes, for the
// backend-call limit (limits.Calls): what the loaders batch costs a share of one call,
// what fans out costs one call per parent record, what the records embed is free.
// Counts the operation cannot tell (how many orders an account has) are the
// assumptions below; they make the estimate an upper-ish bound, not an exact count.

// Record origins, as the table tells them apart.
const (
	fromCirrus limits.Sources = 1 << iota
	fromCone
	fromClientData
	fromSupport
	// summary marks partial records: Cirrus contacts embedded in an account or order,
	// client-data change requests from a search. Some of their fields load the full
	// record.
	summary

	everySource = fromCirrus | fromCone | fromClientData | fromSupport
)

var sourceBits = map[model.Source]limits.Sources{
	model.SourceCirrus: fromCirrus, model.SourceCone: fromCone,
	model.SourceClientData: fromClientData, model.SourceSupport: fromSupport,
}

const (
	// assumedLinks is how many records a links or accounts list yields per record, and
	// how many keys of one system a record holds (the data set has at most one).
	assumedLinks = 2
	// assumedLeads is how many open leads a ConeCRM contact has.
	assumedLeads = 5
	// assumedChangeRequests is how many change requests a client-data contact has
	// when nothing bounds it.
	assumedChangeRequests = 20
	// assumedWalkPages is how many pages a walk over a whole list takes when nothing
	// in the operation bounds it: Apideck's totalCount, a ConeCRM contact search count.
	assumedWalkPages = 10
)

// PageCaps are the page sizes the clients ask for, so the estimate counts calls as the
// resolvers make them: CirrusPerPage is cirrus.Client.PerPage (CIRRUS_MAX_PER_PAGE;
// larger pages are fetched as several), ClientDataSearch is clientdata.Client.PageSize
// (CLIENT_DATA_PAGE_SIZE). Zero means the default (cirrus.MaxPerPage,
// clientdata.DefaultPageSize).
type PageCaps struct{ CirrusPerPage, ClientDataSearch int }

// CallCost is the table limits.Calls prices operations with.
func CallCost(caps PageCaps) limits.CallCost {
	if caps.CirrusPerPage <= 0 || caps.CirrusPerPage > cirrus.MaxPerPage {
		caps.CirrusPerPage = cirrus.MaxPerPage
	}
	if caps.ClientDataSearch <= 0 {
		caps.ClientDataSearch = int(clientdata.DefaultPageSize)
	}
	table := callTable(caps)
	return func(f limits.Field) limits.Price {
		if f.Name == "edges" && strings.HasSuffix(f.Parent, "Connection") {
			return limits.Price{PerItem: true} // one edge per item of the page
		}
		if price, ok := table[f.Parent+"."+f.Name]; ok {
			return price(f)
		}
		return limits.Price{}
	}
}

type pricer func(f limits.Field) limits.Price

// Loads, by kind.
func fanOut(calls float64) limits.Load { return limits.Load{PerParent: calls} }

// batchOf is a dataloader whose batch function sends keysPerCall keys per call
// (0: any number).
func batchOf(keysPerCall int) limits.Load {
	if keysPerCall <= 0 {
		return limits.Load{Batch: 1}
	}
	return limits.Load{PerParent: 1 / float64(keysPerCall), Batch: 1}
}

func once(name string) limits.Load { return limits.Load{Once: name} }

func shared(key string, l limits.Load) limits.Load { l.Key = key; return l }

func singleOf(sources limits.Sources) []limits.Children {
	return []limits.Children{{Sources: sources, Count: 1}}
}

// pageOf is a connection of first items from sources.
func pageOf(sources limits.Sources, first int) []limits.Children {
	return []limits.Children{{Sources: sources, Count: 1, Items: float64(first)}}
}

// cirrusPagesOf is how many page-numbered calls fetchWindow makes for a window: one per
// perPage records, and one more when a cursor's offset can make the window straddle
// a page boundary (a window that ends at a cursor or at the list's end starts
// anywhere). `last` with no `before` reads twice: from the start, which answers the
// total, then the end the total names.
func cirrusPagesOf(f limits.Field, perPage int) float64 {
	size := pageSize(f)
	per := max(1, (size+perPage-1)/perPage)
	straddle := 0
	if after, _ := f.Args["after"].(string); after != "" && size > 0 {
		straddle = 1
	}
	switch before, _ := f.Args["before"].(string); {
	case !backwardArgs(f):
		return float64(per + straddle)
	case before != "":
		return float64(per + 1)
	}
	return float64(per + straddle + per + 1)
}

// listReads is how many times a window reads each part of a list: `last` with no
// `before` reads from the start first, for the totals.
func listReads(f limits.Field) float64 {
	if before, _ := f.Args["before"].(string); backwardArgs(f) && before == "" {
		return 2
	}
	return 1
}

// backwardArgs reports whether the window hugs its end: last without first.
func backwardArgs(f limits.Field) bool {
	_, first := intValue(f.Args["first"])
	_, last := intValue(f.Args["last"])
	return last && !first
}

func callTable(caps PageCaps) map[string]pricer {
	searchPage := caps.ClientDataSearch
	cirrusPages := func(f limits.Field) float64 { return cirrusPagesOf(f, caps.CirrusPerPage) }
	cirrusOnly := func(load func(limits.Field) limits.Load, children func(limits.Field) []limits.Children) pricer {
		return func(f limits.Field) limits.Price {
			if !f.Sources.Has(fromCirrus) {
				return limits.Price{NoChildren: true} // null elsewhere
			}
			return limits.Price{Loads: []limits.Load{load(f)}, Children: children(f)}
		}
	}
	cirrusRecord := func(limits.Field) []limits.Children { return singleOf(fromCirrus) }
	cirrusPage := func(f limits.Field) []limits.Children { return pageOf(fromCirrus, pageSize(f)) }
	byID := func(limits.Field) limits.Load { return fanOut(1) }
	edgePages := func(f limits.Field) limits.Load { return fanOut(cirrusPages(f)) }

	t := map[string]pricer{
		"Query.node": func(f limits.Field) limits.Price {
			id, _ := f.Args["id"].(string)
			return nodesPrice([]any{id})
		},
		"Query.nodes": func(f limits.Field) limits.Price {
			ids := listArg(f.Args["ids"])
			if len(ids) > MaxFirst {
				return limits.Price{NoChildren: true} // refused before any lookup
			}
			return nodesPrice(ids)
		},
		"Query.accounts": func(f limits.Field) limits.Price {
			filter := objArg(f.Args, "filter")
			def := fromCirrus | fromCone
			if len(listArg(filter["ownerIds"])) > 0 || len(listArg(filter["typeIds"])) > 0 || filter["active"] != nil {
				def = fromCirrus
			}
			src := sourcesArg(filter, fromCirrus|fromCone, def)
			var loads []limits.Load
			if src.Has(fromCirrus) {
				loads = append(loads, limits.Load{Batch: cirrusPages(f)})
			}
			if src.Has(fromCone) {
				loads = append(loads, limits.Load{Batch: listReads(f)})
			}
			return limits.Price{Loads: loads, Children: pageOf(src, pageSize(f))}
		},
		"Query.contacts": func(f limits.Field) limits.Price {
			filter := objArg(f.Args, "filter")
			def := fromCirrus | fromCone
			if filter["accountId"] != nil || filter["email"] != nil {
				def = fromCirrus
			}
			src := sourcesArg(filter, fromCirrus|fromCone|fromClientData, def)
			var loads []limits.Load
			if src.Has(fromCirrus) {
				loads = append(loads, limits.Load{Batch: cirrusPages(f)})
			}
			if src.Has(fromCone) {
				// The list, then the count when more rows exist: one query-builder call,
				// or a walk of the search in pages of 500.
				count := 1.0
				if s, _ := filter["search"].(string); s != "" {
					count = assumedWalkPages
				}
				loads = append(loads, limits.Load{Batch: listReads(f) + count})
			}
			if src.Has(fromClientData) {
				loads = append(loads, limits.Load{Batch: 2 * listReads(f)}) // the export job and its CSV
			}
			return limits.Price{Loads: loads, Children: pageOf(src, pageSize(f))}
		},
		"Query.opportunities": func(f limits.Field) limits.Price {
			return limits.Price{Loads: []limits.Load{{Batch: cirrusPages(f)}}, Children: pageOf(fromCirrus, pageSize(f))}
		},
		"Query.orders": func(f limits.Field) limits.Price {
			return limits.Price{Loads: []limits.Load{{Batch: cirrusPages(f)}}, Children: pageOf(fromCirrus, pageSize(f))}
		},
		"Query.leads": func(f limits.Field) limits.Price {
			filter := objArg(f.Args, "filter")
			def := fromCirrus | fromCone
			if filter["statusId"] != nil || len(listArg(filter["ownerIds"])) > 0 {
				def = fromCirrus
			}
			src := sourcesArg(filter, fromCirrus|fromCone, def)
			var loads []limits.Load
			if src.Has(fromCirrus) {
				loads = append(loads, limits.Load{Batch: cirrusPages(f)})
			}
			if src.Has(fromCone) {
				loads = append(loads, limits.Load{Batch: listReads(f)}) // every lead from the query-builder
			}
			return limits.Price{Loads: loads, Children: pageOf(src, pageSize(f))}
		},
		"Query.changeRequests": func(f limits.Field) limits.Price {
			// One search per status: the API filters one status at a time.
			lists := max(1, len(distinct(listArg(objArg(f.Args, "filter")["status"]))))
			return limits.Price{Loads: []limits.Load{{Batch: float64(lists) * listReads(f) * searchPages(f, searchPage)}}, Children: pageOf(fromClientData|summary, pageSize(f))}
		},
		"Query.supportCustomers": func(f limits.Field) limits.Price {
			if before, _ := f.Args["before"].(string); f.Args["last"] != nil || before != "" {
				return limits.Price{NoChildren: true} // refused before any call: Apideck pages forward only
			}
			first := pageSize(f)
			calls := 0
			if first > 0 {
				calls = (first + support.MaxLimit - 1) / support.MaxLimit
				if after, _ := f.Args["after"].(string); after != "" {
					calls++ // the cursor may point into a page that ends before first items
				}
			}
			return limits.Price{Loads: []limits.Load{{Batch: float64(calls)}}, Children: pageOf(fromSupport, first)}
		},
		"SupportCustomerConnection.totalCount": func(limits.Field) limits.Price {
			return limits.Price{Loads: []limits.Load{fanOut(assumedWalkPages)}} // every page, ids only
		},

		// Reference lists: cached, read at most once per request. The client-data statuses
		// are cached per language, and referenceData(language:) names one.
		"ReferenceData.changeRequestStatuses": func(limits.Field) limits.Price {
			return limits.Price{Loads: []limits.Load{fanOut(1)}}
		},
		"ReferenceData.stages": func(limits.Field) limits.Price {
			return limits.Price{Loads: []limits.Load{once("cone/stages")}}
		},

		"Account.type": func(f limits.Field) limits.Price {
			if !f.Sources.Has(fromCirrus) {
				return limits.Price{} // ConeCRM accounts have no type
			}
			return referenceList("AccountType", "cirrus/accountTypes")(f)
		},
		"Account.owner":  cirrusOwnerPrice,
		"Account.parent": cirrusOnly(byID, cirrusRecord),
		"Account.primaryContact": func(f limits.Field) limits.Price {
			return accountContactsPrice(f, f.Selects("Contact"), singleOf)
		},
		"Account.contacts": func(f limits.Field) limits.Price {
			return accountContactsPrice(f, f.Selects("Contact", "edges", "node"), func(s limits.Sources) []limits.Children {
				return pageOf(s, pageSize(f))
			})
		},
		"Account.opportunities": cirrusOnly(edgePages, cirrusPage),
		"Account.orders": cirrusOnly(func(f limits.Field) limits.Load {
			// One `orders?accountids=` walk for the whole batch, CirrusPerPage orders a
			// page; it reads every order of the accounts, assumed to be first per account.
			return limits.Load{PerParent: float64(max(pageSize(f), 1)) / float64(caps.CirrusPerPage), Batch: 1}
		}, cirrusPage),
		"Account.links": func(f limits.Field) limits.Price {
			var loads []limits.Load
			children := limits.Sources(0)
			if f.Sources.Has(fromCirrus) {
				// ConeCRM accounts naming it, and the ones its key names: two batches.
				loads = append(loads, batchOf(cone.MaxFilterIDs), batchOf(cone.MaxFilterIDs))
				children |= fromCone
			}
			if f.Sources.Has(fromCone) {
				loads = append(loads, fanOut(assumedLinks)) // Cirrus accounts by id
				children |= fromCirrus
			}
			return linksPrice(loads, children)
		},

		"Contact.username":      clientDataOnly(shared("clientdata/username", fanOut(1))),
		"Contact.details":       clientDataOnly(shared("clientdata/contact", fanOut(1))),
		"Contact.account":       contactAccount(1),
		"Contact.accounts":      contactAccount(assumedLinks),
		"Contact.opportunities": cirrusOnly(edgePages, cirrusPage),
		"Contact.orders":        cirrusOnly(edgePages, cirrusPage),
		"Contact.leads": func(f limits.Field) limits.Price {
			if !f.Sources.Has(fromCone) {
				return limits.Price{NoChildren: true}
			}
			return limits.Price{Loads: []limits.Load{batchOf(cone.MaxFilterIDs)},
				Children: []limits.Children{{Sources: fromCone, Count: assumedLeads}}}
		},
		"Contact.changeRequests": func(f limits.Field) limits.Price {
			if !f.Sources.Has(fromClientData) {
				return limits.Price{NoChildren: true}
			}
			load := changeRequestSearch(max(pageSize(f), assumedChangeRequests), searchPage)
			if len(listArg(objArg(f.Args, "filter")["paths"])) > 0 {
				load = fanOut(1) // paths: a search of its own per contact
			}
			return limits.Price{Loads: []limits.Load{load}, Children: pageOf(fromClientData|summary, pageSize(f))}
		},
		"Contact.pendingChangeRequest": func(f limits.Field) limits.Price {
			if !f.Sources.Has(fromClientData) {
				return limits.Price{NoChildren: true}
			}
			// The API's pending check, one a contact (it has no batch form).
			return limits.Price{Loads: []limits.Load{fanOut(1)}, Children: singleOf(fromClientData | summary)}
		},
		"Contact.supportCustomer": func(f limits.Field) limits.Price {
			if !f.Sources.Has(fromClientData) {
				return limits.Price{NoChildren: true}
			}
			// The contact's external connections, then the customer by id.
			return limits.Price{Loads: []limits.Load{shared("clientdata/externalIds", fanOut(1)), fanOut(1)},
				Children: singleOf(fromSupport)}
		},
		"Contact.externalIds": func(f limits.Field) limits.Price {
			var loads []limits.Load
			if f.Sources.Has(fromCirrus | summary) {
				loads = append(loads, shared("cirrus/contact", fanOut(1))) // a summary has no key
			}
			if f.Sources.Has(fromClientData) {
				loads = append(loads, shared("clientdata/externalIds", fanOut(1)))
			}
			return limits.Price{Loads: loads}
		},
		"Contact.links": func(f limits.Field) limits.Price {
			var loads []limits.Load
			children := limits.Sources(0)
			if f.Sources.Has(fromCirrus) {
				// ConeCRM contacts naming it and the one its key names (two batches), the
				// client-data contact naming it (a lookup, then the contact).
				loads = append(loads, batchOf(cone.MaxFilterIDs), batchOf(cone.MaxFilterIDs), fanOut(2))
				if f.Sources.Has(summary) {
					loads = append(loads, shared("cirrus/contact", fanOut(1)))
				}
				children |= fromCone | fromClientData
			}
			if f.Sources.Has(fromCone) {
				loads = append(loads, fanOut(assumedLinks)) // Cirrus contacts by id
				children |= fromCirrus
			}
			if f.Sources.Has(fromClientData) {
				loads = append(loads, shared("clientdata/externalIds", fanOut(1)), fanOut(assumedLinks), batchOf(cone.MaxFilterIDs))
				children |= fromCirrus | fromCone
			}
			return linksPrice(loads, children)
		},

		"Opportunity.account": cirrusOnly(byID, cirrusRecord),
		"Opportunity.contact": cirrusOnly(byID, cirrusRecord),
		"Opportunity.orders":  cirrusOnly(edgePages, cirrusPage),

		"Order.account": func(f limits.Field) limits.Price {
			if listedAccountSummary.coversAll(f.Selects("Account")) {
				return limits.Price{Children: singleOf(fromCirrus | summary)} // the order's summary of it
			}
			return limits.Price{Loads: []limits.Load{fanOut(1)}, Children: singleOf(fromCirrus)}
		},
		"Order.contact": func(f limits.Field) limits.Price {
			if listedContactSummary.coversAll(f.Selects("Contact")) {
				return limits.Price{Children: singleOf(fromCirrus | summary)}
			}
			return limits.Price{Loads: []limits.Load{fanOut(1)}, Children: singleOf(fromCirrus)}
		},
		"Order.owner":       cirrusOwnerPrice,
		"Opportunity.owner": cirrusOwnerPrice,
		"Lead.owner":        cirrusOwnerPrice,
		"Order.opportunity": cirrusOnly(byID, cirrusRecord),
		// An order embeds {id,name}; the reference list (read once) adds the rest.
		"Order.status":       referenceList("OrderStatus", "cirrus/orderStatuses"),
		"Order.type":         referenceList("OrderType", "cirrus/orderTypes"),
		"Order.deliveryTerm": referenceList("DeliveryTerm", "cirrus/deliveryTerms"),
		"Order.paymentTerm":  referenceList("PaymentTerm", "cirrus/paymentTerms"),
		"Order.deliveryType": referenceList("DeliveryType", "cirrus/deliveryTypes"),

		"Lead.stage": func(f limits.Field) limits.Price {
			if !f.Sources.Has(fromCone) {
				return limits.Price{}
			}
			return limits.Price{Loads: []limits.Load{once("cone/stages")}}
		},
		"Lead.contact": coneLeadEdge,
		"Lead.account": coneLeadEdge,

		"ChangeRequest.contact": func(f limits.Field) limits.Price {
			if coveredBy(f.Selects("Contact"), changeRequestContactFields) {
				return limits.Price{Children: singleOf(fromClientData)} // the request's reference
			}
			return limits.Price{Loads: []limits.Load{shared("clientdata/contact", fanOut(1))}, Children: singleOf(fromClientData)}
		},
		"ChangeRequest.status": func(limits.Field) limits.Price {
			return limits.Price{Loads: []limits.Load{once("clientdata/changeRequestStatuses")}}
		},
	}
	// A search result lacks these: one read of the full request serves them all.
	for _, name := range []string{"uid", "initiatorComment", "reviewComment", "changes"} {
		t["ChangeRequest."+name] = func(f limits.Field) limits.Price {
			if !f.Sources.Has(fromClientData | summary) {
				return limits.Price{}
			}
			return limits.Price{Loads: []limits.Load{shared("clientdata/changeRequest", fanOut(1))}}
		}
	}
	for _, name := range []string{"accountTypes", "opportunityStatuses", "opportunityTypes", "opportunitySources",
		"lostReasons", "winReasons", "orderStatuses", "orderTypes", "deliveryTerms", "deliveryTypes", "paymentTerms", "leadStatuses"} {
		t["ReferenceData."+name] = func(limits.Field) limits.Price {
			return limits.Price{Loads: []limits.Load{once("cirrus/" + name)}}
		}
	}
	// A mutation writes, then reads the record back; updateOpportunity reads it first too.
	for name, calls := range map[string]float64{
		"createAccount": 1, "updateAccount": 2, "createContact": 1, "updateContact": 2, "createLead": 1,
		"updateLead": 2, "createOpportunity": 1, "updateOpportunity": 3, "createOrder": 1, "updateOrder": 2,
		"createStage": 1, "updateStage": 1, "updateContactDetails": 2, "reviewChangeRequest": 2,
		"cancelChangeRequest": 2, "updateContactUsername": 2, "verifyContactChannel": 2,
	} {
		t["Mutation."+name] = func(limits.Field) limits.Price {
			return limits.Price{Loads: []limits.Load{fanOut(calls)}, Children: singleOf(everySource)}
		}
	}
	return t
}

// accountContactsPrice prices an account's contacts: both CRMs embed them, and the
// summaries serve the fields the summary table says they carry; otherwise a Cirrus
// account reads its contact list and ConeCRM accounts read their contacts in one batch.
func accountContactsPrice(f limits.Field, selected map[string]bool, children func(limits.Sources) []limits.Children) limits.Price {
	var loads []limits.Load
	out := limits.Sources(0)
	if f.Sources.Has(fromCirrus) {
		if accountContactSummary.coversAll(selected) {
			out |= fromCirrus | summary
		} else {
			loads, out = append(loads, fanOut(1)), out|fromCirrus
		}
	}
	if f.Sources.Has(fromCone) {
		if !coneContactSummary.coversAll(selected) {
			loads = append(loads, batchOf(cone.MaxFilterIDs))
		}
		out |= fromCone
	}
	if out == 0 {
		return limits.Price{NoChildren: true}
	}
	return limits.Price{Loads: loads, Children: children(out)}
}

// referenceList prices a reference a record embeds as {id,name}: free when that is all
// the selection asks for, else one read of its reference list per operation at most.
func referenceList(typ, name string) pricer {
	return func(f limits.Field) limits.Price {
		if idNameSummary.coversAll(f.Selects(typ)) {
			return limits.Price{}
		}
		return limits.Price{Loads: []limits.Load{once(name)}}
	}
}

// cirrusOwnerPrice: the ListedUser a Cirrus record embeds is free when it carries the
// selection, else the user is read by id.
func cirrusOwnerPrice(f limits.Field) limits.Price {
	if !f.Sources.Has(fromCirrus) || listedUserSummary.coversAll(f.Selects("User")) {
		return limits.Price{}
	}
	return limits.Price{Loads: []limits.Load{fanOut(1)}}
}

func clientDataOnly(l limits.Load) pricer {
	return func(f limits.Field) limits.Price {
		if !f.Sources.Has(fromClientData) {
			return limits.Price{}
		}
		return limits.Price{Loads: []limits.Load{l}}
	}
}

// contactAccount prices Contact.account(s): a Cirrus contact's account by id; a ConeCRM
// contact embeds its accounts, which lack their own contacts.
func contactAccount(count float64) pricer {
	return func(f limits.Field) limits.Price {
		var loads []limits.Load
		children := limits.Sources(0)
		if f.Sources.Has(fromCirrus) {
			loads = append(loads, fanOut(1))
			children |= fromCirrus
		}
		if f.Sources.Has(fromCone) {
			if !coneAccountSummary.coversAll(f.Selects("Account")) {
				loads = append(loads, batchOf(cone.MaxFilterIDs)) // the full accounts
			}
			children |= fromCone
		}
		if children == 0 {
			return limits.Price{NoChildren: true}
		}
		return limits.Price{Loads: loads, Children: []limits.Children{{Sources: children, Count: count}}}
	}
}

// changeRequestSearch is the one search (contactIds, walked in pages of searchPage)
// that serves the change requests of a batch of contacts.
func changeRequestSearch(perContact, searchPage int) limits.Load {
	return shared("clientdata/changeRequests", limits.Load{PerParent: float64(perContact) / float64(searchPage), Batch: 1})
}

// searchPages is how many page-numbered calls searchWindow makes for one read of a
// window of a change-request search: one per searchPage records, and one more when a
// cursor's offset can make the window straddle a page boundary. With a window of at
// most half a page, searchWindow (pageFor) finds a page size that holds it whole at
// the cursor's offset, so a cursor costs nothing extra then.
func searchPages(f limits.Field, searchPage int) float64 {
	size := max(pageSize(f), 1)
	pages := (size + searchPage - 1) / searchPage
	after, _ := f.Args["after"].(string)
	before, _ := f.Args["before"].(string)
	if (after != "" || before != "") && 2*size > searchPage {
		pages++
	}
	return float64(pages)
}

func coneLeadEdge(f limits.Field) limits.Price {
	if !f.Sources.Has(fromCone) {
		return limits.Price{NoChildren: true}
	}
	return limits.Price{Loads: []limits.Load{batchOf(cone.MaxFilterIDs)}, Children: singleOf(fromCone)}
}

func linksPrice(loads []limits.Load, children limits.Sources) limits.Price {
	if children == 0 {
		return limits.Price{NoChildren: true}
	}
	return limits.Price{Loads: loads, Children: []limits.Children{{Sources: children, Count: assumedLinks}}}
}

// nodeKey is a distinct by-id lookup: the loaders deduplicate keys.
type nodeKey struct {
	typ    string
	source model.Source
	id     string
}

// nodesPrice prices node lookups as queueNode makes them: Cirrus, client-data and
// Apideck fan out one call per id; ConeCRM batches MaxFilterIDs ids per call and type;
// reference items read their list once per type (a lead source once per id).
// An id that does not decode, or names nothing queueNode can load, costs nothing (it
// fails as BAD_USER_INPUT or NOT_FOUND).
func nodesPrice(ids []any) limits.Price {
	seen := map[nodeKey]bool{}
	type group struct {
		typ    string
		source model.Source
	}
	counts := map[group]int{}
	var order []group
	for _, v := range ids {
		id, _ := v.(string)
		p, err := model.ParseGlobalID(id)
		if err != nil || !loadable(p) && !isReference(p) {
			continue
		}
		k := nodeKey{p.Type, p.Source, p.SourceID}
		if seen[k] {
			continue
		}
		seen[k] = true
		g := group{p.Type, p.Source}
		if counts[g] == 0 {
			order = append(order, g)
		}
		counts[g]++
	}
	if len(order) == 0 {
		return limits.Price{NoChildren: true}
	}
	var price limits.Price
	for _, g := range order {
		n := counts[g]
		calls := float64(n)
		switch {
		case isReference(model.ParsedID{Type: g.typ, Source: g.source}) && g.typ != typename[model.LeadSource]():
			calls = 1 // the items' list, at most (reference.go)
		case g.source == model.SourceCone:
			calls = math.Ceil(float64(n) / cone.MaxFilterIDs)
		}
		price.Loads = append(price.Loads, limits.Load{Batch: calls})
		price.Children = append(price.Children, limits.Children{Type: g.typ, Sources: sourceBits[g.source], Count: float64(n)})
	}
	return price
}

// loadable reports whether queueNode has a loader for the id.
func loadable(p model.ParsedID) bool {
	switch p.Source {
	case model.SourceCirrus:
		n, err := strconv.Atoi(p.SourceID)
		if err != nil || n <= 0 {
			return false
		}
		switch p.Type {
		case "Account", "Contact", "Opportunity", "Order", "Lead", "User":
			return true
		}
	case model.SourceCone:
		switch p.Type {
		case "Account", "Contact", "Lead":
			return true
		}
	case model.SourceClientData:
		switch p.Type {
		case "ChangeRequest":
			_, err := parseCRSourceID(p.SourceID)
			return err == nil
		case "Contact":
			_, err := parseCDContactID(p.SourceID)
			return err == nil
		}
	case model.SourceSupport:
		return p.Type == "SupportCustomer"
	}
	return false
}

// coveredBy reports whether every selected name is one the summary carries.
func coveredBy(selected, covered map[string]bool) bool {
	for name := range selected {
		if !covered[name] {
			return false
		}
	}
	return true
}

// Arguments as limits.Field has them: literals and variables, defaults applied.

// pageSize is a connection's window: first, or last, or the smaller of both (the last
// of the first); 20 without either. Out of range fails the field, which then calls
// nothing, but pricing it as the cap is simpler and safe.
func pageSize(f limits.Field) int {
	first, hasFirst := intValue(f.Args["first"])
	last, hasLast := intValue(f.Args["last"])
	n := defaultPageSize
	switch {
	case hasFirst && hasLast:
		n = min(first, last)
	case hasFirst:
		n = first
	case hasLast:
		n = last
	}
	return min(max(n, 0), MaxFirst)
}

func intValue(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int32:
		return int(n), true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case string:
		i, err := strconv.Atoi(n)
		return i, err == nil
	}
	return 0, false
}

func listArg(v any) []any {
	switch xs := v.(type) {
	case []any:
		return xs
	case []string:
		out := make([]any, len(xs))
		for i, x := range xs {
			out[i] = x
		}
		return out
	}
	return nil
}

func objArg(args map[string]any, name string) map[string]any {
	m, _ := args[name].(map[string]any)
	return m
}

func distinct(xs []any) map[any]bool {
	out := map[any]bool{}
	for _, x := range xs {
		out[x] = true
	}
	return out
}

// sourcesArg reads filter.sources: the supported ones named, else def.
func sourcesArg(filter map[string]any, supported, def limits.Sources) limits.Sources {
	named := listArg(filter["sources"])
	if len(named) == 0 {
		return def
	}
	var out limits.Sources
	for _, v := range named {
		s, _ := v.(string)
		out |= sourceBits[model.Source(s)] & supported
	}
	return out
}

package resolvers

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Field masks push the GraphQL selection down to the backends (Cirrus X-Fields). A
// loader's batch is shared by every place in the operation that asks for the type, so
// the mask of a type is built from everything the operation selects on it anywhere,
// not from one field's selection.

// cirrusMaskFields maps GraphQL fields to the Cirrus read-model keys they need.
var cirrusMaskFields = map[string]map[string][]string{
	"Account": {
		"name": {"name"}, "altName": {"alt_name"}, "number": {"number"}, "email": {"email"},
		"phone": {"phone"}, "mobile": {"cellphone"}, "fax": {"fax"}, "website": {"url"}, "vatNumber": {"vatno"},
		"active": {"active"}, "info": {"info"}, "externalKey": {"externalkey"}, "externalIds": {"externalkey"},
		"links": {"externalkey"}, "addresses": {"addresses"}, "type": {"type"},
		"parent": {"parentaccount{id}"},
	},
	"Contact": {
		"firstName": {"name"}, "lastName": {"surname"}, "name": {"name", "surname"}, "title": {"title"},
		"email": {"email"}, "phone": {"officephone"}, "mobile": {"cellphone"}, "active": {"active"},
		"primary": {"primarycontact"}, "address": {"street", "city", "zip"}, "externalKey": {"externalkey"},
		"externalIds": {"externalkey"}, "links": {"externalkey"}, "account": {"account{id}"},
		"accounts": {"account{id}"}, "companyName": {"account{id,name}"},
	},
	"Opportunity": {
		"title": {"title"}, "description": {"description"}, "value": {"value"}, "status": {"status"},
		"type": {"type"}, "opportunitySource": {"source"}, "estimatedCloseDate": {"estimatedenddate"},
		"closed": {"closed"}, "result": {"result"}, "createdAt": {"regdate"}, "updatedAt": {"changedate"},
		"account": {"accountid"}, "contact": {"contactid"}, "lostReason": {"lostreason"},
		"winReason": {"winreason"},
	},
	"Order": {
		"alternateId": {"alternateid"}, "placedAt": {"placedate"}, "deliveryDate": {"deliverydate"},
		"opportunity": {"opportunity{id}"},
		"status":      {"status"}, "type": {"type"}, "deliveryTerm": {"deliveryterm"}, "paymentTerm": {"paymentterm"},
		"deliveryType": {"deliverytype"}, "currency": {"currencycode"}, "total": {"rows{totalprice}", "price"}, "price": {"price"},
		"delivered": {"delivered"}, "marking": {"marking"}, "externalComment": {"externalcomment"},
		"deliveryAddress": {"deliveryname", "deliverystreet", "deliveryzip", "deliverycity", "deliverycountry"},
		"invoiceAddress":  {"invoicename", "invoicestreet", "invoicezip", "invoicecity", "invoicecountry", "invoiceemail"},
		"createdAt":       {"tscreated"}, "updatedAt": {"tsupdated"},
	},
	// OrderRow keys sit inside the order's rows{…} (see cirrusNested).
	"OrderRow": {
		"sourceId": {"id"}, "articleId": {"article"}, "articleName": {"article"}, "articleNumber": {"article"},
		"specification": {"specification"}, "quantity": {"quantityordered"},
		"quantityDelivered": {"quantitydelivered"}, "unit": {"articleunit"}, "price": {"price"},
		"discountPercent": {"discountpercent"}, "total": {"totalprice"}, "currency": {"currencycode"},
		"sortOrder": {"sortorder"},
	},
	"Lead": {
		"title": {"title"}, "description": {"description"}, "status": {"status"}, "statusId": {"status"},
		"leadSource": {"source"}, "leadSourceId": {"source"}, "value": {"value"},
		"rating": {"rating"}, "createdAt": {"created"}, "updatedAt": {"updated"},
		"prospect": {"contacttitle", "contactname", "contactsurname", "contactcompany", "contactstreet", "contactcity",
			"contactzip", "contactphone", "contactcellphone", "contactemail", "contactvatno"},
	},
}

// cirrusNested are list fields whose items the record embeds whole (they have no
// endpoint of their own): the mask asks for key{…} with the keys of what the operation
// selects on the item type, so an order's total reads rows{totalprice}, not every row's
// forty-odd properties.
var cirrusNested = map[string]map[string]struct{ key, typ string }{
	"Order": {"rows": {key: "rows", typ: "OrderRow"}},
}

// cirrusEmbed is a field answered from a summary the record embeds under key.
type cirrusEmbed struct {
	key     string
	summary *recordSummary
	always  []string // summary keys the parent needs whatever is selected
}

// cirrusEmbeds are the fields of each type that read an embedded summary. The mask asks
// for key{…} with the keys the summary table lists for everything the operation selects
// on the summary's type, which are exactly the fields the edge can answer from it.
var cirrusEmbeds = map[string]map[string]cirrusEmbed{
	"Account": {
		"owner":          {key: "user", summary: listedUserSummary},
		"contacts":       {key: "contacts", summary: accountContactSummary},
		"primaryContact": {key: "contacts", summary: accountContactSummary, always: []string{"primary"}},
	},
	"Opportunity": {"owner": {key: "user", summary: listedUserSummary}},
	"Order": {
		"account": {key: "account", summary: listedAccountSummary},
		"contact": {key: "contact", summary: listedContactSummary},
		"owner":   {key: "user", summary: listedUserSummary},
	},
	"Lead": {"owner": {key: "user", summary: listedUserSummary}},
}

// maskSet computes, once per operation, the fields selected per GraphQL type.
type maskSet struct {
	once     sync.Once
	selected map[string]map[string]bool
	mu       sync.Mutex
	built    map[string]string
}

func masks(ctx context.Context) *maskSet {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l.masks.init(ctx)
	}
	return (&maskSet{}).init(ctx)
}

func (m *maskSet) init(ctx context.Context) *maskSet {
	m.once.Do(func() {
		m.selected = map[string]map[string]bool{}
		m.built = map[string]string{}
		if !graphql.HasOperationContext(ctx) {
			return
		}
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation == nil {
			return
		}
		m.collect(oc.Operation.SelectionSet, oc.Doc.Fragments, map[string]bool{})
	})
	return m
}

func (m *maskSet) collect(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil {
				t := s.ObjectDefinition.Name
				if m.selected[t] == nil {
					m.selected[t] = map[string]bool{}
				}
				m.selected[t][s.Name] = true
			}
			m.collect(s.SelectionSet, frags, seen)
		case *ast.InlineFragment:
			m.collect(s.SelectionSet, frags, seen)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				m.collect(f.SelectionSet, frags, seen)
			}
		}
	}
}

// cirrus returns the X-Fields mask for a Cirrus read of typ ("" = all fields, used
// when there is no operation to derive it from).
func (m *maskSet) cirrus(typ string) string { return m.cirrusWith(typ) }

// cirrusWith is cirrus plus extra keys the caller needs for itself (e.g. to group a batch).
func (m *maskSet) cirrusWith(typ string, extra ...string) string {
	if len(m.selected) == 0 {
		return ""
	}
	cacheKey := typ + "|" + strings.Join(extra, ",")
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.built[cacheKey]; ok {
		return s
	}
	keys := map[string]bool{"id": true}
	for _, e := range extra {
		keys[e] = true
	}
	fields := cirrusMaskFields[typ]
	for f := range m.selected[typ] {
		for _, k := range fields[f] {
			keys[k] = true
		}
		if n, ok := cirrusNested[typ][f]; ok {
			inner := []string{"id"}
			for g := range m.selected[n.typ] {
				inner = append(inner, cirrusMaskFields[n.typ][g]...)
			}
			keys[n.key+"{"+strings.Join(inner, ",")+"}"] = true
		}
		if e, ok := cirrusEmbeds[typ][f]; ok {
			inner := append([]string{"id"}, e.always...)
			inner = append(inner, e.summary.keys(m.selected[e.summary.typ])...)
			keys[e.key+"{"+strings.Join(inner, ",")+"}"] = true
		}
	}
	// "account" (the whole object) wins over "account{id}"; nested forms are merged.
	whole := map[string]bool{}
	nested := map[string]map[string]bool{}
	for k := range keys {
		name, inner, ok := strings.Cut(k, "{")
		if !ok {
			whole[name] = true
			continue
		}
		if nested[name] == nil {
			nested[name] = map[string]bool{}
		}
		for _, f := range strings.Split(strings.TrimSuffix(inner, "}"), ",") {
			nested[name][f] = true
		}
	}
	parts := make([]string, 0, len(keys))
	for name := range whole {
		parts = append(parts, name)
	}
	for name, fs := range nested {
		if !whole[name] {
			inner := slices.Sorted(maps.Keys(fs))
			parts = append(parts, name+"{"+strings.Join(inner, ",")+"}")
		}
	}
	slices.Sort(parts)
	s := "{" + strings.Join(parts, ",") + "}"
	m.built[cacheKey] = s
	return s
}

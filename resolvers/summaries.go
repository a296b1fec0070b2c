package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"crmgraph/graph"
)

// A summary is the part of a record another record embeds: a Cirrus order's `account`
// is a ListedAccount, a Cirrus account's `contacts[]` are AccountContacts, a ConeCRM
// account's contacts are Contacts without their own accounts. An edge answers with the
// summary only when it carries every field the edge's selection asks for; otherwise it
// loads the full record.
//
// This table is the one answer to "which fields does this summary carry": the Cirrus
// masks ask for exactly the keys listed here (masks.go), the edges decide coverage from
// it, and the call estimate prices from it (callcost.go), so they cannot disagree.
type recordSummary struct {
	name string // what the API calls it, for errors and docs
	typ  string // the GraphQL type it stands for
	// carries maps each field the summary answers to the summary's own keys it reads
	// (Cirrus X-Fields keys inside the parent's key; nil: none, e.g. an edge read by the
	// record's id). A field not listed needs the full record.
	carries map[string][]string
	// lacks, when carries is nil, lists the only fields the summary does not answer
	// (ConeCRM embeds whole records, one level deep).
	lacks map[string]bool
}

// identity are the fields every summary answers from the record's id alone.
var identity = map[string][]string{"__typename": nil, "id": nil, "source": nil, "sourceId": nil}

func withIdentity(m map[string][]string) map[string][]string {
	for k, v := range identity {
		m[k] = v
	}
	return m
}

var (
	// listedAccountSummary: an order's or contact's `account` (seed: ListedAccount
	// {id,name,alt_name,number,email,phone,cellphone,coordinates}).
	listedAccountSummary = &recordSummary{name: "Cirrus ListedAccount", typ: "Account", carries: withIdentity(map[string][]string{
		"name": {"name"}, "altName": {"alt_name"}, "number": {"number"}, "email": {"email"}, "phone": {"phone"},
		"mobile": {"cellphone"},
		// Cirrus-only edges read by the account's id.
		"opportunities": nil, "orders": nil,
	})}

	// accountContactSummary: an account's `contacts[]` (seed: {id,name,surname,email,phone,
	// cellphone,primary,title}); the account is the one embedding it.
	accountContactSummary = &recordSummary{name: "Cirrus account contact", typ: "Contact", carries: withIdentity(map[string][]string{
		"firstName": {"name"}, "lastName": {"surname"}, "name": {"name", "surname"}, "title": {"title"},
		"email": {"email"}, "phone": {"phone"}, "mobile": {"cellphone"}, "primary": {"primary"},
		"account": nil, "accounts": nil,
		"opportunities": nil, "orders": nil, // read by the contact's id
		// Null for a Cirrus contact whatever it carries.
		"leads": nil, "details": nil, "changeRequests": nil, "pendingChangeRequest": nil, "username": nil,
		"supportCustomer": nil,
	})}

	// listedContactSummary: an order's `contact` (seed: ListedContact {id,name,surname,
	// title,email,officephone,cellphone,number}). It does not name the contact's account:
	// the order's account need not be the contact's.
	listedContactSummary = &recordSummary{name: "Cirrus ListedContact", typ: "Contact", carries: withIdentity(map[string][]string{
		"firstName": {"name"}, "lastName": {"surname"}, "name": {"name", "surname"}, "title": {"title"},
		"email": {"email"}, "phone": {"officephone"}, "mobile": {"cellphone"},
		"opportunities": nil, "orders": nil,
		"leads": nil, "details": nil, "changeRequests": nil, "pendingChangeRequest": nil, "username": nil,
		"supportCustomer": nil,
	})}

	// listedUserSummary: a record's `user` (seed: ListedUser {id,name,surname,title,email,
	// phone,cellphone}); the user record adds active.
	listedUserSummary = &recordSummary{name: "Cirrus ListedUser", typ: "User", carries: withIdentity(map[string][]string{
		"name": {"name", "surname"}, "firstName": {"name"}, "lastName": {"surname"}, "title": {"title"},
		"email": {"email"}, "phone": {"phone"}, "mobile": {"cellphone"},
	})}

	// idNameSummary: a Cirrus reference a record embeds as {id,name} (an account's
	// type, an order's status, type, terms and delivery type); the reference list adds
	// the item's other fields. It stands for several types, so typ is left empty and
	// callers name the type they read.
	idNameSummary = &recordSummary{name: "Cirrus {id,name} reference", carries: map[string][]string{
		"__typename": nil, "id": {"id"}, "name": {"name"},
	}}

	// coneContactSummary: a ConeCRM account's contacts and primaryContact, full Contacts
	// whose own accounts the API does not expand again.
	coneContactSummary = &recordSummary{name: "ConeCRM embedded contact", typ: "Contact",
		lacks: map[string]bool{"account": true, "accounts": true}}

	// coneAccountSummary: a ConeCRM contact's accounts, full Accounts whose own contacts
	// the API does not expand again.
	coneAccountSummary = &recordSummary{name: "ConeCRM embedded account", typ: "Account",
		lacks: map[string]bool{"contacts": true, "primaryContact": true}}
)

// Answers reports whether the summary carries field (model.Summary).
func (s *recordSummary) Answers(field string) bool {
	if s.carries != nil {
		_, ok := s.carries[field]
		return ok
	}
	return !s.lacks[field]
}

// coversAll reports whether the summary carries every field named.
func (s *recordSummary) coversAll(fields map[string]bool) bool {
	for f := range fields {
		if !s.Answers(f) {
			return false
		}
	}
	return true
}

// covers reports whether the summary carries every field collected.
func (s *recordSummary) covers(fields []graphql.CollectedField) bool {
	for _, f := range fields {
		if !s.Answers(f.Name) {
			return false
		}
	}
	return true
}

// keys returns the summary keys the given fields need (for a Cirrus mask).
func (s *recordSummary) keys(fields map[string]bool) []string {
	var out []string
	for f := range fields {
		out = append(out, s.carries[f]...)
	}
	return out
}

// objectSelection returns the fields the current object-valued field selects on typ.
func objectSelection(ctx context.Context, typ string) ([]graphql.CollectedField, bool) {
	if !graphql.HasOperationContext(ctx) {
		return nil, false
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil, false
	}
	return graph.CollectFields(ctx, fc.Field.Selections, typ, "Node"), true
}

// summaryServes reports whether s answers the current object-valued field's selection.
// Without an operation to read (a resolver called directly) it does not.
func summaryServes(ctx context.Context, s *recordSummary) bool {
	return summaryServesAs(ctx, s, s.typ)
}

// summaryServesAs is summaryServes for a summary that stands for several types.
func summaryServesAs(ctx context.Context, s *recordSummary, typ string) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && s.servesSelection(ctx, fc.Field.Selections, typ)
}

// servesSelection reports whether s answers a selection on typ (the check summaryServesAs
// makes for the current field and resolvers/inline.go for a field about to resolve).
func (s *recordSummary) servesSelection(ctx context.Context, sel ast.SelectionSet, typ string) bool {
	return s.covers(graph.CollectFields(ctx, sel, typ, "Node"))
}

// summaryServesNodes reports whether s answers the node selection of the current
// connection field (edges { node { … } }).
func summaryServesNodes(ctx context.Context, s *recordSummary) bool {
	if !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return false
	}
	return s.covers(nodeFields(ctx, s.typ))
}

// embeddedSelectionCovers reports whether the current object-valued field selects only
// fields in covered (for summaries kept outside the table above).
func embeddedSelectionCovers(ctx context.Context, typename string, covered map[string]bool) bool {
	fields, ok := objectSelection(ctx, typename)
	if !ok {
		return false
	}
	for _, f := range fields {
		if !covered[f.Name] {
			return false
		}
	}
	return true
}

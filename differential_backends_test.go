package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The backends' own records, read straight from the sandboxes, and what each field of
// the unified schema must say about them after the documented conversion: empty text
// is null, decimals are exact strings, dates are YYYY-MM-DD, timestamps RFC 3339 UTC,
// references are the global id of the record they name.

// Expected values that compare by meaning rather than by spelling.
type (
	decimal   string // an exact number: "1299" equals "1299.0"
	instant   string // a timestamp in any of the backends' layouts
	reference string // the global id of an edge's record ("" for none)
	// listOf is a list of objects compared on keys only, in order.
	listOf struct {
		keys  []string
		items []map[string]any
	}
)

// externalKeys are the external ids a record holds, as ExternalId {system, externalId}
// (system "" when the record does not name it: compared on the id alone).
func externalKeys(pairs ...[2]any) listOf {
	out := listOf{keys: []string{"externalId"}, items: []map[string]any{}}
	for _, p := range pairs {
		if p[1] == nil {
			continue
		}
		item := map[string]any{"externalId": p[1]}
		if p[0] != nil {
			item["system"] = p[0]
			out.keys = []string{"system", "externalId"}
		}
		out.items = append(out.items, item)
	}
	return out
}

func thirdPartyIDs(r map[string]any) listOf {
	var pairs [][2]any
	for _, tp := range list(r, "thirdPartyIds") {
		pairs = append(pairs, [2]any{text(tp, "systemName"), text(tp, "thirdPartyId")})
	}
	return externalKeys(pairs...)
}

// backendRecord reads one record; expect maps fields (dotted for value objects:
// "type.name") to what they must be.
type backendSource struct {
	read   func(t *testing.T, sourceID string) map[string]any
	expect func(rec map[string]any) map[string]any
}

var backendSources = map[typeSource]backendSource{
	{"Account", "CIRRUS"}: {read: cirrusRecord("/accounts/"), expect: func(r map[string]any) map[string]any {
		m := map[string]any{
			"name": text(r, "name"), "altName": text(r, "alt_name"), "number": text(r, "number"), "email": text(r, "email"),
			"phone": text(r, "phone"), "mobile": text(r, "cellphone"), "fax": text(r, "fax"), "website": text(r, "url"),
			"vatNumber": text(r, "vatno"), "active": flagOf(r, "active"), "info": text(r, "info"), "externalKey": text(r, "externalkey"),
			"owner": ref("User", "CIRRUS", r, "user", "id"), "parent": ref("Account", "CIRRUS", r, "parentaccount", "id"),
			"type":           ref("AccountType", "CIRRUS", r, "type", "id"),
			"primaryContact": reference(""), "externalIds": externalKeys([2]any{nil, text(r, "externalkey")}),
		}
		for _, c := range list(r, "contacts") {
			if flagOf(c, "primary") == true {
				m["primaryContact"] = ref("Contact", "CIRRUS", c, "id")
				break
			}
		}
		return m
	}},
	{"Account", "CONE"}: {read: coneRecord("account"), expect: func(r map[string]any) map[string]any {
		return map[string]any{
			"name": text(r, "name"), "email": text(r, "primaryEmail"), "secondaryEmail": text(r, "secondaryEmail"),
			"phone": firstText(r, "workPhone", "homePhone"), "mobile": text(r, "mobilePhone"), "active": flagOf(r, "isActive"),
			"language": text(r, "language"), "primaryContact": ref("Contact", "CONE", r, "primaryContact", "id"),
			"externalIds": thirdPartyIDs(r),
		}
	}},
	{"Contact", "CIRRUS"}: {read: cirrusRecord("/contacts/"), expect: func(r map[string]any) map[string]any {
		return map[string]any{
			"firstName": text(r, "name"), "lastName": text(r, "surname"), "name": joined(text(r, "name"), text(r, "surname")),
			"title": text(r, "title"), "email": text(r, "email"), "phone": text(r, "officephone"), "mobile": text(r, "cellphone"),
			"companyName": text(r, "account", "name"), "active": flagOf(r, "active"), "primary": flagOf(r, "primarycontact"),
			"externalKey": text(r, "externalkey"), "account": ref("Account", "CIRRUS", r, "account", "id"),
			"address.street": text(r, "street"), "address.city": text(r, "city"), "address.postalCode": text(r, "zip"),
			"externalIds": externalKeys([2]any{nil, text(r, "externalkey")}),
		}
	}},
	{"Contact", "CONE"}: {read: coneRecord("contact"), expect: func(r map[string]any) map[string]any {
		m := map[string]any{
			"firstName": text(r, "firstName"), "lastName": text(r, "lastName"), "name": joined(text(r, "firstName"), text(r, "lastName")),
			"email": text(r, "primaryEmail"), "phone": firstText(r, "workPhone", "homePhone"), "mobile": text(r, "mobilePhone"),
			"companyName": text(r, "companyName"), "active": flagOf(r, "isActive"), "language": text(r, "language"),
			"account": reference(""), "address.street": text(r, "address"), "address.city": text(r, "city"),
			"address.postalCode": text(r, "postalCode"), "address.country": text(r, "country"),
			"externalIds": thirdPartyIDs(r),
		}
		if as := list(r, "accounts"); len(as) > 0 {
			m["account"] = ref("Account", "CONE", as[0], "id")
		}
		return m
	}},
	{"Contact", "CLIENT_DATA"}: {read: cdContactRecord, expect: func(r map[string]any) map[string]any {
		d, _ := r["details"].(map[string]any)
		m := map[string]any{
			"firstName": text(d, "personalInformation", "firstName"), "lastName": text(d, "personalInformation", "lastName"),
			"name":  text(d, "personalInformation", "displayName"),
			"email": text(d, "communicationMeans", "primaryEmail"), "phone": text(d, "communicationMeans", "primaryPhoneNumber"),
			"mobile": text(d, "communicationMeans", "mobilePhoneNumber"), "title": text(d, "employment", "jobTitle"),
			"companyName": text(d, "employment", "companyName"), "language": text(d, "personalInformation", "language"),
			"username": text(r, "username"), "details": d,
			"address.street": text(d, "addresses", "primaryAddress", "street"), "address.city": text(d, "addresses", "primaryAddress", "city"),
			"address.postalCode": text(d, "addresses", "primaryAddress", "postalCode"),
			"address.country":    text(d, "addresses", "primaryAddress", "country"),
		}
		if m["name"] == nil {
			m["name"] = joined(m["firstName"], m["lastName"])
		}
		var pairs [][2]any
		m["supportCustomer"] = reference("")
		for _, c := range list(r, "externalConnections") {
			pairs = append(pairs, [2]any{text(c, "system"), text(c, "externalId")})
			if c["system"] == "SUPPORT" {
				m["supportCustomer"] = ref("SupportCustomer", "SUPPORT", c, "externalId")
			}
		}
		m["externalIds"] = externalKeys(pairs...)
		m["pendingChangeRequest"] = reference("")
		if cr, ok := at(r, "pending", "changeRequest").(map[string]any); ok {
			m["pendingChangeRequest"] = reference(globalID("ChangeRequest", "CLIENT_DATA", fmt.Sprintf("%v/%v", r["id"], cr["id"])))
		}
		return m
	}},
	{"Opportunity", "CIRRUS"}: {read: cirrusRecord("/opportunities/"), expect: func(r map[string]any) map[string]any {
		return map[string]any{
			"title": text(r, "title"), "description": text(r, "description"), "value": number(r, "value"),
			"estimatedCloseDate": day(r, "estimatedenddate"), "closed": flagOf(r, "closed"), "result": text(r, "result"),
			"createdAt": when(r, "regdate"), "updatedAt": when(r, "changedate"),
			"account": ref("Account", "CIRRUS", r, "accountid"), "contact": ref("Contact", "CIRRUS", r, "contactid"),
			"owner": ref("User", "CIRRUS", r, "user", "id"), "status": ref("OpportunityStatus", "CIRRUS", r, "status", "id"),
			"type": ref("OpportunityType", "CIRRUS", r, "type", "id"), "opportunitySource": ref("OpportunitySource", "CIRRUS", r, "source", "id"),
			"lostReason": ref("LostReason", "CIRRUS", r, "lostreason", "id"), "winReason": ref("WinReason", "CIRRUS", r, "winreason", "id"),
		}
	}},
	{"Order", "CIRRUS"}: {read: cirrusRecord("/orders/"), expect: func(r map[string]any) map[string]any {
		total := new(big.Rat)
		rows := list(r, "rows")
		for _, row := range rows {
			if n, ok := ratOf(row["totalprice"]); ok {
				total.Add(total, n)
			}
		}
		m := map[string]any{
			"number": idText(r, "id"), "alternateId": text(r, "alternateid"), "placedAt": day(r, "placedate"),
			"deliveryDate": day(r, "deliverydate"), "currency": text(r, "currencycode"), "price": number(r, "price"),
			"total": decimal(total.FloatString(6)), "delivered": flagOf(r, "delivered"), "marking": text(r, "marking"),
			"externalComment": text(r, "externalcomment"), "createdAt": when(r, "tscreated"), "updatedAt": when(r, "tsupdated"),
			"account": ref("Account", "CIRRUS", r, "account", "id"), "contact": ref("Contact", "CIRRUS", r, "contact", "id"),
			"owner": ref("User", "CIRRUS", r, "user", "id"), "opportunity": ref("Opportunity", "CIRRUS", r, "opportunity", "id"),
			"status":       ref("OrderStatus", "CIRRUS", r, "status", "id"),
			"deliveryTerm": ref("DeliveryTerm", "CIRRUS", r, "deliveryterm", "id"), "paymentTerm": ref("PaymentTerm", "CIRRUS", r, "paymentterm", "id"),
			"type": ref("OrderType", "CIRRUS", r, "type", "id"), "deliveryType": ref("DeliveryType", "CIRRUS", r, "deliverytype", "id"),
			"invoiceAddress.email": text(r, "invoiceemail"), "deliveryAddress.city": text(r, "deliverycity"),
		}
		items := listOf{keys: []string{"sourceId", "articleId", "articleName", "specification", "quantity", "price", "total", "sortOrder"}}
		for _, row := range rows {
			items.items = append(items.items, map[string]any{"sourceId": idText(row, "id"), "articleId": idText(row, "article", "id"),
				"articleName": text(row, "article", "name"), "specification": text(row, "specification"),
				"quantity": number(row, "quantityordered"), "price": number(row, "price"), "total": number(row, "totalprice"),
				"sortOrder": integer(row, "sortorder")})
		}
		m["rows"] = items
		if len(rows) == 0 {
			m["total"] = m["price"]
		}
		return m
	}},
	{"Lead", "CIRRUS"}: {read: cirrusRecord("/leads/"), expect: func(r map[string]any) map[string]any {
		return map[string]any{
			"title": text(r, "title"), "description": text(r, "description"), "statusId": idText(r, "status", "id"),
			"leadSourceId": idText(r, "source", "id"), "value": number(r, "value"), "rating": integer(r, "rating"),
			"createdAt": when(r, "created"), "updatedAt": when(r, "updated"), "owner": ref("User", "CIRRUS", r, "user", "id"),
			"status": ref("LeadStatus", "CIRRUS", r, "status", "id"), "prospect.company": text(r, "contactcompany"),
			"prospect.email": text(r, "contactemail"), "prospect.lastName": text(r, "contactsurname"),
		}
	}},
	{"Lead", "CONE"}: {read: coneRecord("lead"), expect: func(r map[string]any) map[string]any {
		return map[string]any{
			"title": text(r, "subject"), "description": text(r, "description"), "statusId": text(r, "status", "id"),
			"leadSourceId": text(r, "source", "id"), "category": text(r, "category"), "qualified": flagOf(r, "isQualified"),
			"open": r["connectionClosedDate"] == nil && r["lostDate"] == nil, "dueDate": when(r, "dueDate"),
			"createdAt": when(r, "dateCreated"), "updatedAt": when(r, "dateModified"),
			"contact": ref("Contact", "CONE", r, "contact", "id"), "account": ref("Account", "CONE", r, "account", "id"),
			"owner": ref("User", "CONE", r, "createdBy", "id"), "stage": ref("Stage", "CONE", r, "stage", "id"),
		}
	}},
	{"ChangeRequest", "CLIENT_DATA"}: {read: cdChangeRequestRecord, expect: func(r map[string]any) map[string]any {
		changes := listOf{keys: []string{"path", "originalValue", "targetValue", "approvalRequired"}}
		for _, d := range list(r, "details") {
			changes.items = append(changes.items, map[string]any{"path": d["path"], "originalValue": text(d, "originalValue"),
				"targetValue": text(d, "targetValue"), "approvalRequired": flagOf(d, "isApprovalRequired")})
		}
		return map[string]any{
			"uid": text(r, "uId"), "createdAt": when(r, "createDate"), "initiatorComment": text(r, "initiatorComment"),
			"reviewedAt": when(r, "reviewDate"), "reviewComment": text(r, "reviewComment"),
			"contact": ref("Contact", "CLIENT_DATA", r, "contact", "id"), "status.sourceId": idText(r, "status", "id"),
			"initiator.uid": text(r, "initiatorMember", "uId"), "initiator.name": text(r, "initiatorMember", "name"),
			"reviewer.uid": text(r, "reviewMember", "uId"), "reviewer.name": text(r, "reviewMember", "name"),
			"status.name": text(r, "status", "name"), "changes": changes,
		}
	}},
	{"SupportCustomer", "SUPPORT"}: {read: supportCustomerRecord, expect: func(r map[string]any) map[string]any {
		m := map[string]any{
			"companyName": text(r, "company_name"), "firstName": text(r, "first_name"), "lastName": text(r, "last_name"),
			"individual": r["individual"], "status": text(r, "status"), "currency": text(r, "currency"), "notes": text(r, "notes"),
			"taxNumber": text(r, "tax_number"), "createdAt": when(r, "created_at"), "updatedAt": when(r, "updated_at"),
			"name": joined(text(r, "first_name"), text(r, "last_name")),
		}
		if m["name"] == nil {
			m["name"] = m["companyName"]
		}
		emails := []any{}
		for _, e := range list(r, "emails") {
			emails = append(emails, e["email"])
		}
		m["emails"] = emails
		return m
	}},
	{"User", "CIRRUS"}: {read: cirrusRecord("/users/"), expect: func(r map[string]any) map[string]any {
		return map[string]any{
			"name": joined(text(r, "name"), text(r, "surname")), "firstName": text(r, "name"), "lastName": text(r, "surname"),
			"title": text(r, "title"), "email": text(r, "email"), "phone": text(r, "phone"), "mobile": text(r, "cellphone"),
			"active": flagOf(r, "active"),
		}
	}},
	{"User", "CONE"}: {read: func(*testing.T, string) map[string]any { return map[string]any{} },
		expect: func(map[string]any) map[string]any { return map[string]any{} }},
}

// Readers.

func cirrusRecord(prefix string) func(t *testing.T, id string) map[string]any {
	return func(t *testing.T, id string) map[string]any { return sandboxCirrus(t).get(t, prefix+id) }
}

func coneRecord(entity string) func(t *testing.T, id string) map[string]any {
	return func(t *testing.T, id string) map[string]any {
		rows := sandboxCone(t).filter(t, entity, []string{id})
		if len(rows) != 1 {
			t.Fatalf("ConeCRM %s %s: %d rows", entity, id, len(rows))
		}
		return rows[0]
	}
}

func cdContactRecord(t *testing.T, id string) map[string]any {
	cd := sandboxClientData(t)
	r := cd.get(t, "/v1.0/contacts/"+url.PathEscape(id)+"/details")
	r["username"] = cd.get(t, "/v1.0/contacts/"+url.PathEscape(id)+"/username")["username"]
	r["externalConnections"] = cd.get(t, "/v1.0/contacts/"+url.PathEscape(id)+"/external-connections")["connections"]
	r["pending"] = cd.get(t, "/v1.1/contacts/"+url.PathEscape(id)+"/pending-change-request/check")
	return r
}

func cdChangeRequestRecord(t *testing.T, id string) map[string]any {
	contact, cr, _ := strings.Cut(id, "/")
	return sandboxClientData(t).get(t, "/v1.1/contacts/"+url.PathEscape(contact)+"/change-requests/"+url.PathEscape(cr))
}

func supportCustomerRecord(t *testing.T, id string) map[string]any {
	data, _ := sandboxSupport(t).get(t, "/customer-support/customers/"+url.PathEscape(id))["data"].(map[string]any)
	return data
}

// Field readers over the raw JSON.

func at(r map[string]any, keys ...string) any {
	var cur any = r
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// text is a string field; "" and null are null (the API sends "" for unset text).
func text(r map[string]any, keys ...string) any {
	switch v := at(r, keys...).(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return nil
		}
		return v
	case json.Number:
		return v.String()
	}
	return nil
}

func firstText(r map[string]any, keys ...string) any {
	for _, k := range keys {
		if v := text(r, k); v != nil {
			return v
		}
	}
	return nil
}

// joined is "first last" without the missing parts (null when both are).
func joined(parts ...any) any {
	var s []string
	for _, p := range parts {
		if p, ok := p.(string); ok && p != "" {
			s = append(s, p)
		}
	}
	if len(s) == 0 {
		return nil
	}
	return strings.Join(s, " ")
}

// idText is a numeric id as the schema's ID (a string); 0 and null are none.
func idText(r map[string]any, keys ...string) any {
	switch v := at(r, keys...).(type) {
	case json.Number:
		if v.String() == "0" {
			return nil
		}
		return v.String()
	case string:
		return text(r, keys...)
	}
	return nil
}

// flag is a Cirrus 0/1 integer or a boolean.
func flagOf(r map[string]any, keys ...string) any {
	switch v := at(r, keys...).(type) {
	case bool:
		return v
	case json.Number:
		return v.String() != "0"
	case nil:
		return false
	}
	return nil
}

func integer(r map[string]any, keys ...string) any {
	if v, ok := at(r, keys...).(json.Number); ok {
		n, err := v.Int64()
		if err == nil {
			return float64(n)
		}
	}
	return nil
}

func number(r map[string]any, keys ...string) any {
	if v, ok := at(r, keys...).(json.Number); ok {
		return decimal(v.String())
	}
	return nil
}

// day is the date part of a date or a timestamp.
func day(r map[string]any, keys ...string) any {
	s, _ := text(r, keys...).(string)
	if len(s) < 10 {
		return nil
	}
	return s[:10]
}

func when(r map[string]any, keys ...string) any {
	s, _ := text(r, keys...).(string)
	if s == "" {
		return nil
	}
	return instant(s)
}

func ref(typ, source string, r map[string]any, keys ...string) any {
	id := idText(r, keys...)
	if id == nil {
		return reference("")
	}
	return reference(globalID(typ, source, id.(string)))
}

func globalID(typ, source, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + source + ":" + id))
}

func list(r map[string]any, keys ...string) []map[string]any {
	xs, _ := at(r, keys...).([]any)
	out := make([]map[string]any, 0, len(xs))
	for _, x := range xs {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func ratOf(v any) (*big.Rat, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	case float64:
		s = fmt.Sprint(x)
	default:
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

func parseInstant(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// matches compares what the gateway answered with an expected value.
func matches(got, want any) bool {
	switch w := want.(type) {
	case decimal:
		g, ok1 := ratOf(got)
		x, ok2 := ratOf(string(w))
		return ok1 && ok2 && g.Cmp(x) == 0
	case instant:
		gs, _ := got.(string)
		g, ok1 := parseInstant(gs)
		x, ok2 := parseInstant(string(w))
		return ok1 && ok2 && g.Equal(x)
	case reference:
		if w == "" {
			return got == nil
		}
		m, _ := got.(map[string]any)
		return m != nil && m["id"] == string(w)
	case nil:
		return !filled(got)
	case listOf:
		xs, _ := got.([]any)
		if len(xs) != len(w.items) {
			return false
		}
		for i, x := range xs {
			m, _ := x.(map[string]any)
			for _, k := range w.keys {
				if m == nil || !matches(m[k], w.items[i][k]) {
					return false
				}
			}
		}
		return true
	}
	return reflect.DeepEqual(normalizeJSON(got), normalizeJSON(want))
}

// normalizeJSON makes numbers comparable (json.Number vs float64).
func normalizeJSON(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// valueAt reads a dotted path of a gateway record; a value object that is a list (or
// null) answers with its first item.
func valueAt(rec map[string]any, dotted string) any {
	var cur any = rec
	for _, k := range strings.Split(dotted, ".") {
		if xs, ok := cur.([]any); ok {
			if len(xs) == 0 {
				return nil
			}
			cur = xs[0]
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// checkBackends compares every record read by id with the backend's own record: each
// field of the type is either expected from the backend, declared unavailable (then
// null), or excluded.
func (d *differential) checkBackends(t *testing.T) {
	missing := map[string]bool{}
	for _, id := range sortedStrings(d.canonical) {
		k, sourceID := recordKey(t, id)
		b, ok := backendSources[k]
		if !ok && referenceItemTypes[k.typ] {
			continue // compared with its referenceData list (reference items, below)
		}
		if !ok {
			t.Errorf("%s: no backend reader for %s", id, k)
			continue
		}
		rec := d.canonical[id]
		raw := b.read(t, sourceID)
		want := b.expect(raw)
		want["id"], want["source"], want["sourceId"] = id, k.source, sourceID
		for _, f := range fieldsOf(t, k.typ) {
			if !comparableField(k, f.name) {
				continue
			}
			if _, na := unavailable[k][f.name]; na {
				want[f.name] = nil
			}
			if _, ok := want[f.name]; !ok && f.kind == leafField && !missing[k.String()+f.name] {
				missing[k.String()+f.name] = true
				t.Errorf("%s.%s: no expectation from the backend record: add one, or declare the field unavailable", k, f.name)
			}
		}
		for _, field := range sortedStrings(want) {
			got := valueAt(rec, field)
			d.compared["backend"]++
			if !matches(got, want[field]) {
				w := want[field]
				if l, ok := w.(listOf); ok {
					w = l.items
				}
				t.Errorf("%s %s: the gateway says %s, the backend record %s", id, field, jsonText(got), jsonText(w))
			}
		}
	}
}

// referenceLists name, for each reference-typed field, the referenceData list its items
// come from and the key they are matched by.
var referenceLists = map[string]string{
	"Account.type": "accountTypes", "Opportunity.status": "opportunityStatuses", "Opportunity.type": "opportunityTypes",
	"Opportunity.opportunitySource": "opportunitySources", "Opportunity.lostReason": "lostReasons",
	"Opportunity.winReason": "winReasons", "Order.status": "orderStatuses", "Order.type": "orderTypes",
	"Order.deliveryTerm": "deliveryTerms", "Order.paymentTerm": "paymentTerms", "Order.deliveryType": "deliveryTypes",
	"Lead.status": "leadStatuses", "Lead.stage": "stages", "ChangeRequest.status": "changeRequestStatuses",
}

// referenceItemTypes are the Node types of reference-list items: their values are the
// cached lists', compared item by item with referenceData rather than read one by one.
var referenceItemTypes = map[string]bool{
	"AccountType": true, "OpportunityStatus": true, "OpportunityType": true, "OpportunitySource": true,
	"LostReason": true, "WinReason": true, "OrderStatus": true, "OrderType": true, "DeliveryTerm": true,
	"PaymentTerm": true, "DeliveryType": true, "LeadStatus": true, "LeadSource": true, "Stage": true,
}

// noReferenceList are reference-typed fields no list serves, with why.
var noReferenceList = map[string]string{
	"Lead.leadSource": "Cirrus has no lead-source list (seed: lead sources have the opportunity sources' shape, not their ids)",
}

// backendSeeds find, in the backend's own lists, records the root lists' first pages
// lack (an account with a parent, an order of an opportunity, a company customer), so
// every field and edge is reached.
var backendSeeds = map[typeSource]func(t *testing.T) []string{
	{"Account", "CIRRUS"}: cirrusSeed("/accounts?active=2&sorting=number_asc", "parentaccount", "id"),
	{"Order", "CIRRUS"}:   cirrusSeed("/orders?sorting=placedate_desc", "opportunity", "id"),
	{"SupportCustomer", "SUPPORT"}: func(t *testing.T) []string {
		sb := sandboxSupport(t)
		cursor := ""
		for range 30 {
			q := "/customer-support/customers?limit=200&fields=id,individual"
			if cursor != "" {
				q += "&cursor=" + url.QueryEscape(cursor)
			}
			page := sb.get(t, q)
			for _, c := range list(page, "data") {
				if c["individual"] == false {
					return []string{c["id"].(string)}
				}
			}
			next, _ := at(page, "meta", "cursors", "next").(string)
			if next == "" {
				break
			}
			cursor = next
		}
		t.Fatal("no company customer in the Apideck sandbox")
		return nil
	},
}

// cirrusSeed returns the first record of a Cirrus list (its first pages) whose keys
// are set.
func cirrusSeed(listPath string, keys ...string) func(t *testing.T) []string {
	return func(t *testing.T) []string {
		c := sandboxCirrus(t)
		for page := 1; page <= 10; page++ {
			for _, r := range list(c.get(t, fmt.Sprintf("%s&per_page=50&page=%d", listPath, page)), "items") {
				if idText(r, keys...) != nil {
					return []string{idText(r, "id").(string)}
				}
			}
		}
		t.Fatalf("no record of %s has %v", listPath, keys)
		return nil
	}
}

// checkReferenceItems: a reference item (an object with an id of its own list) reads the
// same through a record as in referenceData.
func (d *differential) checkReferenceItems(t *testing.T) {
	s := schemaForTests(t)
	lists := map[string]map[string]any{}
	var sel []string
	for _, f := range s.Types["ReferenceData"].Fields {
		sel = append(sel, f.Name+" { "+fullSelection(t, s.Types[f.Type.Name()].Name)+" }")
	}
	data := d.run("{ referenceData { "+strings.Join(sel, " ")+" } }", nil)["referenceData"].(map[string]any)
	for name, items := range data {
		lists[name] = map[string]any{}
		for _, it := range items.([]any) {
			m := it.(map[string]any)
			key, _ := m["id"].(string)
			if key == "" {
				key, _ = m["sourceId"].(string)
			}
			lists[name][key] = m
		}
	}
	for _, id := range sortedStrings(d.canonical) {
		k, _ := recordKey(t, id)
		for _, f := range fieldsOf(t, k.typ) {
			if f.kind != valueField {
				continue
			}
			def := s.Types[f.target]
			if isListField(t, k.typ, f.name) || def.Fields.ForName("id") == nil && def.Fields.ForName("sourceId") == nil {
				continue // not a reference item
			}
			field := k.typ + "." + f.name
			list, ok := referenceLists[field]
			if !ok {
				if noReferenceList[field] == "" {
					t.Errorf("%s is a reference item: name its referenceData list, or say why there is none", field)
				}
				continue
			}
			item, _ := d.canonical[id][f.name].(map[string]any)
			if item == nil {
				continue
			}
			key, _ := item["id"].(string)
			if key == "" {
				key, _ = item["sourceId"].(string)
			}
			d.compared["reference"]++
			if want := lists[list][key]; !reflect.DeepEqual(item, want) {
				t.Errorf("%s of %s: %s, referenceData.%s has %s", field, id, jsonText(item), list, jsonText(want))
			}
		}
	}
}

package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"crmgraph/backends/cone"
)

func coneChecks(c *cone.Client) []Check {
	return []Check{
		{Backend: "cone", Assumption: "accounts list answers {total, accounts} with offset/limit",
			Run: func(ctx context.Context) Finding {
				l, err := c.Accounts(ctx, cone.AccountQuery{Offset: 0, Limit: 2})
				if f := reached(err, "GET /api/account"); f != nil {
					return *f
				}
				return Verdict(len(l.Accounts) <= 2 && l.Total >= len(l.Accounts),
					fmt.Sprintf("total %d, %d accounts for limit 2", l.Total, len(l.Accounts)), "")
			}},
		{Backend: "cone", Assumption: "contacts list is a bare array paged by start/limit",
			Run: func(ctx context.Context) Finding {
				xs, err := c.Contacts(ctx, cone.ContactQuery{Start: 0, Limit: 2})
				if f := reached(err, "GET /api/contact"); f != nil {
					return *f
				}
				return Verdict(len(xs) <= 2, fmt.Sprintf("%d contacts for limit 2", len(xs)), "")
			}},
		{Backend: "cone", Assumption: "stages (a reference list) are readable",
			Run: func(ctx context.Context) Finding {
				xs, err := c.Stages(ctx)
				if f := reached(err, "GET /api/stage"); f != nil {
					return *f
				}
				return Verdict(true, fmt.Sprintf("%d stages", len(xs)), "")
			}},
		{Backend: "cone", Assumption: "query-builder entities account, contact and lead exist",
			Run: func(ctx context.Context) Finding {
				var fields []string
				for _, e := range []string{cone.EntityAccount, cone.EntityContact, cone.EntityLead} {
					cfg, err := c.QueryBuilderConfig(ctx, e)
					if f := reached(err, "GET /api/query-builder/config/"+e); f != nil {
						return *f
					}
					fields = append(fields, fmt.Sprintf("%s: %d fields", e, len(cfg.Fields)))
				}
				return Verdict(true, strings.Join(fields, ", "), "")
			}},
		{Backend: "cone", Assumption: "in/notIn lists travel as CONE_IN_VALUES says",
			Run: func(ctx context.Context) Finding {
				l, err := c.Accounts(ctx, cone.AccountQuery{Limit: 2})
				if f := reached(err, "GET /api/account"); f != nil {
					return *f
				}
				if len(l.Accounts) < 2 {
					return Inconclusive("fewer than two accounts")
				}
				ids := []string{l.Accounts[0].ID, l.Accounts[1].ID}
				found := func(c *cone.Client) (int, error) {
					xs, err := c.AccountsByID(ctx, ids)
					return len(xs), err
				}
				n, err := found(c)
				if f := reached(err, "query-builder filter account id in"); f != nil {
					return *f
				}
				if n == 2 {
					return Verdict(true, fmt.Sprintf("CONE_IN_VALUES=%s finds 2 of 2 accounts", c.InValues()), "")
				}
				other := cone.InArray
				if c.InValues() == cone.InArray {
					other = cone.InComma
				}
				if m, err := found(c.WithInValues(other)); err == nil && m == 2 {
					return Verdict(false, fmt.Sprintf("CONE_IN_VALUES=%s finds %d of 2 accounts, %s finds 2", c.InValues(), n, other), "CONE_IN_VALUES="+other)
				}
				return Verdict(false, fmt.Sprintf("neither encoding finds both accounts (%s: %d of 2)", c.InValues(), n), "")
			}},
		{Backend: "cone", Assumption: "dotted relation field contact.id filters leads",
			Run: func(ctx context.Context) Finding {
				xs, err := c.Contacts(ctx, cone.ContactQuery{Limit: 20})
				if f := reached(err, "GET /api/contact"); f != nil {
					return *f
				}
				// One contact at a time with =, so that the check does not rest on the
				// in encoding (its own check).
				for _, x := range xs {
					leads, err := c.Leads(ctx, cone.LeadFilter{Rules: []cone.Rule{cone.Equal(cone.FieldLeadContact, x.ID)}})
					if f := reached(err, "query-builder filter lead contact.id ="); f != nil {
						return *f
					}
					if len(leads) == 0 {
						continue
					}
					for _, l := range leads {
						if l.Contact == nil || l.Contact.ID != x.ID {
							return Verdict(false, "a lead of another contact came back: contact.id did not filter", "")
						}
					}
					return Verdict(true, fmt.Sprintf("%d leads of one contact", len(leads)), "")
				}
				return Inconclusive(fmt.Sprintf("no leads for %d contacts", len(xs)))
			}},
		leadRelationCheck(c, cone.FieldLeadAccount, "account", func(l cone.Lead) *cone.Ref { return l.Account }),
		leadRelationCheck(c, cone.FieldLeadStage, "stage", func(l cone.Lead) *cone.Ref { return l.Stage }),
		{Backend: "cone", Assumption: "query-builder answers leads in id order (lead pages without totalCount stop reading on it)",
			Run: func(ctx context.Context) Finding {
				rows, err := c.Filter(ctx, cone.EntityLead, cone.Query{})
				if f := reached(err, "query-builder filter lead"); f != nil {
					return *f
				}
				if len(rows) < 2 {
					return Inconclusive(fmt.Sprintf("%d leads", len(rows)))
				}
				prev := ""
				for i, raw := range rows {
					var l struct{ ID string }
					if err := json.Unmarshal(raw, &l); err != nil || l.ID == "" {
						return Inconclusive(fmt.Sprintf("lead %d has no id", i))
					}
					if l.ID < prev {
						return Verdict(false, fmt.Sprintf("lead %d (%s) comes after %s: lead pages without totalCount can miss leads (select totalCount to read the whole list)", i, l.ID, prev), "")
					}
					prev = l.ID
				}
				return Verdict(true, fmt.Sprintf("%d leads in id order", len(rows)), "")
			}},
		{Backend: "cone", Assumption: "dotted relation fields thirdPartyIds.systemName/thirdPartyId find contacts",
			Run: func(ctx context.Context) Finding {
				return thirdPartyCheck(ctx, "contact", func() ([]cone.Contact, error) { return c.Contacts(ctx, cone.ContactQuery{Limit: 50}) },
					func(x cone.Contact) (string, []cone.ThirdPartyID) { return x.ID, x.ThirdPartyIDs }, c.ContactsByThirdPartyID)
			}},
		{Backend: "cone", Assumption: "dotted relation fields thirdPartyIds.systemName/thirdPartyId find accounts",
			Run: func(ctx context.Context) Finding {
				return thirdPartyCheck(ctx, "account", func() ([]cone.Account, error) {
					l, err := c.Accounts(ctx, cone.AccountQuery{Limit: 50})
					if err != nil {
						return nil, err
					}
					return l.Accounts, nil
				}, func(x cone.Account) (string, []cone.ThirdPartyID) { return x.ID, x.ThirdPartyIDs }, c.AccountsByThirdPartyID)
			}},
	}
}

// leadRelationCheck checks that the dotted relation field (e.g. "account.id") filters
// leads by the relation rel reads: the first lead that has one is found back through
// it with =, along with leads of that relation only. It uses = so that it does not rest
// on the in encoding (its own check).
func leadRelationCheck(c *cone.Client, field, what string, rel func(cone.Lead) *cone.Ref) Check {
	return Check{Backend: "cone", Assumption: "dotted relation field " + field + " filters leads",
		Run: func(ctx context.Context) Finding {
			var first *cone.Lead
			_, _, err := c.LeadsUntil(ctx, cone.LeadFilter{}, func(l cone.Lead) bool {
				if r := rel(l); r != nil && r.ID != "" {
					first = &l
				}
				return first != nil
			})
			if f := reached(err, "query-builder filter lead"); f != nil {
				return *f
			}
			if first == nil {
				return Inconclusive("no lead has a " + what)
			}
			id := rel(*first).ID
			leads, err := c.Leads(ctx, cone.LeadFilter{Rules: []cone.Rule{cone.Equal(field, id)}})
			if f := reached(err, "query-builder filter lead "+field+" ="); f != nil {
				return *f
			}
			found := false
			for _, l := range leads {
				if r := rel(l); r == nil || r.ID != id {
					return Verdict(false, fmt.Sprintf("a lead of another %s came back: %s did not filter (%d leads)", what, field, len(leads)), "")
				}
				found = found || l.ID == first.ID
			}
			if !found {
				return Verdict(false, fmt.Sprintf("%s = the %s of lead %s did not find that lead (%d leads)", field, what, first.ID, len(leads)), "")
			}
			return Verdict(true, fmt.Sprintf("%d leads of one %s", len(leads), what), "")
		}}
}

// thirdPartyCheck looks up, through the query builder's thirdPartyIds fields, the first
// listed record that has a third-party id, and holds when the lookup finds it.
func thirdPartyCheck[T any](ctx context.Context, entity string, list func() ([]T, error),
	key func(T) (string, []cone.ThirdPartyID), find func(ctx context.Context, system string, ids []string) ([]T, error)) Finding {
	xs, err := list()
	if f := reached(err, "GET /api/"+entity); f != nil {
		return *f
	}
	for _, x := range xs {
		id, tps := key(x)
		if len(tps) == 0 {
			continue
		}
		t := tps[0]
		got, err := find(ctx, t.SystemName, []string{t.ThirdPartyID})
		if f := reached(err, "query-builder filter "+entity+" thirdPartyIds"); f != nil {
			return *f
		}
		for _, g := range got {
			if gid, _ := key(g); gid == id {
				return Verdict(true, fmt.Sprintf("%s id found its %s", t.SystemName, entity), "")
			}
		}
		return Verdict(false, fmt.Sprintf("%s id %s did not find its %s", t.SystemName, t.ThirdPartyID, entity), "")
	}
	return Inconclusive("no " + entity + " among the first 50 has third-party ids")
}

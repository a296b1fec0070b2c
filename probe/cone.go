package probe

import (
	"context"
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
		{Backend: "cone", Assumption: "dotted relation fields thirdPartyIds.systemName/thirdPartyId find accounts",
			Run: func(ctx context.Context) Finding {
				l, err := c.Accounts(ctx, cone.AccountQuery{Limit: 50})
				if f := reached(err, "GET /api/account"); f != nil {
					return *f
				}
				for _, a := range l.Accounts {
					if len(a.ThirdPartyIDs) == 0 {
						continue
					}
					t := a.ThirdPartyIDs[0]
					got, err := c.AccountsByThirdPartyID(ctx, t.SystemName, []string{t.ThirdPartyID})
					if f := reached(err, "query-builder filter account thirdPartyIds"); f != nil {
						return *f
					}
					for _, g := range got {
						if g.ID == a.ID {
							return Verdict(true, fmt.Sprintf("%s id found its account", t.SystemName), "")
						}
					}
					return Verdict(false, fmt.Sprintf("%s id %s did not find its account", t.SystemName, t.ThirdPartyID), "")
				}
				return Inconclusive("no account among the first 50 has third-party ids")
			}},
	}
}

package probe

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/rest"
)

func cirrusChecks(c *cirrus.Client) []Check {
	return []Check{
		{Backend: "cirrus", Assumption: "accounts list at the inferred path answers the page envelope {page,pages,per_page,total,items}",
			Run: func(ctx context.Context) Finding {
				p, err := c.Accounts(ctx, cirrus.AccountQuery{ListOptions: cirrus.ListOptions{Page: 1, PerPage: 2}})
				if f := reached(err, "GET accounts"); f != nil {
					return *f
				}
				return Verdict(p.Page == 1 && p.PerPage == 2 && p.Total >= len(p.Items) && len(p.Items) <= 2,
					fmt.Sprintf("page %d, per_page %d, total %d, %d items", p.Page, p.PerPage, p.Total, len(p.Items)), "")
			}},
		{Backend: "cirrus", Assumption: "reference lists (account types) at the inferred path",
			Run: func(ctx context.Context) Finding {
				xs, err := c.AccountTypes(ctx)
				if f := reached(err, "GET account types"); f != nil {
					return *f
				}
				return Verdict(true, fmt.Sprintf("%d account types", len(xs)), "")
			}},
		{Backend: "cirrus", Assumption: "collection paths take the configured trailing-slash form (CIRRUS_TRAILING_SLASH)",
			Run: func(ctx context.Context) Finding { return cirrusSlash(ctx, c) }},
		{Backend: "cirrus", Assumption: "X-Fields on a list masks what CIRRUS_MASK_PLACEMENT says (page envelope or each item)",
			Run: func(ctx context.Context) Finding { return cirrusMask(ctx, c) }},
		{Backend: "cirrus", Assumption: "per_page up to CIRRUS_MAX_PER_PAGE (default the seed's 50) is honoured",
			Run: func(ctx context.Context) Finding { return cirrusPageCap(ctx, c) }},
		{Backend: "cirrus", Assumption: "a create answers the new record in its body (the seed documents none)", Writes: true,
			Run: func(ctx context.Context) Finding { return cirrusCreateBody(ctx, c) }},
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// cirrusSlash tries the configured form of a collection path, then the other.
func cirrusSlash(ctx context.Context, c *cirrus.Client) Finding {
	slash := c.Config().TrailingSlash
	_, err := c.AccountTypes(ctx)
	if err == nil {
		return Verdict(true, "GET account types answered with trailing slash "+onOff(slash), "")
	}
	// A wrong form may be answered by a redirect (which the client does not follow and
	// counts as unavailable) or a 404: try the other form before judging.
	other := c.With(func(cfg *cirrus.Config) { cfg.TrailingSlash = !slash })
	if _, oerr := other.AccountTypes(ctx); oerr == nil {
		return Verdict(false, fmt.Sprintf("trailing slash %s: %v; %s answers", onOff(slash), err, onOff(!slash)), "CIRRUS_TRAILING_SLASH="+onOff(!slash))
	}
	return *reached(err, "GET account types (either path form)")
}

// reachable is c, or c with the other trailing-slash form when only that one answers,
// so that the checks below see their own point and not the path form.
func reachable(ctx context.Context, c *cirrus.Client) *cirrus.Client {
	if _, err := c.AccountTypes(ctx); err == nil {
		return c
	}
	other := c.With(func(cfg *cirrus.Config) { cfg.TrailingSlash = !cfg.TrailingSlash })
	if _, err := other.AccountTypes(ctx); err == nil {
		return other
	}
	return c
}

// maskSeen reads two accounts masked to {id,name} under placement: whether the items
// came back with ids, and whether the mask took effect (no other field).
func maskSeen(ctx context.Context, c *cirrus.Client, placement string) (ids, masked bool, n int, err error) {
	pc := c.With(func(cfg *cirrus.Config) { cfg.MaskPlacement = placement })
	p, err := pc.Accounts(ctx, cirrus.AccountQuery{ListOptions: cirrus.ListOptions{Page: 1, PerPage: 2, Mask: "{id,name}"}})
	if err != nil {
		return false, false, 0, err
	}
	ids, masked = len(p.Items) > 0, true
	for _, a := range p.Items {
		ids = ids && a.ID > 0
		masked = masked && a.Number == "" && a.Type == nil && a.User == nil
	}
	return ids, masked, len(p.Items), nil
}

func cirrusMask(ctx context.Context, c *cirrus.Client) Finding {
	c = reachable(ctx, c)
	placement := c.Config().MaskPlacement
	if placement == "" {
		placement = cirrus.MaskEnvelope
	}
	other := map[string]string{cirrus.MaskEnvelope: cirrus.MaskItem, cirrus.MaskItem: cirrus.MaskEnvelope}[placement]
	ids, masked, n, err := maskSeen(ctx, c, placement)
	if f := reached(err, "GET accounts with X-Fields"); f != nil {
		return *f
	}
	if ids {
		detail := "items came back masked to {id,name}"
		if !masked {
			detail = "items came back whole: the API ignores X-Fields here"
		}
		return Verdict(true, fmt.Sprintf("%s mask: %s", placement, detail), "")
	}
	oids, _, _, oerr := maskSeen(ctx, c, other)
	if oerr == nil && oids {
		return Verdict(false, fmt.Sprintf("%s mask: %d items without ids; %s mask: items with ids", placement, n, other), "CIRRUS_MASK_PLACEMENT="+other)
	}
	if n == 0 && oerr == nil {
		return Inconclusive("no accounts to mask")
	}
	return Verdict(false, fmt.Sprintf("neither placement brings ids back (%d items)", n), "")
}

// cirrusPageCap asks one page of the configured cap, sent as it is.
func cirrusPageCap(ctx context.Context, c *cirrus.Client) Finding {
	c = reachable(ctx, c)
	limit := c.Config().MaxPerPage
	if limit <= 0 || limit > cirrus.MaxPerPage {
		limit = cirrus.MaxPerPage
	}
	p, err := c.Accounts(ctx, cirrus.AccountQuery{ListOptions: cirrus.ListOptions{Page: 1, PerPage: limit, Mask: "{id}"}})
	if err != nil {
		var he *rest.HTTPError
		if errors.As(err, &he) && he.Status == 400 {
			return Verdict(false, fmt.Sprintf("per_page %d refused: %v", limit, err), "")
		}
		return *reached(err, "GET accounts")
	}
	if p.Total < limit {
		return Inconclusive(fmt.Sprintf("only %d accounts: a full page of %d cannot be seen", p.Total, limit))
	}
	if len(p.Items) == limit {
		return Verdict(true, fmt.Sprintf("asked %d, got %d", limit, len(p.Items)), "")
	}
	return Verdict(false, fmt.Sprintf("asked %d, got %d (envelope per_page %d)", limit, len(p.Items), p.PerPage),
		"CIRRUS_MAX_PER_PAGE="+strconv.Itoa(len(p.Items)))
}

// cirrusCreateBody creates an inactive probe account, then leaves it inactive: Cirrus
// has no account delete (the seed documents DELETE only for budget items).
func cirrusCreateBody(ctx context.Context, c *cirrus.Client) Finding {
	c = reachable(ctx, c)
	types, err := c.AccountTypes(ctx)
	if f := reached(err, "GET account types"); f != nil {
		return *f
	}
	users, err := c.Users(ctx, cirrus.UserQuery{ListOptions: cirrus.ListOptions{Page: 1, PerPage: 1}})
	if f := reached(err, "GET users"); f != nil {
		return *f
	}
	if len(types) == 0 || len(users.Items) == 0 {
		return Inconclusive("no account type or user to create an account with")
	}
	a, how, err := c.CreateAccountAnswered(ctx, cirrus.AccountWrite{Name: rest.Some("crmgraph probe (inactive, safe to delete)"),
		TypeID: rest.Some(types[0].ID), UserID: rest.Some(users.Items[0].ID), Active: rest.Some(cirrus.Flag(0))})
	if err != nil {
		if errors.Is(err, cirrus.ErrCreatedUnseen) {
			return Verdict(false, fmt.Sprintf("created, but no body, no Location and not found in the list: %v", err), "")
		}
		return *reached(err, "POST accounts")
	}
	left := fmt.Sprintf("account %d left inactive (no delete endpoint)", a.ID)
	switch how {
	case cirrus.FromBody:
		return Verdict(true, "the body held the record; "+left, "")
	case cirrus.FromLocation:
		return Verdict(false, "no body; the client read the record from Location (no setting needed); "+left, "")
	}
	return Verdict(false, "no body, no Location; the client found the record in the list (no setting needed); "+left, "")
}

package resolvers

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/graph-gophers/dataloader/v7"

	"crmgraph/backends/support"
	"crmgraph/graph/model"
)

// supportLoaders: Apideck has no batch form, so customers by id fan out.
type supportLoaders struct {
	CustomerByID *dataloader.Loader[string, *model.SupportCustomer]
}

func (r *Resolver) newSupportLoaders() supportLoaders {
	return supportLoaders{
		CustomerByID: fanOutLoader(r, "SupportCustomerByID", func(ctx context.Context, id string) (*model.SupportCustomer, error) {
			if r.Support == nil {
				return nil, errSupportOff
			}
			c, err := r.Support.Customer(ctx, id, supportFields(ctx))
			if err != nil {
				return nil, fromBackend("support", err)
			}
			return supportCustomer(c), nil
		}),
	}
}

// errSupportOff: crmgraph runs without an Apideck connection.
var errSupportOff = badInput("the SUPPORT backend is not configured")

// supportFieldMap maps SupportCustomer fields to Apideck `fields` names.
var supportFieldMap = map[string][]string{
	"companyName": {"company_name"}, "firstName": {"first_name"}, "lastName": {"last_name"},
	"name": {"first_name", "last_name", "company_name"}, "individual": {"individual"}, "emails": {"emails"},
	"phones": {"phone_numbers"}, "addresses": {"addresses"}, "status": {"status"}, "currency": {"currency"},
	"notes": {"notes"}, "taxNumber": {"tax_number"}, "createdAt": {"created_at"}, "updatedAt": {"updated_at"},
}

// supportFields derives the `fields` parameter from everything the operation selects on
// SupportCustomer (nil: no operation to derive it from, every field).
func supportFields(ctx context.Context) []string {
	m := masks(ctx)
	if len(m.selected) == 0 {
		return nil
	}
	set := map[string]bool{"id": true}
	for f := range m.selected["SupportCustomer"] {
		for _, k := range supportFieldMap[f] {
			set[k] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func supportCustomer(c *support.Customer) *model.SupportCustomer {
	m := &model.SupportCustomer{
		ID: model.GlobalID("SupportCustomer", model.SourceSupport, c.ID), Source: model.SourceSupport, SourceID: c.ID,
		CompanyName: str(c.CompanyName), FirstName: str(c.FirstName), LastName: str(c.LastName), Individual: c.Individual,
		Status: str(c.Status), Currency: str(c.Currency), Notes: str(c.Notes), TaxNumber: str(c.TaxNumber),
		CreatedAt: utc(c.CreatedAt), UpdatedAt: utc(c.UpdatedAt),
		Emails: []string{}, Phones: []string{}, Addresses: []*model.Address{},
	}
	if name := strings.TrimSpace(c.FirstName + " " + c.LastName); name != "" {
		m.Name = &name
	} else {
		m.Name = str(c.CompanyName)
	}
	for _, e := range c.Emails {
		m.Emails = append(m.Emails, e.Email)
	}
	for _, p := range c.PhoneNumbers {
		if s := supportPhone(p); s != "" {
			m.Phones = append(m.Phones, s)
		}
	}
	for _, a := range c.Addresses {
		street := strings.TrimSpace(strings.Join([]string{a.Line1, a.StreetNumber}, " "))
		if street == "" {
			street = a.String
		}
		kind := a.Type
		if kind == "" {
			kind = "other"
		}
		m.Addresses = append(m.Addresses, &model.Address{Kind: kind, Name: str(a.Name), Street: str(street),
			PostalCode: str(a.PostalCode), City: str(a.City), Province: str(a.State), Country: str(a.Country), Email: str(a.Email)})
	}
	return m
}

// supportPhone writes an Apideck PhoneNumber (country_code, area_code, number,
// extension: seed 000 L2292–2343) in ITU-T E.123 international notation, "+46 8 123 45
// 67", with " ext. 105" for an extension. The seed's example (001 L431–440) has the
// country code without "+" ("1"), which is added; one sent with it is not doubled. A
// number that starts with "+" is complete already (a connector that does not split
// numbers), so the codes are not repeated in front of it.
func supportPhone(p support.PhoneNumber) string {
	number := strings.TrimSpace(p.Number)
	var parts []string
	if !strings.HasPrefix(number, "+") {
		if cc := strings.TrimLeft(strings.TrimSpace(p.CountryCode), "+"); cc != "" {
			parts = append(parts, "+"+cc)
		}
		if area := strings.TrimSpace(p.AreaCode); area != "" {
			parts = append(parts, area)
		}
	}
	if number != "" {
		parts = append(parts, number)
	}
	if len(parts) == 0 {
		return ""
	}
	out := strings.Join(parts, " ")
	if ext := strings.TrimSpace(p.Extension); ext != "" {
		out += " ext. " + ext
	}
	return out
}

// supportCursor is a position in Apideck's cursor paging: the page's own cursor and an
// index into that page ("s:<index>:<apideck cursor>"), so a connection window may start
// anywhere and straddle pages.
func supportCursor(pageCursor string, index int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s:" + itoa(index) + ":" + pageCursor))
}

func parseSupportCursor(after *string) (pageCursor string, index int, err error) {
	if after == nil || *after == "" {
		return "", 0, nil
	}
	b, derr := base64.RawURLEncoding.DecodeString(*after)
	parts := strings.SplitN(string(b), ":", 3)
	if derr != nil || len(parts) != 3 || parts[0] != "s" {
		return "", 0, badInput("malformed cursor")
	}
	n, aerr := atoi(parts[1])
	if aerr != nil || n < 0 {
		return "", 0, badInput("malformed cursor")
	}
	return parts[2], n, nil
}

// supportCustomers pages Apideck customers from the position the cursor names. Apideck
// answers a page and the cursor of the next one, nothing else: there is no way back and
// no total, so the list pages forward only.
func (r *Resolver) supportCustomers(ctx context.Context, args pageArgs) (*model.SupportCustomerConnection, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	if err := args.forwardOnly("supportCustomers", "Apideck pages by an opaque next-page cursor and has no way back"); err != nil {
		return nil, err
	}
	if r.Support == nil {
		return nil, errSupportOff
	}
	cur, index, err := parseSupportCursor(args.After)
	if err != nil {
		return nil, err
	}
	conn := &model.SupportCustomerConnection{Edges: []*model.SupportCustomerEdge{}, PageInfo: &model.PageInfo{}}
	// The window starts at the list's start only without a cursor (or with one that
	// names the first page's start).
	conn.PageInfo.HasPreviousPage = cur != "" || index > 0
	fields := supportFields(ctx)
	for want := args.size(); want > 0; {
		p, err := r.Support.Customers(ctx, support.ListQuery{Cursor: cur, Limit: support.MaxLimit, Fields: fields})
		if err != nil {
			return nil, fromBackend("support", err)
		}
		for ; index < len(p.Customers) && len(conn.Edges) < want; index++ {
			pos := supportCursor(cur, index+1)
			if index+1 == len(p.Customers) && p.Next != "" {
				pos = supportCursor(p.Next, 0) // the page ends here: resume on the next one
			}
			conn.Edges = append(conn.Edges, &model.SupportCustomerEdge{Cursor: pos, Node: supportCustomer(&p.Customers[index])})
		}
		conn.PageInfo.HasNextPage = index < len(p.Customers) || p.Next != ""
		if len(conn.Edges) == want || p.Next == "" {
			break
		}
		cur, index = p.Next, 0
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[n-1].Cursor
	}
	if selects(ctx, "totalCount") {
		if conn.TotalCount, err = r.countSupportCustomers(ctx); err != nil {
			return nil, err
		}
	}
	l := r.loaders(ctx)
	for _, e := range conn.Edges {
		l.Support.CustomerByID.Prime(ctx, e.Node.SourceID, e.Node)
	}
	return conn, nil
}

// countSupportCustomers walks every page with only ids: Apideck lists have no total.
func (r *Resolver) countSupportCustomers(ctx context.Context) (int, error) {
	n, cur := 0, ""
	for {
		p, err := r.Support.Customers(ctx, support.ListQuery{Cursor: cur, Limit: support.MaxLimit, Fields: []string{"id"}})
		if err != nil {
			return 0, fromBackend("support", err)
		}
		n += len(p.Customers)
		if p.Next == "" {
			return n, nil
		}
		cur = p.Next
	}
}

// contactSupportCustomer follows a client-data contact's SUPPORT external connection.
func (r *Resolver) contactSupportCustomer(ctx context.Context, c *model.Contact) (*model.SupportCustomer, error) {
	if c.Source != model.SourceClientData || r.Support == nil {
		return nil, nil
	}
	ext, err := r.contactExternalIDsAll(ctx, c)
	if err != nil {
		return nil, err
	}
	id := supportExternalID(ext)
	if id == "" {
		return nil, nil
	}
	sc, err := load(ctx, r.loaders(ctx).Support.CustomerByID, id)
	if isNotFound(err) {
		return nil, nil // a dangling connection: the customer was deleted in the support system
	}
	return sc, err
}

package cirrus

import (
	"context"
	"encoding/json"
	"net/http"

	"crmgraph/backends/rest"
)

// Order is the read model of GET /orders/{id} and the list items. References are
// embedded objects only (no scalar *id fields); rows are embedded and have no endpoint
// of their own. The read model has no order number, although the list filters and
// sorts by one.
type Order struct {
	ID               int                `json:"id"`
	Price            json.Number        `json:"price"`
	CurrencyCode     string             `json:"currencycode"`
	CurrencyRate     json.Number        `json:"currencyrate"`
	StatisticsPrice  json.Number        `json:"statisticsprice"`
	AlternativeValue json.Number        `json:"alternativevalue"`
	BuyPrice         json.Number        `json:"buyprice"`
	Discounted       bool               `json:"discounted"` // a real bool, unlike most flags
	PlaceDate        string             `json:"placedate"`  // "2019-01-25T00:00:00.000Z"; only the date part is meaningful
	AlternateID      string             `json:"alternateid"`
	ExternalComment  string             `json:"externalcomment"`
	DeliveryDate     string             `json:"deliverydate"`
	DeliveryName     string             `json:"deliveryname"`
	DeliveryStreet   string             `json:"deliverystreet"`
	DeliveryZip      string             `json:"deliveryzip"`
	DeliveryCity     string             `json:"deliverycity"`
	DeliveryCountry  string             `json:"deliverycountry"`
	InvoiceName      string             `json:"invoicename"`
	InvoiceStreet    string             `json:"invoicestreet"`
	InvoiceZip       string             `json:"invoicezip"`
	InvoiceCity      string             `json:"invoicecity"`
	InvoiceCountry   string             `json:"invoicecountry"`
	InvoiceEmail     string             `json:"invoiceemail"`
	InvoiceNumber    string             `json:"invoicenumber"`
	InvoiceDate      string             `json:"invoicedate"` // no declared format
	ExternalKey      string             `json:"externalkey"`
	InternalComment  string             `json:"internalcomment"`
	Marking          string             `json:"marking"`
	ReferenceCode    string             `json:"referencecode"`
	ExtraCode        string             `json:"extracode"`
	Pricelist        *Pricelist         `json:"pricelist"`
	TSCreated        string             `json:"tscreated"`
	TSUpdated        string             `json:"tsupdated"`
	Account          *ListedAccount     `json:"account"`
	User             *ListedUser        `json:"user"`
	User2            *ListedUser        `json:"user2"`
	Opportunity      *ListedOpportunity `json:"opportunity"`
	Contact          *ListedContact     `json:"contact"`
	Status           *IDName            `json:"status"`
	DeliveryTerm     *IDName            `json:"deliveryterm"`
	PaymentTerm      *IDName            `json:"paymentterm"`
	DeliveryType     *IDName            `json:"deliverytype"`
	Type             *IDName            `json:"type"`
	Delivered        Flag               `json:"delivered"`
	Tags             []Tag              `json:"tags"`
	Rows             []OrderRow         `json:"rows"`
}

// ListedOpportunity is an opportunity embedded in an order.
type ListedOpportunity struct {
	ID               int            `json:"id"`
	Title            string         `json:"title"`
	Description      string         `json:"description"`
	EstimatedEndDate string         `json:"estimatedenddate"`
	Account          *ListedAccount `json:"account"`
	User             *ListedUser    `json:"user"`
}

// OrderRow is an order line. Field names are verbatim, including the typo
// "alternatvievalue" that only OrderRow has.
type OrderRow struct {
	ID                    int            `json:"id"`
	OrderID               int            `json:"orderid"`
	AccountID             int            `json:"accountid"`
	UserID                int            `json:"userid"`
	OpportunityID         int            `json:"opportunityid"`
	QuantityOrdered       json.Number    `json:"quantityordered"`
	QuantityDelivered     json.Number    `json:"quantitydelivered"`
	DiscountSpecial       json.Number    `json:"discountspecial"`
	SortOrder             int            `json:"sortorder"`
	Price                 json.Number    `json:"price"`
	CurrencyCode          string         `json:"currencycode"`
	CurrencyRate          json.Number    `json:"currencyrate"`
	StatisticsPrice       json.Number    `json:"statisticsprice"`
	AlternatvieValue      json.Number    `json:"alternatvievalue"`
	BuyPrice              json.Number    `json:"buyprice"`
	Specification         string         `json:"specification"`
	DiscountPercent       json.Number    `json:"discountpercent"`
	DiscountAmount        json.Number    `json:"discountamount"`
	ExternalKey           *string        `json:"externalkey"`
	NoPrint               Flag           `json:"noprint"`
	Deleted               Flag           `json:"deleted"`
	PriceWarning          Flag           `json:"pricewarning"`
	TotalPrice            json.Number    `json:"totalprice"`
	TotalPriceStatistics  json.Number    `json:"totalpricestatistics"`
	TotalAlternativeValue json.Number    `json:"totalalternativevalue"`
	Pricelist             *Pricelist     `json:"pricelist"`
	PriceGroup            *PriceGroup    `json:"pricegroup"`
	SortGroup             int            `json:"sortgroup"`
	Article               *ListedArticle `json:"article"`
	ArticleUnit           *IDName        `json:"articleunit"`
	Tags                  []Tag          `json:"tags"`
}

// ListedArticle is an article (product) embedded in a row or price.
type ListedArticle struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Number string `json:"number"`
}

// Pricelist is an embedded price list.
type Pricelist struct {
	ID          int            `json:"id"`
	Name        string         `json:"name"`
	Active      bool           `json:"active"`
	Start       string         `json:"start"`
	Stop        string         `json:"stop"`
	Default     bool           `json:"default"`
	ExternalKey string         `json:"externalkey"`
	Strict      bool           `json:"strict"`
	Description string         `json:"description"`
	CurrencyID  int            `json:"currencyid"`
	Prices      []ArticlePrice `json:"prices"`
}

// ArticlePrice is one price of a price list.
type ArticlePrice struct {
	ID              int            `json:"id"`
	Price           json.Number    `json:"price"`
	DiscountPercent json.Number    `json:"discountpercent"`
	DiscountAmount  json.Number    `json:"discountamount"`
	PriceGroup      *PriceGroup    `json:"pricegroup"`
	Article         *ListedArticle `json:"article"`
}

// PriceGroup is a quantity band of a price list.
type PriceGroup struct {
	ID   int         `json:"id"`
	Name string      `json:"name"`
	Unit *IDName     `json:"unit"`
	Min  json.Number `json:"min"`
	Max  json.Number `json:"max"`
}

func (o *Order) normalize() {
	o.Account = present(o.Account, accountID)
	o.User = present(o.User, userID)
	o.User2 = present(o.User2, userID)
	o.Contact = present(o.Contact, contactID)
	o.Opportunity = present(o.Opportunity, func(p *ListedOpportunity) int { return p.ID })
	o.Status = present(o.Status, idNameID)
	o.DeliveryTerm = present(o.DeliveryTerm, idNameID)
	o.PaymentTerm = present(o.PaymentTerm, idNameID)
	o.DeliveryType = present(o.DeliveryType, idNameID)
	o.Type = present(o.Type, idNameID)
	o.Pricelist = present(o.Pricelist, func(p *Pricelist) int { return p.ID })
}

// OrderWrite is the POST/PUT body (seed L4893, L5353). PlaceDate, Account, User,
// Contact and Status are required on create. BuyPrice and Discounted are only in the
// update body. Absent fields are left out; texts are cleared with "" (plain strings
// in the seed); Rows, when sent, replace the order's rows.
type OrderWrite struct {
	PlaceDate        rest.Optional[string]          `json:"placedate,omitzero"` // only the date part is used
	Account          rest.Optional[IDObject]        `json:"account,omitzero"`
	User             rest.Optional[IDObject]        `json:"user,omitzero"`
	Contact          rest.Optional[IDObject]        `json:"contact,omitzero"`
	Status           rest.Optional[IDObject]        `json:"status,omitzero"`
	DeliveryTerm     rest.Optional[IDObject]        `json:"deliveryterm,omitzero"`
	PaymentTerm      rest.Optional[IDObject]        `json:"paymentterm,omitzero"`
	DeliveryType     rest.Optional[IDObject]        `json:"deliverytype,omitzero"`
	Price            rest.Optional[json.Number]     `json:"price,omitzero"`
	CurrencyCode     rest.Optional[string]          `json:"currencycode,omitzero"`
	CurrencyRate     rest.Optional[json.Number]     `json:"currencyrate,omitzero"`
	StatisticsPrice  rest.Optional[json.Number]     `json:"statisticsprice,omitzero"`
	AlternativeValue rest.Optional[json.Number]     `json:"alternativevalue,omitzero"`
	BuyPrice         rest.Optional[json.Number]     `json:"buyprice,omitzero"`
	Discounted       rest.Optional[bool]            `json:"discounted,omitzero"`
	AlternateID      rest.Optional[string]          `json:"alternateid,omitzero"`
	ExternalComment  rest.Optional[string]          `json:"externalcomment,omitzero"`
	Delivered        rest.Optional[Flag]            `json:"delivered,omitzero"`
	DeliveryDate     rest.Optional[string]          `json:"deliverydate,omitzero"`
	DeliveryName     rest.Optional[string]          `json:"deliveryname,omitzero"`
	DeliveryStreet   rest.Optional[string]          `json:"deliverystreet,omitzero"`
	DeliveryZip      rest.Optional[string]          `json:"deliveryzip,omitzero"`
	DeliveryCity     rest.Optional[string]          `json:"deliverycity,omitzero"`
	DeliveryCountry  rest.Optional[string]          `json:"deliverycountry,omitzero"`
	InvoiceName      rest.Optional[string]          `json:"invoicename,omitzero"`
	InvoiceStreet    rest.Optional[string]          `json:"invoicestreet,omitzero"`
	InvoiceZip       rest.Optional[string]          `json:"invoicezip,omitzero"`
	InvoiceCity      rest.Optional[string]          `json:"invoicecity,omitzero"`
	InvoiceCountry   rest.Optional[string]          `json:"invoicecountry,omitzero"`
	InvoiceEmail     rest.Optional[string]          `json:"invoiceemail,omitzero"`
	InvoiceNumber    rest.Optional[string]          `json:"invoicenumber,omitzero"`
	InvoiceDate      rest.Optional[string]          `json:"invoicedate,omitzero"`
	ExternalKey      rest.Optional[string]          `json:"externalkey,omitzero"`
	InternalComment  rest.Optional[string]          `json:"internalcomment,omitzero"`
	Marking          rest.Optional[string]          `json:"marking,omitzero"`
	ReferenceCode    rest.Optional[string]          `json:"referencecode,omitzero"`
	ExtraCode        rest.Optional[string]          `json:"extracode,omitzero"`
	User2            rest.Optional[IDObject]        `json:"user2,omitzero"`
	Opportunity      rest.Optional[IDObject]        `json:"opportunity,omitzero"`
	Type             rest.Optional[IDObject]        `json:"type,omitzero"`
	Tags             rest.Optional[[]IDObject]      `json:"tags,omitzero"`
	Rows             rest.Optional[[]OrderRowWrite] `json:"rows,omitzero"`
}

// OrderRowWrite is an order line in a POST/PUT body (the OrderRow model, seed L4893).
// A row without an article is a text row. ExternalKey is the row's one nullable string.
type OrderRowWrite struct {
	ID                rest.Optional[int]         `json:"id,omitzero"`
	QuantityOrdered   rest.Optional[json.Number] `json:"quantityordered,omitzero"`
	QuantityDelivered rest.Optional[json.Number] `json:"quantitydelivered,omitzero"`
	Price             rest.Optional[json.Number] `json:"price,omitzero"`
	BuyPrice          rest.Optional[json.Number] `json:"buyprice,omitzero"`
	DiscountPercent   rest.Optional[json.Number] `json:"discountpercent,omitzero"`
	DiscountAmount    rest.Optional[json.Number] `json:"discountamount,omitzero"`
	Specification     rest.Optional[string]      `json:"specification,omitzero"`
	SortOrder         rest.Optional[int]         `json:"sortorder,omitzero"`
	ExternalKey       rest.Optional[string]      `json:"externalkey,omitzero"`
	NoPrint           rest.Optional[Flag]        `json:"noprint,omitzero"`
	Article           rest.Optional[IDObject]    `json:"article,omitzero"`
	ArticleUnit       rest.Optional[IDObject]    `json:"articleunit,omitzero"`
	Tags              rest.Optional[[]IDObject]  `json:"tags,omitzero"`
}

// OrderQuery filters GET /orders.
type OrderQuery struct {
	ListOptions          // sorting: placedate|deliverydate|number|accountid|externalkey + _asc/_desc
	AccountIDs    []int  // accountids: one call serves many accounts
	ContactID     int    // contactid
	OpportunityID int    // opportunityid
	UserIDs       []int  // userids
	StatusIDs     []int  // statusids
	TypeIDs       []int  // typeids
	ExternalKey   string // exact
	DateFrom      string // datespan_start, YYYY-MM-DD
	DateTo        string // datespan_end, YYYY-MM-DD
}

// Order returns one order with its rows.
func (c *Client) Order(ctx context.Context, id int, mask string) (*Order, error) {
	var out Order
	if err := c.get(ctx, "orders.get", itemPath(PathOrders, id), nil, mask, &out); err != nil {
		return nil, errorf(err, "get order %d", id)
	}
	out.normalize()
	return &out, nil
}

// Orders returns one page of orders.
func (c *Client) Orders(ctx context.Context, q OrderQuery) (*Page[Order], error) {
	v := q.values("placedate_desc")
	setInts(v, "accountids", q.AccountIDs)
	setInt(v, "contactid", q.ContactID)
	setInt(v, "opportunityid", q.OpportunityID)
	setInts(v, "userids", q.UserIDs)
	setInts(v, "statusids", q.StatusIDs)
	setInts(v, "typeids", q.TypeIDs)
	setString(v, "externalkey", q.ExternalKey)
	setString(v, "datespan_start", q.DateFrom)
	setString(v, "datespan_end", q.DateTo)
	p, err := list[Order](ctx, c, "orders.list", PathOrders, v, q.Mask)
	if err != nil {
		return nil, errorf(err, "list orders")
	}
	for i := range p.Items {
		p.Items[i].normalize()
	}
	return p, nil
}

// CreateOrder creates an order and returns it (see create for how the record is found
// when the API sends no body).
func (c *Client) CreateOrder(ctx context.Context, w OrderWrite) (*Order, error) {
	var q OrderQuery
	if a, ok := w.Account.Get(); ok {
		q.AccountIDs = []int{a.ID}
	}
	if ct, ok := w.Contact.Get(); ok {
		q.ContactID = ct.ID
	}
	q.ExternalKey, _ = w.ExternalKey.Get()
	out, _, err := create(ctx, c, "orders.create", PathOrders, w, func(x *Order) int { return x.ID },
		func(ctx context.Context, id int) (*Order, error) { return c.Order(ctx, id, "") },
		func(ctx context.Context) (*Order, error) {
			return newest(ctx, func(ctx context.Context, page int) (*Page[Order], error) {
				q.ListOptions = c.findPage(page)
				return c.Orders(ctx, q)
			}, func(x *Order) bool { return written(w.ExternalKey, x.ExternalKey) }, func(x *Order) int { return x.ID })
		})
	if err != nil {
		return nil, errorf(err, "create order")
	}
	out.normalize()
	return out, nil
}

// UpdateOrder changes the properties set in w; Rows, when set, replace the order lines.
func (c *Client) UpdateOrder(ctx context.Context, id int, w OrderWrite) (*Order, error) {
	var out *Order
	if err := c.send(ctx, "orders.update", http.MethodPut, itemPath(PathOrders, id), w, &out); err != nil {
		return nil, errorf(err, "update order %d", id)
	}
	if out == nil || out.ID == 0 { // the seed documents no update body: read it back
		return readBack(c.Order(ctx, id, ""))
	}
	out.normalize()
	return out, nil
}

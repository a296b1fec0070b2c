package cirrus

import (
	"context"
	"encoding/json"
	"net/http"
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

// OrderWrite is the POST/PUT body. PlaceDate, Account, User, Contact and Status are
// required on create. BuyPrice and Discounted are only in the update body.
type OrderWrite struct {
	PlaceDate        string          `json:"placedate,omitempty"` // only the date part is used
	Account          *IDObject       `json:"account,omitempty"`
	User             *IDObject       `json:"user,omitempty"`
	Contact          *IDObject       `json:"contact,omitempty"`
	Status           *IDObject       `json:"status,omitempty"`
	DeliveryTerm     *IDObject       `json:"deliveryterm,omitempty"`
	PaymentTerm      *IDObject       `json:"paymentterm,omitempty"`
	DeliveryType     *IDObject       `json:"deliverytype,omitempty"`
	Price            json.Number     `json:"price,omitempty"`
	CurrencyCode     string          `json:"currencycode,omitempty"`
	CurrencyRate     json.Number     `json:"currencyrate,omitempty"`
	StatisticsPrice  json.Number     `json:"statisticsprice,omitempty"`
	AlternativeValue json.Number     `json:"alternativevalue,omitempty"`
	BuyPrice         json.Number     `json:"buyprice,omitempty"`
	Discounted       *bool           `json:"discounted,omitempty"`
	AlternateID      string          `json:"alternateid,omitempty"`
	ExternalComment  string          `json:"externalcomment,omitempty"`
	Delivered        *Flag           `json:"delivered,omitempty"`
	DeliveryDate     string          `json:"deliverydate,omitempty"`
	DeliveryName     string          `json:"deliveryname,omitempty"`
	DeliveryStreet   string          `json:"deliverystreet,omitempty"`
	DeliveryZip      string          `json:"deliveryzip,omitempty"`
	DeliveryCity     string          `json:"deliverycity,omitempty"`
	DeliveryCountry  string          `json:"deliverycountry,omitempty"`
	InvoiceName      string          `json:"invoicename,omitempty"`
	InvoiceStreet    string          `json:"invoicestreet,omitempty"`
	InvoiceZip       string          `json:"invoicezip,omitempty"`
	InvoiceCity      string          `json:"invoicecity,omitempty"`
	InvoiceCountry   string          `json:"invoicecountry,omitempty"`
	InvoiceEmail     string          `json:"invoiceemail,omitempty"`
	InvoiceNumber    string          `json:"invoicenumber,omitempty"`
	InvoiceDate      string          `json:"invoicedate,omitempty"`
	ExternalKey      string          `json:"externalkey,omitempty"`
	InternalComment  string          `json:"internalcomment,omitempty"`
	Marking          string          `json:"marking,omitempty"`
	ReferenceCode    string          `json:"referencecode,omitempty"`
	ExtraCode        string          `json:"extracode,omitempty"`
	User2            *IDObject       `json:"user2,omitempty"`
	Opportunity      *IDObject       `json:"opportunity,omitempty"`
	Type             *IDObject       `json:"type,omitempty"`
	Tags             []IDObject      `json:"tags,omitempty"`
	Rows             []OrderRowWrite `json:"rows,omitempty"`
}

// OrderRowWrite is an order line in a POST/PUT body.
type OrderRowWrite struct {
	ID              int         `json:"id,omitempty"`
	QuantityOrdered json.Number `json:"quantityordered,omitempty"`
	Price           json.Number `json:"price,omitempty"`
	DiscountPercent json.Number `json:"discountpercent,omitempty"`
	DiscountAmount  json.Number `json:"discountamount,omitempty"`
	Specification   string      `json:"specification,omitempty"`
	SortOrder       int         `json:"sortorder,omitempty"`
	ExternalKey     string      `json:"externalkey,omitempty"`
	Article         *IDObject   `json:"article,omitempty"`
	ArticleUnit     *IDObject   `json:"articleunit,omitempty"`
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

// CreateOrder creates an order; the record is returned when the API sends it.
func (c *Client) CreateOrder(ctx context.Context, w OrderWrite) (*Order, error) {
	var out *Order
	if err := c.send(ctx, "orders.create", http.MethodPost, PathOrders, w, &out); err != nil {
		return nil, errorf(err, "create order")
	}
	if out != nil {
		out.normalize()
	}
	return out, nil
}

// UpdateOrder changes the properties set in w; Rows, when set, replace the order lines.
func (c *Client) UpdateOrder(ctx context.Context, id int, w OrderWrite) (*Order, error) {
	var out *Order
	if err := c.send(ctx, "orders.update", http.MethodPut, itemPath(PathOrders, id), w, &out); err != nil {
		return nil, errorf(err, "update order %d", id)
	}
	if out != nil {
		out.normalize()
	}
	return out, nil
}

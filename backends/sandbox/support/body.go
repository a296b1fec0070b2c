package support

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// Enums of the seed (x-apideck-enum-id in parentheses).
var (
	customerStatuses = []string{"active", "archived", "gdpr-erasure-request", "unknown"}                                                               // customers.status
	addressTypes     = []string{"primary", "secondary", "home", "office", "shipping", "billing", "other"}                                              // addresses.type
	phoneTypes       = []string{"primary", "secondary", "home", "work", "office", "mobile", "assistant", "fax", "direct-dial-in", "personal", "other"} // phone_numbers.type
	emailTypes       = []string{"primary", "secondary", "work", "personal", "billing", "other"}                                                        // emails.type
	accountTypes     = []string{"bank_account", "credit_card", "other"}                                                                                // bank-accounts.account_type
)

// currencyCodes is the seed's Currency enum (currencies), 183 values.
var currencyCodes = strings.Fields(`UNKNOWN_CURRENCY AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD
BIF BMD BND BOB BOV BRL BSD BTN BWP BYR BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF
DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR
ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL MGA MKD MMK MNT
MOP MRO MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB
RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP STD SVC SYP SZL THB TJS TMT TND TOP TRC TRY TTD TWD TZS UAH
UGX USD USN USS UYI UYU UZS VEF VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XDR XOF XPD XPF XPT XTS XXX YER
ZAR ZMK ZMW BTC ETH`)

// readOnly properties are accepted in a body and ignored, as readOnly asks.
var readOnly = map[string]bool{"id": true, "updated_by": true, "created_by": true, "updated_at": true, "created_at": true}

// readBody reads a required JSON body; on failure it has answered 400.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			badRequest(w, "Content-Type must be application/json")
			return nil, false
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		badRequest(w, "Request body is too large or could not be read")
		return nil, false
	}
	if len(bytes.TrimSpace(b)) == 0 {
		badRequest(w, "Request body is required")
		return nil, false
	}
	return b, true
}

func badRequest(w http.ResponseWriter, detail any) {
	writeError(w, http.StatusBadRequest, typeRequestValidation, "Invalid Params", detail)
}

// problems collects per-field validation failures into the seed's detail shape
// {"missing":[{"field":"required"}], "invalid":[{"field":"reason"}]}.
type problems struct {
	missing, invalid []map[string]string
}

func (p *problems) miss(field string) {
	p.missing = append(p.missing, map[string]string{field: "required"})
}
func (p *problems) bad(field, reason string) {
	p.invalid = append(p.invalid, map[string]string{field: reason})
}
func (p *problems) empty() bool { return len(p.missing) == 0 && len(p.invalid) == 0 }
func (p *problems) oneOf(field, v string, allowed []string) {
	if v != "" && !slices.Contains(allowed, v) {
		p.bad(field, "must be one of "+strings.Join(allowed, ", "))
	}
}

func (p *problems) detail() map[string]any {
	d := map[string]any{}
	if len(p.missing) > 0 {
		d["missing"] = p.missing
	}
	if len(p.invalid) > 0 {
		d["invalid"] = p.invalid
	}
	return d
}

// applyBody validates a CustomerSupportCustomer body against the seed's schema
// (additionalProperties: false everywhere, enums, required email/number) and applies
// the properties it holds to c: PATCH is partial, and null clears a nullable property.
// On failure it has answered 400 and c is unusable.
func applyBody(w http.ResponseWriter, body []byte, c *customerJSON) bool {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || !json.Valid(body) {
			badRequest(w, "Request body is not valid JSON")
		} else {
			badRequest(w, "Request body must be a JSON object")
		}
		return false
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var p problems
	for _, k := range keys {
		raw := top[k]
		switch k {
		case "company_name":
			setString(&p, k, raw, &c.CompanyName)
		case "first_name":
			setString(&p, k, raw, &c.FirstName)
		case "last_name":
			setString(&p, k, raw, &c.LastName)
		case "notes":
			setString(&p, k, raw, &c.Notes)
		case "tax_number":
			setString(&p, k, raw, &c.TaxNumber)
		case "currency":
			if setString(&p, k, raw, &c.Currency) && c.Currency != nil {
				p.oneOf(k, *c.Currency, currencyCodes)
			}
		case "status":
			if setString(&p, k, raw, &c.Status) && c.Status != nil {
				p.oneOf(k, *c.Status, customerStatuses)
			}
		case "individual":
			var b *bool
			if err := json.Unmarshal(raw, &b); err != nil {
				p.bad(k, "must be a boolean or null")
			} else {
				c.Individual = b
			}
		case "addresses":
			var list []addressJSON
			if decodeList(&p, k, raw, &list) {
				for i, a := range list {
					if a.Type == "" {
						continue
					}
					p.oneOf(k+"["+strconv.Itoa(i)+"].type", a.Type, addressTypes)
				}
				c.Addresses = list
			}
		case "phone_numbers":
			var list []phoneJSON
			if decodeList(&p, k, raw, &list) {
				for i, ph := range list {
					at := k + "[" + strconv.Itoa(i) + "]"
					if ph.Number == "" {
						p.miss(at + ".number")
					}
					p.oneOf(at+".type", ph.Type, phoneTypes)
				}
				c.PhoneNumbers = list
			}
		case "emails":
			var list []emailJSON
			if decodeList(&p, k, raw, &list) {
				for i, e := range list {
					at := k + "[" + strconv.Itoa(i) + "]"
					if e.Email == "" {
						p.miss(at + ".email")
					} else if user, host, ok := strings.Cut(e.Email, "@"); !ok || user == "" || !strings.Contains(host, ".") {
						p.bad(at+".email", "must be an email address")
					}
					p.oneOf(at+".type", e.Type, emailTypes)
				}
				c.Emails = list
			}
		case "bank_accounts":
			if string(bytes.TrimSpace(raw)) == "null" {
				c.BankAccounts = nil
				continue
			}
			var b bankAccountJSON
			if decodeStrict(&p, k, raw, &b) {
				if b.AccountType != nil {
					p.oneOf(k+".account_type", *b.AccountType, accountTypes)
				}
				if b.Currency != nil {
					p.oneOf(k+".currency", *b.Currency, currencyCodes)
				}
				c.BankAccounts = &b
			}
		default:
			if !readOnly[k] {
				p.bad(k, "additional property is not allowed")
			}
		}
	}
	if !p.empty() {
		badRequest(w, p.detail())
		return false
	}
	return true
}

// setString sets a nullable string property; it reports whether raw was one.
func setString(p *problems, field string, raw json.RawMessage, dst **string) bool {
	var s *string
	if err := json.Unmarshal(raw, &s); err != nil {
		p.bad(field, "must be a string or null")
		return false
	}
	*dst = s
	return true
}

// decodeList decodes an array of objects that allow no other properties.
func decodeList[T any](p *problems, field string, raw json.RawMessage, dst *[]T) bool {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		p.bad(field, "must be an array")
		return false
	}
	out := make([]T, len(items))
	ok := true
	for i, it := range items {
		ok = decodeStrict(p, field+"["+strconv.Itoa(i)+"]", it, &out[i]) && ok
	}
	*dst = out
	return ok
}

// decodeStrict decodes one object, naming the first unknown or mistyped property.
func decodeStrict(p *problems, field string, raw json.RawMessage, dst any) bool {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		p.bad(field, "must be an object")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		return true
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		p.bad(field+"."+te.Field, "must be a "+te.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		p.bad(field+"."+name, "additional property is not allowed")
	default:
		p.bad(field, "is not valid")
	}
	return false
}

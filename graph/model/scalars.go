package model

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date, YYYY-MM-DD.
type Date string

// MarshalGQL writes the date as a JSON string.
func (d Date) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL accepts "YYYY-MM-DD".
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("Date must be a string")
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("Date must be YYYY-MM-DD")
	}
	*d = Date(s)
	return nil
}

// DateOf returns the date part of a backend date or timestamp ("2019-01-25",
// "2019-01-25T00:00:00.000Z", "2019-01-25 10:00:00"); nil when empty or unparseable.
func DateOf(s string) *Date {
	s = strings.TrimSpace(s)
	if len(s) < 10 {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s[:10]); err != nil {
		return nil
	}
	d := Date(s[:10])
	return &d
}

// Decimal is an exact decimal number carried as its canonical string.
type Decimal string

// MarshalGQL writes the decimal as a JSON string (exact, no float rounding).
func (d Decimal) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL accepts a decimal string or a JSON number.
func (d *Decimal) UnmarshalGQL(v any) error {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case int, int64, int32:
		s = fmt.Sprint(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Errorf("Decimal must be a string or a number")
	}
	dec, ok := ParseDecimal(s)
	if !ok {
		return fmt.Errorf("Decimal: %q is not a decimal number", s)
	}
	*d = dec
	return nil
}

// ParseDecimal canonicalizes a decimal string ("0010.50" → "10.5"; "1e3" → "1000").
func ParseDecimal(s string) (Decimal, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "", false
	}
	return DecimalOfRat(r), true
}

// DecimalOfRat renders r exactly when it is a finite decimal, else with 10 digits.
func DecimalOfRat(r *big.Rat) Decimal {
	if r.IsInt() {
		return Decimal(r.Num().String())
	}
	if prec, exact := r.FloatPrec(); exact {
		return Decimal(r.FloatString(prec))
	}
	return Decimal(strings.TrimRight(strings.TrimRight(r.FloatString(10), "0"), "."))
}

// DecimalPtr parses s, nil when empty or invalid.
func DecimalPtr(s string) *Decimal {
	d, ok := ParseDecimal(s)
	if !ok {
		return nil
	}
	return &d
}

// Rat returns the decimal as an exact rational.
func (d Decimal) Rat() *big.Rat {
	r, ok := new(big.Rat).SetString(string(d))
	if !ok {
		return new(big.Rat)
	}
	return r
}

// JSON is an arbitrary JSON value carried verbatim.
type JSON json.RawMessage

// MarshalGQL writes the raw JSON.
func (j JSON) MarshalGQL(w io.Writer) {
	if len(j) == 0 {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = w.Write(j)
}

// UnmarshalGQL accepts any input value.
func (j *JSON) UnmarshalGQL(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("JSON: %w", err)
	}
	*j = b
	return nil
}

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
		return &InputError{Scalar: "Date", Reason: "must be a string"}
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return &InputError{Scalar: "Date", Value: s, Reason: "is not a YYYY-MM-DD date"}
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
		// 'g' keeps 1e300 short, so the bounds below refuse it without expanding it.
		s = strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return &InputError{Scalar: "Decimal", Reason: "must be a string or a number"}
	}
	dec, err := parseDecimal(s)
	if err != nil {
		return err
	}
	*d = dec
	return nil
}

// Bounds of a Decimal. CRM money and quantities need far less: the largest amounts are
// around 1e15 with a few decimals, and the backends store them in .NET decimal (28-29
// significant digits) or SQL decimal(38) columns. 30 significant digits and a magnitude
// between 1e-30 and 1e30 hold every such value exactly while keeping the canonical text
// under 64 characters, whatever exponent the caller writes.
const (
	// MaxDecimalDigits bounds the significant digits.
	MaxDecimalDigits = 30
	// MaxDecimalIntegerDigits bounds the digits before the decimal point (value < 1e30).
	MaxDecimalIntegerDigits = 30
	// MaxDecimalFractionDigits bounds the digits after the decimal point (resolution 1e-30).
	MaxDecimalFractionDigits = 30
	// maxDecimalText bounds the text read at all (leading zeros and an exponent included).
	maxDecimalText = 100
	// maxExponentDigits bounds the exponent's digits, so it fits an int and no
	// arithmetic on it can overflow before the bounds are checked.
	maxExponentDigits = 6
)

// ParseDecimal canonicalizes a decimal string ("0010.50" → "10.5"; "1e3" → "1000").
// An empty one, which is how a record leaves a number out, is not a decimal; it is
// answered without building parseDecimal's error.
func ParseDecimal(s string) (Decimal, bool) {
	if s == "" {
		return "", false
	}
	d, err := parseDecimal(s)
	return d, err == nil
}

// parseDecimal reads [sign] digits [. digits] [e [sign] digits] within the bounds above
// and writes it canonically. It never hands the text to big.Rat, whose SetString expands
// any exponent it is given.
func parseDecimal(raw string) (Decimal, error) {
	fail := func(reason string) (Decimal, error) {
		return "", &InputError{Scalar: "Decimal", Value: raw, Reason: reason}
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return fail("is empty")
	}
	if len(s) > maxDecimalText {
		return fail(fmt.Sprintf("is longer than %d characters", maxDecimalText))
	}
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg, s = s[0] == '-', s[1:]
	}
	mantissa, expText, hasExp := strings.Cut(s, "e")
	if !hasExp {
		mantissa, expText, hasExp = strings.Cut(s, "E")
	}
	intPart, fracPart, _ := strings.Cut(mantissa, ".")
	if intPart+fracPart == "" || !allDigits(intPart) || !allDigits(fracPart) {
		return fail("is not a decimal number")
	}
	exp := 0
	if hasExp {
		negExp := false
		if expText != "" && (expText[0] == '+' || expText[0] == '-') {
			negExp, expText = expText[0] == '-', expText[1:]
		}
		if expText == "" || !allDigits(expText) {
			return fail("is not a decimal number")
		}
		if len(expText) > maxExponentDigits {
			return fail("has an exponent out of range")
		}
		exp, _ = strconv.Atoi(expText)
		if negExp {
			exp = -exp
		}
	}
	// The value is 0.digits × 10^point.
	digits := intPart + fracPart
	point := len(intPart) + exp
	trimmed := strings.TrimLeft(digits, "0")
	point -= len(digits) - len(trimmed)
	digits = strings.TrimRight(trimmed, "0")
	if digits == "" {
		return "0", nil
	}
	switch {
	case len(digits) > MaxDecimalDigits:
		return fail(fmt.Sprintf("has more than %d significant digits", MaxDecimalDigits))
	case point > MaxDecimalIntegerDigits:
		return fail(fmt.Sprintf("is out of range (at most %d digits before the decimal point)", MaxDecimalIntegerDigits))
	case len(digits)-point > MaxDecimalFractionDigits:
		return fail(fmt.Sprintf("is out of range (at most %d digits after the decimal point)", MaxDecimalFractionDigits))
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(digits)
	case point >= len(digits):
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point])
		b.WriteByte('.')
		b.WriteString(digits[point:])
	}
	return Decimal(b.String()), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
	p := new(Decimal) // not &d: that would allocate d for the nil answers too
	*p = d
	return p
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
		return &InputError{Scalar: "JSON", Reason: "is not representable as JSON"}
	}
	*j = b
	return nil
}

// InputError is a value a scalar refuses. Its message is meant for the client (the
// error presenter answers it as BAD_USER_INPUT) and quotes at most the start of the value.
type InputError struct {
	Scalar string
	Value  string // the refused text, "" when not worth quoting
	Reason string
}

// maxQuoted bounds how much of a refused value an error message repeats.
const maxQuoted = 40

func (e *InputError) Error() string {
	if e.Value == "" {
		return e.Scalar + " " + e.Reason
	}
	v := e.Value
	if len(v) > maxQuoted {
		v = strings.ToValidUTF8(v[:maxQuoted], "") + "…"
	}
	return e.Scalar + " " + strconv.Quote(v) + " " + e.Reason
}

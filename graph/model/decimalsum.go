package model

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// DecimalSum adds Decimals exactly. While the running sum and each term fit 18 digits at
// a common scale it adds int64s (an order's row totals always do); past that it carries
// on in a big.Rat. The zero value is an empty sum.
type DecimalSum struct {
	units int64 // the sum × 10^scale, while r is nil
	scale int
	r     *big.Rat
}

// Add adds d to the sum.
func (s *DecimalSum) Add(d Decimal) {
	if s.r == nil {
		if units, scale, ok := scaled(d); ok && s.addScaled(units, scale) {
			return
		}
		s.r = s.Decimal().Rat()
	}
	s.r.Add(s.r, d.Rat())
}

// addScaled adds units × 10^-scale, reporting false (the sum unchanged) on overflow.
func (s *DecimalSum) addScaled(units int64, scale int) bool {
	sum, sumScale := s.units, s.scale
	for sumScale < scale {
		if sum > math.MaxInt64/10 || sum < math.MinInt64/10 {
			return false
		}
		sum, sumScale = sum*10, sumScale+1
	}
	for scale < sumScale {
		if units > math.MaxInt64/10 || units < math.MinInt64/10 {
			return false
		}
		units, scale = units*10, scale+1
	}
	total := sum + units
	if (units > 0 && total < sum) || (units < 0 && total > sum) {
		return false
	}
	s.units, s.scale = total, sumScale
	return true
}

// scaled reads a canonical Decimal ([-]digits[.digits]) of at most 18 digits as
// units × 10^-scale.
func scaled(d Decimal) (units int64, scale int, ok bool) {
	s := string(d)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" || len(intPart)+len(frac) > 18 || !allDigits(intPart) || !allDigits(frac) {
		return 0, 0, false
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if neg {
		n = -n
	}
	return n, len(frac), true
}

// Decimal returns the sum, written canonically (as DecimalOfRat writes the same value).
func (s *DecimalSum) Decimal() Decimal {
	if s.r != nil {
		return DecimalOfRat(s.r)
	}
	// At most 19 digits and an exponent of at most 18: always within parseDecimal's bounds.
	d, err := parseDecimal(strconv.FormatInt(s.units, 10) + "e-" + strconv.Itoa(s.scale))
	if err != nil {
		panic("model.DecimalSum: " + err.Error())
	}
	return d
}

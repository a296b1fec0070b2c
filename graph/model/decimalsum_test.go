package model

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// DecimalSum answers what a big.Rat sum of the same terms, written by DecimalOfRat,
// answers: for small and large terms, negatives, mixed scales, and sums that leave the
// int64 range part way.
func TestDecimalSumMatchesRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	term := func() Decimal {
		digits := 1 + rng.IntN(20)
		var b strings.Builder
		if rng.IntN(4) == 0 {
			b.WriteByte('-')
		}
		for i := range digits {
			c := byte('0' + rng.IntN(10))
			if i == 0 && c == '0' && digits > 1 {
				c = '1'
			}
			b.WriteByte(c)
		}
		s := b.String()
		if frac := rng.IntN(8); frac > 0 {
			s += "." + strings.Repeat("0", rng.IntN(3)) + string(byte('1'+rng.IntN(9)))
		}
		d, ok := ParseDecimal(s)
		if !ok {
			t.Fatalf("bad term %q", s)
		}
		return d
	}
	fixed := [][]Decimal{
		{}, {"0"}, {"10.5", "2.25"}, {"10.5", "2.5"}, {"-1", "1"}, {"0.001", "-0.002"},
		{"999999999999999999", "1"}, {"-999999999999999999", "-999999999999999999"},
		{"123456789012345678", "0.1"}, {"1e3"}, {"9223372036854775807"},
	}
	for range 2000 {
		var terms []Decimal
		for range rng.IntN(8) {
			terms = append(terms, term())
		}
		fixed = append(fixed, terms)
	}
	for _, terms := range fixed {
		var s DecimalSum
		r := new(big.Rat)
		for _, d := range terms {
			if c, ok := ParseDecimal(string(d)); ok {
				d = c
			}
			s.Add(d)
			r.Add(r, d.Rat())
		}
		if got, want := s.Decimal(), DecimalOfRat(r); got != want {
			t.Fatalf("sum of %v = %q, want %q", terms, got, want)
		}
	}
}

func BenchmarkDecimalSum(b *testing.B) {
	rows := []Decimal{"1250.00", "99.5", "12.75", "3", "0.25"}
	b.Run("DecimalSum", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s DecimalSum
			for _, d := range rows {
				s.Add(d)
			}
			_ = s.Decimal()
		}
	})
	b.Run("big.Rat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := new(big.Rat)
			for _, d := range rows {
				r.Add(r, d.Rat())
			}
			_ = DecimalOfRat(r)
		}
	})
}

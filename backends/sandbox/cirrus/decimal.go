package cirrus

import (
	"math/big"
	"strings"
)

// Money, quantities and percentages are kept as exact rationals: the seed types them as
// JSON numbers (floats in the real API), and the sandbox must give back what a client
// wrote ("2.5", "231.35") without ever going through a float.

func cents(n int64) *big.Rat { return big.NewRat(n, 100) }

func whole(n int64) *big.Rat { return big.NewRat(n, 1) }

// numText renders r the way Python prints the float flask-restx's fields.Float emits:
// "1250.0", "99.95", "2.5".
func numText(r *big.Rat) num {
	if r == nil {
		return num("0.0")
	}
	if r.IsInt() {
		return num(r.Num().String() + ".0")
	}
	prec, exact := r.FloatPrec()
	if !exact {
		prec = 15
	}
	s := r.FloatString(prec)
	if !exact {
		s = strings.TrimRight(s, "0")
	}
	return num(s)
}

// orZero is r, or 0 for nil.
func orZero(r *big.Rat) *big.Rat {
	if r == nil {
		return new(big.Rat)
	}
	return r
}

func mul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }

func add(a, b *big.Rat) *big.Rat { return new(big.Rat).Add(a, b) }

func sub(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }

// toCents rounds r half away from zero to whole cents.
func toCents(r *big.Rat) *big.Rat {
	x := mul(r, whole(100))
	q, m := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if new(big.Int).Mul(m.Abs(m), big.NewInt(2)).Cmp(x.Denom()) >= 0 {
		q.Add(q, big.NewInt(int64(x.Sign())))
	}
	return new(big.Rat).SetFrac(q, big.NewInt(100))
}

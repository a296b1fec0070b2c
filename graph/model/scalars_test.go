package model

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestDecimalUnmarshal(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want Decimal // "" means refused
	}{
		{"money", "10.50", "10.5"},
		{"negative integer", "-3", "-3"},
		{"exponent", "1e3", "1000"},
		{"small fraction", "0.000001", "0.000001"},
		{"leading zeros", "0010.50", "10.5"},
		{"plus sign", "+7", "7"},
		{"negative exponent", "125e-2", "1.25"},
		{"capital E", "2.5E+2", "250"},
		{"negative zero", "-0.00", "0"},
		{"zero with a huge exponent", "0e999999", "0"},
		{"fraction without integer part", ".5", "0.5"},
		{"surrounding space", " 42 ", "42"},
		{"30 significant digits", strings.Repeat("9", 30), Decimal(strings.Repeat("9", 30))},
		{"30 fraction digits", "0." + strings.Repeat("0", 29) + "1", Decimal("0." + strings.Repeat("0", 29) + "1")},
		{"JSON number", json.Number("12500.50"), "12500.5"},
		{"int", 12, "12"},
		{"int64", int64(-12), "-12"},
		{"float", 0.25, "0.25"},

		{"huge exponent", "1e999999", ""},
		{"exponent with seven digits", "1e1000000", ""},
		{"large exponent within the digits", "1e31", ""},
		{"tiny exponent", "1e-31", ""},
		{"200 digits", strings.Repeat("1", 200), ""},
		{"31 significant digits", "1." + strings.Repeat("1", 30), ""},
		{"NaN", "NaN", ""},
		{"Inf", "Inf", ""},
		{"Infinity", "-Infinity", ""},
		{"decimal comma", "1,5", ""},
		{"empty", "", ""},
		{"blank", "   ", ""},
		{"lone point", ".", ""},
		{"lone sign", "-", ""},
		{"two signs", "--5", ""},
		{"exponent with two signs", "1e+-5", ""},
		{"dangling exponent", "1e", ""},
		{"fraction", "1/3", ""},
		{"hex", "0x10", ""},
		{"underscores", "1_000", ""},
		{"float NaN", jsonNaN(), ""},
		{"float too large", 1e300, ""},
		{"boolean", true, ""},
		{"object", map[string]any{"v": 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decimal
			err := d.UnmarshalGQL(tt.in)
			if tt.want == "" {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("UnmarshalGQL(%v) = %q, %v; want an *InputError", tt.in, d, err)
				}
				if len(err.Error()) > 200 {
					t.Errorf("message of %d bytes: it must not repeat the whole value", len(err.Error()))
				}
				return
			}
			if err != nil || d != tt.want {
				t.Fatalf("UnmarshalGQL(%v) = %q, %v; want %q", tt.in, d, err, tt.want)
			}
			if back := DecimalOfRat(d.Rat()); back != d {
				t.Errorf("%q reads back through big.Rat as %q", d, back)
			}
		})
	}
}

// TestDecimalRefusesHugeInputCheaply: "1e999999" used to expand to a million digits
// (1.8 CPU-s and 1 MB per value); a refusal must cost next to nothing.
func TestDecimalRefusesHugeInputCheaply(t *testing.T) {
	for _, in := range []string{"1e999999", "-1e-999999", strings.Repeat("7", 200), "9" + strings.Repeat("0", 90) + "e99999"} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 10 {
			if _, ok := ParseDecimal(in); ok {
				t.Fatalf("ParseDecimal(%.20q…) accepted", in)
			}
		}
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
			t.Errorf("10 refusals of %.20q… allocated %d bytes", in, n)
		}
	}
}

func TestDateUnmarshal(t *testing.T) {
	tests := []struct {
		in any
		ok bool
	}{
		{"2026-12-31", true},
		{"yesterday", false},
		{"2026-13-01", false},
		{"2026-12-31T00:00:00Z", false},
		{20261231, false},
	}
	for _, tt := range tests {
		var d Date
		err := d.UnmarshalGQL(tt.in)
		var ie *InputError
		if tt.ok != (err == nil) || (err != nil && !errors.As(err, &ie)) {
			t.Errorf("Date.UnmarshalGQL(%v) = %v; want ok %v (or an *InputError)", tt.in, err, tt.ok)
		}
	}
}

func TestInputErrorQuotesAPrefix(t *testing.T) {
	e := &InputError{Scalar: "Decimal", Value: strings.Repeat("x", 10000), Reason: "is not a decimal number"}
	if msg := e.Error(); len(msg) > 100 || !strings.HasPrefix(msg, `Decimal "xxxx`) {
		t.Fatalf("message %q", msg)
	}
}

func jsonNaN() float64 {
	zero := 0.0
	return zero / zero
}

// A record that leaves a number out (an empty string) maps to nil, without an error
// value built and dropped: the Cirrus mappers do it for every absent row amount.
func TestDecimalPtrEmpty(t *testing.T) {
	for _, s := range []string{"", " ", "x"} {
		if d := DecimalPtr(s); d != nil {
			t.Errorf("DecimalPtr(%q) = %v, want nil", s, *d)
		}
	}
	if d := DecimalPtr("010.50"); d == nil || *d != "10.5" {
		t.Errorf("DecimalPtr(010.50) = %v", d)
	}
	if n := testing.AllocsPerRun(100, func() { _ = DecimalPtr("") }); n != 0 {
		t.Errorf("DecimalPtr(\"\") allocates %v times", n)
	}
}

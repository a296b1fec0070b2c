package resolvers

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// MaxLanguageTag bounds a language tag. 35 characters hold any tag a client sends in
// practice (RFC 5646 §4.4.1 asks implementations to support at least 35); the tag
// becomes a cache key and an Accept-Language header, so it must not grow without bound.
const MaxLanguageTag = 35

// ParseLanguageTag checks s as a BCP 47 language tag and returns it in canonical case
// (RFC 5646 §2.1.1: "DE" → "de", "de-ch" → "de-CH", "zh-hant-tw" → "zh-Hant-TW"), so
// spellings of one tag share a cache entry. The check is syntactic, with no registry:
// at most MaxLanguageTag characters; subtags of 1 to 8 ASCII letters or digits joined by
// "-"; a primary subtag of 2-3 or 4-8 letters; a singleton ("u", "x", …) followed by a
// subtag. Anything else (control characters, "_", "*", spaces) is refused, so the
// result is always safe as a header value and a cache key. Accept-Language parsing
// can use it for each tag it reads.
func ParseLanguageTag(s string) (string, bool) {
	if s == "" || len(s) > MaxLanguageTag {
		return "", false
	}
	subtags := strings.Split(s, "-")
	primary := subtags[0]
	if n := len(primary); n < 2 || n > 8 || !isAlpha(primary) {
		return "", false
	}
	out := make([]string, len(subtags))
	out[0] = strings.ToLower(primary)
	extension := false // after a singleton, every subtag is lowercase
	for i := 1; i < len(subtags); i++ {
		t := subtags[i]
		if len(t) == 0 || len(t) > 8 || !isAlnum(t) {
			return "", false
		}
		switch {
		case len(t) == 1:
			if i == len(subtags)-1 {
				return "", false // a singleton needs a subtag after it
			}
			extension = true
			out[i] = strings.ToLower(t)
		case !extension && len(t) == 2 && isAlpha(t):
			out[i] = strings.ToUpper(t) // region
		case !extension && len(t) == 4 && isAlpha(t):
			out[i] = strings.ToUpper(t[:1]) + strings.ToLower(t[1:]) // script
		default:
			out[i] = strings.ToLower(t)
		}
	}
	return strings.Join(out, "-"), true
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9') && !isAlpha(s[i:i+1]) {
			return false
		}
	}
	return true
}

// MaxAcceptLanguageEntries bounds how much of an Accept-Language header is read: the
// normalized header is forwarded and becomes a cache key.
const MaxAcceptLanguageEntries = 16

// ParseAcceptLanguage normalizes an Accept-Language value (RFC 9110 §12.5.4) for
// forwarding and as a cache key, so that spellings of one preference share an entry:
// every language range checked and put in canonical case by ParseLanguageTag, its
// weight written as a q-value of at most three decimals (q=1 left out), the ranges in
// order of descending weight (the first listed among equals, as RFC 4647 §2.3 reads
// them), each tag once, at its highest weight. Only the first MaxAcceptLanguageEntries
// entries are read; "*", malformed tags or weights, and q=0 ("not acceptable", RFC
// 9110 §12.4.2: such a range can select no language) are dropped. Parameters other
// than q are ignored. "" when no range remains.
// "pt-br, DE;q=0.8, de-ch;q=0.90" → "pt-BR, de-CH;q=0.9, de;q=0.8".
func ParseAcceptLanguage(h string) string {
	type weighted struct {
		tag string
		q   float64
	}
	var ranges []weighted
	n := 0
	for part := range strings.SplitSeq(h, ",") {
		if n == MaxAcceptLanguageEntries {
			break
		}
		if strings.TrimSpace(part) == "" {
			continue // empty list elements do not count (RFC 9110 §5.6.1)
		}
		n++
		tag, params, _ := strings.Cut(part, ";")
		lang, ok := ParseLanguageTag(strings.TrimSpace(tag))
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			name, v, _ := strings.Cut(p, "=")
			if !strings.EqualFold(strings.TrimSpace(name), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || !(f >= 0 && f <= 1) { // also refuses NaN
				ok = false
			}
			q = math.Round(f*1000) / 1000
			if q == 0 && f > 0 {
				q = 0.001 // acceptable stays acceptable
			}
		}
		if ok && q > 0 {
			ranges = append(ranges, weighted{lang, q})
		}
	}
	slices.SortStableFunc(ranges, func(a, b weighted) int { return cmp.Compare(b.q, a.q) })
	var b strings.Builder
	seen := map[string]bool{}
	for _, r := range ranges {
		key := strings.ToLower(r.tag)
		if seen[key] {
			continue
		}
		seen[key] = true
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.tag)
		if r.q < 1 {
			b.WriteString(";q=")
			b.WriteString(strconv.FormatFloat(r.q, 'f', -1, 64))
		}
	}
	return b.String()
}

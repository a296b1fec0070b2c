package resolvers

import "strings"

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

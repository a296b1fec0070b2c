package model

import (
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"strings"
)

// ErrBadID is returned for a global id that does not decode.
var ErrBadID = errors.New("malformed global id")

// GlobalID is the opaque id clients see: base64url of "Type:SOURCE:sourceId".
func GlobalID(typename string, source Source, sourceID string) string {
	var raw [96]byte // on the stack for any id up to that long
	b := append(append(append(append(append(raw[:0], typename...), ':'), source...), ':'), sourceID...)
	return EncodeOpaque(b)
}

// EncodeOpaque is base64url (unpadded) of b, allocating only the string.
func EncodeOpaque(b []byte) string {
	var enc [128]byte
	return string(base64.RawURLEncoding.AppendEncode(enc[:0], b))
}

// ParsedID is a decoded global id.
type ParsedID struct {
	Type     string
	Source   Source
	SourceID string
}

// maxGlobalID bounds the encoded global id: the longest source id (a SUPPORT id of
// MaxSupportIDLength) with its type and source encodes in well under this.
const maxGlobalID = 512

// ParseGlobalID decodes a global id made by GlobalID. The source id must have the
// shape its source gives ids (ValidSourceID), so nothing built from a parsed id can
// carry a malformed one to a backend.
func ParseGlobalID(id string) (ParsedID, error) {
	if len(id) > maxGlobalID {
		return ParsedID{}, ErrBadID
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id, "="))
	if err != nil {
		return ParsedID{}, ErrBadID
	}
	parts := strings.SplitN(string(b), ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return ParsedID{}, ErrBadID
	}
	src := Source(parts[1])
	if !src.IsValid() || !ValidSourceID(parts[0], src, parts[2]) {
		return ParsedID{}, ErrBadID
	}
	return ParsedID{Type: parts[0], Source: src, SourceID: parts[2]}, nil
}

// ValidSourceID reports whether id has the shape source gives ids of typename:
//   - CIRRUS: a positive integer (ParseCirrusID);
//   - CONE: a uuid (ValidConeID);
//   - CLIENT_DATA: a positive int32 contact id, and for a ChangeRequest
//     "contactId/changeRequestId" (ParseChangeRequestID);
//   - SUPPORT: a safe string (ValidSupportID).
func ValidSourceID(typename string, source Source, id string) bool {
	switch source {
	case SourceCirrus:
		_, ok := ParseCirrusID(id)
		return ok
	case SourceCone:
		return ValidConeID(id)
	case SourceClientData:
		if typename == "ChangeRequest" {
			_, _, ok := ParseChangeRequestID(id)
			return ok
		}
		_, ok := ParseInt32ID(id)
		return ok
	case SourceSupport:
		return ValidSupportID(id)
	}
	return false
}

// ParseCirrusID reads a Cirrus id: a positive decimal integer without sign or leading
// zeros (so each record has one global id), at most 18 digits (no overflow).
func ParseCirrusID(s string) (int, bool) {
	if !canonicalPositive(s, 18) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// ParseInt32ID reads a client-data id: a positive int32 written canonically.
func ParseInt32ID(s string) (int32, bool) {
	if !canonicalPositive(s, 10) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}

// ParseChangeRequestID reads a client-data change request's source id,
// "contactId/changeRequestId".
func ParseChangeRequestID(s string) (contactID, changeRequestID int32, ok bool) {
	a, b, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	c, okC := ParseInt32ID(a)
	r, okR := ParseInt32ID(b)
	return c, r, okC && okR
}

func canonicalPositive(s string, maxDigits int) bool {
	if s == "" || len(s) > maxDigits || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidConeID reports whether s is a uuid in its 8-4-4-4-12 hex form (ConeCRM ids are
// UUID7; either case is accepted, as RFC 9562 asks).
func ValidConeID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// MaxSupportIDLength bounds an Apideck id. Apideck passes the connected system's ids
// through (numbers, "cus_…" keys, hex object ids), all far shorter.
const MaxSupportIDLength = 128

// ValidSupportID reports whether s is a safe Apideck id: 1 to MaxSupportIDLength
// letters, digits and "-._~:@+=", and not made of dots only (a "." or ".." path segment
// would walk the URL).
func ValidSupportID(s string) bool {
	if s == "" || len(s) > MaxSupportIDLength || strings.Trim(s, ".") == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			continue
		}
		if !strings.ContainsRune("-._~:@+=", rune(c)) {
			return false
		}
	}
	return true
}

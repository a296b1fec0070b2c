package model

import (
	"encoding/base64"
	"errors"
	"strings"
)

// ErrBadID is returned for a global id that does not decode.
var ErrBadID = errors.New("malformed global id")

// GlobalID is the opaque id clients see: base64url of "Type:SOURCE:sourceId".
func GlobalID(typename string, source Source, sourceID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typename + ":" + string(source) + ":" + sourceID))
}

// ParsedID is a decoded global id.
type ParsedID struct {
	Type     string
	Source   Source
	SourceID string
}

// ParseGlobalID decodes a global id made by GlobalID.
func ParseGlobalID(id string) (ParsedID, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id, "="))
	if err != nil {
		return ParsedID{}, ErrBadID
	}
	parts := strings.SplitN(string(b), ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return ParsedID{}, ErrBadID
	}
	src := Source(parts[1])
	if !src.IsValid() {
		return ParsedID{}, ErrBadID
	}
	return ParsedID{Type: parts[0], Source: src, SourceID: parts[2]}, nil
}

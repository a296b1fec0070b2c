// Package persisted serves persisted queries for the gqlgen handler: the Automatic
// Persisted Queries protocol (Apollo, version 1) over a Redis store shared by replicas,
// and trusted documents from a manifest file with a safelist mode.
//
// Wiring (server.go):
//
//	store := persisted.NewStore(persisted.StoreConfig{Redis: rdb, Logger: log})
//	srv.Use(persisted.Extension{Mode: mode, Manifest: manifest, Cache: store, Logger: log})
//	http.Handle("/graphql", persisted.Middleware(srv))
//
// Use this Extension instead of gqlgen's extension.AutomaticPersistedQuery, not next to
// it: it speaks the same protocol and adds the manifest. The Middleware is needed for
// top-level "documentId" requests and for "Cache-Control: no-store" on misses.
//
// Error codes (extensions.code):
//
//	PERSISTED_QUERY_NOT_FOUND          hash or documentId unknown (retry with the query text)
//	PERSISTED_QUERY_NOT_SUPPORTED      APQ request while mode is "off"
//	PERSISTED_QUERY_NOT_IN_SAFELIST    mode "safelist" and the operation is not in the manifest
//	PERSISTED_QUERY_HASH_MISMATCH      sha256Hash is not the hash of the query sent with it
//	PERSISTED_QUERY_BAD_REQUEST        malformed persistedQuery extension, unsupported version,
//	                                   documentId whose text differs from the query sent with it
package persisted

import (
	"fmt"
	"strings"
)

// Mode says which operations the gateway accepts.
type Mode string

const (
	// ModeAPQ accepts any operation and caches APQ registrations (the default). Manifest
	// documents, when a manifest is loaded, are served by documentId or hash too.
	ModeAPQ Mode = "apq"
	// ModeOff disables APQ: requests carrying a persistedQuery extension are answered
	// PERSISTED_QUERY_NOT_SUPPORTED. Manifest documents are still served by documentId.
	ModeOff Mode = "off"
	// ModeLogUnknown is ModeAPQ plus a warning for every operation not in the manifest:
	// the rehearsal before ModeSafelist.
	ModeLogUnknown Mode = "log-unknown"
	// ModeSafelist accepts only operations whose text is in the manifest, sent either by
	// documentId / hash or as the exact manifest text. APQ registration is off.
	ModeSafelist Mode = "safelist"
)

// ParseMode reads a mode as PERSISTED_QUERIES spells it; "" is ModeAPQ.
func ParseMode(s string) (Mode, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ModeAPQ, nil
	}
	switch m := Mode(s); m {
	case ModeAPQ, ModeOff, ModeLogUnknown, ModeSafelist:
		return m, nil
	}
	return "", fmt.Errorf("persisted: unknown mode %q (want apq, off, log-unknown or safelist)", s)
}

// String returns the mode as ParseMode reads it.
func (m Mode) String() string { return string(m) }

// MarshalText lets a Mode be a flag.TextVar.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m), nil }

// UnmarshalText lets a Mode be a flag.TextVar.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// needsManifest reports whether the mode is meaningless without a manifest.
func (m Mode) needsManifest() bool { return m == ModeLogUnknown || m == ModeSafelist }

// apq reports whether the mode registers and serves APQ documents from the store.
func (m Mode) apq() bool { return m == ModeAPQ || m == ModeLogUnknown }

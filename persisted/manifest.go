package persisted

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Operation is one trusted document of a manifest.
type Operation struct {
	ID   string // the manifest's id (Apollo: usually the body's sha256; Relay: any string)
	Name string // operation name (Apollo manifests only)
	Type string // query, mutation or subscription (Apollo manifests only)
	Body string // the document text
}

// Manifest is a set of trusted documents, looked up by id or by the sha256 of the body.
type Manifest struct {
	ops    []Operation
	byID   map[string]int
	byHash map[string]int // hex sha256 of Body
}

const apolloFormat = "apollo-persisted-query-manifest"

// LoadManifest reads a manifest file: either Apollo's persisted-query manifest
//
//	{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id","name","type","body"}]}
//
// or Relay's persisted-queries JSON, {"<id>": "<query text>", …}.
func LoadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("persisted: read manifest: %w", err)
	}
	m, err := ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("persisted: manifest %s: %w", path, err)
	}
	return m, nil
}

// ParseManifest reads a manifest in either format LoadManifest accepts.
func ParseManifest(data []byte) (*Manifest, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	var ops []Operation
	if raw, ok := top["format"]; ok && isString(raw) {
		var apollo struct {
			Format     string `json:"format"`
			Version    int    `json:"version"`
			Operations []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
				Type string `json:"type"`
				Body string `json:"body"`
			} `json:"operations"`
		}
		if err := json.Unmarshal(data, &apollo); err != nil {
			return nil, fmt.Errorf("apollo manifest: %w", err)
		}
		if apollo.Format != apolloFormat {
			return nil, fmt.Errorf("unknown manifest format %q (want %q or a Relay id→text map)", apollo.Format, apolloFormat)
		}
		if apollo.Version != 1 {
			return nil, fmt.Errorf("apollo manifest version %d is not supported (want 1)", apollo.Version)
		}
		for _, o := range apollo.Operations {
			ops = append(ops, Operation{ID: o.ID, Name: o.Name, Type: o.Type, Body: o.Body})
		}
	} else {
		// Relay: every value is the text of the document its key names.
		for id, raw := range top {
			var body string
			if err := json.Unmarshal(raw, &body); err != nil {
				return nil, fmt.Errorf("relay manifest: value of %q is not a string", id)
			}
			ops = append(ops, Operation{ID: id, Body: body})
		}
	}
	return newManifest(ops)
}

func isString(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '"'
}

func newManifest(ops []Operation) (*Manifest, error) {
	m := &Manifest{ops: ops, byID: make(map[string]int, len(ops)), byHash: make(map[string]int, len(ops))}
	for i, o := range ops {
		if o.ID == "" {
			return nil, fmt.Errorf("operation %d has no id", i)
		}
		if strings.TrimSpace(o.Body) == "" {
			return nil, fmt.Errorf("operation %q has no body", o.ID)
		}
		if _, dup := m.byID[o.ID]; dup {
			return nil, fmt.Errorf("operation id %q appears twice", o.ID)
		}
		m.byID[o.ID] = i
		m.byHash[hash(o.Body)] = i
	}
	if len(ops) == 0 {
		return nil, errors.New("no operations")
	}
	return m, nil
}

// Len returns the number of operations.
func (m *Manifest) Len() int { return len(m.ops) }

// Lookup finds an operation by manifest id, by the sha256 of its body (hex, as APQ
// sends it), or by "sha256:<hex>" (the GraphQL-over-HTTP documentId form).
func (m *Manifest) Lookup(id string) (Operation, bool) {
	if m == nil {
		return Operation{}, false
	}
	if i, ok := m.byID[id]; ok {
		return m.ops[i], true
	}
	h := strings.ToLower(strings.TrimPrefix(id, "sha256:"))
	if i, ok := m.byHash[h]; ok {
		return m.ops[i], true
	}
	return Operation{}, false
}

// Contains reports whether query is, byte for byte, the body of an operation.
func (m *Manifest) Contains(query string) bool {
	if m == nil {
		return false
	}
	_, ok := m.byHash[hash(query)]
	return ok
}

func hash(s string) string {
	b := sha256.Sum256([]byte(s))
	return hex.EncodeToString(b[:])
}

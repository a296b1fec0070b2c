package resolvers

import (
	"fmt"
	"strings"

	"crmgraph/graph/model"
)

// Systems is how the CRMs name each other in their external keys: the systemName in
// ConeCRM thirdPartyIds and the system of client-data external connections, plus whose
// id a Cirrus externalkey holds. It is configuration (EXTERNAL_SYSTEMS,
// CIRRUS_EXTERNALKEY) with the sandbox's conventions as defaults.
type Systems struct {
	Names             map[model.Source]string
	CirrusExternalKey model.Source
}

// DefaultSystems are the sandbox's names: each source under its own enum name, and a
// Cirrus externalkey holding the ConeCRM id.
func DefaultSystems() Systems {
	s := Systems{Names: map[model.Source]string{}, CirrusExternalKey: model.SourceCone}
	for _, src := range model.AllSource {
		s.Names[src] = string(src)
	}
	return s
}

// ParseSystems reads "SOURCE=name,…" over the defaults (e.g. "SUPPORT=kustomer").
func ParseSystems(spec, cirrusExternalKey string) (Systems, error) {
	s := DefaultSystems()
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		src, name, ok := strings.Cut(part, "=")
		if !ok || !model.Source(src).IsValid() || strings.TrimSpace(name) == "" {
			return s, fmt.Errorf("want SOURCE=name pairs (sources %v), got %q", model.AllSource, part)
		}
		s.Names[model.Source(src)] = strings.TrimSpace(name)
	}
	if cirrusExternalKey != "" {
		if !model.Source(cirrusExternalKey).IsValid() {
			return s, fmt.Errorf("CIRRUS_EXTERNALKEY: want a source name, got %q", cirrusExternalKey)
		}
		s.CirrusExternalKey = model.Source(cirrusExternalKey)
	}
	return s, nil
}

// Name is the system name of src in other systems' keys.
func (s Systems) Name(src model.Source) string { return s.Names[src] }

// sourceOf is the crmgraph source a system name stands for (case-insensitive).
func (s Systems) sourceOf(system string) (model.Source, bool) {
	for src, name := range s.Names {
		if strings.EqualFold(name, system) {
			return src, true
		}
	}
	return "", false
}

// resolve returns copies of ext with system names and sources filled in: mapping code
// records what a backend says (a system name, or "" for a Cirrus externalkey), and the
// configuration decides what it means.
func (s Systems) resolve(ext []*model.ExternalID) []*model.ExternalID {
	out := make([]*model.ExternalID, 0, len(ext))
	for _, e := range ext {
		c := *e
		if c.System == "" {
			c.System = s.Name(s.CirrusExternalKey)
		}
		if src, ok := s.sourceOf(c.System); ok {
			c.Source = &src
		}
		out = append(out, &c)
	}
	return out
}

package support

import "strings"

// fieldTree is a parsed fields parameter: each key a property to keep, its subtree
// the nested properties to keep of it (nil: all of it). A nil tree keeps everything.
type fieldTree map[string]fieldTree

// parseFields reads "id,first_name,addresses.city" (the seed's comma-separated list
// with dot notation for nested properties). A property named whole and by a nested
// path is kept whole. Unknown names select nothing; the seed keeps only what is
// named, so id too is returned only when named.
func parseFields(s string) fieldTree {
	var t fieldTree
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if t == nil {
			t = fieldTree{}
		}
		node := t
		parts := strings.Split(f, ".")
		for i, p := range parts {
			if i == len(parts)-1 {
				node[p] = nil
				break
			}
			sub, seen := node[p]
			if seen && sub == nil {
				break // already kept whole
			}
			if !seen {
				sub = fieldTree{}
				node[p] = sub
			}
			node = sub
		}
	}
	return t
}

// project keeps the named properties of an object decoded from JSON.
func (t fieldTree) project(obj map[string]any) map[string]any {
	out := make(map[string]any, len(t))
	for k, sub := range t {
		v, ok := obj[k]
		if !ok {
			continue
		}
		if sub == nil {
			out[k] = v
		} else if pv, ok := sub.projectValue(v); ok {
			out[k] = pv
		}
	}
	return out
}

// projectValue applies a nested selection to an object, to each object of an array,
// and keeps null; a nested selection into a scalar selects nothing.
func (t fieldTree) projectValue(v any) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case map[string]any:
		return t.project(x), true
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if pe, ok := t.projectValue(e); ok {
				out = append(out, pe)
			}
		}
		return out, true
	}
	return nil, false
}

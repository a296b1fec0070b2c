package cirrus

import (
	"net/http"
	"path"
	"strings"
)

// altMaxPerPage is the alternative reading's page cap: lower than the seed's "max
// pagesize is 50" (L131), served silently, as a server with its own cap would.
const altMaxPerPage = 25

// UseAlternative switches the sandbox to the other plausible reading of each point the
// seed leaves open (readings.go, "Alternative reading"). Call it before serving.
func (s *Server) UseAlternative() {
	s.alt = true
	s.mux = http.NewServeMux()
	s.routes()
}

// isCollection tells a collection pattern from an item pattern (…/{id}).
func isCollection(pattern string) bool { return !strings.HasSuffix(pattern, "}") }

// slashRedirect answers the slash-less form of a collection path the way flask does for
// a route declared with a trailing slash (strict_slashes): a permanent redirect.
func slashRedirect(pattern string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Relative, so that it holds under whatever prefix the sandbox is mounted at.
		loc := path.Base(pattern) + "/"
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusPermanentRedirect)
	}
}

// maskItems applies an X-Fields mask to the items of a page envelope, not the envelope.
func maskItems(m *mask, v any) (any, bool) {
	page, ok := v.(obj)
	if !ok {
		return v, false
	}
	items, ok := page.get("items")
	if _, paged := page.get("per_page"); !ok || !paged {
		return v, false
	}
	out := make(obj, len(page))
	for i, f := range page {
		out[i] = f
		if f.k == "items" {
			out[i] = field{"items", m.apply(items)}
		}
	}
	return out, true
}

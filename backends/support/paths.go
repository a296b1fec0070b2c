package support

import (
	"net/url"
	"strings"
)

// API paths, as the seed writes them (relative to the server URL, e.g.
// https://unify.apideck.com; AY L2583, L2750). The sandbox keeps its own routes,
// written from the seed, so the client tests against it catch a path that drifts.
const (
	PathCustomers = "/customer-support/customers"
	PathCustomer  = "/customer-support/customers/{id}"
)

// Expand fills the {placeholders} of a path pattern in order, escaping each value as
// one path segment.
func Expand(pattern string, args ...string) string {
	var b strings.Builder
	rest := pattern
	for _, a := range args {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			break
		}
		b.WriteString(rest[:i])
		b.WriteString(url.PathEscape(a))
		rest = rest[j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

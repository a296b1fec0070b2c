package limits

import (
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// memo keeps a figure computed from an operation (its complexity, its estimated backend
// calls) for the next request of the same query: the query cache hands every request of
// one query text the same parsed document, and with the variables that decides the
// figure. A key holds its document, so an address is never reused while it is cached.
type memo struct {
	cache *lru.Cache[memoKey, int]
}

type memoKey struct {
	doc  *ast.QueryDocument
	op   *ast.OperationDefinition
	vars string // the variables as JSON (map keys sorted); "" when there are none
}

// memoSize bounds the entries; maxMemoVars the variables a key may carry, so a client
// sending ever new large variables cannot grow the memo past memoSize × maxMemoVars.
const (
	memoSize    = 1000
	maxMemoVars = 1 << 10
)

func newMemo() memo {
	c, _ := lru.New[memoKey, int](memoSize)
	return memo{cache: c}
}

// get returns compute()'s value for oc's operation and variables, from the memo when it
// holds them.
func (m memo) get(oc *graphql.OperationContext, compute func() int) int {
	if m.cache == nil || oc.Doc == nil {
		return compute()
	}
	k := memoKey{doc: oc.Doc, op: oc.Operation}
	if len(oc.Variables) > 0 {
		b, err := json.Marshal(oc.Variables)
		if err != nil || len(b) > maxMemoVars {
			return compute()
		}
		k.vars = string(b)
	}
	if n, ok := m.cache.Get(k); ok {
		return n
	}
	n := compute()
	m.cache.Add(k, n)
	return n
}

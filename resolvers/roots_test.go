package resolvers

import "testing"

// Roots hands the executor r's own resolvers, built once: asking for one allocates
// nothing, and each is bound to r.
func TestRootsAreBuiltOnce(t *testing.T) {
	r := &Resolver{}
	roots := r.Roots()
	if n := testing.AllocsPerRun(100, func() { _ = roots.Account(); _ = roots.Contact(); _ = roots.Order() }); n != 0 {
		t.Errorf("asking for resolvers allocated %v times", n)
	}
	if a, ok := roots.Account().(*accountResolver); !ok || a.Resolver != r {
		t.Errorf("Account() = %#v, want an accountResolver of r", roots.Account())
	}
	if q, ok := roots.Query().(*queryResolver); !ok || q.Resolver != r {
		t.Errorf("Query() = %#v, want a queryResolver of r", roots.Query())
	}
	if m, ok := roots.Mutation().(*mutationResolver); !ok || m.Resolver != r {
		t.Errorf("Mutation() = %#v, want a mutationResolver of r", roots.Mutation())
	}
}

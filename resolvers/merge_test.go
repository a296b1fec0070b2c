package resolvers

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"testing"
)

func TestMergePage(t *testing.T) {
	// Three disjoint lists, each descending, the way one search per status answers.
	lists := map[string][]int{
		"a": {97, 90, 90, 41, 40, 12, 3},
		"b": {95, 90, 44, 10},
		"c": {},
	}
	desc := func(a, b int) int { return cmp.Compare(b, a) }
	var want []int
	for _, xs := range lists {
		want = append(want, xs...)
	}
	slices.SortFunc(want, desc)
	listers := map[string]lister[int]{}
	for k, xs := range lists {
		listers[k] = func(_ context.Context, offset, limit int) ([]int, int, error) {
			if offset >= len(xs) {
				return nil, len(xs), nil
			}
			return xs[offset:min(len(xs), offset+limit)], len(xs), nil
		}
	}
	keys := []string{"a", "b", "c"}
	for _, first := range []int{1, 2, 3, 5, 11, 20} {
		var got []int
		var after *string
		for page := 0; ; page++ {
			if page > len(want)+1 {
				t.Fatalf("first %d: paging does not end", first)
			}
			fp, err := mergePage(t.Context(), keys, listers, desc, after, first)
			if err != nil {
				t.Fatal(err)
			}
			if fp.Total != len(want) || len(fp.Cursors) != len(fp.Nodes) {
				t.Fatalf("first %d: total %d, %d cursors for %d nodes", first, fp.Total, len(fp.Cursors), len(fp.Nodes))
			}
			got = append(got, fp.Nodes...)
			if !fp.HasNext {
				break
			}
			if len(fp.Nodes) != first {
				t.Fatalf("first %d: a short page (%d) before the end", first, len(fp.Nodes))
			}
			after = &fp.Cursors[len(fp.Cursors)-1]
		}
		if !slices.Equal(got, want) {
			t.Fatalf("first %d: %v, want %v", first, got, want)
		}
	}

	t.Run("a cursor of another list", func(t *testing.T) {
		fp, _ := mergePage(t.Context(), []string{"a", "z"}, map[string]lister[int]{"a": listers["a"], "z": listers["c"]}, desc, nil, 2)
		if _, err := mergePage(t.Context(), keys, listers, desc, &fp.Cursors[0], 2); err == nil {
			t.Fatal("a cursor naming list z was accepted")
		}
	})
	t.Run("a failing list fails the page", func(t *testing.T) {
		boom := errors.New("boom")
		failing := map[string]lister[int]{"a": listers["a"], "b": func(context.Context, int, int) ([]int, int, error) { return nil, 0, boom }}
		if _, err := mergePage(t.Context(), []string{"a", "b"}, failing, desc, nil, 3); !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("no lists", func(t *testing.T) {
		fp, err := mergePage(t.Context(), nil, map[string]lister[int]{}, desc, nil, 5)
		if err != nil || len(fp.Nodes) != 0 || fp.Total != 0 || fp.HasNext {
			t.Fatalf("%+v %v", fp, err)
		}
	})
}

package resolvers

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// memParts is an in-memory list of parts with counted reads.
type memParts struct {
	keys  []string
	lists map[string][]int
	cmp   func(a, b int) int
	reads atomic.Int32
	fail  map[string]error
}

func (m *memParts) parts(partial bool) parts[int] {
	p := parts[int]{keys: m.keys, listers: map[string]lister[int]{}, cmp: m.cmp, partial: partial}
	for k, xs := range m.lists {
		p.listers[k] = func(_ context.Context, offset, limit int) ([]int, int, error) {
			m.reads.Add(1)
			if err := m.fail[k]; err != nil {
				return nil, 0, err
			}
			return sliceWindow(xs, window{Offset: offset, First: limit}), len(xs), nil
		}
	}
	return p
}

// order is the whole list as the parts make it.
func (m *memParts) order() []int {
	var all []int
	for _, k := range m.keys {
		all = append(all, m.lists[k]...)
	}
	if m.cmp != nil {
		slices.SortStableFunc(all, m.cmp)
	}
	return all
}

func desc(a, b int) int { return cmp.Compare(b, a) }

// shapes are the lists the walks run over: parts one after another (federated
// sources) and merges of disjoint descending searches with ties across them.
func shapes() map[string]*memParts {
	return map[string]*memParts{
		"two sources": {keys: []string{"CIRRUS", "CONE"}, lists: map[string][]int{
			"CIRRUS": {1, 2, 3, 4, 5}, "CONE": {6, 7, 8}}},
		"three sources, the middle one empty": {keys: []string{"CIRRUS", "CONE", "CLIENT_DATA"}, lists: map[string][]int{
			"CIRRUS": {1, 2, 3, 4}, "CONE": {}, "CLIENT_DATA": {5, 6, 7, 8, 9, 10, 11}}},
		"one source": {keys: []string{"CIRRUS"}, lists: map[string][]int{"CIRRUS": {1, 2, 3, 4, 5, 6, 7}}},
		"empty":      {keys: []string{"CIRRUS", "CONE"}, lists: map[string][]int{"CIRRUS": {}, "CONE": {}}},
		"merge": {keys: []string{"a", "b", "c"}, cmp: desc, lists: map[string][]int{
			"a": {97, 90, 90, 41, 40, 12, 3}, "b": {95, 90, 44, 10}, "c": {}}},
		"merge of one": {keys: []string{"all"}, cmp: desc, lists: map[string][]int{"all": {9, 7, 7, 4, 1}}},
	}
}

type walked struct {
	nodes   []int
	cursors []string
}

// walk pages through the whole list forward (first/after) or backward (last/before),
// checking each page's flags against where it lies in the list.
func walk(t *testing.T, l parts[int], want []int, size int, forward bool) walked {
	t.Helper()
	var w walked
	var cursor *string
	for page := 0; ; page++ {
		if page > len(want)+1 {
			t.Fatalf("size %d: paging does not end", size)
		}
		a := pageArgs{First: intp(size), After: cursor}
		if !forward {
			a = pageArgs{Last: intp(size), Before: cursor}
		}
		p, err := l.page(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != len(want) || len(p.Cursors) != len(p.Nodes) {
			t.Fatalf("size %d: total %d, %d cursors for %d nodes", size, p.Total, len(p.Cursors), len(p.Nodes))
		}
		// Both flags exact: where the page lies is where it was asked for.
		seen := len(w.nodes) + len(p.Nodes)
		atStart, atEnd := cursor == nil, seen == len(want)
		if !forward {
			atStart, atEnd = seen == len(want), cursor == nil
		}
		if p.HasPrev == atStart || p.HasNext == atEnd {
			t.Fatalf("size %d, page %d (%v): hasPrev %v, hasNext %v", size, page, p.Nodes, p.HasPrev, p.HasNext)
		}
		if forward {
			w.nodes, w.cursors = append(w.nodes, p.Nodes...), append(w.cursors, p.Cursors...)
		} else {
			w.nodes, w.cursors = append(slices.Clone(p.Nodes), w.nodes...), append(slices.Clone(p.Cursors), w.cursors...)
		}
		more := p.HasNext
		if !forward {
			more = p.HasPrev
		}
		if !more {
			return w
		}
		if len(p.Nodes) != size {
			t.Fatalf("size %d: a short page (%d) before the end", size, len(p.Nodes))
		}
		if forward {
			cursor = &p.Cursors[len(p.Cursors)-1]
		} else {
			cursor = &p.Cursors[0]
		}
	}
}

func TestPagingWalksEveryRecordOnceBothWays(t *testing.T) {
	for name, m := range shapes() {
		t.Run(name, func(t *testing.T) {
			want := m.order()
			l := m.parts(true)
			for _, size := range []int{1, 2, 3, 5, 11, 20} {
				fwd := walk(t, l, want, size, true)
				back := walk(t, l, want, size, false)
				if !slices.Equal(fwd.nodes, want) || !slices.Equal(back.nodes, want) {
					t.Fatalf("size %d: forward %v, backward %v, want %v", size, fwd.nodes, back.nodes, want)
				}
				// A record has one cursor, whichever way it was reached.
				if !slices.Equal(fwd.cursors, back.cursors) {
					t.Fatalf("size %d: cursors differ by direction", size)
				}
			}
		})
	}
}

// TestPagingWindows cuts windows out of the middle of every shape: between two cursors,
// first and last together (the spec's first-then-last), a cursor's neighbours.
func TestPagingWindows(t *testing.T) {
	for name, m := range shapes() {
		want := m.order()
		all, err := m.parts(true).page(t.Context(), pageArgs{First: intp(MaxFirst)})
		if err != nil {
			t.Fatal(err)
		}
		cur := func(i int) *string { return &all.Cursors[i] } // the cursor of want[i]
		type tc struct {
			name   string
			args   pageArgs
			lo, hi int // want[lo:hi]
		}
		n := len(want)
		cases := []tc{
			{"first 0", pageArgs{First: intp(0)}, 0, 0},
			{"last 0", pageArgs{Last: intp(0)}, n, n},
			{"default size", pageArgs{}, 0, min(n, defaultPageSize)},
			{"last of everything", pageArgs{Last: intp(3)}, max(0, n-3), n},
			{"first 4 then last 2", pageArgs{First: intp(4), Last: intp(2)}, min(n, 2), min(n, 4)},
			{"last larger than first", pageArgs{First: intp(2), Last: intp(5)}, 0, min(n, 2)},
		}
		if n >= 6 {
			cases = append(cases,
				tc{"between cursors", pageArgs{After: cur(1), Before: cur(5)}, 2, 5},
				tc{"between cursors, first", pageArgs{After: cur(1), Before: cur(5), First: intp(2)}, 2, 4},
				tc{"between cursors, last", pageArgs{After: cur(1), Before: cur(5), Last: intp(2)}, 3, 5},
				tc{"after, last", pageArgs{After: cur(2), Last: intp(2)}, n - 2, n},
				tc{"after, last beyond it", pageArgs{After: cur(n - 3), Last: intp(10)}, n - 2, n},
				tc{"before, first", pageArgs{Before: cur(4), First: intp(3)}, 0, 3},
				tc{"before, last beyond the start", pageArgs{Before: cur(2), Last: intp(10)}, 0, 2},
				tc{"after the last record", pageArgs{After: cur(n - 1)}, n, n},
				tc{"before the first record", pageArgs{Before: cur(0), Last: intp(3)}, 0, 0},
				tc{"after is past before", pageArgs{After: cur(4), Before: cur(2)}, 4, 4},
			)
		}
		for _, tt := range cases {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				p, err := m.parts(true).page(t.Context(), tt.args)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(p.Nodes, want[tt.lo:tt.hi]) && !(len(p.Nodes) == 0 && tt.lo == tt.hi) {
					t.Fatalf("window %v, want %v", p.Nodes, want[tt.lo:tt.hi])
				}
				if tt.lo == tt.hi {
					return
				}
				if !slices.Equal(p.Cursors, all.Cursors[tt.lo:tt.hi]) {
					t.Fatal("a record's cursor depends on the window it is in")
				}
				if p.HasPrev != (tt.lo > 0) || p.HasNext != (tt.hi < n) {
					t.Fatalf("hasPrev %v hasNext %v for want[%d:%d] of %d", p.HasPrev, p.HasNext, tt.lo, tt.hi, n)
				}
			})
		}
	}
}

func TestPagingReads(t *testing.T) {
	// Each part is read once per page, at once; only `last` without `before` reads
	// again, and only the parts whose end the first read did not reach.
	tests := []struct {
		name string
		args func(all listPage[int]) pageArgs
		want int
	}{
		{"forward", func(listPage[int]) pageArgs { return pageArgs{First: intp(3)} }, 3},
		{"before a cursor", func(all listPage[int]) pageArgs { return pageArgs{Last: intp(3), Before: &all.Cursors[8]} }, 3},
		{"last: the end of the last source", func(listPage[int]) pageArgs { return pageArgs{Last: intp(3)} }, 3 + 1},
		{"last: a part read to its end is not read again", func(listPage[int]) pageArgs { return pageArgs{Last: intp(8)} }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := shapes()["three sources, the middle one empty"]
			all, _ := m.parts(true).page(t.Context(), pageArgs{First: intp(MaxFirst)})
			m.reads.Store(0)
			if _, err := m.parts(true).page(t.Context(), tt.args(all)); err != nil {
				t.Fatal(err)
			}
			if n := int(m.reads.Load()); n != tt.want {
				t.Fatalf("%d reads, want %d", n, tt.want)
			}
		})
	}
}

func TestPagingFailures(t *testing.T) {
	boom := errors.New("boom")
	t.Run("a failing part fails a merge", func(t *testing.T) {
		m := shapes()["merge"]
		m.fail = map[string]error{"b": boom}
		for _, a := range []pageArgs{{First: intp(3)}, {Last: intp(3)}} {
			if _, err := m.parts(false).page(t.Context(), a); !errors.Is(err, boom) {
				t.Fatalf("err %v", err)
			}
		}
	})
	t.Run("every source failing fails a federated list", func(t *testing.T) {
		m := shapes()["one source"]
		m.fail = map[string]error{"CIRRUS": boom}
		if _, err := m.parts(true).page(t.Context(), pageArgs{Last: intp(3)}); !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestPagingRefusesBadArguments(t *testing.T) {
	m := shapes()["merge"]
	l := m.parts(false)
	other, _ := shapes()["two sources"].parts(true).page(t.Context(), pageArgs{First: intp(2)})
	offsetCur := offsetCursor(3)
	noEdge := federatedCursor{"a": 1, "b": 1}.encode("")
	bad := "not-a-cursor"
	tests := []struct {
		name string
		args pageArgs
		msg  string
	}{
		{"negative first", pageArgs{First: intp(-1)}, "first must not be negative"},
		{"negative last", pageArgs{Last: intp(-1)}, "last must not be negative"},
		{"first over the cap", pageArgs{First: intp(MaxFirst + 1)}, "first must be at most 100"},
		{"last over the cap", pageArgs{Last: intp(MaxFirst + 1)}, "last must be at most 100"},
		{"malformed after", pageArgs{After: &bad}, "malformed cursor"},
		{"malformed before", pageArgs{Last: intp(2), Before: &bad}, "malformed cursor"},
		{"another list's cursor", pageArgs{After: &other.Cursors[1]}, "cursor does not belong to this list"},
		{"an offset cursor", pageArgs{Before: &offsetCur}, "malformed cursor"},
		{"a merge cursor that does not say its record's part", pageArgs{Before: &noEdge}, "cursor does not belong to this list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.page(t.Context(), tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err %v, want %q", err, tt.msg)
			}
			if code, _ := Classify(err); code != CodeBadUserInput {
				t.Fatalf("code %s", code)
			}
		})
	}
	if n := m.reads.Load(); n != 0 {
		t.Fatalf("refused arguments made %d reads", n)
	}
}

func TestForwardOnly(t *testing.T) {
	before := "x"
	for _, a := range []pageArgs{{Last: intp(1)}, {Before: &before}, {First: intp(1), Last: intp(1)}} {
		if err := a.forwardOnly("supportCustomers", "why"); err == nil {
			t.Fatalf("%+v accepted", a)
		}
	}
	if err := (pageArgs{First: intp(1), After: &before}).forwardOnly("supportCustomers", "why"); err != nil {
		t.Fatal(err)
	}
}

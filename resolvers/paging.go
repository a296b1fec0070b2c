package resolvers

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"crmgraph/graph/model"
)

// MaxFirst bounds `first` and `last` on every connection.
const MaxFirst = 100

// defaultPageSize is the window of a connection that names neither first nor last.
const defaultPageSize = 20

// pageArgs are a connection's Relay arguments: first/after page forward, last/before
// backward. Both pairs may be given; the window is then what the Relay cursor
// connections spec computes: the records between the cursors, the first `first` of
// them, then the last `last` of those.
type pageArgs struct {
	First, Last   *int
	After, Before *string
}

func relayArgs(first *int, after *string, last *int, before *string) pageArgs {
	return pageArgs{First: first, Last: last, After: after, Before: before}
}

func (a pageArgs) check() error {
	for _, n := range []struct {
		name string
		v    *int
	}{{"first", a.First}, {"last", a.Last}} {
		switch {
		case n.v == nil:
		case *n.v < 0:
			return badInput(n.name + " must not be negative")
		case *n.v > MaxFirst:
			return badInput(fmt.Sprintf("%s must be at most %d", n.name, MaxFirst))
		}
	}
	return nil
}

// backward reports whether the window hugs its end: last without first.
func (a pageArgs) backward() bool { return a.Last != nil && a.First == nil }

// size is how many records the first read of the window asks for.
func (a pageArgs) size() int {
	switch {
	case a.First != nil:
		return *a.First
	case a.Last != nil:
		return *a.Last
	}
	return defaultPageSize
}

// forwardOnly refuses backward paging for a list whose backend pages forward only.
func (a pageArgs) forwardOnly(list, why string) error {
	if a.Last != nil || (a.Before != nil && *a.Before != "") {
		return badInput(list + " pages forward only (first/after): " + why + ", so last and before cannot be served")
	}
	return nil
}

// window is a range of a list: skip Offset records, take First.
type window struct {
	Offset int
	First  int
}

// offsetCursor is the cursor of a single-source list: the offset after the record.
func offsetCursor(offset int) string {
	var raw [24]byte
	return model.EncodeOpaque(strconv.AppendInt(append(raw[:0], "o:"...), int64(offset), 10))
}

func parseOffsetCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 3 || string(b[:2]) != "o:" {
		return 0, badInput("malformed cursor")
	}
	n, err := strconv.Atoi(string(b[2:]))
	if err != nil || n < 0 {
		return 0, badInput("malformed cursor")
	}
	return n, nil
}

// pageFor finds the page-number request that covers [offset, offset+first) with one call
// when the API caps pages at maxPer: a page size p ≥ first whose page holds the whole
// window. It returns the page (1-based), the page size and how many records to skip.
// ok is false when no single page can hold the window (first > maxPer, or an unaligned
// window near the cap); then the caller pages by maxPer.
func pageFor(offset, first, maxPer int) (page, perPage, skip int, ok bool) {
	if first <= 0 {
		first = 1
	}
	for p := first; p <= maxPer; p++ {
		if offset/p == (offset+first-1)/p {
			return offset/p + 1, p, offset % p, true
		}
	}
	return 0, 0, 0, false
}

// sliceWindow returns the part of items the window covers.
func sliceWindow[T any](items []T, w window) []T {
	if w.Offset >= len(items) {
		return nil
	}
	end := min(len(items), w.Offset+w.First)
	return items[w.Offset:end]
}

// federatedCursor keeps each source's (or sub-list's) position in a list made of
// several: how many of its records come at or before the cursor's record.
type federatedCursor map[string]int

// encode writes the positions, zeros left out; edge names the part the cursor's own
// record comes from when the positions alone cannot tell (a merge).
func (c federatedCursor) encode(edge string) string {
	nonzero := make(map[string]int, len(c))
	for k, n := range c {
		if n > 0 {
			nonzero[k] = n
		}
	}
	b, _ := json.Marshal(nonzero)
	s := "f:" + string(b)
	if edge != "" {
		s += "@" + edge
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func parseFederatedCursor(s string) (federatedCursor, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || string(b[:2]) != "f:" {
		return nil, "", badInput("malformed cursor")
	}
	body, edge := string(b[2:]), ""
	if i := strings.LastIndexByte(body, '@'); i > strings.LastIndexByte(body, '}') {
		body, edge = body[:i], body[i+1:]
	}
	c := federatedCursor{}
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return nil, "", badInput("malformed cursor")
	}
	for _, n := range c {
		if n < 0 {
			return nil, "", badInput("malformed cursor")
		}
	}
	return c, edge, nil
}

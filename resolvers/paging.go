package resolvers

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
)

// MaxFirst bounds `first` on every connection.
const MaxFirst = 100

// window is the slice of a list a connection asks for: skip Offset records, take First.
type window struct {
	Offset int
	First  int
}

// offsetCursor is the cursor of a single-source list: the offset after the record.
func offsetCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func parseWindow(first *int, after *string) (window, error) {
	w := window{First: 20}
	if first != nil {
		w.First = *first
	}
	if w.First < 0 {
		return w, badInput("first must not be negative")
	}
	if w.First > MaxFirst {
		return w, badInput(fmt.Sprintf("first must be at most %d", MaxFirst))
	}
	if after != nil && *after != "" {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		if err != nil || len(b) < 3 || string(b[:2]) != "o:" {
			return w, badInput("malformed cursor")
		}
		n, err := strconv.Atoi(string(b[2:]))
		if err != nil || n < 0 {
			return w, badInput("malformed cursor")
		}
		w.Offset = n
	}
	return w, nil
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

// federatedCursor keeps each source's (or sub-list's) position in a merged list.
type federatedCursor map[string]int

func (c federatedCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(append([]byte("f:"), b...))
}

func parseFederatedCursor(after *string) (federatedCursor, error) {
	c := federatedCursor{}
	if after == nil || *after == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil || len(b) < 2 || string(b[:2]) != "f:" {
		return nil, badInput("malformed cursor")
	}
	if err := json.Unmarshal(b[2:], &c); err != nil {
		return nil, badInput("malformed cursor")
	}
	for _, n := range c {
		if n < 0 {
			return nil, badInput("malformed cursor")
		}
	}
	return c, nil
}

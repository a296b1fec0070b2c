package transport

import (
	"slices"
	"sync"
	"time"
)

// latencies keeps the backend's most recent successful attempt latencies and derives
// the attempt timeout from them. Safe for concurrent use.
type latencies struct {
	p AttemptTimeoutPolicy

	mu      sync.Mutex
	ring    []time.Duration
	next    int
	n       int
	added   int  // samples added since cut and median were computed
	known   bool // cut and median come from MinSamples or more samples
	cut     time.Duration
	median  time.Duration
	scratch []time.Duration
}

// refreshShare: once known, cut and median are recomputed (a sort of the window) after
// 1/refreshShare of the window has turned over, not on every call: a sort per call was
// a fifth of the cost of a backend call under load, and a quantile of 200 samples does
// not move with the next 6.
const refreshShare = 32

func newLatencies(p AttemptTimeoutPolicy) *latencies {
	return &latencies{p: p, ring: make([]time.Duration, p.Samples), cut: p.Ceiling}
}

// add records the latency of an attempt the backend answered.
func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring[l.next] = max(d, 0)
	l.next = (l.next + 1) % len(l.ring)
	l.n = min(l.n+1, len(l.ring))
	l.added++
}

// timeout returns how long an attempt may wait for its response headers before it is
// cut; 0 when attempt timeouts are off.
func (l *latencies) timeout() time.Duration {
	if l.p.Ceiling < 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refresh()
	return l.cut
}

// typical returns the median latency, 0 before MinSamples are known: a retry that
// cannot get even a typical answer before the deadline is not worth sending.
func (l *latencies) typical() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refresh()
	return l.median
}

func (l *latencies) refresh() {
	if l.n < l.p.MinSamples || l.known && l.added < max(1, len(l.ring)/refreshShare) {
		return // before MinSamples: the ceiling and no median, as newLatencies set them
	}
	l.added, l.known = 0, true
	l.scratch = append(l.scratch[:0], l.ring[:l.n]...)
	slices.Sort(l.scratch)
	l.median = l.scratch[(l.n-1)/2]
	q := l.scratch[quantileIndex(l.n, l.p.Quantile)]
	cut := time.Duration(float64(q) * l.p.Multiplier)
	l.cut = min(max(cut, l.p.Floor), l.p.Ceiling)
}

// quantileIndex is the nearest-rank index of quantile q among n sorted samples.
func quantileIndex(n int, q float64) int {
	i := int(q*float64(n)+0.999999) - 1
	return min(max(i, 0), n-1)
}

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
	stale   bool // ring changed since cut and median were computed
	cut     time.Duration
	median  time.Duration
	scratch []time.Duration
}

func newLatencies(p AttemptTimeoutPolicy) *latencies {
	return &latencies{p: p, ring: make([]time.Duration, p.Samples), stale: true}
}

// add records the latency of an attempt the backend answered.
func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring[l.next] = max(d, 0)
	l.next = (l.next + 1) % len(l.ring)
	l.n = min(l.n+1, len(l.ring))
	l.stale = true
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
	if !l.stale {
		return
	}
	l.stale = false
	if l.n < l.p.MinSamples {
		l.cut, l.median = l.p.Ceiling, 0
		return
	}
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

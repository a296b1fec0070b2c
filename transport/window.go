package transport

import "time"

// window counts two things (calls and failures, calls and retries) over the last span
// of time, in buckets so old counts fall off without keeping every event. It is not
// safe for concurrent use: its owner holds a lock.
type window struct {
	width   time.Duration // of one bucket
	buckets [][2]int      // ring; head is the current bucket
	head    int
	start   time.Time // start of the head bucket
}

const windowBuckets = 10

func newWindow(span time.Duration, now time.Time) *window {
	width := max(span/windowBuckets, time.Millisecond)
	return &window{width: width, buckets: make([][2]int, windowBuckets), start: now}
}

// advance moves the head to now's bucket, clearing the buckets it passes. A clock
// that steps back leaves the head where it is.
func (w *window) advance(now time.Time) {
	steps := int(now.Sub(w.start) / w.width)
	if steps <= 0 {
		return
	}
	for i := range min(steps, len(w.buckets)) {
		w.buckets[(w.head+1+i)%len(w.buckets)] = [2]int{}
	}
	w.head = (w.head + steps) % len(w.buckets)
	w.start = w.start.Add(time.Duration(steps) * w.width)
}

func (w *window) add(now time.Time, a, b int) {
	w.advance(now)
	w.buckets[w.head][0] += a
	w.buckets[w.head][1] += b
}

func (w *window) sums(now time.Time) (a, b int) {
	w.advance(now)
	for _, c := range w.buckets {
		a += c[0]
		b += c[1]
	}
	return a, b
}

func (w *window) reset(now time.Time) {
	clear(w.buckets)
	w.head, w.start = 0, now
}

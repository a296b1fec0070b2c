package transport

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Call is one attempt that went to the network, as the trace extension shows it.
// Path is relative to the backend's base URL and carries no query string, which can
// hold personal data (search terms, emails).
type Call struct {
	Backend string `json:"backend"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Status  int    `json:"status"` // 0 when the attempt failed before a response
	// StartMs is when the attempt began, in ms since the request began: with DurationMs
	// it shows which calls overlapped, hence the backends' share of the request's time.
	StartMs    float64 `json:"startMs"`
	DurationMs float64 `json:"durationMs"`
	// QueueMs is the time the call waited for a slot under the concurrency cap.
	QueueMs float64 `json:"queueMs,omitempty"`
	Keys    int     `json:"keys"`
	// BytesRead is how much of the response body the gateway read (after any transfer
	// decoding): a client that stops reading early, as bounded reads of APIs without
	// paging do, shows it here.
	BytesRead int64 `json:"bytesRead"`
}

// Recorder collects the backend calls of one GraphQL request. It is safe for
// concurrent use; a nil *Recorder records nothing.
type Recorder struct {
	start time.Time // the request's start: calls say when they began relative to it
	mu    sync.Mutex
	calls []Call
	read  []*atomic.Int64 // body bytes read, per call, counted as the body is read
}

type recorderKey struct{}

// WithRecorder returns ctx carrying a new Recorder, and the Recorder.
func WithRecorder(ctx context.Context) (context.Context, *Recorder) {
	r := &Recorder{start: time.Now()}
	return context.WithValue(ctx, recorderKey{}, r), r
}

// RecorderFrom returns the Recorder on ctx, or nil.
func RecorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

// add records c and returns the counter of its body bytes (nil for a nil Recorder).
func (r *Recorder) add(c Call, started time.Time) *atomic.Int64 {
	if r == nil {
		return nil
	}
	c.StartMs = float64(started.Sub(r.start).Microseconds()) / 1000
	n := new(atomic.Int64)
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.read = append(r.read, n)
	r.mu.Unlock()
	return n
}

// countedBody counts what is read of a response body into n.
type countedBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countedBody) Read(p []byte) (int, error) {
	k, err := b.ReadCloser.Read(p)
	b.n.Add(int64(k))
	return k, err
}

// Calls returns a copy of the calls recorded so far, in completion order.
func (r *Recorder) Calls() []Call {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Call, len(r.calls)) // never nil, so it encodes as [] rather than null
	copy(out, r.calls)
	for i := range out {
		out[i].BytesRead = r.read[i].Load()
	}
	return out
}

// Len returns the number of calls recorded so far.
func (r *Recorder) Len() int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

package transport

import (
	"context"
	"sync"
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
}

// Recorder collects the backend calls of one GraphQL request. It is safe for
// concurrent use; a nil *Recorder records nothing.
type Recorder struct {
	start time.Time // the request's start: calls say when they began relative to it
	mu    sync.Mutex
	calls []Call
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

func (r *Recorder) add(c Call, started time.Time) {
	if r == nil {
		return
	}
	c.StartMs = float64(started.Sub(r.start).Microseconds()) / 1000
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
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

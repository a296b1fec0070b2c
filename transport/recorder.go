package transport

import (
	"context"
	"sync"
)

// Call is one attempt that went to the network, as the trace extension shows it.
// Path is relative to the backend's base URL and carries no query string, which can
// hold personal data (search terms, emails).
type Call struct {
	Backend    string  `json:"backend"`
	Method     string  `json:"method"`
	Path       string  `json:"path"`
	Status     int     `json:"status"` // 0 when the attempt failed before a response
	DurationMs float64 `json:"durationMs"`
	// QueueMs is the time the call waited for a slot under the concurrency cap.
	QueueMs float64 `json:"queueMs,omitempty"`
	Keys    int     `json:"keys"`
}

// Recorder collects the backend calls of one GraphQL request. It is safe for
// concurrent use; a nil *Recorder records nothing.
type Recorder struct {
	mu    sync.Mutex
	calls []Call
}

type recorderKey struct{}

// WithRecorder returns ctx carrying a new Recorder, and the Recorder.
func WithRecorder(ctx context.Context) (context.Context, *Recorder) {
	r := &Recorder{}
	return context.WithValue(ctx, recorderKey{}, r), r
}

// RecorderFrom returns the Recorder on ctx, or nil.
func RecorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

func (r *Recorder) add(c Call) {
	if r == nil {
		return
	}
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

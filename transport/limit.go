package transport

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// limiter caps requests in flight to one backend, so a burst of resolvers queues in the
// gateway instead of overloading the backend (or tripping its rate limit). The time a
// call waits for a slot is observed (crmgraph_backend_queue_seconds) and recorded for
// the trace extension, so a cap set too low shows.
type limiter struct {
	next  http.RoundTripper
	slots chan struct{}
	o     Options
}

func newLimiter(next http.RoundTripper, o Options) *limiter {
	return &limiter{next: next, slots: make(chan struct{}, o.MaxConcurrent), o: o}
}

type queueWaitKey struct{}

// queueWait is the time the call on ctx waited for a slot (0 when it did not).
func queueWait(ctx context.Context) time.Duration {
	d, _ := ctx.Value(queueWaitKey{}).(time.Duration)
	return d
}

func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	select {
	case l.slots <- struct{}{}: // a free slot: no wait to measure
		l.o.Metrics.queued(callInfo(ctx, l.o.Backend).Backend, 0)
	default:
		start := l.o.Clock()
		select {
		case l.slots <- struct{}{}:
		case <-ctx.Done():
			if req.Body != nil {
				_ = req.Body.Close() // RoundTripper contract: the body is closed even on error
			}
			return nil, markNotSent(ctx.Err()) // queued, never sent
		}
		wait := l.o.Clock().Sub(start)
		l.o.Metrics.queued(callInfo(ctx, l.o.Backend).Backend, wait)
		req = req.WithContext(context.WithValue(ctx, queueWaitKey{}, wait))
	}
	release := sync.OnceFunc(func() { <-l.slots })
	resp, err := l.next.RoundTrip(req)
	if err != nil || resp.Body == nil {
		release()
		return resp, err
	}
	// The connection stays busy until the body is consumed, so the slot does too.
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releasingBody frees the slot at EOF or Close, whichever comes first.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.release()
	}
	return n, err
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

package transport

import (
	"io"
	"net/http"
	"sync"
)

// limiter caps requests in flight to one backend, so a burst of resolvers queues in the
// gateway instead of overloading the backend (or tripping its rate limit).
type limiter struct {
	next  http.RoundTripper
	slots chan struct{}
}

func newLimiter(next http.RoundTripper, n int) *limiter {
	return &limiter{next: next, slots: make(chan struct{}, n)}
}

func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		if req.Body != nil {
			_ = req.Body.Close() // RoundTripper contract: the body is closed even on error
		}
		return nil, markNotSent(ctx.Err()) // queued, never sent
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

package transport

import (
	"net/http"

	"crmgraph/backends/rest"
)

// Errors the chain itself returns instead of sending. Each wraps the rest sentinel the
// caller sees and rest.ErrNotSent: nothing reached the backend.
var (
	// ErrCircuitOpen is returned while a backend's breaker refuses calls; it wraps
	// rest.ErrUnavailable, so clients and the error presenter treat it as an outage.
	ErrCircuitOpen error = &refusal{msg: "circuit open", kind: rest.ErrUnavailable}
	// ErrCallBudgetExceeded is returned once the GraphQL request's budget of backend
	// calls (WithCallBudget) is used up; it wraps rest.ErrBudgetExceeded.
	ErrCallBudgetExceeded error = &refusal{msg: "backend call budget exhausted", kind: rest.ErrBudgetExceeded}
)

// refusal is a call the chain refused before sending.
type refusal struct {
	msg  string
	kind error
}

func (e *refusal) Error() string   { return e.msg + ": " + e.kind.Error() }
func (e *refusal) Unwrap() []error { return []error{e.kind, rest.ErrNotSent} }

// notSent marks err (its text and chain unchanged) as a failure before the request
// reached the backend.
type notSent struct{ err error }

func (e *notSent) Error() string   { return e.err.Error() }
func (e *notSent) Unwrap() []error { return []error{e.err, rest.ErrNotSent} }

func markNotSent(err error) error {
	if err == nil || rest.NotSent(err) {
		return err
	}
	return &notSent{err: err}
}

// checked refuses, before the limiter and the breaker see it, a request that cannot be
// sent because of its own content (see rest.ValidateRequest). rest.Client checks its
// requests itself; this layer covers any other caller, so an invalid header can never
// be retried or count against the backend.
type checked struct {
	next http.RoundTripper
	o    Options
}

func (c checked) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := rest.ValidateRequest(req); err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // RoundTripper contract: the body is closed even on error
		}
		info := callInfo(req.Context(), c.o.Backend)
		c.o.Metrics.count(info.Backend, info.Operation, CodeInvalidRequest)
		return nil, err
	}
	return c.next.RoundTrip(req)
}

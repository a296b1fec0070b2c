// Package rest holds what the typed backend clients share: the error sentinels every
// backend maps its failures to, the typed *HTTPError, and a small JSON request helper
// with a per-call deadline, a bounded error body and URL-free error messages.
package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Sentinels. Every backend error wraps exactly one of them; the GraphQL error presenter
// classifies with errors.Is in one place.
var (
	ErrBadRequest   = errors.New("bad request")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrRateLimited  = errors.New("rate limited")
	ErrUnavailable  = errors.New("upstream unavailable")
	ErrTimeout      = errors.New("upstream timeout")
	// ErrBudgetExceeded: the GraphQL request has used up its budget of backend calls
	// (transport.WithCallBudget); the call was refused before it was sent.
	ErrBudgetExceeded = errors.New("backend call budget exceeded")
)

// Delivery markers. A call that failed without an answer also wraps one of these next
// to its sentinel, saying whether the backend can have acted on it, which is what
// decides whether the caller may simply send it again.
var (
	// ErrNotSent: the request never reached the backend (breaker open, limiter or
	// budget refusal, dial failure, a request that could not be built). Sending it
	// again cannot duplicate anything.
	ErrNotSent = errors.New("request not sent")
	// ErrOutcomeUnknown: a non-idempotent request (a write) reached the backend but its
	// answer was lost (timeout after sending, connection dropped, unreadable body). The
	// write may or may not have happened; a blind retry can apply it twice.
	ErrOutcomeUnknown = errors.New("request sent, outcome unknown")
)

// OutcomeUnknown reports whether err is a write that reached the backend without an
// answer coming back, so anything cached about what it changes must be dropped.
func OutcomeUnknown(err error) bool { return errors.Is(err, ErrOutcomeUnknown) }

// NotSent reports whether err is a call that never reached the backend.
func NotSent(err error) bool { return errors.Is(err, ErrNotSent) }

// HTTPError is a non-2xx answer from a backend. Message is the backend's own message,
// bounded; it never holds the request URL or credentials.
type HTTPError struct {
	Backend    string
	Operation  string
	Status     int
	Code       string // backend error code, when the API has one
	SubCode    string // backend sub-code (client-data ApiError.subCode)
	Message    string
	Fields     map[string]string // per-field validation messages, when the API gives them
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d", e.Backend, e.Operation, e.Status)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.SubCode != "" {
		msg += "/" + e.SubCode
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Unwrap maps the status to its sentinel.
func (e *HTTPError) Unwrap() error { return SentinelFor(e.Status) }

// SentinelFor maps an HTTP status to the sentinel error it stands for.
func SentinelFor(status int) error {
	switch {
	case status >= 300 && status < 400:
		// Backend calls never follow redirects (the Location could be anywhere, and
		// the request carries the backend's credentials). A REST API that redirects
		// one of our calls is misconfigured or has moved: the backend cannot serve it.
		return ErrUnavailable
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound || status == http.StatusGone:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status == http.StatusGatewayTimeout || status == http.StatusRequestTimeout:
		return ErrTimeout
	case status >= 500:
		return ErrUnavailable
	case status >= 400:
		return ErrBadRequest
	}
	return nil
}

// CallInfo describes one REST call for metrics and traces. The client puts it on the
// request context; transport middleware reads it.
type CallInfo struct {
	Backend   string
	Operation string
	Keys      int // batch size the call serves (1 for a single lookup)
	// Idempotent: sending the call twice has the effect of sending it once, so the
	// transport may cut a slow attempt and retry it. True for GET/HEAD/OPTIONS and for
	// reads sent with another method (Request.Idempotent).
	Idempotent bool
}

type callInfoKey struct{}
type keysKey struct{}

// WithCallInfo returns ctx carrying info.
func WithCallInfo(ctx context.Context, info CallInfo) context.Context {
	return context.WithValue(ctx, callInfoKey{}, info)
}

// CallInfoFrom returns the call info of a request context.
func CallInfoFrom(ctx context.Context) (CallInfo, bool) {
	info, ok := ctx.Value(callInfoKey{}).(CallInfo)
	return info, ok
}

// WithKeys records how many loader keys the calls made with ctx serve (the batch size).
func WithKeys(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, keysKey{}, n)
}

func keysFrom(ctx context.Context) int {
	if n, ok := ctx.Value(keysKey{}).(int); ok {
		return n
	}
	return 1
}

// MaxErrorBody bounds how much of an error body is read.
const MaxErrorBody = 64 << 10

// MaxRawBody bounds a non-JSON success body read into a *[]byte.
const MaxRawBody = 64 << 20

// Client sends JSON requests to one backend.
type Client struct {
	Backend string
	BaseURL string // without trailing slash; path segments are appended
	// HTTP sends the requests. Its CheckRedirect is not used: a backend call never
	// follows a redirect, a 3xx is returned as an error (see SentinelFor).
	HTTP    *http.Client
	Timeout time.Duration // per call; 0 means the context's deadline only
	// Auth sets credentials on each request; it may read ctx (e.g. a forwarded token).
	Auth func(ctx context.Context, h http.Header)
	// Authorize, when set, may refuse a call before anything is sent (e.g. no caller
	// credential where the API acts for the caller); its error is returned as it is.
	Authorize func(ctx context.Context) error
	// DecodeError fills Code/SubCode/Message/Fields from the backend's error body.
	DecodeError func(body []byte, e *HTTPError)
}

// Request is one call.
type Request struct {
	Op     string // operation name for metrics and errors, e.g. "accounts.list"
	Method string
	Path   string // already escaped, starting with "/"
	Query  url.Values
	Header http.Header
	Body   any // JSON-encoded when non-nil
	// RawBody is sent as it is, with ContentType, when Body is nil (e.g. a GraphQL
	// query text); empty means no body.
	RawBody     []byte
	ContentType string
	// Idempotent marks a read sent with a method that is not idempotent by itself
	// (e.g. a POST search with the query in the body), so the transport may retry it.
	// GET, HEAD and OPTIONS are always idempotent.
	Idempotent bool
}

func (r Request) idempotent() bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return r.Idempotent
}

// Do sends req and decodes a 2xx JSON body into out (nil: the body is discarded; a
// *[]byte receives the raw body, for CSV and other non-JSON answers; a StreamDecoder
// reads as much of it as it needs).
// It returns the response headers (useful for paging headers) and the status.
func (c *Client) Do(ctx context.Context, req Request, out any) (http.Header, int, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	if err := checkPath(req.Path); err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w: %w", c.Backend, req.Op, err, ErrNotSent)
	}
	if c.Authorize != nil {
		if err := c.Authorize(ctx); err != nil {
			return nil, 0, fmt.Errorf("%s %s: %w: %w", c.Backend, req.Op, err, ErrNotSent)
		}
	}
	ctx = WithCallInfo(ctx, CallInfo{Backend: c.Backend, Operation: req.Op, Keys: keysFrom(ctx), Idempotent: req.idempotent()})
	hreq, err := c.newRequest(ctx, req)
	if err != nil {
		// The request's own content is at fault: it is the caller's error, and it
		// must never reach the transport, where it would look like a backend failure.
		return nil, 0, fmt.Errorf("%s %s: %w", c.Backend, req.Op, err)
	}
	hc := *c.HTTP
	hc.CheckRedirect = refuseRedirect
	resp, err := hc.Do(hreq)
	if err != nil {
		return nil, 0, c.transportError(ctx, req, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
		herr := &HTTPError{Backend: c.Backend, Operation: req.Op, Status: resp.StatusCode,
			RetryAfter: ParseRetryAfter(resp.Header.Get("Retry-After"))}
		if c.DecodeError != nil && len(b) > 0 {
			c.DecodeError(b, herr)
		}
		herr.Message = truncate(herr.Message, 500)
		return resp.Header, resp.StatusCode, herr
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Header, resp.StatusCode, nil
	}
	if raw, ok := out.(*[]byte); ok { // a non-JSON body (CSV, files), bounded
		b, err := readBody(resp.Body, resp.ContentLength, MaxRawBody)
		if err != nil {
			return nil, 0, c.transportError(ctx, req, err)
		}
		*raw = b
		return resp.Header, resp.StatusCode, nil
	}
	if err := decodeJSON(resp.Body, out); err != nil {
		if errors.Is(err, io.EOF) {
			return resp.Header, resp.StatusCode, nil // empty body
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, 0, c.transportError(ctx, req, ctxErr)
		}
		if !req.idempotent() {
			// The write was accepted (2xx) but what it created or changed is unknown.
			return nil, resp.StatusCode, fmt.Errorf("%s %s: decode response: %w: %w", c.Backend, req.Op, ErrUnavailable, ErrOutcomeUnknown)
		}
		return nil, resp.StatusCode, fmt.Errorf("%s %s: decode response: %w", c.Backend, req.Op, ErrUnavailable)
	}
	return resp.Header, resp.StatusCode, nil
}

// readBody reads a body of at most limit bytes. A declared length within the limit sizes
// the buffer once (net/http ends the body there, and fails a shorter one); io.ReadAll
// would grow it from 512 bytes, copying it about twice over.
func readBody(r io.Reader, declared, limit int64) ([]byte, error) {
	if declared < 0 || declared > limit {
		return io.ReadAll(io.LimitReader(r, limit))
	}
	b := make([]byte, declared)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

// StreamDecoder is an out that reads the JSON body itself, value by value, and may stop
// before the end: Do then closes the body with the rest unread (the connection is not
// reused). It is how a client bounds what it reads from an API without paging. An empty
// body is io.EOF from the first Token, as with a plain out.
type StreamDecoder interface {
	DecodeStream(dec *json.Decoder) error
}

func decodeJSON(body io.Reader, out any) error {
	dec := json.NewDecoder(body)
	if s, ok := out.(StreamDecoder); ok {
		return s.DecodeStream(dec)
	}
	return dec.Decode(out)
}

// newRequest builds the HTTP request and checks that it can be sent as it is: an
// invalid URL, a body that does not encode or a header value with a control character
// (Go's transport refuses those) is ErrBadRequest, ErrNotSent.
func (c *Client) newRequest(ctx context.Context, req Request) (*http.Request, error) {
	u := c.BaseURL + req.Path
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	var body io.Reader
	contentType := ""
	switch {
	case req.Body != nil:
		b, err := json.Marshal(req.Body)
		if err != nil {
			return nil, fmt.Errorf("encode body: %v: %w: %w", err, ErrBadRequest, ErrNotSent)
		}
		body, contentType = bytes.NewReader(b), "application/json"
	case len(req.RawBody) > 0:
		body, contentType = bytes.NewReader(req.RawBody), req.ContentType
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, u, body)
	if err != nil {
		// The message of a *url.Error holds the URL; say only what kind of input failed.
		return nil, fmt.Errorf("build request: invalid method or URL: %w: %w", ErrBadRequest, ErrNotSent)
	}
	hreq.Header.Set("Accept", "application/json")
	if contentType != "" {
		hreq.Header.Set("Content-Type", contentType)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	if c.Auth != nil {
		c.Auth(ctx, hreq.Header)
	}
	if err := ValidateRequest(hreq); err != nil {
		return nil, err
	}
	return hreq, nil
}

// ValidateRequest reports, as an error wrapping ErrBadRequest and ErrNotSent, what
// would make Go's transport refuse req before sending it: a method that is not a
// token, a URL without http(s) scheme or host, an invalid Host, or a header or trailer
// with an invalid name or value (a newline in a value, say). Messages name the
// header, never its value, which may be a credential or personal data.
func ValidateRequest(req *http.Request) error {
	invalid := func(what string) error {
		return fmt.Errorf("request cannot be sent: %s: %w: %w", what, ErrBadRequest, ErrNotSent)
	}
	if !httpguts.ValidHeaderFieldName(req.Method) && req.Method != "" {
		return invalid("invalid method")
	}
	if req.URL == nil || req.URL.Host == "" || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		return invalid("URL needs an http or https scheme and a host")
	}
	if req.Host != "" && !httpguts.ValidHostHeader(req.Host) {
		return invalid("invalid Host")
	}
	for _, h := range []http.Header{req.Header, req.Trailer} {
		for k, vs := range h {
			if !httpguts.ValidHeaderFieldName(k) {
				return invalid(fmt.Sprintf("invalid header name %q", k))
			}
			for _, v := range vs {
				if !httpguts.ValidHeaderFieldValue(v) {
					return invalid(fmt.Sprintf("invalid value for header %q", k))
				}
			}
		}
	}
	return nil
}

// checkPath refuses a request path (Request.Path) that could address something other
// than the resource its template names: every segment must be non-empty and neither
// "." nor ".." (also once percent-decoded, as some servers and proxies decode before
// resolving dot segments), and the path must hold no unescaped "?", "#", "\\", space or
// control character. An id from a caller that is empty or ".." would otherwise walk
// the URL ("/customers/.." is "/"). Templates fill segments with url.PathEscape,
// which escapes "/" but leaves "." alone, hence this check. The error wraps
// ErrBadRequest: the request is refused before anything is sent.
func checkPath(path string) error {
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("path must start with /: %w", ErrBadRequest)
	}
	for _, seg := range strings.Split(path[1:], "/") {
		if seg == "" {
			return fmt.Errorf("empty path segment: %w", ErrBadRequest)
		}
		if strings.ContainsAny(seg, "?#\\ ") || strings.ContainsFunc(seg, isControl) {
			return fmt.Errorf("unescaped character in a path segment: %w", ErrBadRequest)
		}
		decoded, err := url.PathUnescape(seg)
		if err != nil {
			return fmt.Errorf("malformed escape in a path segment: %w", ErrBadRequest)
		}
		if isDots(seg) || isDots(decoded) {
			return fmt.Errorf("dot path segment: %w", ErrBadRequest)
		}
	}
	return nil
}

func isDots(seg string) bool { return seg == "." || seg == ".." }

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// transportError turns a failure without an HTTP answer into a sentinel error without
// the URL (*url.Error would print it), marked with whether the request reached the
// backend: ErrNotSent when it certainly did not, ErrOutcomeUnknown for a write that
// may have (the conservative default when nothing says it was not sent).
func (c *Client) transportError(ctx context.Context, req Request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	prefix := c.Backend + " " + req.Op
	if errors.Is(err, context.Canceled) && ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// Nobody is waiting for the answer; a write that went out may still have been
		// applied, which matters to whoever caches what it changes.
		if !req.idempotent() && !NotSent(err) {
			return fmt.Errorf("%s: %w: %w", prefix, context.Canceled, ErrOutcomeUnknown)
		}
		return fmt.Errorf("%s: %w", prefix, context.Canceled)
	}
	// Errors from the transport middleware (breaker, limiter, budget, attempt timeout,
	// request checks) already wrap a sentinel and have client-safe messages.
	for _, s := range []error{ErrBadRequest, ErrBudgetExceeded, ErrUnavailable, ErrTimeout, ErrRateLimited} {
		if !errors.Is(err, s) {
			continue
		}
		if !req.idempotent() && !errors.Is(err, ErrNotSent) && !errors.Is(err, ErrOutcomeUnknown) {
			return fmt.Errorf("%s: answer lost: %w: %w", prefix, err, ErrOutcomeUnknown)
		}
		return fmt.Errorf("%s: %w", prefix, err)
	}
	// Raw network errors carry addresses: they get a generic message.
	kind, msg := ErrUnavailable, ""
	switch {
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		kind = ErrTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = "connection refused: "
	}
	switch {
	case errors.Is(err, ErrNotSent) || dialFailed(err):
		return fmt.Errorf("%s: %s%w: %w", prefix, msg, kind, ErrNotSent)
	case !req.idempotent():
		return fmt.Errorf("%s: %sanswer lost: %w: %w", prefix, msg, kind, ErrOutcomeUnknown)
	}
	return fmt.Errorf("%s: %s%w", prefix, msg, kind)
}

// dialFailed reports an error from before the request could be written: no address,
// no connection.
func dialFailed(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dnsErr) ||
		errors.As(err, &opErr) && opErr.Op == "dial"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ParseRetryAfter reads a Retry-After header in seconds or HTTP-date form.
func ParseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// JoinInts renders ids as the comma-separated list the APIs take ("1,2,3").
func JoinInts(ids []int) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(id))
	}
	return b.String()
}

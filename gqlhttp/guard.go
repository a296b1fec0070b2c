// Package gqlhttp is the HTTP edge of /graphql in front of gqlgen: it refuses what is not
// a GraphQL request (wrong method or media type, a body too large, too slow, not JSON or
// too deeply nested) with a GraphQL JSON error carrying extensions.code, and never echoes
// the request back. Whatever passes is a well-formed request gqlgen decodes without error.
package gqlhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Codes of transport-level rejections (extensions.code).
const (
	CodeBadRequest           = "BAD_REQUEST"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	CodeRequestTooLarge      = "REQUEST_TOO_LARGE"
	CodeRequestTimeout       = "REQUEST_TIMEOUT"
	CodeNotAcceptable        = "NOT_ACCEPTABLE"
)

// Defaults of Limits.
const (
	DefaultMaxBodyBytes    = 1 << 20
	DefaultBodyReadTimeout = 10 * time.Second
	DefaultMaxJSONDepth    = 64
)

// Limits bound what the guard reads.
type Limits struct {
	// MaxBodyBytes is the largest POST body accepted (0: DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// BodyReadTimeout bounds the time to receive the whole body, so a client trickling
	// bytes cannot hold a connection and a handler (0: DefaultBodyReadTimeout).
	BodyReadTimeout time.Duration
	// MaxJSONDepth bounds nesting of the body and of GET variables/extensions
	// (0: DefaultMaxJSONDepth). GraphQL variables are shallow; Go's decoder allows 10,000.
	MaxJSONDepth int
	// MaxBatch bounds the operations of a batched POST, a JSON array (0:
	// DefaultMaxBatch; negative: batches refused).
	MaxBatch int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if l.BodyReadTimeout <= 0 {
		l.BodyReadTimeout = DefaultBodyReadTimeout
	}
	if l.MaxJSONDepth <= 0 {
		l.MaxJSONDepth = DefaultMaxJSONDepth
	}
	if l.MaxBatch == 0 {
		l.MaxBatch = DefaultMaxBatch
	}
	return l
}

// Rejected is called once per request the guard refuses (e.g. to count it).
type Rejected func(r *http.Request, code string)

// Guard checks every /graphql request before next sees it. POST bodies are read here,
// whole and bounded, and handed on as an in-memory body.
func Guard(l Limits, rejected Rejected, next http.Handler) http.Handler {
	l = l.withDefaults()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reject := func(status int, code, msg string) {
			if rejected != nil {
				rejected(r, code)
			}
			WriteError(w, status, code, msg)
		}
		if r.Method != http.MethodOptions && !acceptable(r.Header.Values("Accept")) {
			reject(http.StatusNotAcceptable, CodeNotAcceptable, "this endpoint answers application/graphql-response+json or application/json")
			return
		}
		switch r.Method {
		case http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		case http.MethodGet:
			if code, msg := checkGET(r, l); code != "" {
				reject(http.StatusBadRequest, code, msg)
				return
			}
			next.ServeHTTP(w, r)
			return
		case http.MethodPost:
		default:
			w.Header().Set("Allow", "GET, POST")
			reject(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use POST, or GET for queries")
			return
		}
		if r.Header.Get("Upgrade") != "" {
			reject(http.StatusBadRequest, CodeBadRequest, "protocol upgrades are not supported")
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			reject(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "POST bodies must be application/json")
			return
		}
		if r.ContentLength > l.MaxBodyBytes {
			reject(http.StatusRequestEntityTooLarge, CodeRequestTooLarge, fmt.Sprintf("request body is larger than %d bytes", l.MaxBodyBytes))
			return
		}
		body, status, code, msg := readBody(w, r, l)
		if code != "" {
			reject(status, code, msg)
			return
		}
		if code, msg := checkBody(body, l); code != "" {
			reject(http.StatusBadRequest, code, msg)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// readBody reads the whole body within the size and time limits.
func readBody(w http.ResponseWriter, r *http.Request, l Limits) (body []byte, status int, code, msg string) {
	rc := http.NewResponseController(w)
	// Not every ResponseWriter (e.g. a test recorder) supports deadlines; the size bound
	// still holds there.
	deadline := rc.SetReadDeadline(time.Now().Add(l.BodyReadTimeout)) == nil
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.MaxBodyBytes))
	if err == nil {
		if deadline {
			// The connection may carry further requests: do not leave them our deadline.
			_ = rc.SetReadDeadline(time.Time{})
		}
		return body, 0, "", ""
	}
	// The rest of the body is unread: close the connection after the answer rather
	// than wait for bytes the client may never send.
	w.Header().Set("Connection", "close")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, http.StatusRequestEntityTooLarge, CodeRequestTooLarge, fmt.Sprintf("request body is larger than %d bytes", l.MaxBodyBytes)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, http.StatusRequestTimeout, CodeRequestTimeout, fmt.Sprintf("request body not received within %s", l.BodyReadTimeout)
	default:
		return nil, http.StatusBadRequest, CodeBadRequest, "request body could not be read"
	}
}

// params mirrors gqlgen's RawParams (plus the persisted-document ids), so a body that
// decodes here decodes there.
type params struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
	DocumentID    string         `json:"documentId"`
	DocID         string         `json:"doc_id"`
}

// checkBody reports why body is neither a GraphQL request nor a batch of at most
// l.MaxBatch of them, or "" when it is.
func checkBody(body []byte, l Limits) (code, msg string) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return checkParams(body, l.MaxJSONDepth)
	}
	if l.MaxBatch < 0 {
		return CodeBadRequest, "batched requests (a JSON array) are not supported: send one operation per request"
	}
	if d := jsonDepth(body); d > l.MaxJSONDepth+1 {
		return CodeBadRequest, fmt.Sprintf("request JSON nests deeper than %d levels", l.MaxJSONDepth)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return CodeBadRequest, jsonProblem(err)
	}
	if len(items) == 0 || len(items) > l.MaxBatch {
		return CodeBadRequest, fmt.Sprintf("a batch holds 1 to %d operations, not %d", l.MaxBatch, len(items))
	}
	for i, item := range items {
		if code, msg := checkParams(item, l.MaxJSONDepth); code != "" {
			return code, fmt.Sprintf("batch entry %d: %s", i, msg)
		}
	}
	return "", ""
}

// checkParams reports why body is not a GraphQL request, or "" when it is one.
func checkParams(body []byte, maxDepth int) (code, msg string) {
	if d := jsonDepth(body); d > maxDepth {
		return CodeBadRequest, fmt.Sprintf("request JSON nests deeper than %d levels", maxDepth)
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return CodeBadRequest, "request body is empty: send {\"query\": …}"
	}
	if trimmed[0] != '{' {
		return CodeBadRequest, "request body must be a JSON object (or an array of them, a batch)"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var p params
	if err := dec.Decode(&p); err != nil {
		return CodeBadRequest, jsonProblem(err)
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return CodeBadRequest, "request body holds more than one JSON value"
	}
	return "", ""
}

func checkGET(r *http.Request, l Limits) (code, msg string) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return CodeBadRequest, "the query string is malformed"
	}
	for _, name := range []string{"variables", "extensions"} {
		s := q.Get(name)
		if s == "" {
			continue
		}
		if jsonDepth([]byte(s)) > l.MaxJSONDepth {
			return CodeBadRequest, fmt.Sprintf("%s nests deeper than %d levels", name, l.MaxJSONDepth)
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil || len(bytes.TrimSpace([]byte(s)[dec.InputOffset():])) > 0 {
			return CodeBadRequest, name + " must be a JSON object"
		}
	}
	return "", ""
}

// acceptable reports whether an Accept header lets us answer: JSON, GraphQL's
// response type, multipart/mixed (incremental delivery), or any wildcard. No header
// accepts anything.
func acceptable(values []string) bool {
	if len(values) == 0 {
		return true
	}
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil || params["q"] == "0" {
				continue
			}
			switch mt {
			case "*/*", "application/*", mediaJSON, mediaGraphQLResponse, "multipart/mixed", "multipart/*":
				return true
			}
		}
	}
	return false
}

// jsonProblem describes a decode error without quoting the input.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("request body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("request field %q must be %s", typ.Field, kindName(typ.Field))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "request body is truncated JSON"
	}
	return "request body is not a GraphQL request"
}

func kindName(field string) string {
	switch field {
	case "variables", "extensions":
		return "an object"
	}
	return "a string"
}

// jsonDepth is the deepest nesting of objects and arrays in b (strings skipped), in one
// pass; it stops counting as soon as the answer is known to be large.
func jsonDepth(b []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > deepest {
				deepest = depth
			}
		case '}', ']':
			depth--
		}
	}
	return deepest
}

// WriteError answers a request gqlgen never saw, as GraphQL JSON.
func WriteError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{
		"message": msg, "extensions": map[string]any{"code": code},
	}}})
	_, _ = w.Write(append(b, '\n'))
}

// Package support is the typed client of Apideck's Customer Support unified API 9.5.0
// (seeds 000/001): list, get, create, update and delete customers of the connector
// (Kustomer, Zendesk, Intercom…) a consumer has connected.
package support

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"crmgraph/backends/rest"
)

// Backend is the backend label used in errors, metrics and traces.
const Backend = "support"

// Request headers of the unified API.
const (
	HeaderAppID      = "x-apideck-app-id"
	HeaderConsumerID = "x-apideck-consumer-id"
	HeaderServiceID  = "x-apideck-service-id"
	HeaderRequestID  = "Request-Id" // response header naming the request
)

// Error type names (the error body's type_name) the gateway may want to tell apart.
// The seed lists more; HTTPError.Code carries whichever the API sends.
const (
	TypeRequestValidation        = "RequestValidationError"
	TypeRequestHeadersValidation = "RequestHeadersValidationError"
	TypeInvalidCursor            = "InvalidCursorError"
	TypeUnauthorized             = "UnauthorizedError"
	TypeRequestLimit             = "RequestLimitError"
	TypeEntityNotFound           = "EntityNotFoundError"
	TypeInvalidState             = "InvalidStateError"
	TypeConnectorRateLimit       = "ConnectorRateLimitError"
	TypeConnectorExecution       = "ConnectorExecutionError"
	TypeIntegrationNotFound      = "IntegrationNotFoundError"
	TypeMapping                  = "MappingError"
)

// Config configures a Client.
type Config struct {
	BaseURL    string // e.g. "https://unify.apideck.com" (paths start with /customer-support)
	Token      string // API key, sent as "Authorization: Bearer <Token>"
	AppID      string // x-apideck-app-id (required by the API)
	ConsumerID string // x-apideck-consumer-id (required by the API)
	ServiceID  string // x-apideck-service-id, only when the consumer has several connectors
	HTTP       *http.Client
	Timeout    time.Duration // per call; 0: the context's deadline only
}

// Client calls the Customer Support API for one application and consumer. It is
// safe for concurrent use.
type Client struct {
	rest rest.Client
	cfg  Config
}

// WithConsumer returns a client of the same application for another consumer id (the
// probe checks that consumers are isolated).
func (c *Client) WithConsumer(id string) *Client {
	cfg := c.cfg
	cfg.ConsumerID, cfg.HTTP = id, c.rest.HTTP
	return New(cfg)
}

// New returns a client for cfg. A nil cfg.HTTP gets a client of its own (never
// http.DefaultClient, whose transport other code may change).
func New(cfg Config) *Client {
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	token, app, consumer, service := cfg.Token, cfg.AppID, cfg.ConsumerID, cfg.ServiceID
	return &Client{cfg: cfg, rest: rest.Client{
		Backend: Backend,
		BaseURL: strings.TrimRight(cfg.BaseURL, "/"),
		HTTP:    hc,
		Timeout: cfg.Timeout,
		// The app, consumer and service ids select the tenant and connector; they
		// travel with the credentials on every call.
		Auth: func(_ context.Context, h http.Header) {
			if token != "" {
				h.Set("Authorization", "Bearer "+token)
			}
			if app != "" {
				h.Set(HeaderAppID, app)
			}
			if consumer != "" {
				h.Set(HeaderConsumerID, consumer)
			}
			if service != "" {
				h.Set(HeaderServiceID, service)
			}
		},
		DecodeError: decodeError,
	}}
}

func (c *Client) do(ctx context.Context, req rest.Request, out any) error {
	_, _, err := c.rest.Do(ctx, req, out)
	return err
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("support: %s: %w", op, err)
}

// maxDetail bounds the detail text appended to an error message.
const maxDetail = 200

// decodeError reads the Apideck error body {status_code, error, type_name, message,
// detail, ref} into e: Code is type_name; Message is message (or error) plus a string
// detail; per-field messages come from detail objects such as
// {"missing":[{"foobar":"required"}]}. ref (a documentation URL) is left out, and so is
// any text that looks like a URL, since connector errors proxy downstream details.
func decodeError(body []byte, e *rest.HTTPError) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return
	}
	var b struct {
		Error    string          `json:"error"`
		TypeName string          `json:"type_name"`
		Message  string          `json:"message"`
		Detail   json.RawMessage `json:"detail"`
	}
	if body[0] != '{' || json.Unmarshal(body, &b) != nil {
		// Not the API's error object (a proxy's page, a bare JSON string or null):
		// keep short plain text only.
		var s string
		if err := json.Unmarshal(body, &s); err != nil {
			s = string(body)
		}
		if s != "null" && len(s) <= maxDetail && !strings.HasPrefix(s, "<") {
			e.Message = dropURLs(s)
		}
		return
	}
	e.Code = b.TypeName
	msg := b.Message
	if msg == "" {
		msg = b.Error
	}
	var detail any
	if len(b.Detail) > 0 {
		_ = json.Unmarshal(b.Detail, &detail)
	}
	switch d := detail.(type) {
	case string:
		msg = appendDetail(msg, d)
	case map[string]any:
		// ConnectorRateLimitError: {context, error}.
		if s, ok := d["context"].(string); ok {
			msg = appendDetail(msg, s)
		}
		fields := map[string]string{}
		for _, v := range d {
			collectFields(v, fields)
		}
		if len(fields) > 0 {
			e.Fields = fields
		}
	}
	e.Message = dropURLs(msg)
}

// collectFields reads [{field: message}, …] lists (the seed's {missing: [...]} shape)
// into out.
func collectFields(v any, out map[string]string) {
	list, ok := v.([]any)
	if !ok {
		return
	}
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		for field, msg := range m {
			switch s := msg.(type) {
			case string:
				out[field] = dropURLs(s)
			default:
				if raw, err := json.Marshal(s); err == nil && len(raw) <= maxDetail {
					out[field] = dropURLs(string(raw))
				}
			}
		}
	}
}

func appendDetail(msg, detail string) string {
	detail = strings.TrimSpace(detail)
	if detail == "" || detail == msg {
		return msg
	}
	if len(detail) > maxDetail {
		detail = detail[:maxDetail] + "…"
	}
	if msg == "" {
		return detail
	}
	return msg + ": " + detail
}

// dropURLs replaces every word that holds a URL with "[url]": messages reach GraphQL
// clients and logs, where upstream URLs must not.
func dropURLs(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		if strings.Contains(w, "://") {
			words[i] = "[url]"
		}
	}
	return strings.Join(words, " ")
}

// Package cone is the typed client of the ConeCRM v1 REST API (seed 002): accounts,
// contacts, leads, stages, tasks and the query builder, which is the only way to read
// accounts, contacts and leads by id.
package cone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"crmgraph/backends/rest"
)

// Backend is the backend label used in errors, metrics and traces.
const Backend = "cone"

// Config configures a Client.
type Config struct {
	BaseURL string // e.g. "https://api.conecrm.com" (paths start with /api)
	Token   string // JWT, sent as "Authorization: Bearer <Token>"
	HTTP    *http.Client
	Timeout time.Duration // per call; 0: the context's deadline only
	// InValues is how in/notIn rules carry their list (CONE_IN_VALUES): InComma
	// ("a,b,c", react-querybuilder's default; also the "" default) or InArray
	// (["a","b","c"]). The seed types value as a string and says no more.
	InValues string
}

// Encodings of Config.InValues.
const (
	InComma = "comma"
	InArray = "array"
)

// Client calls one ConeCRM tenant. It is safe for concurrent use.
type Client struct {
	rest    rest.Client
	inArray bool
}

// InValues names the encoding of in/notIn lists the client sends.
func (c *Client) InValues() string {
	if c.inArray {
		return InArray
	}
	return InComma
}

// WithInValues returns a copy of c that sends in/notIn lists in encoding (InComma or
// InArray); the probe compares the two.
func (c *Client) WithInValues(encoding string) *Client {
	d := *c
	d.inArray = encoding == InArray
	return &d
}

// New returns a client for cfg. A nil cfg.HTTP gets a client of its own (never
// http.DefaultClient, whose transport other code may change).
func New(cfg Config) *Client {
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	token := cfg.Token
	return &Client{inArray: cfg.InValues == InArray, rest: rest.Client{
		Backend: Backend,
		BaseURL: strings.TrimRight(cfg.BaseURL, "/"),
		HTTP:    hc,
		Timeout: cfg.Timeout,
		Auth: func(_ context.Context, h http.Header) {
			if token != "" {
				h.Set("Authorization", "Bearer "+token)
			}
		},
		DecodeError: decodeError,
	}}
}

func (c *Client) do(ctx context.Context, req rest.Request, out any) error {
	_, _, err := c.rest.Do(ctx, req, out)
	return err
}

// decodeError reads every error body shape the seed uses into e:
//   - {"error": "..."}                      (QueryBuilder, Filters, CustomLabel; Not found / Access denied)
//   - {"errors": {...}, "message": "..."}   (Lead form errors; errors is an object)
//   - {"errors": ["..."], "message": "..."} (ValidationError)
//   - {"code": 401, "message": "..."}       (the JWT firewall)
//   - "title This value should not be blank." (Task 400: a bare JSON string)
//   - null or an empty body                 (most 4xx: schema None)
func decodeError(body []byte, e *rest.HTTPError) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		// Not JSON (a proxy's HTML page, say): keep short plain text only.
		if s := string(body); len(s) <= 200 && !strings.HasPrefix(s, "<") {
			e.Message = s
		}
		return
	}
	switch b := v.(type) {
	case string:
		e.Message = b
	case map[string]any:
		msg, _ := b["message"].(string)
		if s, ok := b["error"].(string); ok && msg == "" {
			msg = s
		}
		if s, ok := b["detail"].(string); ok && msg == "" {
			msg = s
		}
		if s, ok := b["code"].(string); ok {
			e.Code = s
		}
		switch errs := b["errors"].(type) {
		case map[string]any:
			e.Fields = map[string]string{}
			flattenFields("", errs, e.Fields)
		case []any:
			var list []string
			for _, x := range errs {
				if s, ok := x.(string); ok {
					list = append(list, s)
				}
			}
			if len(list) > 0 {
				if msg == "" {
					msg = strings.Join(list, "; ")
				} else {
					msg += ": " + strings.Join(list, "; ")
				}
			}
		}
		e.Message = msg
	}
}

// flattenFields turns a (possibly nested) form error object into field path → message.
func flattenFields(prefix string, m map[string]any, out map[string]string) {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case string:
			out[key] = x
		case []any:
			var msgs []string
			for _, y := range x {
				if s, ok := y.(string); ok {
					msgs = append(msgs, s)
				}
			}
			out[key] = strings.Join(msgs, "; ")
		case map[string]any:
			flattenFields(key, x, out)
		}
	}
}

// dedupe returns ids without duplicates and empty strings, first occurrence first.
func dedupe(ids []string) []string {
	seen := make(map[string]struct{}, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; ok || id == "" {
			continue
		}
		seen[id] = struct{}{}
		out = append(out, id)
	}
	return out
}

func sortByID[T any](xs []T, id func(T) string) {
	sort.SliceStable(xs, func(i, j int) bool { return id(xs[i]) < id(xs[j]) })
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("cone: %s: %w", op, err)
}

// Package clientdata is the typed client of the client-data API (additiv DFS style):
// contacts with schema-driven details, change requests with an approval flow, and the
// reference lists and schema metadata that go with them.
package clientdata

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"crmgraph/backends/rest"
)

// Backend is the backend label used in metrics and errors.
const Backend = "clientdata"

// Config configures a Client.
type Config struct {
	BaseURL string // without trailing slash
	Token   string // service (app) token, sent as a bearer token
	HTTP    *http.Client
	Timeout time.Duration // per call
	// ServiceForAnonymous lets calls without a caller's bearer token (WithBearer) act
	// with the service token. Off, such calls are refused before sending with
	// ErrCallerRequired, unless marked WithService (reference lists, which act for nobody).
	ServiceForAnonymous bool

	// PageSize is the largest search page the client asks the API for
	// (CLIENT_DATA_PAGE_SIZE); a larger page asked of the client is fetched as several
	// API pages. The seed gives no maximum; 0 means DefaultPageSize.
	PageSize int32
	// ZeroBasedPages: the API counts search pages from 0 (CLIENT_DATA_PAGE_BASE=0; the
	// seed's sample shows "page": 0, L137) instead of 1. The client's own pages
	// (SearchQuery.Page, HistoryQuery.Page) always count from 1.
	ZeroBasedPages bool
	// ExportPolls bounds how often ExportedContacts asks again for a job that is not
	// ready (202), waiting ExportPollDelay, doubled each time up to 4s, within the
	// call's deadline. 0 means DefaultExportPolls; ExportPollDelay 0 means 250ms.
	ExportPolls     int
	ExportPollDelay time.Duration
	// ExportColumns names the export CSV's identity columns (CLIENT_DATA_EXPORT_COLUMNS);
	// zero means DefaultExportColumns.
	ExportColumns ExportColumns
}

// Defaults of Config.
const (
	DefaultPageSize    int32 = 500
	DefaultExportPolls       = 8
)

// ErrCallerRequired refuses a call that would act for a member without the caller's own
// credential: the service token is not scoped to a member and needs no approval.
var ErrCallerRequired = fmt.Errorf("the caller's own bearer token is required: %w", rest.ErrUnauthorized)

// Client calls one client-data API.
type Client struct {
	rest      rest.Client
	pageSize  int32
	pageBase  int32
	polls     int
	pollDelay time.Duration
	columns   ExportColumns
}

// PageSize is the largest page the client asks the API for.
func (c *Client) PageSize() int32 { return c.pageSize }

// ExportPolls is how often ExportedContacts reads a job that is not ready.
func (c *Client) ExportPolls() int { return c.polls }

// ExportColumns are the export CSV's identity column headers the client reads.
func (c *Client) ExportColumns() ExportColumns { return c.columns }

// PageBase is the number the client gives the API's first search page.
func (c *Client) PageBase() int32 { return c.pageBase }

// New returns a client for cfg. A nil HTTP gets its own http.Client, so transports
// are never shared through http.DefaultClient by accident.
func New(cfg Config) *Client {
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	token := cfg.Token
	out := &Client{pageSize: cfg.PageSize, pageBase: 1, polls: cfg.ExportPolls, pollDelay: cfg.ExportPollDelay, columns: cfg.ExportColumns}
	if out.columns == (ExportColumns{}) {
		out.columns = DefaultExportColumns
	}
	if out.pageSize <= 0 {
		out.pageSize = DefaultPageSize
	}
	if cfg.ZeroBasedPages {
		out.pageBase = 0
	}
	if out.polls <= 0 {
		out.polls = DefaultExportPolls
	}
	if out.pollDelay <= 0 {
		out.pollDelay = 250 * time.Millisecond
	}
	out.rest = rest.Client{
		Backend: Backend,
		BaseURL: cfg.BaseURL,
		HTTP:    hc,
		Timeout: cfg.Timeout,
		Auth: func(ctx context.Context, h http.Header) {
			t := token
			if b, ok := ctx.Value(bearerKey{}).(string); ok && b != "" {
				t = b
			}
			if t != "" {
				h.Set("Authorization", "Bearer "+t)
			}
			if lang, ok := ctx.Value(languageKey{}).(string); ok && lang != "" {
				h.Set("Accept-Language", lang)
			}
		},
		Authorize: func(ctx context.Context) error {
			if cfg.ServiceForAnonymous || ctx.Value(serviceKey{}) != nil {
				return nil
			}
			if b, ok := ctx.Value(bearerKey{}).(string); ok && b != "" {
				return nil
			}
			return ErrCallerRequired
		},
		DecodeError: decodeError,
	}
	return out
}

type serviceKey struct{}

// WithService marks calls that act for nobody in particular (reference lists), which
// the service token may make even when anonymous callers are refused.
func WithService(ctx context.Context) context.Context {
	return context.WithValue(ctx, serviceKey{}, true)
}

// CallerBearer reports whether ctx carries a caller's own bearer token.
func CallerBearer(ctx context.Context) bool {
	b, ok := ctx.Value(bearerKey{}).(string)
	return ok && b != ""
}

type bearerKey struct{}
type languageKey struct{}

// WithBearer returns ctx carrying the caller's own bearer token. Calls made with it
// act as that caller (e.g. a member, whose detail updates may need approval) instead
// of as the service.
func WithBearer(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, bearerKey{}, token)
}

// WithLanguage returns ctx carrying an Accept-Language value sent as is: an ISO 639-1
// language (seed 004 L9) or a caller's weighted list, so localizable data (statuses,
// labels) comes back in the API's best match.
func WithLanguage(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, languageKey{}, lang)
}

// APIError is the API's error body.
type APIError struct {
	Code          string `json:"code"`
	SubCode       string `json:"subCode"`
	Message       string `json:"message"`
	CorrelationID string `json:"correlationId"`
}

// SubCode values the seed names. Other rules the seed states without naming a code
// (self review, cancel by another member, one pending request per contact, a username
// coupled with the email, …) come back with whatever sub-code the API uses: the
// gateway passes it on (extensions.subCode, userErrors code) and never matches on it.
const (
	SubCodeNA                = "NA"
	SubCodeUsernameNotUnique = "UsernameNotUnique"
	SubCodeKeyExpired        = "KeyExpired"
	SubCodeKeyNoMatch        = "KeyNoMatch"
)

func decodeError(body []byte, e *rest.HTTPError) {
	var ae APIError
	if json.Unmarshal(body, &ae) != nil {
		return
	}
	e.Code, e.SubCode, e.Message = ae.Code, ae.SubCode, ae.Message
}

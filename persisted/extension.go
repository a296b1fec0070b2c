package persisted

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes set in extensions.code; see the package documentation.
const (
	CodeNotFound      = "PERSISTED_QUERY_NOT_FOUND"
	CodeNotSupported  = "PERSISTED_QUERY_NOT_SUPPORTED"
	CodeNotInSafelist = "PERSISTED_QUERY_NOT_IN_SAFELIST"
	CodeHashMismatch  = "PERSISTED_QUERY_HASH_MISMATCH"
	CodeBadRequest    = "PERSISTED_QUERY_BAD_REQUEST"
)

// Extension is the gqlgen handler extension for persisted queries. Add it with
// srv.Use; it replaces extension.AutomaticPersistedQuery.
//
// Requests it understands, checked in this order:
//   - extensions.documentId (put there by Middleware from a top-level "documentId"):
//     a manifest id, or the sha256 of a manifest body; unknown → PERSISTED_QUERY_NOT_FOUND.
//   - extensions.persistedQuery {version: 1, sha256Hash}: without query text, the
//     manifest then the APQ store answer; with text, the hash is checked and (modes apq
//     and log-unknown) the text registered, once gqlgen has parsed and validated it and
//     every other check has let the operation run: text that does not parse, does not
//     validate against the schema or is refused (complexity, depth, variables) is
//     never stored.
//   - plain query text.
//
// Then the mode decides: safelist rejects a text not in the manifest, log-unknown logs it.
type Extension struct {
	Mode     Mode
	Manifest *Manifest             // required by log-unknown and safelist; optional otherwise
	Cache    graphql.Cache[string] // APQ store; required by apq and log-unknown
	Logger   *slog.Logger          // log-unknown's reports; nil discards them
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationInterceptor
} = Extension{}

// pendingKey names, in the operation's Stats, the hash whose text waits to be
// registered until the operation is known to be valid.
const pendingKey = "PersistedQueries.register"

// ExtensionName implements graphql.HandlerExtension.
func (Extension) ExtensionName() string { return "PersistedQueries" }

// Validate implements graphql.HandlerExtension: it rejects a configuration that cannot
// work, at start-up rather than on the first request.
func (e Extension) Validate(graphql.ExecutableSchema) error {
	if _, err := ParseMode(string(e.Mode)); err != nil {
		return err
	}
	if e.Mode.needsManifest() && e.Manifest == nil {
		return fmt.Errorf("persisted: mode %s needs a manifest (PERSISTED_QUERIES_MANIFEST)", e.Mode)
	}
	if e.Mode.apq() && e.Cache == nil {
		return fmt.Errorf("persisted: mode %s needs an APQ store", e.Mode)
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator: it turns a
// persisted-query request into query text and enforces the mode.
func (e Extension) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	trusted := false // the text came from the manifest

	docID, err := documentID(raw.Extensions)
	if err != nil {
		return codeError(CodeBadRequest, "%v", err)
	}
	pq, err := apqExtension(raw.Extensions)
	if err != nil {
		return codeError(CodeBadRequest, "%v", err)
	}

	switch {
	case docID != "":
		op, ok := e.Manifest.Lookup(docID)
		if !ok {
			noStore(ctx)
			return codeError(CodeNotFound, "PersistedQueryNotFound")
		}
		if raw.Query != "" && raw.Query != op.Body {
			return codeError(CodeBadRequest, "query text differs from the document %q", docID)
		}
		raw.Query, trusted = op.Body, true

	case pq != nil:
		if e.Mode == ModeOff {
			return codeError(CodeNotSupported, "PersistedQueryNotSupported")
		}
		if raw.Query == "" {
			if op, ok := e.Manifest.Lookup(pq.hash); ok {
				raw.Query, trusted = op.Body, true
				break
			}
			q, ok := "", false
			if e.Mode.apq() {
				q, ok = e.Cache.Get(ctx, pq.hash)
			}
			if !ok {
				noStore(ctx)
				return codeError(CodeNotFound, "PersistedQueryNotFound")
			}
			raw.Query = q
			break
		}
		if hash(raw.Query) != pq.hash {
			return codeError(CodeHashMismatch, "provided persisted query hash does not match query")
		}
		if e.Mode.apq() && graphql.HasOperationContext(ctx) {
			graphql.GetOperationContext(ctx).Stats.SetExtension(pendingKey, pq.hash)
		}
	}

	if trusted || raw.Query == "" || e.Manifest.Contains(raw.Query) {
		return nil
	}
	switch e.Mode {
	case ModeSafelist:
		return codeError(CodeNotInSafelist, "operation is not in the persisted query safelist")
	case ModeLogUnknown:
		e.logger().LogAttrs(ctx, slog.LevelWarn, "persisted: operation not in the manifest",
			slog.String("operationName", raw.OperationName), slog.String("sha256", hash(raw.Query)))
	}
	return nil
}

// InterceptOperation implements graphql.OperationInterceptor: gqlgen calls it only for
// an operation that parsed, validated against the schema and passed every operation
// check, which is when a registration is worth keeping. It registers before the
// operation runs, so the client's next request by hash finds the text.
func (e Extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	if h, ok := opCtx.Stats.GetExtension(pendingKey).(string); ok && opCtx.Doc != nil {
		e.Cache.Add(ctx, h, opCtx.RawQuery)
	}
	return next(ctx)
}

func (e Extension) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

type apqRequest struct{ hash string }

// apqExtension reads extensions.persistedQuery, or nil when absent.
func apqExtension(ext map[string]any) (*apqRequest, error) {
	v, ok := ext["persistedQuery"]
	if !ok || v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("invalid persistedQuery extension")
	}
	// JSON numbers decode as float64, or json.Number with UseNumber.
	if version := fmt.Sprint(m["version"]); version != "1" {
		return nil, fmt.Errorf("unsupported persisted query version %s", version)
	}
	h, _ := m["sha256Hash"].(string)
	if h == "" {
		return nil, errors.New("persistedQuery.sha256Hash is missing")
	}
	return &apqRequest{hash: strings.ToLower(h)}, nil
}

// documentID reads extensions.documentId.
func documentID(ext map[string]any) (string, error) {
	v, ok := ext[documentIDKey]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return "", errors.New("documentId must be a non-empty string")
	}
	return s, nil
}

func codeError(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	errcode.Set(err, code)
	return err
}

// noStore marks the response uncacheable: a miss must not be remembered by an HTTP cache
// in front of a GET, or the client could never register its query.
func noStore(ctx context.Context) {
	if h, ok := ctx.Value(headerKey{}).(http.Header); ok {
		h.Set("Cache-Control", "no-store")
	}
}

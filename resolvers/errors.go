package resolvers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/clientdata"
	"crmgraph/backends/rest"
	"crmgraph/graph/model"
)

// Error codes in extensions.code; the contract in DESIGN.md.
const (
	CodeNotFound            = "NOT_FOUND"
	CodeUnauthenticated     = "UNAUTHENTICATED"
	CodeForbidden           = "FORBIDDEN"
	CodeRateLimited         = "RATE_LIMITED"
	CodeUpstreamUnavailable = "UPSTREAM_UNAVAILABLE"
	CodeUpstreamTimeout     = "UPSTREAM_TIMEOUT"
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeInternal            = "INTERNAL"
	// CodeUpstreamOutcomeUnknown: a write reached the backend but its answer was lost;
	// it may or may not have been applied, so a blind retry can apply it twice.
	CodeUpstreamOutcomeUnknown = "UPSTREAM_OUTCOME_UNKNOWN"
	// CodeBackendCallLimitExceeded: the request used up its budget of backend calls.
	CodeBackendCallLimitExceeded = "BACKEND_CALL_LIMIT_EXCEEDED"
	// CodeIntrospectionDisabled answers __schema/__type when INTROSPECTION is off.
	CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"
	// CodeShuttingDown answers what was still running when the shutdown drain ended;
	// the caller may retry on another replica.
	CodeShuttingDown = "SHUTTING_DOWN"
)

// ErrShuttingDown is the cause with which the server cancels requests still running
// when its shutdown drain ends.
var ErrShuttingDown = errors.New("the server is shutting down")

// gqlgen raises this unexported error text when introspection is off; it has no sentinel.
const introspectionDisabled = "introspection disabled"

// userError is an error the gateway itself raises about the request.
type userError struct {
	code string
	msg  string
}

func (e *userError) Error() string { return e.msg }

func badInput(msg string) error { return &userError{code: CodeBadUserInput, msg: msg} }

func notFound(msg string) error { return &userError{code: CodeNotFound, msg: msg} }

// backendNames maps the rest.Client backend names to the Source enum.
var backendSources = map[string]model.Source{
	"cirrus":     model.SourceCirrus,
	"cone":       model.SourceCone,
	"clientdata": model.SourceClientData,
	"support":    model.SourceSupport,
}

// ErrorPresenter turns any resolver error into a GraphQL error with a stable
// extensions.code (and extensions.source for backend failures). It is the one place
// errors are classified. Messages never carry URLs or credentials: rest errors are
// built without them, and anything unclassified is reported as INTERNAL with a
// generic message (the detail goes to the log).
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			if isVariableError(gqlErr) {
				return variableError(gqlErr)
			}
			// Parser/validation errors and errors already presented.
			if gqlErr.Extensions == nil || gqlErr.Extensions["code"] == nil {
				return graphql.DefaultErrorPresenter(ctx, err)
			}
			return gqlErr
		}
		pe := graphql.DefaultErrorPresenter(ctx, err)
		ext := map[string]any{}
		for k, v := range pe.Extensions {
			ext[k] = v
		}
		code, msg := Classify(err)
		if code == CodeInternal && gqlErr != nil && isArgumentError(ctx, gqlErr) {
			// A value gqlgen could not coerce (a built-in scalar such as DateTime, an
			// enum): the caller's mistake, whatever error type the scalar used.
			code, msg = CodeBadUserInput, "invalid value: "+bounded(gqlErr.Err.Error())
		}
		if ctx.Err() != nil && errors.Is(context.Cause(ctx), ErrShuttingDown) {
			code, msg = CodeShuttingDown, "the server is shutting down: retry the request"
		}
		ext["code"] = code
		if retryable, ok := Retryable(err, code); ok {
			ext["retryable"] = retryable
		}
		var fe *fieldError
		if errors.As(err, &fe) && fe.field != nil {
			ext["field"] = fe.field
		}
		var herr *rest.HTTPError
		if errors.As(err, &herr) {
			if src, ok := backendSources[herr.Backend]; ok {
				ext["source"] = src
			}
			if herr.SubCode != "" && herr.SubCode != "NA" {
				ext["subCode"] = herr.SubCode
			}
			if len(herr.Fields) > 0 {
				ext["fields"] = herr.Fields
			}
		} else if src := sourceOf(err); src != "" {
			ext["source"] = src
		} else if errors.Is(err, clientdata.ErrCallerRequired) {
			ext["source"] = model.SourceClientData
		}
		if code == CodeInternal && log != nil {
			log.ErrorContext(ctx, "internal error", "path", pe.Path.String(), "error", err.Error())
		}
		pe.Message = msg
		pe.Extensions = ext
		return pe
	}
}

// Classify returns the extensions.code and a client-safe message for err.
func Classify(err error) (code, message string) {
	var fe *fieldError
	if errors.As(err, &fe) {
		return CodeBadUserInput, fe.msg
	}
	var rf *refusal
	if errors.As(err, &rf) && rf.cause == nil {
		return CodeBadUserInput, rf.Error()
	}
	var ue *userError
	if errors.As(err, &ue) {
		return ue.code, ue.msg
	}
	if errors.Is(err, cirrus.ErrCreatedUnseen) || errors.Is(err, cirrus.ErrUpdatedUnseen) {
		// The write was applied; only its read-back failed. Sending it again would
		// write twice, so it is the write-of-unknown-outcome code (retryable: false).
		return CodeUpstreamOutcomeUnknown, "Cirrus applied the write but the record could not be read back: do not send it again; look the record up instead"
	}
	var ie *model.InputError
	if errors.As(err, &ie) {
		return CodeBadUserInput, ie.Error()
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == introspectionDisabled {
			return CodeIntrospectionDisabled, "introspection is disabled on this server"
		}
	}
	if errors.Is(err, clientdata.ErrCallerRequired) {
		return CodeUnauthenticated, "client-data acts for the caller: send Authorization: Bearer <your token>"
	}
	if errors.Is(err, model.ErrBadID) {
		return CodeBadUserInput, "malformed global id"
	}
	if errors.Is(err, rest.ErrBudgetExceeded) {
		return CodeBackendCallLimitExceeded, "this request needs more backend calls than it may make"
	}
	if rest.OutcomeUnknown(err) {
		return CodeUpstreamOutcomeUnknown, sourceName(backendOf(err)) +
			" received the change but its answer was lost: it may have been applied; check before retrying"
	}
	var herr *rest.HTTPError
	if errors.As(err, &herr) {
		name := sourceName(herr.Backend)
		detail := ""
		if herr.Message != "" {
			detail = ": " + herr.Message
		}
		switch {
		case errors.Is(err, rest.ErrNotFound):
			return CodeNotFound, fmt.Sprintf("%s: not found%s", name, detail)
		case errors.Is(err, rest.ErrUnauthorized):
			return CodeUnauthenticated, fmt.Sprintf("%s rejected the credentials", name)
		case errors.Is(err, rest.ErrForbidden):
			return CodeForbidden, fmt.Sprintf("%s: forbidden%s", name, detail)
		case errors.Is(err, rest.ErrRateLimited):
			return CodeRateLimited, fmt.Sprintf("%s: rate limited", name)
		case errors.Is(err, rest.ErrTimeout):
			return CodeUpstreamTimeout, fmt.Sprintf("%s did not answer in time", name)
		case errors.Is(err, rest.ErrUnavailable):
			return CodeUpstreamUnavailable, fmt.Sprintf("%s is unavailable (HTTP %d)", name, herr.Status)
		default: // 400, 409, 422
			return CodeBadUserInput, fmt.Sprintf("%s refused the request%s", name, detail)
		}
	}
	name := sourceName(backendOf(err))
	switch {
	case errors.Is(err, rest.ErrNotFound):
		return CodeNotFound, "not found"
	case errors.Is(err, rest.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return CodeUpstreamTimeout, name + " did not answer in time"
	case errors.Is(err, rest.ErrUnavailable):
		return CodeUpstreamUnavailable, name + " is unavailable"
	case errors.Is(err, rest.ErrRateLimited):
		return CodeRateLimited, name + ": rate limited"
	case errors.Is(err, rest.ErrUnauthorized):
		return CodeUnauthenticated, name + " rejected the credentials"
	case errors.Is(err, rest.ErrForbidden):
		return CodeForbidden, name + ": forbidden"
	case errors.Is(err, rest.ErrBadRequest), errors.Is(err, rest.ErrConflict):
		return CodeBadUserInput, name + " refused the request"
	case errors.Is(err, context.Canceled):
		return CodeUpstreamUnavailable, "request cancelled"
	}
	return CodeInternal, "internal error"
}

// isArgumentError reports whether err arose while gqlgen coerced an argument of the
// field in ctx: gqlgen reports such an error on the field's context with a path that
// continues into the argument ("createLead.input.lead.value"), while a resolver's
// error carries the field's own path.
func isArgumentError(ctx context.Context, err *gqlerror.Error) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return false
	}
	base := fc.Path()
	if len(err.Path) <= len(base) {
		return false
	}
	for i := range base {
		if base[i] != err.Path[i] {
			return false
		}
	}
	name, ok := err.Path[len(base)].(ast.PathName)
	return ok && fc.Field.Definition.Arguments.ForName(string(name)) != nil
}

// isVariableError reports whether err is gqlparser's refusal of a variable's value
// (its path starts with "variable"). gqlgen gives those GRAPHQL_VALIDATION_FAILED, but
// the document is valid: the value is the caller's mistake, as it is when the same value
// is written inline and coerced at execution.
func isVariableError(err *gqlerror.Error) bool {
	if len(err.Path) == 0 || err.Path[0] != ast.PathName("variable") {
		return false
	}
	code, _ := err.Extensions["code"].(string)
	return code == errcode.ValidationFailed
}

func variableError(err *gqlerror.Error) *gqlerror.Error {
	out := *err
	out.Message = bounded(err.Message)
	out.Extensions = map[string]any{}
	for k, v := range err.Extensions {
		out.Extensions[k] = v
	}
	out.Extensions["code"] = CodeBadUserInput
	return &out
}

// maxInputMessage bounds a message that may repeat the caller's value.
const maxInputMessage = 200

func bounded(msg string) string {
	if len(msg) <= maxInputMessage {
		return msg
	}
	return strings.ToValidUTF8(msg[:maxInputMessage], "") + "…"
}

// Retryable says, for extensions.retryable, whether the client may simply send the
// request again: true for an outage or timeout of a call that never reached the
// backend, false when a write may have been applied; ok is false when there is nothing
// to say (other errors, including reads that did reach a slow backend).
func Retryable(err error, code string) (retryable, ok bool) {
	switch {
	case code == CodeUpstreamOutcomeUnknown:
		return false, true
	case rest.NotSent(err) && (code == CodeUpstreamUnavailable || code == CodeUpstreamTimeout):
		return true, true
	}
	return false, false
}

// sourceErr tags an error that carries no *rest.HTTPError with its backend.
type sourceErr struct {
	backend string
	err     error
}

func (e *sourceErr) Error() string { return e.err.Error() }
func (e *sourceErr) Unwrap() error { return e.err }

// fromBackend marks err as coming from backend (for extensions.source on network errors).
func fromBackend(backend string, err error) error {
	if err == nil {
		return nil
	}
	var herr *rest.HTTPError
	if errors.As(err, &herr) {
		return err
	}
	return &sourceErr{backend: backend, err: err}
}

func backendOf(err error) string {
	var se *sourceErr
	if errors.As(err, &se) {
		return se.backend
	}
	return ""
}

func sourceOf(err error) model.Source {
	return backendSources[backendOf(err)]
}

func sourceName(backend string) string {
	switch backend {
	case "cirrus":
		return "Cirrus"
	case "cone":
		return "ConeCRM"
	case "clientdata":
		return "client-data"
	case "support":
		return "Apideck support"
	}
	return "a backend"
}

// errNoRecord: a create answered 2xx without the record (the Cirrus spec documents no
// create response body), so the gateway cannot tell what was created.
var errNoRecord = fmt.Errorf("the backend created the record but returned no body: %w", rest.ErrUnavailable)

package gqlhttp

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// GET is the GET transport, GraphQL over HTTP style like POST: queries only (a
// mutation over GET answers 405 with METHOD_NOT_ALLOWED), variables and extensions as
// JSON objects (Guard has checked them), documentId or doc_id naming a persisted document.
type GET struct{}

var _ graphql.Transport = GET{}

// Supports implements graphql.Transport.
func (GET) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

// Do implements graphql.Transport.
func (GET) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		WriteError(w, http.StatusBadRequest, CodeBadRequest, "the query string is malformed")
		return
	}
	raw := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}
	raw.ReadTime.Start = graphql.Now()
	for name, into := range map[string]*map[string]any{"variables": &raw.Variables, "extensions": &raw.Extensions} {
		if s := q.Get(name); s != "" {
			if err := decodeObject(s, into); err != nil {
				WriteError(w, http.StatusBadRequest, CodeBadRequest, name+" must be a JSON object")
				return
			}
		}
	}
	if id := firstNonEmpty(q.Get("documentId"), q.Get("doc_id")); id != "" {
		if raw.Extensions == nil {
			raw.Extensions = map[string]any{}
		}
		if _, ok := raw.Extensions["documentId"]; !ok {
			raw.Extensions["documentId"] = id
		}
	}
	raw.ReadTime.End = graphql.Now()

	contentType := responseType(r)
	ctx := r.Context()
	opCtx, gqlErr := exec.CreateOperationContext(ctx, raw)
	if gqlErr != nil {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(requestErrorStatus(contentType, gqlErr))
		_, _ = w.Write(requestErrorJSON(exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlErr)))
		return
	}
	if op := opCtx.Doc.Operations.ForName(opCtx.OperationName); op == nil || op.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		WriteError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "GET serves queries only: send mutations with POST")
		return
	}
	w.Header().Set("Content-Type", contentType)
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	writeJSON(w, responses(ctx))
}

func decodeObject(s string, into *map[string]any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(into)
}

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// responseType picks the answer's media type from Accept, like gqlgen's transports.
func responseType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}

// statusFor is gqlgen's status for request errors (parse, validation).
func statusFor(contentType string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if contentType == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

func writeJSON(w http.ResponseWriter, resp *graphql.Response) {
	b, err := encodeResponse(resp)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "INTERNAL", "the response could not be encoded")
		return
	}
	_, _ = w.Write(b)
}

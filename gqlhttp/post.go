package gqlhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// DefaultMaxBatch is how many operations one batched POST may carry.
const DefaultMaxBatch = 10

// POST is the POST transport, GraphQL over HTTP style: application/json answers 200
// for request errors too (the errors are in the body, where clients look); under
// application/graphql-response+json a request error answers 400 (parse, validation) and
// never carries "data". A JSON array of operations (Apollo's BatchHttpLink) is run
// concurrently, each operation under every limit on its own, and answered as an array
// in the same order. A top-level documentId or doc_id (Relay) names a persisted document.
type POST struct {
	// MaxBatch bounds a batch (0: DefaultMaxBatch; negative: batching off).
	MaxBatch int
}

var _ graphql.Transport = POST{}

// Supports implements graphql.Transport (Guard has refused every other POST).
func (POST) Supports(r *http.Request) bool {
	return r.Method == http.MethodPost && r.Header.Get("Upgrade") == ""
}

// Do implements graphql.Transport.
func (p POST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body) // in memory: Guard read and checked it
	if err != nil {
		WriteError(w, http.StatusBadRequest, CodeBadRequest, "request body could not be read")
		return
	}
	contentType := responseType(r)
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		p.batch(w, r, exec, body)
		return
	}
	raw, err := decodeParams(body)
	if err != nil {
		WriteError(w, http.StatusBadRequest, CodeBadRequest, "request body is not a GraphQL request")
		return
	}
	raw.Headers = r.Header
	status, resp := run(r.Context(), exec, raw, contentType)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(resp)
}

func (p POST) batch(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, body []byte) {
	limit := p.MaxBatch
	if limit == 0 {
		limit = DefaultMaxBatch
	}
	if limit < 0 {
		WriteError(w, http.StatusBadRequest, CodeBadRequest, "batched requests (a JSON array) are not supported: send one operation per request")
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		WriteError(w, http.StatusBadRequest, CodeBadRequest, "request body is not a batch of GraphQL requests")
		return
	}
	if len(items) == 0 || len(items) > limit {
		WriteError(w, http.StatusBadRequest, CodeBadRequest, batchSizeMessage(len(items), limit))
		return
	}
	out := make([]json.RawMessage, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		raw, err := decodeParams(item)
		if err != nil {
			out[i] = errorJSON(CodeBadRequest, "batch entry is not a GraphQL request")
			continue
		}
		raw.Headers = r.Header
		wg.Go(func() {
			// Each entry is its own operation; a batch answers 200 with each entry's
			// outcome inside, as BatchHttpLink expects.
			_, out[i] = run(r.Context(), exec, raw, mediaJSON)
		})
	}
	wg.Wait()
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", mediaJSON)
	_, _ = w.Write(b)
}

func batchSizeMessage(n, limit int) string {
	if n == 0 {
		return "the batch is empty"
	}
	return "a batch may hold at most " + itoa(limit) + " operations"
}

// decodeParams reads one request object; a top-level documentId or doc_id moves into
// extensions, where the persisted-query extension looks for it.
func decodeParams(b []byte) (*graphql.RawParams, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var p params
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	raw := &graphql.RawParams{Query: p.Query, OperationName: p.OperationName, Variables: p.Variables, Extensions: p.Extensions}
	if id := firstNonEmpty(p.DocumentID, p.DocID); id != "" {
		if raw.Extensions == nil {
			raw.Extensions = map[string]any{}
		}
		if _, ok := raw.Extensions["documentId"]; !ok {
			raw.Extensions["documentId"] = id
		}
	}
	raw.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
	return raw, nil
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

// run executes one operation and returns its status and JSON answer.
func run(ctx context.Context, exec graphql.GraphExecutor, raw *graphql.RawParams, contentType string) (int, []byte) {
	opCtx, gqlErr := exec.CreateOperationContext(ctx, raw)
	if gqlErr != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlErr)
		return requestErrorStatus(contentType, gqlErr), requestErrorJSON(resp)
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	b, err := encodeResponse(responses(ctx))
	if err != nil {
		return http.StatusInternalServerError, errorJSON("INTERNAL", "the response could not be encoded")
	}
	return http.StatusOK, b
}

// requestErrorStatus: under application/json every well-formed request answers 200;
// under application/graphql-response+json parse and validation errors answer 400.
func requestErrorStatus(contentType string, errs gqlerror.List) int {
	if contentType == mediaGraphQLResponse {
		return statusFor(contentType, errs)
	}
	return http.StatusOK
}

// requestErrorJSON renders a response that never started executing: no "data" entry.
func requestErrorJSON(resp *graphql.Response) []byte {
	b, _ := json.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
	return b
}

func errorJSON(code, msg string) []byte {
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}})
	return b
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

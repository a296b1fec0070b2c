package persisted

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
)

// documentIDKey is where Middleware puts a top-level documentId: gqlgen's RawParams has
// no field for it, so it travels in extensions.
const documentIDKey = "documentId"

// maxBody bounds the request body Middleware reads to look for a documentId.
const maxBody = 1 << 20

type headerKey struct{}

// Middleware prepares requests for Extension, in front of the gqlgen handler:
//   - a top-level "documentId" (POST JSON body, or GET ?documentId=) is moved into
//     extensions.documentId, where the extension finds it;
//   - the response header map is put in the context so a persisted-query miss can
//     answer with Cache-Control: no-store.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), headerKey{}, w.Header()))
		switch r.Method {
		case http.MethodGet:
			if err := moveQueryDocumentID(r); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		case http.MethodPost:
			if err := moveBodyDocumentID(r); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func moveQueryDocumentID(r *http.Request) error {
	q := r.URL.Query()
	id := q.Get(documentIDKey)
	if id == "" {
		return nil
	}
	ext := map[string]json.RawMessage{}
	if s := q.Get("extensions"); s != "" {
		if err := json.Unmarshal([]byte(s), &ext); err != nil {
			return errBadExtensions
		}
	}
	raw, _ := json.Marshal(id)
	ext[documentIDKey] = raw
	b, _ := json.Marshal(ext)
	q.Set("extensions", string(b))
	q.Del(documentIDKey)
	u := *r.URL
	u.RawQuery = q.Encode()
	r.URL = &u
	return nil
}

func moveBodyDocumentID(r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" || r.Body == nil {
		return nil
	}
	orig := r.Body
	body, err := io.ReadAll(io.LimitReader(orig, maxBody+1))
	if err != nil {
		return err
	}
	if len(body) > maxBody {
		// Too big to be a documentId request: hand gqlgen the whole body untouched.
		r.Body = readCloser{io.MultiReader(bytes.NewReader(body), orig), orig}
		return nil
	}
	_ = orig.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !bytes.Contains(body, []byte(`"`+documentIDKey+`"`)) {
		return nil // not ours to judge: gqlgen answers whatever it is
	}
	var params map[string]json.RawMessage
	if err := json.Unmarshal(body, &params); err != nil {
		return nil
	}
	id, ok := params[documentIDKey]
	if !ok {
		return nil
	}
	ext := map[string]json.RawMessage{}
	if raw, ok := params["extensions"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &ext); err != nil {
			return errBadExtensions
		}
	}
	ext[documentIDKey] = id
	delete(params, documentIDKey)
	params["extensions"], _ = json.Marshal(ext)
	body, _ = json.Marshal(params)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

const errBadExtensions = badRequest("extensions could not be decoded")

type badRequest string

func (e badRequest) Error() string { return string(e) }

type readCloser struct {
	io.Reader
	io.Closer
}

package support

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"crmgraph/backends/sandbox/dataset"
)

const (
	testToken = "test-api-key"
	testApp   = "test-app-id"
	mount     = "/support"
	base      = mount + "/customer-support/customers"
)

// world is shared by every test; it is read-only. Seed 1 is the seed the data-size
// requirement names.
var world = sync.OnceValue(func() *dataset.World { return dataset.New(1) })

// shared is one sandbox for the tests that only read.
var shared = sync.OnceValue(func() *Server { return New(world(), Config{Token: testToken, AppID: testApp}) })

// mounted serves s under /support, as the sandbox composition does, so that links
// must keep the mount prefix.
func mounted(s *Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(mount+"/", http.StripPrefix(mount, s))
	return mux
}

type answer struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// do sends one request with valid credentials; edit changes the request first.
func do(t *testing.T, h http.Handler, method, target, body string, edit ...func(*http.Request)) answer {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("x-apideck-app-id", testApp)
	req.Header.Set("x-apideck-consumer-id", DefaultConsumer)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, e := range edit {
		e(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	if err := json.Unmarshal(a.raw, &a.body); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, target, err, a.raw)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	return a
}

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// wantError checks the seed's error body.
func wantError(t *testing.T, a answer, status int, typeName string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d: %s", a.status, status, a.raw)
	}
	b := a.body
	if b["status_code"] != float64(status) || b["error"] != http.StatusText(status) || b["type_name"] != typeName {
		t.Errorf("error body = %s", a.raw)
	}
	if msg, _ := b["message"].(string); msg == "" {
		t.Errorf("no message: %s", a.raw)
	}
	if b["detail"] == nil {
		t.Errorf("no detail: %s", a.raw)
	}
	if ref, _ := b["ref"].(string); ref != "https://developers.apideck.com/errors#"+strings.ToLower(typeName) {
		t.Errorf("ref = %q", ref)
	}
}

// detailHas reports whether a detail object lists field under kind ("missing", "invalid").
func detailHas(detail any, kind, field string) bool {
	d, _ := detail.(map[string]any)
	list, _ := d[kind].([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			if _, ok := m[field]; ok {
				return true
			}
		}
	}
	return false
}

func withHeader(k, v string) func(*http.Request) {
	return func(r *http.Request) {
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
}

func pageOf(t *testing.T, a answer) (ids []string, next string) {
	t.Helper()
	var p struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		Meta struct {
			Cursors struct {
				Next *string `json:"next"`
			} `json:"cursors"`
		} `json:"meta"`
	}
	if err := json.NewDecoder(bytes.NewReader(a.raw)).Decode(&p); err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Data {
		ids = append(ids, d.ID)
	}
	if p.Meta.Cursors.Next != nil {
		next = *p.Meta.Cursors.Next
	}
	return ids, next
}

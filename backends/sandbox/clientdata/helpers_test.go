package clientdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"crmgraph/backends/sandbox/dataset"
)

// The world and one shared server are built once: generating them dominates test time
// under -race. Tests that mutate pick contacts no other test uses (see pick).
var (
	world  = sync.OnceValue(func() *dataset.World { return dataset.New(1) })
	shared = sync.OnceValue(func() *Server { return New(world(), Tokens{}) })
	claims sync.Map     // contact id → test name
	seq    atomic.Int64 // unique suffixes, so -count=N reruns on the shared server do not collide
)

type reply struct {
	status int
	body   []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r reply) apiError(t *testing.T) apiError {
	t.Helper()
	var e apiError
	r.decode(t, &e)
	if e.Code == "" || len(e.CorrelationID) != 32 {
		t.Fatalf("not an ApiError body: %s", r.body)
	}
	return e
}

func call(t *testing.T, s *Server, method, path, token string, body any, hdr ...string) reply {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return reply{rec.Code, rec.Body.Bytes()}
}

func expectStatus(t *testing.T, r reply, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
}

func expectSubCode(t *testing.T, r reply, status int, subCode string) {
	t.Helper()
	expectStatus(t, r, status)
	if e := r.apiError(t); e.SubCode != subCode {
		t.Fatalf("subCode %q, want %q: %s", e.SubCode, subCode, r.body)
	}
}

// pick returns the n-th contact (in id order) matching keep, claimed so no other
// test mutates it. Contacts are claimed under the server lock.
func pick(t *testing.T, s *Server, keep func(*contact) bool) *contact {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int32, 0, len(s.contacts))
	for id := range s.contacts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		c := s.contacts[id]
		if _, taken := claims.Load(id); taken || !keep(c) {
			continue
		}
		claims.Store(id, t.Name())
		return c
	}
	t.Fatal("no free contact matches")
	return nil
}

func free(c *contact) bool { return c.pendingCR == nil && len(c.pending) == 0 }

func details(t *testing.T, s *Server, id int32) wireDetailsOut {
	t.Helper()
	r := call(t, s, "GET", path("/v1.0/contacts/%d/details", id), AppToken, nil)
	expectStatus(t, r, 200)
	var out wireDetailsOut
	r.decode(t, &out)
	return out
}

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// leaf reads a dotted path from a nested details object.
func leaf(d map[string]any, dotted string) any {
	var cur any = d
	for _, p := range bytes.Split([]byte(dotted), []byte(".")) {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[string(p)]
	}
	return cur
}

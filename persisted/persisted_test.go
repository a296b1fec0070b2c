package persisted

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"crmgraph/internal/testredis"
)

func TestMain(m *testing.M) { testredis.Main(m) }

const (
	helloQuery   = "query Hello { hello }"
	viewerQuery  = "query Viewer { viewer }"
	unknownQuery = "query Other { hello viewer }"
)

var helloHash = hash(helloQuery)

func TestParseMode(t *testing.T) {
	tests := []struct {
		in      string
		want    Mode
		wantErr bool
	}{
		{"", ModeAPQ, false},
		{"apq", ModeAPQ, false},
		{"off", ModeOff, false},
		{" Log-Unknown ", ModeLogUnknown, false},
		{"SAFELIST", ModeSafelist, false},
		{"allowlist", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMode(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseMode(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			var m Mode
			if err := m.UnmarshalText([]byte(tt.in)); (err != nil) != tt.wantErr || m != tt.want {
				t.Fatalf("UnmarshalText(%q) = %q, %v", tt.in, m, err)
			}
		})
	}
}

func TestLoadManifest(t *testing.T) {
	for _, file := range []string{"apollo.json", "relay.json"} {
		t.Run(file, func(t *testing.T) {
			m, err := LoadManifest(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			if m.Len() != 2 {
				t.Errorf("Len = %d, want 2", m.Len())
			}
			for _, id := range []string{helloHash, "sha256:" + helloHash, strings.ToUpper(helloHash)} {
				if op, ok := m.Lookup(id); !ok || op.Body != helloQuery {
					t.Errorf("Lookup(%q) = %+v, %v; want the Hello body", id, op, ok)
				}
			}
			if !m.Contains(viewerQuery) || m.Contains(unknownQuery) || m.Contains(viewerQuery+" ") {
				t.Error("Contains must match manifest bodies exactly")
			}
			if _, ok := m.Lookup(hash(unknownQuery)); ok {
				t.Error("Lookup of an unknown hash succeeded")
			}
		})
	}
	t.Run("ids", func(t *testing.T) {
		apollo, _ := LoadManifest("testdata/apollo.json")
		relay, _ := LoadManifest("testdata/relay.json")
		if op, ok := apollo.Lookup("viewer-v1"); !ok || op.Name != "Viewer" || op.Type != "query" || op.Body != viewerQuery {
			t.Errorf("apollo Lookup(viewer-v1) = %+v, %v", op, ok)
		}
		if op, ok := relay.Lookup("relay-viewer"); !ok || op.Body != viewerQuery {
			t.Errorf("relay Lookup(relay-viewer) = %+v, %v", op, ok)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		if _, err := LoadManifest(filepath.Join(t.TempDir(), "none.json")); err == nil {
			t.Error("nil error")
		}
	})
}

func TestParseManifestErrors(t *testing.T) {
	tests := []struct{ name, data string }{
		{"not json", `{`},
		{"array", `[]`},
		{"unknown format", `{"format":"other","version":1,"operations":[]}`},
		{"apollo version 2", `{"format":"apollo-persisted-query-manifest","version":2,"operations":[{"id":"a","body":"{ hello }"}]}`},
		{"no operations", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[]}`},
		{"duplicate id", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"a","body":"{ hello }"},{"id":"a","body":"{ viewer }"}]}`},
		{"empty body", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"a","body":" "}]}`},
		{"missing id", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"body":"{ hello }"}]}`},
		{"relay non-string", `{"a":1}`},
		{"empty relay", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m, err := ParseManifest([]byte(tt.data)); err == nil {
				t.Fatalf("ParseManifest = %+v, want an error", m)
			}
		})
	}
}

// schema is a tiny executable schema: it answers the name of the operation it ran, so a
// test sees which document the persisted layer chose.
func schema() graphql.ExecutableSchema {
	s := gqlparser.MustLoadSchema(&ast.Source{Input: `type Query { hello: String! viewer: String! }`})
	return &graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return s },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			op := graphql.GetOperationContext(ctx).Operation
			data, _ := json.Marshal(map[string]string{"ran": op.Name})
			return graphql.OneShot(&graphql.Response{Data: data})
		},
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) { return 1, true },
	}
}

func newServer(ext Extension) http.Handler {
	srv := handler.New(schema())
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.Use(ext)
	return Middleware(srv)
}

type response struct {
	Data   struct{ Ran string } `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	cacheControl string
}

func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	if c == "" {
		return "error: " + r.Errors[0].Message
	}
	return c
}

// request is one GraphQL-over-HTTP request; get sends it as GET.
type request struct {
	get        bool
	query      string
	documentID string
	apqHash    string // extensions.persistedQuery.sha256Hash
}

func (rq request) do(t *testing.T, h http.Handler) response {
	t.Helper()
	var ext map[string]any
	if rq.apqHash != "" {
		ext = map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": rq.apqHash}}
	}
	var req *http.Request
	if rq.get {
		v := url.Values{}
		if rq.query != "" {
			v.Set("query", rq.query)
		}
		if rq.documentID != "" {
			v.Set("documentId", rq.documentID)
		}
		if ext != nil {
			b, _ := json.Marshal(ext)
			v.Set("extensions", string(b))
		}
		req = httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil)
	} else {
		body := map[string]any{}
		if rq.query != "" {
			body["query"] = rq.query
		}
		if rq.documentID != "" {
			body["documentId"] = rq.documentID
		}
		if ext != nil {
			body["extensions"] = ext
		}
		b, _ := json.Marshal(body)
		req = httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode %d response %q: %v", rec.Code, rec.Body.String(), err)
	}
	resp.cacheControl = rec.Header().Get("Cache-Control")
	return resp
}

func TestExtensionModes(t *testing.T) {
	manifest, err := LoadManifest("testdata/apollo.json")
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct{ ran, code string }
	ok := func(op string) outcome { return outcome{ran: op} }
	fail := func(code string) outcome { return outcome{code: code} }

	tests := []struct {
		name string
		req  request
		want map[Mode]outcome
	}{
		{
			name: "query text in the manifest",
			req:  request{query: helloQuery},
			want: map[Mode]outcome{ModeAPQ: ok("Hello"), ModeOff: ok("Hello"), ModeLogUnknown: ok("Hello"), ModeSafelist: ok("Hello")},
		},
		{
			name: "query text not in the manifest",
			req:  request{query: unknownQuery},
			want: map[Mode]outcome{ModeAPQ: ok("Other"), ModeOff: ok("Other"), ModeLogUnknown: ok("Other"), ModeSafelist: fail(CodeNotInSafelist)},
		},
		{
			name: "documentId by manifest id (POST)",
			req:  request{documentID: "viewer-v1"},
			want: map[Mode]outcome{ModeAPQ: ok("Viewer"), ModeOff: ok("Viewer"), ModeLogUnknown: ok("Viewer"), ModeSafelist: ok("Viewer")},
		},
		{
			name: "documentId by sha256 (GET)",
			req:  request{get: true, documentID: "sha256:" + helloHash},
			want: map[Mode]outcome{ModeAPQ: ok("Hello"), ModeOff: ok("Hello"), ModeLogUnknown: ok("Hello"), ModeSafelist: ok("Hello")},
		},
		{
			name: "unknown documentId",
			req:  request{documentID: "nope"},
			want: map[Mode]outcome{ModeAPQ: fail(CodeNotFound), ModeOff: fail(CodeNotFound), ModeLogUnknown: fail(CodeNotFound), ModeSafelist: fail(CodeNotFound)},
		},
		{
			name: "documentId with a different query text",
			req:  request{documentID: "viewer-v1", query: helloQuery},
			want: map[Mode]outcome{ModeAPQ: fail(CodeBadRequest), ModeOff: fail(CodeBadRequest), ModeLogUnknown: fail(CodeBadRequest), ModeSafelist: fail(CodeBadRequest)},
		},
		{
			name: "APQ hash of a manifest document",
			req:  request{apqHash: helloHash},
			want: map[Mode]outcome{ModeAPQ: ok("Hello"), ModeOff: fail(CodeNotSupported), ModeLogUnknown: ok("Hello"), ModeSafelist: ok("Hello")},
		},
		{
			name: "APQ unknown hash",
			req:  request{apqHash: hash(unknownQuery)},
			want: map[Mode]outcome{ModeAPQ: fail(CodeNotFound), ModeOff: fail(CodeNotSupported), ModeLogUnknown: fail(CodeNotFound), ModeSafelist: fail(CodeNotFound)},
		},
		{
			name: "APQ registration of an unknown query",
			req:  request{apqHash: hash(unknownQuery), query: unknownQuery},
			want: map[Mode]outcome{ModeAPQ: ok("Other"), ModeOff: fail(CodeNotSupported), ModeLogUnknown: ok("Other"), ModeSafelist: fail(CodeNotInSafelist)},
		},
		{
			name: "APQ hash mismatch",
			req:  request{apqHash: hash(viewerQuery), query: unknownQuery},
			want: map[Mode]outcome{ModeAPQ: fail(CodeHashMismatch), ModeOff: fail(CodeNotSupported), ModeLogUnknown: fail(CodeHashMismatch), ModeSafelist: fail(CodeHashMismatch)},
		},
	}
	for _, mode := range []Mode{ModeAPQ, ModeOff, ModeLogUnknown, ModeSafelist} {
		for _, tt := range tests {
			t.Run(string(mode)+"/"+tt.name, func(t *testing.T) {
				h := newServer(Extension{Mode: mode, Manifest: manifest, Cache: NewMemoryStore(10)})
				got := tt.req.do(t, h)
				want := tt.want[mode]
				if got.Data.Ran != want.ran || got.code() != want.code {
					t.Fatalf("ran %q, code %q; want ran %q, code %q", got.Data.Ran, got.code(), want.ran, want.code)
				}
				if wantNoStore := want.code == CodeNotFound; (got.cacheControl == "no-store") != wantNoStore {
					t.Errorf("Cache-Control = %q, want no-store: %v", got.cacheControl, wantNoStore)
				}
			})
		}
	}
}

func TestAPQRoundTrip(t *testing.T) {
	rdb := testredis.Client(t)
	prefix := testredis.Prefix(t, rdb)
	// Two replicas with their own in-process LRU over one Redis.
	a := newServer(Extension{Mode: ModeAPQ, Cache: NewStore(StoreConfig{Redis: rdb, Prefix: prefix})})
	b := newServer(Extension{Mode: ModeAPQ, Cache: NewStore(StoreConfig{Redis: rdb, Prefix: prefix})})
	h := hash(unknownQuery)

	steps := []struct {
		name string
		srv  http.Handler
		req  request
		ran  string
		code string
	}{
		{"miss on a", a, request{apqHash: h}, "", CodeNotFound},
		{"register on a", a, request{apqHash: h, query: unknownQuery}, "Other", ""},
		{"hit on a (POST)", a, request{apqHash: h}, "Other", ""},
		{"hit on b through redis (GET)", b, request{get: true, apqHash: h}, "Other", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got := s.req.do(t, s.srv)
			if got.Data.Ran != s.ran || got.code() != s.code {
				t.Fatalf("ran %q, code %q; want ran %q, code %q", got.Data.Ran, got.code(), s.ran, s.code)
			}
		})
	}
}

func TestStore(t *testing.T) {
	ctx := context.Background()
	t.Run("shared through redis", func(t *testing.T) {
		rdb := testredis.Client(t)
		prefix := testredis.Prefix(t, rdb)
		a := NewStore(StoreConfig{Redis: rdb, Prefix: prefix})
		b := NewStore(StoreConfig{Redis: rdb, Prefix: prefix})
		if _, ok := b.Get(ctx, helloHash); ok {
			t.Fatal("Get before Add: hit")
		}
		a.Add(ctx, helloHash, helloQuery)
		if q, ok := b.Get(ctx, helloHash); !ok || q != helloQuery {
			t.Fatalf("b.Get = %q, %v; want the document from redis", q, ok)
		}
		ttl, err := rdb.TTL(ctx, prefix+":apq:"+helloHash).Result()
		if err != nil || ttl <= 0 || ttl > DefaultStoreTTL {
			t.Errorf("redis TTL = %v, %v; want in (0, %v]", ttl, err, DefaultStoreTTL)
		}
		// b now has its own copy: it survives the key leaving Redis.
		if err := rdb.Del(ctx, prefix+":apq:"+helloHash).Err(); err != nil {
			t.Fatal(err)
		}
		if q, ok := b.Get(ctx, helloHash); !ok || q != helloQuery {
			t.Errorf("b.Get from its LRU = %q, %v", q, ok)
		}
		if err := a.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})

	t.Run("redis down", func(t *testing.T) {
		srv := testredis.Start(t)
		rdb := srv.Client(t)
		var logs bytes.Buffer
		s := NewStore(StoreConfig{Redis: rdb, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		s.Add(ctx, helloHash, helloQuery)
		srv.Stop()
		s.Add(ctx, hash(viewerQuery), viewerQuery)
		for _, q := range []string{helloQuery, viewerQuery} {
			if got, ok := s.Get(ctx, hash(q)); !ok || got != q {
				t.Errorf("Get(%q) = %q, %v; want it from process memory", q, got, ok)
			}
		}
		if _, ok := s.Get(ctx, hash(unknownQuery)); ok {
			t.Error("Get of an unknown hash: hit")
		}
		if err := s.Ping(ctx); err == nil {
			t.Error("Ping with redis down: nil error")
		}
		if n := strings.Count(logs.String(), "redis unavailable"); n != 1 {
			t.Errorf("logged the outage %d times, want once:\n%s", n, logs.String())
		}
		// Through the handler: APQ still works.
		h := newServer(Extension{Mode: ModeAPQ, Cache: s})
		if got := (request{apqHash: hash(unknownQuery), query: unknownQuery}).do(t, h); got.Data.Ran != "Other" {
			t.Fatalf("register with redis down: %+v", got)
		}
		if got := (request{apqHash: hash(unknownQuery)}).do(t, h); got.Data.Ran != "Other" {
			t.Fatalf("hit with redis down: %+v", got)
		}
	})

	t.Run("memory only evicts", func(t *testing.T) {
		s := NewMemoryStore(1)
		s.Add(ctx, helloHash, helloQuery)
		s.Add(ctx, hash(viewerQuery), viewerQuery)
		if _, ok := s.Get(ctx, helloHash); ok {
			t.Error("oldest document not evicted from a size-1 store")
		}
		if q, ok := s.Get(ctx, hash(viewerQuery)); !ok || q != viewerQuery {
			t.Errorf("Get = %q, %v", q, ok)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping of a memory store: %v", err)
		}
	})
}

func TestLogUnknown(t *testing.T) {
	manifest, err := LoadManifest("testdata/relay.json")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := newServer(Extension{
		Mode: ModeLogUnknown, Manifest: manifest, Cache: NewMemoryStore(10),
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	tests := []struct {
		query   string
		wantLog bool
	}{
		{helloQuery, false},
		{unknownQuery, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			logs.Reset()
			if got := (request{query: tt.query}).do(t, h); got.code() != "" {
				t.Fatalf("code %q, want the operation to run", got.code())
			}
			logged := strings.Contains(logs.String(), "not in the manifest") && strings.Contains(logs.String(), hash(tt.query))
			if logged != tt.wantLog {
				t.Errorf("logged = %v, want %v:\n%s", logged, tt.wantLog, logs.String())
			}
		})
	}
}

func TestExtensionValidate(t *testing.T) {
	manifest, _ := LoadManifest("testdata/relay.json")
	store := NewMemoryStore(1)
	tests := []struct {
		name    string
		ext     Extension
		wantErr bool
	}{
		{"apq", Extension{Mode: ModeAPQ, Cache: store}, false},
		{"apq without store", Extension{Mode: ModeAPQ}, true},
		{"off without anything", Extension{Mode: ModeOff}, false},
		{"safelist", Extension{Mode: ModeSafelist, Manifest: manifest}, false},
		{"safelist without manifest", Extension{Mode: ModeSafelist}, true},
		{"log-unknown without manifest", Extension{Mode: ModeLogUnknown, Cache: store}, true},
		{"bad mode", Extension{Mode: "x", Cache: store}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.ext.Validate(schema()); (err != nil) != tt.wantErr {
				t.Fatalf("Validate = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestMiddlewareKeepsOtherRequests(t *testing.T) {
	var got []byte
	h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(bytes.Buffer)
		_, _ = b.ReadFrom(r.Body)
		got = b.Bytes()
	}))
	big := `{"query":"` + strings.Repeat(" ", maxBody) + `{ hello }","documentId":"x"}`
	tests := []struct {
		name, contentType, body string
	}{
		{"no documentId", "application/json", `{"query":"{ hello }"}`},
		{"not json", "application/graphql", `{ hello }`},
		{"bigger than the limit", "application/json", big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			h.ServeHTTP(httptest.NewRecorder(), req)
			if string(got) != tt.body {
				t.Errorf("body changed: got %d bytes, want %d", len(got), len(tt.body))
			}
		})
	}
	t.Run("documentId merged into extensions", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/graphql",
			strings.NewReader(`{"documentId":"d1","extensions":{"other":true}}`))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(httptest.NewRecorder(), req)
		var params struct {
			DocumentID *string        `json:"documentId"`
			Extensions map[string]any `json:"extensions"`
		}
		if err := json.Unmarshal(got, &params); err != nil {
			t.Fatal(err)
		}
		if params.DocumentID != nil || params.Extensions["documentId"] != "d1" || params.Extensions["other"] != true {
			t.Errorf("rewritten body = %s", got)
		}
	})
}

func TestManifestFileRoundTrip(t *testing.T) {
	// A manifest written by a build step is read back as it was written.
	path := filepath.Join(t.TempDir(), "manifest.json")
	b, _ := json.Marshal(map[string]string{"q1": helloQuery})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := LoadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if op, ok := m.Lookup("q1"); !ok || op.Body != helloQuery {
		t.Fatalf("Lookup(q1) = %+v, %v", op, ok)
	}
}

// TestAPQRegistersOnlyValidDocuments: a hash with its text is stored only when the text
// parses, validates against the schema and fits MaxDocumentBytes; anything else would
// let a client fill the store (and Redis) with text that never runs.
func TestAPQRegistersOnlyValidDocuments(t *testing.T) {
	oversized := "# " + strings.Repeat("x", DefaultMaxDocumentBytes) + "\n" + unknownQuery
	tests := []struct {
		name     string
		query    string
		ran      string // of the registering request
		code     string
		stored   bool
		maxBytes int // StoreConfig.MaxDocumentBytes; 0: the default
	}{
		{"valid", unknownQuery, "Other", "", true, 0},
		{"does not parse", "query Broken { hello", "", "GRAPHQL_PARSE_FAILED", false, 0},
		{"never parses (not GraphQL at all)", strings.Repeat("\x00garbage ", 100), "", "GRAPHQL_PARSE_FAILED", false, 0},
		{"does not validate", "query Nope { nope }", "", "GRAPHQL_VALIDATION_FAILED", false, 0},
		{"operation name not in the document", "query A { hello } query B { viewer }", "", "GRAPHQL_VALIDATION_FAILED", false, 0},
		{"over the default size", oversized, "Other", "", false, 0},
		{"over a configured size", unknownQuery, "Other", "", false, len(unknownQuery) - 1},
		{"at a configured size", unknownQuery, "Other", "", true, len(unknownQuery)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := NewStore(StoreConfig{MaxDocumentBytes: tt.maxBytes})
			h := newServer(Extension{Mode: ModeAPQ, Cache: store})
			hq := hash(tt.query)
			got := request{apqHash: hq, query: tt.query}.do(t, h)
			if got.Data.Ran != tt.ran || got.code() != tt.code {
				t.Fatalf("register: ran %q, code %q; want ran %q, code %q", got.Data.Ran, got.code(), tt.ran, tt.code)
			}
			if _, ok := store.Get(context.Background(), hq); ok != tt.stored {
				t.Errorf("stored %v, want %v", ok, tt.stored)
			}
			want := CodeNotFound
			if tt.stored {
				want = ""
			}
			if got := (request{apqHash: hq}).do(t, h); got.code() != want {
				t.Errorf("follow-up by hash: code %q, want %q", got.code(), want)
			}
		})
	}
}

func TestStoreBounds(t *testing.T) {
	ctx := context.Background()
	t.Run("bytes bound the LRU", func(t *testing.T) {
		doc := strings.Repeat("d", 1000)
		s := NewStore(StoreConfig{Size: 100, MaxBytes: 3500})
		for i := range 10 {
			q := doc + strconv.Itoa(i)
			s.Add(ctx, hash(q), q)
		}
		items, bytes := s.local.len()
		if bytes > 3500 || items != 3 {
			t.Fatalf("LRU holds %d documents, %d bytes; want 3 within 3500 bytes", items, bytes)
		}
		if _, ok := s.Get(ctx, hash(doc+"9")); !ok {
			t.Error("the newest document was evicted")
		}
		if _, ok := s.Get(ctx, hash(doc+"0")); ok {
			t.Error("the oldest document survived")
		}
	})
	t.Run("count bounds the LRU", func(t *testing.T) {
		s := NewStore(StoreConfig{Size: 2})
		for _, q := range []string{helloQuery, viewerQuery, unknownQuery} {
			s.Add(ctx, hash(q), q)
		}
		if items, _ := s.local.len(); items != 2 {
			t.Fatalf("LRU holds %d documents, want 2", items)
		}
	})
	t.Run("unused documents leave redis sooner", func(t *testing.T) {
		rdb := testredis.Client(t)
		prefix := testredis.Prefix(t, rdb)
		a := NewStore(StoreConfig{Redis: rdb, Prefix: prefix})
		b := NewStore(StoreConfig{Redis: rdb, Prefix: prefix})
		ttl := func(q string) time.Duration {
			d, err := rdb.TTL(ctx, prefix+":apq:"+hash(q)).Result()
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		a.Add(ctx, helloHash, helloQuery)
		a.Add(ctx, hash(viewerQuery), viewerQuery)
		if d := ttl(helloQuery); d <= 0 || d > DefaultStoreUnusedTTL {
			t.Fatalf("registered: TTL %v, want in (0, %v]", d, DefaultStoreUnusedTTL)
		}
		// Used from a's own LRU: the Redis entry gets the full TTL.
		if _, ok := a.Get(ctx, helloHash); !ok {
			t.Fatal("miss")
		}
		if d := ttl(helloQuery); d <= DefaultStoreUnusedTTL {
			t.Errorf("used in process: TTL %v, want more than %v", d, DefaultStoreUnusedTTL)
		}
		// Used through Redis by another replica: GETEX gives the full TTL too.
		if _, ok := b.Get(ctx, hash(viewerQuery)); !ok {
			t.Fatal("miss through redis")
		}
		if d := ttl(viewerQuery); d <= DefaultStoreUnusedTTL {
			t.Errorf("used through redis: TTL %v, want more than %v", d, DefaultStoreUnusedTTL)
		}
		// A used document whose short-lived entry already left Redis is stored again.
		c := NewStore(StoreConfig{Redis: rdb, Prefix: prefix})
		c.Add(ctx, hash(unknownQuery), unknownQuery)
		if err := rdb.Del(ctx, prefix+":apq:"+hash(unknownQuery)).Err(); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Get(ctx, hash(unknownQuery)); !ok {
			t.Fatal("miss")
		}
		if d := ttl(unknownQuery); d <= DefaultStoreUnusedTTL {
			t.Errorf("used after expiry: TTL %v, want the document back with the full TTL", d)
		}
	})
}

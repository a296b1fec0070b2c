package playground

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"crmgraph/web"
)

// bundle is a stand-in for web/dist; the real files are not in the repository.
func bundle() fstest.MapFS {
	return fstest.MapFS{
		"README.md":        {Data: []byte("placeholder")},
		web.ReactJS:        {Data: []byte("window.React={};")},
		web.ReactDOMJS:     {Data: []byte("window.ReactDOM={};")},
		web.GraphiQLJS:     {Data: []byte(strings.Repeat("window.GraphiQL=function(){};", 200))},
		web.GraphiQLCSS:    {Data: []byte(strings.Repeat(".graphiql-container{display:flex}", 200))},
		"graphiql.min.map": {Data: []byte("{}")},
	}
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	nonceInCSP  = regexp.MustCompile(`script-src 'self' 'nonce-([A-Za-z0-9_-]+)'`)
	scriptTag   = regexp.MustCompile(`<script([^>]*)>`)
	assetRef    = regexp.MustCompile(`(?:src|href)="(assets/[^"]+)"`)
	configBlock = regexp.MustCompile(`(?s)<script id="crmgraph-config" type="application/json">(.*?)</script>`)
)

func TestIndex(t *testing.T) {
	tabs := []Tab{
		{Name: "Accounts", Query: "query Accounts { accounts { totalCount } }", Variables: `{"first": 5}`},
		// A tab that tries to break out of the JSON block and the page.
		{Query: `query X { a } # </script><script>alert(1)</script>`},
		{Name: "Commented", Query: "  # Has its own comment.\nquery C { c }"},
	}
	tests := []struct {
		name        string
		cfg         Config
		wantConfig  pageConfig
		wantTitle   string
		wantHeaders bool // trace header in the editor (true) or fixed in the fetcher (false)
	}{
		{
			name:        "defaults",
			cfg:         Config{},
			wantConfig:  pageConfig{Endpoint: "/graphql", FetcherHeaders: map[string]string{TraceHeader: "1"}},
			wantTitle:   "<title>crmgraph GraphiQL</title>",
			wantHeaders: false,
		},
		{
			name: "header editor with tabs",
			cfg:  Config{Endpoint: "/api/graphql", Title: `CRM <b>"graph"</b>`, Tabs: tabs, HeaderEditor: true},
			wantConfig: pageConfig{
				Endpoint:       "/api/graphql",
				HeaderEditor:   true,
				DefaultHeaders: "{\n  \"X-Crmgraph-Trace\": \"1\"\n}",
				DefaultTabs: []tabState{
					{Query: "# Accounts\n" + tabs[0].Query, Variables: tabs[0].Variables, Headers: "{\n  \"X-Crmgraph-Trace\": \"1\"\n}"},
					{Query: tabs[1].Query, Headers: "{\n  \"X-Crmgraph-Trace\": \"1\"\n}"},
					{Query: tabs[2].Query, Headers: "{\n  \"X-Crmgraph-Trace\": \"1\"\n}"},
				},
			},
			wantTitle:   "<title>CRM &lt;b&gt;&#34;graph&#34;&lt;/b&gt;</title>",
			wantHeaders: true,
		},
		{
			name: "tabs without header editor",
			cfg:  Config{Tabs: tabs[:1]},
			wantConfig: pageConfig{
				Endpoint:       "/graphql",
				FetcherHeaders: map[string]string{TraceHeader: "1"},
				DefaultTabs:    []tabState{{Query: "# Accounts\n" + tabs[0].Query, Variables: tabs[0].Variables}},
			},
			wantTitle: "<title>crmgraph GraphiQL</title>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Assets = bundle()
			h := Handler(tt.cfg)
			res := get(t, h, http.MethodGet, "/", nil)
			page := body(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", res.StatusCode, page)
			}
			if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store (the nonce is per response)", got)
			}

			// No external URL anywhere: not in the page, not in the policy.
			csp := res.Header.Get("Content-Security-Policy")
			for _, s := range []string{page, csp} {
				if strings.Contains(s, "http://") || strings.Contains(s, "https://") {
					t.Errorf("external URL in %.200q", s)
				}
			}

			// Strict CSP: same origin plus this response's nonce, no unsafe-*.
			m := nonceInCSP.FindStringSubmatch(csp)
			if m == nil {
				t.Fatalf("CSP %q has no script-src 'self' 'nonce-…'", csp)
			}
			nonce := m[1]
			for _, want := range []string{"default-src 'none'", "connect-src 'self'", "style-src 'self' 'nonce-" + nonce + "'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe") || strings.Contains(csp, "*") {
				t.Errorf("CSP %q is not strict", csp)
			}

			// Every executable script is either a same-origin file or carries the nonce.
			inline := 0
			for _, tag := range scriptTag.FindAllStringSubmatch(page, -1) {
				attrs := tag[1]
				switch {
				case strings.Contains(attrs, `type="application/json"`):
				case strings.Contains(attrs, `src="assets/`):
				case strings.Contains(attrs, `nonce="`+nonce+`"`):
					inline++
				default:
					t.Errorf("script %q is neither an asset nor nonce-tagged", tag[0])
				}
			}
			if inline != 1 {
				t.Errorf("%d nonce-tagged scripts, want the one bootstrap", inline)
			}
			if !strings.Contains(page, bootstrapJS) {
				t.Error("bootstrap script not inlined verbatim")
			}

			if !strings.Contains(page, tt.wantTitle) {
				t.Errorf("page lacks %q", tt.wantTitle)
			}

			// The config block survives hostile tab text and round-trips exactly.
			cm := configBlock.FindStringSubmatch(page)
			if cm == nil {
				t.Fatal("no config block")
			}
			var got pageConfig
			if err := json.Unmarshal([]byte(cm[1]), &got); err != nil {
				t.Fatalf("config block: %v\n%s", err, cm[1])
			}
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(tt.wantConfig)
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("config\n got %s\nwant %s", gotJSON, wantJSON)
			}
			if strings.Contains(page, "<script>alert(1)") {
				t.Error("tab text broke out of the config block")
			}

			// The assets the page references are all served, with their types.
			refs := assetRef.FindAllStringSubmatch(page, -1)
			if len(refs) != len(web.BundleFiles()) {
				t.Errorf("page references %d assets, want %d", len(refs), len(web.BundleFiles()))
			}
			for _, ref := range refs {
				res := get(t, h, http.MethodGet, "/"+ref[1], nil)
				if res.StatusCode != http.StatusOK {
					t.Errorf("GET /%s: %d", ref[1], res.StatusCode)
				}
				if res.Header.Get("Cache-Control") != immutable {
					t.Errorf("GET /%s: Cache-Control %q", ref[1], res.Header.Get("Cache-Control"))
				}
			}
		})
	}
}

func TestIndexNonceIsPerResponse(t *testing.T) {
	h := Handler(Config{Assets: bundle()})
	seen := map[string]bool{}
	for range 3 {
		csp := get(t, h, http.MethodGet, "/", nil).Header.Get("Content-Security-Policy")
		m := nonceInCSP.FindStringSubmatch(csp)
		if m == nil {
			t.Fatalf("no nonce in %q", csp)
		}
		if seen[m[1]] {
			t.Fatalf("nonce %q repeated", m[1])
		}
		seen[m[1]] = true
	}
}

func TestAssets(t *testing.T) {
	fsys := bundle()
	h := Handler(Config{Assets: fsys})
	ver := h.(*handler).assets
	js, css := web.GraphiQLJS, web.GraphiQLCSS
	tests := []struct {
		name         string
		method       string
		target       string
		header       map[string]string
		wantStatus   int
		wantType     string
		wantCache    string
		wantEncoding string
		wantBody     []byte
	}{
		{"versioned js", "GET", "/assets/" + js + "?v=" + ver[js].version, nil, 200, "text/javascript; charset=utf-8", immutable, "", fsys[js].Data},
		{"versioned css", "GET", "/assets/" + css + "?v=" + ver[css].version, nil, 200, "text/css; charset=utf-8", immutable, "", fsys[css].Data},
		{"react", "GET", "/assets/" + web.ReactJS + "?v=" + ver[web.ReactJS].version, nil, 200, "text/javascript; charset=utf-8", immutable, "", fsys[web.ReactJS].Data},
		{"gzip when accepted", "GET", "/assets/" + js + "?v=" + ver[js].version, map[string]string{"Accept-Encoding": "br, gzip"}, 200, "text/javascript; charset=utf-8", immutable, "gzip", fsys[js].Data},
		{"gzip refused with q=0", "GET", "/assets/" + js, map[string]string{"Accept-Encoding": "gzip;q=0"}, 200, "text/javascript; charset=utf-8", "no-cache", "", fsys[js].Data},
		{"unversioned is revalidated", "GET", "/assets/" + css, nil, 200, "text/css; charset=utf-8", "no-cache", "", fsys[css].Data},
		{"stale version is revalidated", "GET", "/assets/" + css + "?v=0000", nil, 200, "text/css; charset=utf-8", "no-cache", "", fsys[css].Data},
		{"head", "HEAD", "/assets/" + js, nil, 200, "text/javascript; charset=utf-8", "no-cache", "", nil},
		{"not in the bundle", "GET", "/assets/README.md", nil, 404, "", "", "", nil},
		{"source map not served", "GET", "/assets/graphiql.min.map", nil, 404, "", "", "", nil},
		{"traversal", "GET", "/assets/../playground.go", nil, 404, "", "", "", nil},
		{"unknown path", "GET", "/graphiql.min.js", nil, 404, "", "", "", nil},
		{"post", "POST", "/assets/" + js, nil, 405, "", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, h, tt.method, tt.target, tt.header)
			b := []byte(body(t, res))
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				return
			}
			if got := res.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got, tt.wantType)
			}
			if got := res.Header.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control %q, want %q", got, tt.wantCache)
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.wantEncoding)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}
			if tt.wantEncoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				if b, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(b, tt.wantBody) {
				t.Errorf("body %d bytes, want %d", len(b), len(tt.wantBody))
			}
		})
	}
}

func TestAssetRevalidation(t *testing.T) {
	h := Handler(Config{Assets: bundle()})
	target := "/assets/" + web.GraphiQLCSS
	for _, enc := range []string{"", "gzip"} {
		t.Run("encoding="+enc, func(t *testing.T) {
			first := get(t, h, "GET", target, map[string]string{"Accept-Encoding": enc})
			etag := first.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			again := get(t, h, "GET", target, map[string]string{"Accept-Encoding": enc, "If-None-Match": etag})
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("status %d, want 304", again.StatusCode)
			}
		})
	}
	plain := get(t, h, "GET", target, nil).Header.Get("ETag")
	gz := get(t, h, "GET", target, map[string]string{"Accept-Encoding": "gzip"}).Header.Get("ETag")
	if plain == gz {
		t.Errorf("plain and gzip bodies share ETag %s", plain)
	}
}

func TestBundleMissing(t *testing.T) {
	partial := bundle()
	delete(partial, web.GraphiQLCSS)
	empty := bundle()
	empty[web.GraphiQLJS] = &fstest.MapFile{}
	tests := []struct {
		name   string
		assets fstest.MapFS
	}{
		{"only the placeholder", fstest.MapFS{"README.md": {Data: []byte("x")}}},
		{"empty fs", fstest.MapFS{}},
		{"css missing", partial},
		{"empty js", empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Handler(Config{Assets: tt.assets})
			res := get(t, h, http.MethodGet, "/", nil)
			page := body(t, res)
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			if !strings.Contains(page, "make web") {
				t.Errorf("503 page does not say to run make web:\n%s", page)
			}
			if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
				t.Error("external URL in the 503 page")
			}
			if res.Header.Get("Content-Security-Policy") == "" {
				t.Error("no CSP on the 503 page")
			}
			if res := get(t, h, http.MethodHead, "/", nil); res.StatusCode != http.StatusServiceUnavailable || body(t, res) != "" {
				t.Errorf("HEAD: status %d, want 503 without body", res.StatusCode)
			}
			if res := get(t, h, http.MethodGet, "/assets/"+web.ReactJS, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("asset: status %d, want 404", res.StatusCode)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	h := Handler(Config{Assets: bundle()})
	tests := []struct {
		method, target string
		want           int
	}{
		{"GET", "/", 200},
		{"HEAD", "/", 200},
		{"GET", "/index.html", 200},
		{"GET", "/favicon.ico", 404},
		{"GET", "/graphql", 404},
		{"POST", "/", 405},
		{"DELETE", "/", 405},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			res := get(t, h, tt.method, tt.target, nil)
			if res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == 405 && res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow %q", res.Header.Get("Allow"))
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip;q=0.5", true},
		{"br;q=1.0, gzip ; q=0.001", true},
		{"gzip;q=0", false},
		{"gzip;q=0.000", false},
		{"x-gzip", false},
		{"br, deflate", false},
		{"*", false}, // a wildcard is legal but rare; plain bytes are always acceptable
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := acceptsGzip(tt.header); got != tt.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

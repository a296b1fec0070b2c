// Package playground serves the GraphiQL page at GET / from files embedded in the binary
// (package web), so it works on a machine with no internet access and loads nothing from a
// CDN. The page is locked down by a per-request CSP nonce: only same-origin files and the
// inline bootstrap run.
package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"crmgraph/web"
)

// TraceHeader is sent with every playground request so responses carry
// extensions.trace.backendCalls.
const TraceHeader = "X-Crmgraph-Trace"

// Tab is an example operation opened as a GraphiQL tab on first visit.
type Tab struct {
	Name      string // leading comment unless Query opens with one; GraphiQL titles tabs by operation name
	Query     string
	Variables string // JSON text, may be empty
}

// Config describes the page. The zero value serves GraphiQL against /graphql.
type Config struct {
	Endpoint     string // GraphQL endpoint path or URL, resolved against the page URL; default "/graphql"
	Title        string // default "crmgraph GraphiQL"
	Tabs         []Tab
	HeaderEditor bool // show the headers editor; otherwise the trace header is fixed in the fetcher
	// Assets holds the bundle files at its root; nil means web.Dist. Tests inject their own.
	Assets fs.FS
}

//go:embed index.html.tmpl
var indexSource string

//go:embed bootstrap.js
var bootstrapJS string

//go:embed unavailable.html
var unavailablePage []byte

// assetPrefix is relative in the page so the playground also works when mounted under a
// path prefix with http.StripPrefix.
const assetPrefix = "assets/"

// immutable is sent for an asset requested with its current content version: the URL
// changes whenever the bytes do.
const immutable = "public, max-age=31536000, immutable"

type asset struct {
	contentType string
	version     string
	plain       []byte
	gzipped     []byte // nil when compression does not pay
}

type handler struct {
	page    *template.Template
	config  pageConfig
	title   string
	css     string
	scripts []string
	assets  map[string]*asset
	ready   bool
}

// pageConfig is what bootstrap.js reads; field names are its contract.
type pageConfig struct {
	Endpoint       string            `json:"endpoint"`
	HeaderEditor   bool              `json:"headerEditor"`
	DefaultHeaders string            `json:"defaultHeaders,omitempty"`
	FetcherHeaders map[string]string `json:"fetcherHeaders,omitempty"`
	DefaultTabs    []tabState        `json:"defaultTabs,omitempty"`
}

// tabState is GraphiQL 3's TabDefinition.
type tabState struct {
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
	Headers   string `json:"headers,omitempty"`
}

// Handler serves the playground: "/" (and "/index.html") the GraphiQL page, "/assets/<file>"
// the bundle. Everything else is 404. When the bundle is missing, "/" answers 503 with a
// page saying how to build it.
func Handler(cfg Config) http.Handler {
	fsys := cfg.Assets
	if fsys == nil {
		fsys = web.Dist
	}
	h := &handler{
		page:   template.Must(template.New("index").Parse(indexSource)),
		config: newPageConfig(cfg),
		title:  cfg.Title,
	}
	if h.title == "" {
		h.title = "crmgraph GraphiQL"
	}
	if !web.Complete(fsys) {
		return h
	}
	assets, err := loadAssets(fsys)
	if err != nil {
		// Complete said the files exist, so only a broken fs gets here; degrade to the 503 page.
		return h
	}
	h.assets = assets
	h.css = assetURL(web.GraphiQLCSS, assets)
	for _, name := range []string{web.ReactJS, web.ReactDOMJS, web.GraphiQLJS} {
		h.scripts = append(h.scripts, assetURL(name, assets))
	}
	h.ready = true
	return h
}

func newPageConfig(cfg Config) pageConfig {
	pc := pageConfig{Endpoint: cfg.Endpoint, HeaderEditor: cfg.HeaderEditor}
	if pc.Endpoint == "" {
		pc.Endpoint = "/graphql"
	}
	var tabHeaders string
	if cfg.HeaderEditor {
		// Visible and removable in the headers editor; GraphiQL applies defaultHeaders only to
		// its own blank tab, so every default tab carries them too.
		tabHeaders = "{\n  \"" + TraceHeader + "\": \"1\"\n}"
		pc.DefaultHeaders = tabHeaders
	} else {
		// Without the editor GraphiQL sends no editor headers at all.
		pc.FetcherHeaders = map[string]string{TraceHeader: "1"}
	}
	for _, t := range cfg.Tabs {
		q := t.Query
		// A query that opens with its own comment already explains itself.
		if t.Name != "" && !strings.HasPrefix(strings.TrimSpace(q), "#") {
			q = "# " + strings.ReplaceAll(t.Name, "\n", " ") + "\n" + q
		}
		pc.DefaultTabs = append(pc.DefaultTabs, tabState{Query: q, Variables: t.Variables, Headers: tabHeaders})
	}
	return pc
}

func loadAssets(fsys fs.FS) (map[string]*asset, error) {
	assets := make(map[string]*asset)
	for _, name := range web.BundleFiles() {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		a := &asset{
			contentType: contentType(name),
			version:     hex.EncodeToString(sum[:8]),
			plain:       b,
		}
		// The bundle is ~1.5 MB and compresses about 4:1; compress once at start-up instead
		// of per request.
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(b); err == nil && zw.Close() == nil && buf.Len() < len(b) {
			a.gzipped = buf.Bytes()
		}
		assets[name] = a
	}
	return assets, nil
}

func assetURL(name string, assets map[string]*asset) string {
	return assetPrefix + name + "?v=" + assets[name].version
}

// contentType does not rely on mime.TypeByExtension alone because the system MIME tables
// it consults differ between machines and may lack or mistype .js.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch p := r.URL.Path; {
	case p == "/" || p == "" || p == "/index.html":
		h.serveIndex(w, r)
	case strings.HasPrefix(p, "/"+assetPrefix):
		h.serveAsset(w, r, strings.TrimPrefix(p, "/"+assetPrefix))
	default:
		http.NotFound(w, r)
	}
}

func (h *handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Frame-Options", "DENY")
	if !h.ready {
		hdr.Set("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		hdr.Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
		if r.Method != http.MethodHead {
			_, _ = w.Write(unavailablePage)
		}
		return
	}
	nonce, err := newNonce()
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	err = h.page.Execute(&buf, struct {
		Title, CSS, Nonce string
		Scripts           []string
		Config            pageConfig
		Bootstrap         template.JS
	}{h.title, h.css, nonce, h.scripts, h.config, template.JS(bootstrapJS)})
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hdr.Set("Content-Security-Policy", csp(nonce))
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf.Bytes()))
}

// csp admits same-origin files, the nonce-tagged inline bootstrap and styles, and XHR to the
// same origin only. GraphiQL's CSS inlines its icons and fonts as data: URLs.
func csp(nonce string) string {
	n := "'nonce-" + nonce + "'"
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self' " + n,
		"style-src 'self' " + n,
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

func newNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := h.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	if r.URL.Query().Get("v") == a.version {
		hdr.Set("Cache-Control", immutable)
	} else {
		// An unversioned or stale URL must not pin old bytes in a cache.
		hdr.Set("Cache-Control", "no-cache")
	}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("Vary", "Accept-Encoding")
	body, etag := a.plain, `"`+a.version+`"`
	if a.gzipped != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = a.gzipped, `"`+a.version+`-gz"`
		hdr.Set("Content-Encoding", "gzip")
	}
	hdr.Set("ETag", etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding value admits gzip (q > 0).
func acceptsGzip(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				v = strings.TrimSpace(v)
				return strings.Trim(v, "0.") != "" // q=0, q=0.0, q=0.000 refuse
			}
		}
		return true
	}
	return false
}

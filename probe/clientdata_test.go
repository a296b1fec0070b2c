package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"crmgraph/backends/clientdata"
	sandbox "crmgraph/backends/sandbox/clientdata"
	"crmgraph/backends/sandbox/dataset"
)

// TestClientDataChecks: against the default sandbox every client-data check holds
// against the alternative one the page base
// and the page size differ and name the setting that fits; with those settings
// applied they hold. The member-scope check holds with a member's token, is unknown
// without one or with one the API refuses, and differs against an API that answers
// a member's read by id whatever the member may see.
func TestClientDataChecks(t *testing.T) {
	w := dataset.New(3)
	def := sandbox.New(w, sandbox.Tokens{})
	alt := sandbox.New(w, sandbox.Tokens{})
	alt.UseAlternative()
	// unscoped is the default sandbox read by id as the app, whoever asks: an API whose
	// search is scoped and whose reads are not.
	unscoped := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/change-requests/") && !strings.HasSuffix(r.URL.Path, "/statuses") {
			r.Header.Set("Authorization", "Bearer "+sandbox.AppToken)
		}
		def.ServeHTTP(rw, r)
	})
	client := func(h http.Handler, cfg clientdata.Config) *clientdata.Client {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		cfg.BaseURL, cfg.Token, cfg.Timeout, cfg.ExportPollDelay = srv.URL, sandbox.AppToken, 5*time.Second, 10*time.Millisecond
		return clientdata.New(cfg)
	}
	run := func(c *clientdata.Client, member string) map[string]Finding {
		out := map[string]Finding{}
		for _, f := range Run(context.Background(), clientDataChecks(c, member), Options{}) {
			out[f.Assumption] = f
		}
		return out
	}
	key := func(fs map[string]Finding, prefix string) Finding {
		for a, f := range fs {
			if strings.HasPrefix(a, prefix) {
				return f
			}
		}
		t.Fatalf("no check %q", prefix)
		return Finding{}
	}
	const base, size, export, scope = "search pages count", "a search page of", "an export job", "a member cannot read"
	const cols = "the export CSV heads"
	altCols, _ := clientdata.ParseExportColumns("id=" + sandbox.AltColumnID + ",uId=" + sandbox.AltColumnUID)
	const member = sandbox.MemberToken5
	for _, tc := range []struct {
		name   string
		h      http.Handler
		cfg    clientdata.Config
		member string
		want   map[string]string // check prefix → Result/Setting
		// unknown is the one check expected to be unknown, with its detail's start.
		unknown, why string
	}{
		{"default", def, clientdata.Config{}, member, map[string]string{base: "holds/", size: "holds/", export: "holds/", scope: "holds/", cols: "holds/"}, "", ""},
		{"alt, default settings", alt, clientdata.Config{}, member, map[string]string{
			base: "differs/CLIENT_DATA_PAGE_BASE=0", size: "differs/CLIENT_DATA_PAGE_SIZE=100", export: "holds/",
			cols: "differs/CLIENT_DATA_EXPORT_COLUMNS=id=contactId,uId=contactUid,username=username"}, "", ""},
		{"alt, one export read", alt, clientdata.Config{ExportPolls: 1, PageSize: 100, ZeroBasedPages: true}, member, map[string]string{
			export: "differs/CLIENT_DATA_EXPORT_POLLS=3"}, cols, "the export job was not ready (see CLIENT_DATA_EXPORT_POLLS)"},
		{"alt, the export setting applied", alt, clientdata.Config{ExportPolls: 3, PageSize: 100, ZeroBasedPages: true}, member, map[string]string{
			export: "holds/"}, "", ""},
		{"alt, settings applied", alt, clientdata.Config{PageSize: 100, ZeroBasedPages: true, ExportColumns: altCols}, member, map[string]string{
			base: "holds/", size: "holds/", export: "holds/", scope: "holds/", cols: "holds/"}, "", ""},
		{"no member token", def, clientdata.Config{}, "", map[string]string{base: "holds/", size: "holds/", export: "holds/"},
			scope, "CLIENT_DATA_PROBE_MEMBER_TOKEN is not set"},
		{"a member token the API refuses", def, clientdata.Config{}, "nobody", nil,
			scope, "the backend refused CLIENT_DATA_PROBE_MEMBER_TOKEN"},
		{"reads by id unscoped", unscoped, clientdata.Config{}, member, map[string]string{base: "holds/", size: "holds/", export: "holds/", scope: "differs/"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := run(client(tc.h, tc.cfg), tc.member)
			// Three requests of distinct initiators, all refused or all answered.
			if f, want := key(fs, scope), map[string]string{"holds/": "readable []", "differs/": "refused [], readable ["}[tc.want[scope]]; want != "" &&
				(!strings.HasPrefix(f.Detail, "of 3 requests") || !strings.Contains(f.Detail, want) || strings.Count(f.Detail, "/") != 3) {
				t.Errorf("%s: %s", scope, f.Detail)
			}
			for prefix, want := range tc.want {
				f := key(fs, prefix)
				if got := string(f.Result) + "/" + f.Setting; got != want {
					t.Errorf("%s: %s (%s), want %s", prefix, got, f.Detail, want)
				}
			}
			if tc.unknown != "" {
				if f := key(fs, tc.unknown); f.Result != Unknown || f.Detail != tc.why {
					t.Errorf("%s: %s (%s), want unknown (%s)", tc.unknown, f.Result, f.Detail, tc.why)
				}
			}
			for a, f := range fs {
				if f.Result == Unknown && (tc.unknown == "" || !strings.HasPrefix(a, tc.unknown)) {
					t.Errorf("%s: unknown (%s)", a, f.Detail)
				}
			}
		})
	}
}

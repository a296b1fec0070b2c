package probe

import (
	"context"
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
// applied they hold.
func TestClientDataChecks(t *testing.T) {
	w := dataset.New(3)
	def := sandbox.New(w, sandbox.Tokens{})
	alt := sandbox.New(w, sandbox.Tokens{})
	alt.UseAlternative()
	client := func(h *sandbox.Server, cfg clientdata.Config) *clientdata.Client {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		cfg.BaseURL, cfg.Token, cfg.Timeout, cfg.ExportPollDelay = srv.URL, sandbox.AppToken, 5*time.Second, 10*time.Millisecond
		return clientdata.New(cfg)
	}
	run := func(c *clientdata.Client) map[string]Finding {
		out := map[string]Finding{}
		for _, f := range Run(context.Background(), clientDataChecks(c), Options{}) {
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
	const base, size, export = "search pages count", "a search page of", "an export job"
	for _, tc := range []struct {
		name string
		h    *sandbox.Server
		cfg  clientdata.Config
		want map[string]string // check prefix → Result/Setting
	}{
		{"default", def, clientdata.Config{}, map[string]string{base: "holds/", size: "holds/", export: "holds/"}},
		{"alt, default settings", alt, clientdata.Config{}, map[string]string{
			base: "differs/CLIENT_DATA_PAGE_BASE=0", size: "differs/CLIENT_DATA_PAGE_SIZE=100", export: "holds/"}},
		{"alt, one export read", alt, clientdata.Config{ExportPolls: 1, PageSize: 100, ZeroBasedPages: true}, map[string]string{
			export: "differs/CLIENT_DATA_EXPORT_POLLS=3"}},
		{"alt, the export setting applied", alt, clientdata.Config{ExportPolls: 3, PageSize: 100, ZeroBasedPages: true}, map[string]string{
			export: "holds/"}},
		{"alt, settings applied", alt, clientdata.Config{PageSize: 100, ZeroBasedPages: true}, map[string]string{
			base: "holds/", size: "holds/", export: "holds/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := run(client(tc.h, tc.cfg))
			for prefix, want := range tc.want {
				f := key(fs, prefix)
				if got := string(f.Result) + "/" + f.Setting; got != want {
					t.Errorf("%s: %s (%s), want %s", prefix, got, f.Detail, want)
				}
			}
			for a, f := range fs {
				if f.Result == Unknown {
					t.Errorf("%s: unknown (%s)", a, f.Detail)
				}
			}
		})
	}
}

package probe

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"crmgraph/backends/cirrus"
	sandbox "crmgraph/backends/sandbox/cirrus"
	"crmgraph/backends/sandbox/dataset"
)

var world = sync.OnceValue(func() *dataset.World { return dataset.New(1) })

func cirrusFindings(t *testing.T, alt bool, cfg cirrus.Config) map[string]Finding {
	t.Helper()
	s := sandbox.New(world(), "t")
	if alt {
		s.UseAlternative()
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg.BaseURL, cfg.Token, cfg.HTTP = srv.URL, "t", srv.Client()
	out := map[string]Finding{}
	for _, f := range Run(context.Background(), Checks(Targets{Cirrus: cirrus.New(cfg)}), Options{Writes: true}) {
		out[f.Assumption] = f
	}
	return out
}

// find is the finding whose assumption mentions key.
func find(t *testing.T, fs map[string]Finding, key string) Finding {
	t.Helper()
	for a, f := range fs {
		if strings.Contains(a, key) {
			return f
		}
	}
	t.Fatalf("no check mentions %q", key)
	return Finding{}
}

// TestCirrusReadings: against the default sandbox every assumption holds; against the
// alternative one each open point differs and names the setting that fits; with those
// settings they hold again. A create without a body needs no setting: it differs
// (the assumption is the seed's silence) and says how the record was found.
func TestCirrusReadings(t *testing.T) {
	for a, f := range cirrusFindings(t, false, cirrus.Config{}) {
		if f.Result != Holds {
			t.Errorf("default: %s: %s (%s)", a, f.Result, f.Detail)
		}
	}

	alt := cirrusFindings(t, true, cirrus.Config{})
	for _, tc := range []struct{ key, setting string }{
		{"CIRRUS_TRAILING_SLASH", "CIRRUS_TRAILING_SLASH=on"},
		{"CIRRUS_MASK_PLACEMENT", "CIRRUS_MASK_PLACEMENT=item"},
		{"CIRRUS_MAX_PER_PAGE", "CIRRUS_MAX_PER_PAGE=25"},
		{"create answers", ""},
	} {
		if f := find(t, alt, tc.key); f.Result != Differs || f.Setting != tc.setting {
			t.Errorf("alt, default settings: %s: %s %q (%s), want differs %q", tc.key, f.Result, f.Setting, f.Detail, tc.setting)
		}
	}

	fitted := cirrusFindings(t, true, cirrus.Config{TrailingSlash: true, MaskPlacement: cirrus.MaskItem, MaxPerPage: 25})
	for a, f := range fitted {
		want := Holds
		if strings.Contains(a, "create answers") {
			want = Differs
			if !strings.Contains(f.Detail, "found the record in the list") {
				t.Errorf("alt create: %s", f.Detail)
			}
		}
		if f.Result != want {
			t.Errorf("alt, fitted settings: %s: %s (%s), want %s", a, f.Result, f.Detail, want)
		}
	}
}

package probe_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"crmgraph/backends/cone"
	"crmgraph/backends/sandbox"
	supportsandbox "crmgraph/backends/sandbox/support"
	"crmgraph/backends/support"
	"crmgraph/probe"
)

// targets points a cone and a support client at a sandbox of variant, cone lists
// travelling as inValues.
func targets(t *testing.T, variant, inValues string) probe.Targets {
	t.Helper()
	ts := httptest.NewServer(sandbox.New(sandbox.Config{Seed: 1, Token: "sandbox", Variant: variant}))
	t.Cleanup(ts.Close)
	return probe.Targets{
		Cone: cone.New(cone.Config{BaseURL: ts.URL + sandbox.ConePath, Token: "sandbox", HTTP: ts.Client(),
			Timeout: 10 * time.Second, InValues: inValues}),
		Support: support.New(support.Config{BaseURL: ts.URL + sandbox.SupportPath, Token: "sandbox", AppID: sandbox.SupportAppID,
			ConsumerID: supportsandbox.DefaultConsumer, HTTP: ts.Client(), Timeout: 10 * time.Second}),
	}
}

func TestReadingsAgainstTheSandboxVariants(t *testing.T) {
	tests := []struct {
		name, variant, inValues string
		differs                 map[string]string // assumption → the setting it names
	}{
		{"default reading", sandbox.VariantDefault, "", nil},
		{"alt reading, default settings", sandbox.VariantAlt, "",
			map[string]string{"in/notIn lists travel as CONE_IN_VALUES says": "CONE_IN_VALUES=array"}},
		{"alt reading, the settings the probe names", sandbox.VariantAlt, cone.InArray, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := probe.Run(t.Context(), probe.Checks(targets(t, tt.variant, tt.inValues)), probe.Options{})
			if len(fs) < 12 {
				t.Errorf("%d findings, want at least 12", len(fs))
			}
			for _, f := range fs {
				setting, want := tt.differs[f.Assumption]
				switch {
				case want && (f.Result != probe.Differs || f.Setting != setting):
					t.Errorf("%s: %s: %s %q (%s), want differs with %q", f.Backend, f.Assumption, f.Result, f.Setting, f.Detail, setting)
				case !want && f.Result != probe.Holds:
					t.Errorf("%s: %s: %s (%s)", f.Backend, f.Assumption, f.Result, f.Detail)
				}
			}
		})
	}
}

func TestConsumerIsolationShows(t *testing.T) {
	// Configured as a consumer without customers, the isolation check cannot decide and
	// says which consumer owns the sandbox's.
	tg := targets(t, "", "")
	tg.Support = tg.Support.WithConsumer("nobody")
	tg.Cone = nil
	for _, f := range probe.Run(t.Context(), probe.Checks(tg), probe.Options{}) {
		if f.Assumption == "x-apideck-consumer-id scopes the customers (another consumer sees none of them)" && f.Result != probe.Unknown {
			t.Errorf("isolation with an empty consumer: %s (%s)", f.Result, f.Detail)
		}
	}
}

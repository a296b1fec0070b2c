package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := LoadConfig(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || !cfg.Sandbox || !cfg.Introspection || cfg.Cirrus.Timeout != 10*time.Second || !cfg.Dataloaders || cfg.Cone.InValues != "comma" {
		t.Fatalf("defaults: %+v", cfg)
	}
	// A flag wins over the environment; per-backend timeouts default to BACKEND_TIMEOUT.
	cfg, err = LoadConfig([]string{"-addr", ":9999", "-cone-timeout", "2s"}, env(map[string]string{
		"ADDR": ":7777", "BACKEND_TIMEOUT": "3s", "CIRRUS_URL": "https://cirrus.example/api", "CIRRUS_TOKEN": "t",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9999" || cfg.Cone.Timeout != 2*time.Second || cfg.Cirrus.Timeout != 3*time.Second || cfg.Introspection {
		t.Fatalf("overrides: addr %s cone %s cirrus %s introspection %v", cfg.Addr, cfg.Cone.Timeout, cfg.Cirrus.Timeout, cfg.Introspection)
	}
	// Deployment-dependent defaults: the demo (all sandboxes) versus real backends.
	demo, _ := LoadConfig(nil, env(nil))
	if !demo.ClientDataServiceForAnonymous || !demo.TraceExtension || demo.ShutdownDelay != 0 {
		t.Fatalf("demo defaults: anonymous→service %v, trace %v, shutdown delay %s", demo.ClientDataServiceForAnonymous, demo.TraceExtension, demo.ShutdownDelay)
	}
	if cfg.ClientDataServiceForAnonymous != true || cfg.TraceExtension || cfg.ShutdownDelay != 5*time.Second {
		// cfg has only Cirrus configured: client-data is still the sandbox.
		t.Fatalf("real-backend defaults: anonymous→service %v, trace %v, shutdown delay %s", cfg.ClientDataServiceForAnonymous, cfg.TraceExtension, cfg.ShutdownDelay)
	}
	real, err := LoadConfig(nil, env(map[string]string{"CLIENT_DATA_URL": "https://cd.example", "CLIENT_DATA_TOKEN": "t",
		"BREAKER": "ratio=0.25,cooldown=3s", "CONE_BREAKER": "off", "CIRRUS_BREAKER": "min-calls=5", "CIRRUS_MAX_CONCURRENCY": "8"}))
	if err != nil {
		t.Fatal(err)
	}
	if real.ClientDataServiceForAnonymous {
		t.Fatal("a real client-data lets anonymous callers act as the service by default")
	}
	if b := real.Cirrus.Breaker; b.FailureRatio != 0.25 || b.Cooldown != 3*time.Second || b.MinCalls != 5 || b.Window != 10*time.Second || b.Disabled {
		t.Fatalf("cirrus breaker %+v", b)
	}
	if !real.Cone.Breaker.Disabled || real.Support.Breaker.FailureRatio != 0.25 || real.Cirrus.MaxConcurrency != 8 ||
		real.ClientData.MaxConcurrency != DefaultMaxConcurrency || real.Cone.MaxConcurrency != SandboxMaxConcurrency {
		// client-data is configured (a real tenant's default); ConeCRM is the embedded sandbox.
		t.Fatalf("cone breaker %+v, support %+v, concurrency cirrus %d, client-data %d, cone %d", real.Cone.Breaker, real.Support.Breaker,
			real.Cirrus.MaxConcurrency, real.ClientData.MaxConcurrency, real.Cone.MaxConcurrency)
	}
	if all, _ := LoadConfig(nil, env(map[string]string{"MAX_CONCURRENCY": "16"})); all.Cone.MaxConcurrency != 16 || all.ClientData.MaxConcurrency != 16 {
		t.Fatalf("MAX_CONCURRENCY=16: cone %d, client-data %d", all.Cone.MaxConcurrency, all.ClientData.MaxConcurrency)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"sandbox off needs every backend", map[string]string{"SANDBOX": "off", "CIRRUS_URL": "https://c.example"}, "CLIENT_DATA_URL, CONE_URL, SUPPORT_URL not set"},
		{"bad duration", map[string]string{"SANDBOX_LATENCY": "soon"}, "SANDBOX_LATENCY"},
		{"bad url", map[string]string{"CONE_URL": "ftp://x"}, "CONE_URL"},
		{"safelist needs a manifest", map[string]string{"PERSISTED_QUERIES": "safelist"}, "PERSISTED_QUERIES_MANIFEST"},
		{"support needs ids", map[string]string{"SUPPORT_URL": "https://unify.example"}, "SUPPORT_APP_ID"},
		{"bad level", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"bad faults", map[string]string{"SANDBOX_FAULTS": "150%"}, "SANDBOX_FAULTS"},
		{"breaker ratio", map[string]string{"BREAKER": "ratio=2"}, "BREAKER: ratio=2"},
		{"breaker key", map[string]string{"CONE_BREAKER": "errors=5"}, `CONE_BREAKER: unknown key "errors"`},
		{"breaker pairs", map[string]string{"CIRRUS_BREAKER": "fast"}, "CIRRUS_BREAKER: want key=value"},
		{"anonymous policy", map[string]string{"CLIENT_DATA_ANONYMOUS": "allow"}, "CLIENT_DATA_ANONYMOUS"},
		{"no concurrency", map[string]string{"SUPPORT_MAX_CONCURRENCY": "0"}, "SUPPORT_MAX_CONCURRENCY"},
		{"attempt bounds", map[string]string{"ATTEMPT_TIMEOUT_FLOOR": "3s"}, "ATTEMPT_TIMEOUT_FLOOR"},
		{"request timeout", map[string]string{"REQUEST_TIMEOUT": "0s"}, "REQUEST_TIMEOUT"},
		{"cone in values", map[string]string{"CONE_IN_VALUES": "json"}, "CONE_IN_VALUES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(nil, env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %s", err, tt.want)
			}
		})
	}
}

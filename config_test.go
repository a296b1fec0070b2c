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
	if cfg.Addr != ":8080" || !cfg.Sandbox || !cfg.Introspection || cfg.Cirrus.Timeout != 10*time.Second || !cfg.Dataloaders {
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

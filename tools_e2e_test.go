package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The frontend tools from npm (pinned in web/package.json, installed by web/build.sh) run
// against the real gateway: Apollo's normalizing cache, GraphQL Code Generator and
// relay-compiler. Like the browser test, each skips when Node or the tool is missing and
// fails instead under CRMGRAPH_REQUIRE_BROWSER=1 (set by `make test`).

// requireNodeTool skips (or fails) unless node and web/node_modules/<pkg> are present.
func requireNodeTool(t *testing.T, pkgs ...string) {
	t.Helper()
	missing := ""
	if lookPath("node") == "" {
		missing = "node"
	}
	for _, p := range pkgs {
		if missing == "" {
			if _, err := os.Stat(filepath.Join("web", "node_modules", p, "package.json")); err != nil {
				missing = p + " in web/node_modules (run sh web/build.sh)"
			}
		}
	}
	if missing != "" {
		if os.Getenv("CRMGRAPH_REQUIRE_BROWSER") != "" {
			t.Fatalf("tool test needs %s", missing)
		}
		t.Skipf("tool test needs %s; make test provides it", missing)
	}
}

// runNodeCheck runs `node script args…` and decodes its last stdout line ({ok, reason, …}).
func runNodeCheck(t *testing.T, timeout time.Duration, script string, args ...string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res map[string]any
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &res); jerr != nil || err != nil || res["ok"] != true {
		t.Fatalf("%s failed: %v %v\nstdout: %s\nstderr: %s", script, err, res["reason"], out, stderr.String())
	}
	return res
}

// TestToolsNormalizingCaches writes a broad real answer into Apollo's InMemoryCache and
// reads it back unchanged, and checks that every id names one (__typename, record), the
// rule relay-runtime's store keys by.
func TestToolsNormalizingCaches(t *testing.T) {
	requireNodeTool(t, "@apollo/client", "graphql")
	srv := gateway(t)
	res := runNodeCheck(t, 90*time.Second, "web/e2e/normalize.mjs", srv.URL+"/")
	t.Logf("normalize: %v", res)
	if n, _ := res["records"].(float64); n < 20 {
		t.Fatalf("Apollo cache holds only %v records: %v", n, res)
	}
}

// TestToolsCodegen runs GraphQL Code Generator's typescript plugin with the live gateway
// URL as schema (introspection) and expects types for the records and the custom scalars.
func TestToolsCodegen(t *testing.T) {
	requireNodeTool(t, "@graphql-codegen/cli", "@graphql-codegen/typescript")
	srv := gateway(t)
	res := runNodeCheck(t, 120*time.Second, "web/e2e/codegen.mjs", srv.URL+"/")
	t.Logf("codegen: %v", res)
}

// TestToolsRelay prints the live schema as SDL by introspection, compiles example operations
// using @connection and @refetchable with the real relay-compiler, and commits the compiled
// query's real answer into relay-runtime's store, reading back the same data.
func TestToolsRelay(t *testing.T) {
	requireNodeTool(t, "relay-compiler", "relay-runtime", "graphql")
	srv := gateway(t)
	res := runNodeCheck(t, 120*time.Second, "web/e2e/relay.mjs", srv.URL+"/")
	t.Logf("relay: %v", res)
}

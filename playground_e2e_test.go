package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"crmgraph/web"
)

// TestPlaygroundInBrowser opens GraphiQL from the real gateway in headless Chromium,
// runs the first example query and expects data with the backend-call trace, while the
// page may reach nothing but loopback. `make test` provides Node, Chromium and the
// bundle (CRMGRAPH_REQUIRE_BROWSER=1 turns a missing piece into a failure).
func TestPlaygroundInBrowser(t *testing.T) {
	missing := ""
	switch {
	case !web.Ready():
		missing = "the GraphiQL bundle (run make web)"
	case lookPath("node") == "":
		missing = "node"
	case os.Getenv("CHROMIUM") == "" && lookPath("chromium") == "":
		missing = "chromium"
	}
	if missing != "" {
		if os.Getenv("CRMGRAPH_REQUIRE_BROWSER") != "" {
			t.Fatalf("browser test needs %s", missing)
		}
		t.Skipf("browser test needs %s; make test provides it", missing)
	}
	srv := gateway(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "node", "web/e2e/playground.mjs", srv.URL+"/", "backendCalls").Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res struct {
		OK       bool     `json:"ok"`
		Result   string   `json:"result"`
		Reason   string   `json:"reason"`
		DocTypes []string `json:"docTypes"`
	}
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &res); jerr != nil || err != nil || !res.OK {
		t.Fatalf("browser check failed: %v %s\n%s", err, res.Reason, out)
	}
	if !strings.Contains(res.Result, `"accounts"`) || !strings.Contains(res.Result, `"backendCalls"`) {
		t.Fatalf("result pane: %s", res.Result)
	}
	// The Docs panel (GraphiQL's standard introspection query) lists the schema's types.
	if !slices.Contains(res.DocTypes, "Account") || !slices.Contains(res.DocTypes, "ChangeRequest") || len(res.DocTypes) < 30 {
		t.Fatalf("Docs panel types: %v", res.DocTypes)
	}
}

func lookPath(name string) string {
	p, _ := exec.LookPath(name)
	return p
}

func TestPlaygroundPageIsSelfContained(t *testing.T) {
	srv := gateway(t)
	resp, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !web.Ready() {
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "make web") {
			t.Fatalf("without a bundle: %d %s", resp.StatusCode, body)
		}
		return
	}
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "https://") || strings.Contains(string(body), "http://") {
		t.Fatalf("GET / = %d, page refers outside: %s", resp.StatusCode, body)
	}
	if !strings.Contains(string(body), "graphiql") || !strings.Contains(string(body), "Accounts") {
		t.Fatalf("page lacks GraphiQL or the examples: %s", body)
	}
}

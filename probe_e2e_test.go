package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"crmgraph/probe"
)

func runProbeJSON(t *testing.T, env map[string]string) ([]probe.Finding, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), []string{"probe", "-json"}, func(k string) string { return env[k] }, &out)
	var fs []probe.Finding
	if jerr := json.Unmarshal(out.Bytes(), &fs); jerr != nil {
		t.Fatalf("probe -json: %v\n%s", jerr, out.String())
	}
	return fs, err
}

func TestProbeAgainstTheSandboxes(t *testing.T) {
	fs, err := runProbeJSON(t, sandboxEnv(t, "sandbox"))
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	per := map[string]int{}
	for _, f := range fs {
		if f.Result != probe.Holds && f.Detail != "needs writes (-writes)" { // run without -writes
			t.Errorf("%s: %s: %s (%s)", f.Backend, f.Assumption, f.Result, f.Detail)
		}
		per[f.Backend]++
	}
	for _, b := range []string{"cirrus", "cone", "clientdata", "support"} {
		if per[b] < 3 {
			t.Errorf("%s: %d assumptions checked, want at least 3", b, per[b])
		}
	}
}

func TestProbeReportsADifference(t *testing.T) {
	// A Cirrus whose lists answer a bare array instead of the page envelope.
	env := sandboxEnv(t, "sandbox")
	target := env["CIRRUS_URL"]
	odd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/accounts") || strings.HasSuffix(r.URL.Path, "/accounts/") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"page": 3, "pages": 1, "per_page": 7, "total": 0, "items": []}`))
			return
		}
		forward(w, r, target, nil)
	}))
	defer odd.Close()
	env["CIRRUS_URL"] = odd.URL
	fs, err := runProbeJSON(t, env)
	if !errors.Is(err, errDiffers) || exitCode(err) != 1 {
		t.Fatalf("probe exit: %v", err)
	}
	differs := 0
	for _, f := range fs {
		if f.Result == probe.Differs {
			differs++
			if f.Backend != "cirrus" {
				t.Errorf("unexpected difference: %+v", f)
			}
		}
	}
	if differs == 0 {
		t.Fatalf("no difference reported: %+v", fs)
	}
}

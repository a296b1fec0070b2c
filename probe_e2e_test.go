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

	cdsandbox "crmgraph/backends/sandbox/clientdata"
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

// memberScopeCheck is the probe's client-data member-scope assumption.
const memberScopeCheck = "a member cannot read a change request their search does not show (the seed scopes the search only, L99, L161)"

func TestProbeAgainstTheSandboxes(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["CLIENT_DATA_PROBE_MEMBER_TOKEN"] = cdsandbox.MemberToken5
	fs, err := runProbeJSON(t, env)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	per := map[string]int{}
	scoped := false
	for _, f := range fs {
		if f.Result != probe.Holds && f.Detail != "needs writes (-writes)" { // run without -writes
			t.Errorf("%s: %s: %s (%s)", f.Backend, f.Assumption, f.Result, f.Detail)
		}
		per[f.Backend]++
		scoped = scoped || f.Backend == "clientdata" && f.Assumption == memberScopeCheck && f.Result == probe.Holds
	}
	for _, b := range []string{"cirrus", "cone", "clientdata", "support"} {
		if per[b] < 3 {
			t.Errorf("%s: %d assumptions checked, want at least 3", b, per[b])
		}
	}
	if !scoped {
		t.Errorf("no client-data member-scope finding that holds: %+v", fs)
	}
}

// The member-scope check reads as CLIENT_DATA_PROBE_MEMBER_TOKEN: without it, unknown
// (and the probe still exits 0); with a token the sandbox does not know, unknown; with
// a member's token against a client-data whose reads by id ignore the caller (a proxy
// that sends them with the service token), differs and the probe exits 1.
func TestProbeMemberScope(t *testing.T) {
	base := sandboxEnv(t, "sandbox")
	target := base["CLIENT_DATA_URL"]
	unscoped := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/change-requests/") && !strings.HasSuffix(r.URL.Path, "/statuses") {
			r.Header.Set("Authorization", "Bearer "+cdsandbox.AppToken)
		}
		forward(w, r, target, nil)
	}))
	defer unscoped.Close()
	tests := []struct {
		name, token, url string
		want             probe.Result
		detail           string // its start
		exit             int
	}{
		{"no member token", "", target, probe.Unknown, "CLIENT_DATA_PROBE_MEMBER_TOKEN is not set", 0},
		{"a token the API refuses", "nobody", target, probe.Unknown, "the backend refused CLIENT_DATA_PROBE_MEMBER_TOKEN", 0},
		{"a member's token", cdsandbox.MemberToken3, target, probe.Holds, "of 3 requests the member's search hides", 0},
		{"reads by id unscoped", cdsandbox.MemberToken3, unscoped.URL, probe.Differs, "of 3 requests the member's search hides, by distinct initiators: refused [], readable [", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"CLIENT_DATA_URL": tt.url}
			for k, v := range base {
				if k != "CLIENT_DATA_URL" {
					env[k] = v
				}
			}
			if tt.token != "" {
				env["CLIENT_DATA_PROBE_MEMBER_TOKEN"] = tt.token
			}
			fs, err := runProbeJSON(t, env)
			if exitCode(err) != tt.exit {
				t.Fatalf("probe exit %d (%v), want %d", exitCode(err), err, tt.exit)
			}
			var found []probe.Finding
			for _, f := range fs {
				if f.Assumption == memberScopeCheck {
					found = append(found, f)
				} else if f.Result != probe.Holds && f.Detail != "needs writes (-writes)" {
					t.Errorf("%s: %s: %s (%s)", f.Backend, f.Assumption, f.Result, f.Detail)
				}
			}
			if len(found) != 1 || found[0].Backend != "clientdata" || found[0].Result != tt.want || !strings.HasPrefix(found[0].Detail, tt.detail) || found[0].Setting != "" {
				t.Fatalf("member-scope findings %+v, want one %s starting %q", found, tt.want, tt.detail)
			}
		})
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

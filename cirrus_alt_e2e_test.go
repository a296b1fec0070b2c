package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"crmgraph/backends/sandbox"
	"crmgraph/probe"
)

// cirrusSandbox starts a sandbox of its own (seed 1, like the shared gateway's) in the
// given variant and returns its Cirrus URL.
func cirrusSandbox(t *testing.T, variant string) string {
	t.Helper()
	srv := httptest.NewServer(sandbox.New(sandbox.Config{Seed: 1, Token: "sandbox", Variant: variant}))
	t.Cleanup(srv.Close)
	return srv.URL + sandbox.CirrusPath
}

// cirrusAltSettings are the settings that fit the alternative Cirrus reading.
var cirrusAltSettings = map[string]string{"CIRRUS_MASK_PLACEMENT": "item", "CIRRUS_TRAILING_SLASH": "on", "CIRRUS_MAX_PER_PAGE": "25"}

// TestCanonicalQueryAgainstTheAlternativeCirrus: with the settings that fit it, the
// alternative Cirrus (per-item masks, slash-only collections, 25 per page) answers the
// canonical query exactly as the default one does; without them the query fails.
func TestCanonicalQueryAgainstTheAlternativeCirrus(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["CIRRUS_URL"] = cirrusSandbox(t, sandbox.VariantDefault)
	_, def := newGateway(t, env)
	want := post(t, def, request{Query: canonicalQuery})
	if len(want.Errors) > 0 || len(want.Data) < 1000 {
		t.Fatalf("default: %s", want.raw)
	}

	env["CIRRUS_URL"] = cirrusSandbox(t, sandbox.VariantAlt)
	_, mismatched := newGateway(t, env)
	if r := post(t, mismatched, request{Query: canonicalQuery}); len(r.Errors) == 0 {
		t.Fatalf("the default settings read the alternative Cirrus without an error: %s", r.raw)
	}

	for k, v := range cirrusAltSettings {
		env[k] = v
	}
	_, alt := newGateway(t, env)
	got := post(t, alt, request{Query: canonicalQuery})
	if len(got.Errors) > 0 {
		t.Fatalf("alt: %s", got.raw)
	}
	if !bytes.Equal(got.Data, want.Data) {
		t.Fatalf("alt answers differently:\n got %s\nwant %s", got.Data, want.Data)
	}
}

// TestCreateAgainstTheAlternativeCirrus: a create answered without a body still returns
// the created record through the gateway.
func TestCreateAgainstTheAlternativeCirrus(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["CIRRUS_URL"] = cirrusSandbox(t, sandbox.VariantAlt)
	for k, v := range cirrusAltSettings {
		env[k] = v
	}
	_, alt := newGateway(t, env)
	var ref struct {
		ReferenceData struct{ AccountTypes []struct{ ID string } }
		Accounts      struct {
			Edges []struct {
				Node struct{ Owner struct{ ID string } }
			}
		}
	}
	r := post(t, alt, request{Query: `{ referenceData { accountTypes { id } } accounts(first: 1, filter: {sources: [CIRRUS]}) { edges { node { owner { id } } } } }`})
	if len(r.Errors) > 0 || json.Unmarshal(r.Data, &ref) != nil || len(ref.ReferenceData.AccountTypes) == 0 || len(ref.Accounts.Edges) == 0 {
		t.Fatalf("reference data: %s", r.raw)
	}
	r = post(t, alt, request{Query: `mutation($type: ID!, $owner: ID!) { createAccount(input: {source: CIRRUS, account: {name: "Alt Create AB", typeId: $type, ownerId: $owner}}) { account { id name source } } }`,
		Variables: map[string]any{"type": ref.ReferenceData.AccountTypes[0].ID, "owner": ref.Accounts.Edges[0].Node.Owner.ID}})
	var created struct {
		CreateAccount struct {
			Account struct{ ID, Name, Source string }
		}
	}
	if len(r.Errors) > 0 || json.Unmarshal(r.Data, &created) != nil || created.CreateAccount.Account.Name != "Alt Create AB" || created.CreateAccount.Account.ID == "" {
		t.Fatalf("create: %s", r.raw)
	}
	r = post(t, alt, request{Query: `mutation($id: ID!) { updateAccount(input: {id: $id, account: {name: "Alt Update AB"}}) { account { id name } } }`,
		Variables: map[string]any{"id": created.CreateAccount.Account.ID}})
	if len(r.Errors) > 0 || !bytes.Contains(r.Data, []byte(`"Alt Update AB"`)) {
		t.Fatalf("update: %s", r.raw)
	}
}

// TestProbeCirrusAlternative: `crmgraph probe` against SANDBOX_VARIANT=alt names the
// Cirrus settings that fit, and with them every Cirrus read assumption holds.
func TestProbeCirrusAlternative(t *testing.T) {
	env := map[string]string{"SANDBOX_VARIANT": "alt"}
	fs, _ := runProbeJSON(t, env)
	settings := map[string]bool{}
	for _, f := range fs {
		if f.Backend == "cirrus" && f.Setting != "" {
			settings[f.Setting] = true
		}
	}
	for k, v := range cirrusAltSettings {
		if !settings[k+"="+v] {
			t.Errorf("probe did not name %s=%s: %+v", k, v, fs)
		}
		env[k] = v
	}
	fs, _ = runProbeJSON(t, env)
	for _, f := range fs {
		if f.Backend == "cirrus" && f.Result != probe.Holds && f.Detail != "needs writes (-writes)" {
			t.Errorf("with the settings: %s: %s (%s)", f.Assumption, f.Result, f.Detail)
		}
	}
}

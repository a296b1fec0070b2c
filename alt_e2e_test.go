package main

import (
	"encoding/json"
	"strings"
	"testing"

	"crmgraph/probe"
)

// TestEveryBackendAlternativeWithTheProbesSettings: against SANDBOX_VARIANT=alt (every
// sandbox takes the other reading of its seed's open points) the probe names each
// difference with a setting; with every setting it prints applied, the probe finds no
// difference, and the canonical query, the federated lists, node of every type and a
// Cirrus create answer with data and no error.
func TestEveryBackendAlternativeWithTheProbesSettings(t *testing.T) {
	env := map[string]string{"SANDBOX_VARIANT": "alt"}
	fs, err := runProbeJSON(t, env)
	if err == nil {
		t.Fatal("the probe found no difference against the alternative sandboxes")
	}
	named := map[string]bool{}
	for _, f := range fs {
		if f.Result == probe.Differs && f.Setting != "" {
			k, v, _ := strings.Cut(f.Setting, "=")
			env[k] = v
			named[f.Backend] = true
		}
	}
	for _, b := range []string{"cirrus", "cone", "clientdata"} {
		if !named[b] {
			t.Errorf("no setting named for %s: %+v", b, fs)
		}
	}
	t.Logf("settings: %v", env)
	fs, _ = runProbeJSON(t, env)
	for _, f := range fs {
		if f.Result == probe.Differs {
			t.Errorf("with the settings applied, %s: %s differs (%s)", f.Backend, f.Assumption, f.Detail)
		}
	}

	env["TRACE_EXTENSION"] = "on"
	_, srv := newGateway(t, env)
	for name, q := range map[string]string{
		"canonical": canonicalQuery,
		"federated": `{ accounts(first: 30, filter: {sources: [CIRRUS, CONE]}) { totalCount edges { node { id name } } }
		  contacts(first: 30, filter: {sources: [CIRRUS, CONE, CLIENT_DATA]}) { edges { node { id name } } }
		  leads(first: 10, filter: {sources: [CIRRUS, CONE]}) { edges { node { id title } } }
		  changeRequests(first: 5) { totalCount edges { node { id status { code } } } }
		  supportCustomers(first: 3) { edges { node { id companyName } } } }`,
	} {
		r := post(t, srv, request{Query: q})
		if len(r.Errors) > 0 || len(r.Data) < 200 {
			t.Fatalf("%s: %.600s", name, r.raw)
		}
	}
	// A ConeCRM lead page without totalCount stops reading early and answers what the
	// whole read does on this reading too.
	var pages [2]string
	var read [2]int64
	for i, total := range []string{" totalCount", ""} {
		r := post(t, srv, request{Query: `{ leads(first: 5, filter: {sources: [CONE]}) { ` + coneLeadFields + total + ` } }`})
		var data struct{ Leads leadConn }
		if err := json.Unmarshal(r.Data, &data); err != nil || len(r.Errors) > 0 || len(data.Leads.Edges) != 5 {
			t.Fatalf("alt leads: %.600s", r.raw)
		}
		b, _ := json.Marshal(struct{ E, P any }{data.Leads.Edges, data.Leads.PageInfo})
		pages[i], read[i] = string(b), leadFilterCall(t, r).BytesRead
	}
	if pages[0] != pages[1] || read[1]*100 > read[0] {
		t.Errorf("alt leads: bounded read (%d bytes) answers\n%s\nthe whole read (%d bytes)\n%s", read[1], pages[1], read[0], pages[0])
	}
	// node of one record of every type.
	r := post(t, srv, request{Query: `{ accounts(first: 1, filter: {sources: [CIRRUS]}) { edges { node { id
	    contacts(first: 1) { edges { node { id } } } orders(first: 1) { edges { node { id } } } opportunities(first: 1) { edges { node { id } } } } } }
	  cone: accounts(first: 1, filter: {sources: [CONE]}) { edges { node { id } } }
	  leads(first: 1, filter: {sources: [CONE]}) { edges { node { id } } }
	  changeRequests(first: 1) { edges { node { id } } }
	  supportCustomers(first: 1) { edges { node { id } } }
	  opportunities(first: 1) { edges { node { id } } }
	  cirrusLeads: leads(first: 1, filter: {sources: [CIRRUS]}) { edges { node { id } } }
	  coneContacts: contacts(first: 1, filter: {sources: [CONE]}) { edges { node { id } } }
	  clientDataContacts: contacts(first: 1, filter: {sources: [CLIENT_DATA]}) { edges { node { id } } }
	  referenceData { accountTypes { id } orderStatuses { id } stages { id } } }`})
	if len(r.Errors) > 0 {
		t.Fatalf("ids: %s", r.raw)
	}
	var ids []string
	for _, part := range strings.Split(string(r.Data), `"id":"`)[1:] {
		ids = append(ids, part[:strings.IndexByte(part, '"')])
	}
	if len(ids) < 20 {
		t.Fatalf("%d ids from %s", len(ids), r.Data)
	}
	for _, id := range ids {
		n := post(t, srv, request{Query: `query($id: ID!) { node(id: $id) { __typename id } }`, Variables: map[string]any{"id": id}})
		if len(n.Errors) > 0 || !strings.Contains(string(n.Data), id) {
			t.Errorf("node(%s): %s", id, n.raw)
		}
	}
	c := post(t, srv, request{Query: `mutation { createAccount(input: {source: CIRRUS, account: {name: "Alt reading AB", typeId: "1", ownerId: "1"}}) { account { id name } userErrors { message } } }`})
	if len(c.Errors) > 0 || !strings.Contains(string(c.Data), `"name":"Alt reading AB"`) {
		t.Fatalf("create: %s", c.raw)
	}
}

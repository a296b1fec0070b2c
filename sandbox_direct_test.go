package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"crmgraph/backends/support"
)

// Direct reads of the shared gateway's sandboxes over plain HTTP, with the credentials
// the gateway itself uses: the tests compare what the gateway answers with the
// backend's own record, without the gateway's clients or wire structs in between.

type directBackend struct {
	base   string
	header http.Header
}

func sharedBackend(t testing.TB, b Backend, header http.Header) directBackend {
	t.Helper()
	if b.URL == "" {
		t.Fatal("backend not configured")
	}
	return directBackend{base: strings.TrimRight(b.URL, "/"), header: header}
}

func sandboxCirrus(t testing.TB) directBackend {
	gateway(t)
	b := sharedGateway.app.cfg.Cirrus
	return sharedBackend(t, b, http.Header{"X-Token": {b.Token}})
}

func sandboxCone(t testing.TB) directBackend {
	gateway(t)
	b := sharedGateway.app.cfg.Cone
	return sharedBackend(t, b, http.Header{"Authorization": {"Bearer " + b.Token}})
}

func sandboxClientData(t testing.TB) directBackend {
	gateway(t)
	b := sharedGateway.app.cfg.ClientData
	return sharedBackend(t, b, http.Header{"Authorization": {"Bearer " + b.Token}})
}

func sandboxSupport(t testing.TB) directBackend {
	gateway(t)
	b := sharedGateway.app.cfg.Support
	return sharedBackend(t, b, http.Header{"Authorization": {"Bearer " + b.Token},
		support.HeaderAppID: {b.AppID}, support.HeaderConsumerID: {b.Consumer}})
}

// do sends one request and decodes the JSON answer; any status but 200 fails the test.
func (d directBackend) do(t testing.TB, method, path string, body any) any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, d.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range d.header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep decimals exact
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return out
}

func (d directBackend) get(t testing.TB, path string) map[string]any {
	t.Helper()
	m, ok := d.do(t, http.MethodGet, path, nil).(map[string]any)
	if !ok {
		t.Fatalf("GET %s: not an object", path)
	}
	return m
}

// filter runs a ConeCRM query-builder `id in ids` query on entity.
func (d directBackend) filter(t testing.TB, entity string, ids []string) []map[string]any {
	t.Helper()
	body := map[string]any{"query": map[string]any{"combinator": "and", "rules": []any{
		map[string]any{"field": "id", "operator": "in", "valueSource": "value", "value": strings.Join(ids, ",")}}}}
	resp, ok := d.do(t, http.MethodPost, "/api/query-builder/filter/"+entity, body).(map[string]any)
	if !ok {
		t.Fatalf("filter %s: not an object", entity)
	}
	rows, _ := resp["data"].([]any)
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		if m, ok := r.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

package main

// GraphQL over HTTP as frontend tools speak it: status codes per media type, batches,
// persisted documents by documentId or Relay's doc_id.

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

func TestGraphQLOverHTTPStatuses(t *testing.T) {
	srv := gateway(t)
	invalid := `{"query": "{ noSuchField }"}`
	for _, tc := range []struct {
		name, accept string
		status       int
		contentType  string
	}{
		{"application/json: request errors are 200", "application/json", 200, "application/json"},
		{"*/* (Apollo Client 3) is JSON", "*/*", 200, "application/json"},
		{"no Accept is JSON", "", 200, "application/json"},
		{"graphql-response+json: 400", "application/graphql-response+json", 400, "application/graphql-response+json"},
		{"graphql-response+json first wins", "application/graphql-response+json, application/json;q=0.9", 400, "application/graphql-response+json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h http.Header
			if tc.accept != "" {
				h = http.Header{"Accept": {tc.accept}}
			}
			status, header, body := rawPost(t, srv, http.MethodPost, "application/json", []byte(invalid), h)
			if status != tc.status || !strings.HasPrefix(header.Get("Content-Type"), tc.contentType) {
				t.Fatalf("status %d %q: %s", status, header.Get("Content-Type"), body)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(body, &m); err != nil || m["errors"] == nil {
				t.Fatalf("%s", body)
			}
			if _, has := m["data"]; has {
				t.Fatalf("a request error carries data: %s", body)
			}
		})
	}
	// Over GET too; a mutation over GET is 405.
	resp, err := srv.Client().Get(srv.URL + "/graphql?query=" + url.QueryEscape(`{ noSuchField }`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET validation error: %d", resp.StatusCode)
	}
}

func TestBatchedOperations(t *testing.T) {
	srv := gateway(t)
	body := `[{"query": "{ accounts(first: 2, filter: {sources: [CIRRUS]}) { edges { node { id name } } } }"},
	  {"query": "query Two($n: Int) { leads(first: $n, filter: {sources: [CONE]}) { edges { node { id title } } } }", "variables": {"n": 1}},
	  {"query": "{ noSuchField }"},
	  {"query": "{ __typename }"}]`
	status, _, raw := rawPost(t, srv, http.MethodPost, "application/json", []byte(body), nil)
	var out []gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil || status != 200 || len(out) != 4 {
		t.Fatalf("status %d: %s", status, raw)
	}
	// Each entry answers as it would alone, in order.
	alone := post(t, srv, request{Query: `{ accounts(first: 2, filter: {sources: [CIRRUS]}) { edges { node { id name } } } }`})
	if string(out[0].Data) != string(alone.Data) || len(out[0].Errors) > 0 {
		t.Fatalf("entry 0 %s, alone %s", out[0].Data, alone.Data)
	}
	if len(out[1].Errors) > 0 || !strings.Contains(string(out[1].Data), `"leads"`) {
		t.Fatalf("entry 1: %s", raw)
	}
	if got := out[2].codes(); len(got) != 1 || got[0] != "GRAPHQL_VALIDATION_FAILED" || out[2].Data != nil {
		t.Fatalf("entry 2: %s", raw)
	}
	if string(out[3].Data) != `{"__typename":"Query"}` {
		t.Fatalf("entry 3: %s", raw)
	}
	// Each entry is under the limits on its own: one over the call limit is refused
	// without failing the others.
	big := fanOutQuery(12, 100)
	b, _ := json.Marshal([]map[string]string{{"query": big}, {"query": "{ __typename }"}})
	_, _, raw = rawPost(t, srv, http.MethodPost, "application/json", b, nil)
	out = nil
	if err := json.Unmarshal(raw, &out); err != nil || len(out) != 2 {
		t.Fatalf("%.300s", raw)
	}
	if got := out[0].codes(); len(got) != 1 || got[0] != "BACKEND_CALL_LIMIT_EXCEEDED" || string(out[1].Data) != `{"__typename":"Query"}` {
		t.Fatalf("%.500s", raw)
	}
}

func TestRelayDocID(t *testing.T) {
	// Relay's persisted request is {doc_id, variables}, its manifest {id: text}.
	path := t.TempDir() + "/relay.json"
	manifest := `{"a1b2": "query Leads($n: Int) { leads(first: $n, filter: {sources: [CONE]}) { edges { node { title } } } }"}`
	if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	env := sandboxEnv(t, "sandbox")
	env["PERSISTED_QUERIES"] = "safelist"
	env["PERSISTED_QUERIES_MANIFEST"] = path
	_, srv := newGateway(t, env)
	r := postJSON(t, srv, map[string]any{"doc_id": "a1b2", "variables": map[string]any{"n": 2}}, nil)
	if len(r.Errors) > 0 || strings.Count(string(r.Data), `"title"`) != 2 {
		t.Fatalf("POST doc_id: %s", r.raw)
	}
	resp, err := srv.Client().Get(srv.URL + "/graphql?doc_id=a1b2&variables=" + url.QueryEscape(`{"n": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Count(string(b), `"title"`) != 1 {
		t.Fatalf("GET doc_id: %s", b)
	}
	if r := postJSON(t, srv, map[string]any{"doc_id": "nope"}, nil); len(r.codes()) != 1 || r.codes()[0] != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown doc_id: %s", r.raw)
	}
}

func TestDeferIsDeliveredIncrementally(t *testing.T) {
	srv := gateway(t)
	q := `query { accounts(first: 2, filter: {sources: [CIRRUS]}) { edges { node { id name ... @defer(label: "more") { owner { name } } } } } }`
	for _, compressed := range []bool{false, true} {
		b, _ := json.Marshal(map[string]string{"query": q})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", `multipart/mixed;deferSpec=20220824, application/json`)
		if compressed {
			req.Header.Set("Accept-Encoding", "gzip") // the client then decompresses itself
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = resp.Body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		body, _ := io.ReadAll(r)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "multipart/mixed") {
			t.Fatalf("compressed %v: Content-Type %q: %s", compressed, resp.Header.Get("Content-Type"), body)
		}
		// The initial part has the names and hasNext; the owners follow in "incremental".
		text := string(body)
		if !strings.Contains(text, `"hasNext":true`) || !strings.Contains(text, `"incremental"`) || !strings.Contains(text, `"label":"more"`) || !strings.Contains(text, `"owner"`) {
			t.Fatalf("compressed %v: not incremental: %s", compressed, text)
		}
		if strings.Index(text, `"owner":{"name"`) < strings.Index(text, `"hasNext":true`) {
			t.Fatalf("compressed %v: the deferred field came in the first part: %s", compressed, text)
		}
	}
}

// Answers are JSON whose strings keep <, > and & as the records have them (gqlhttp
// copies the executor's output, it does not HTML-escape it again), so they go out with
// nosniff and their JSON Content-Type, and read back as the records.
func TestAnswersAreNotSniffable(t *testing.T) {
	srv := gateway(t)
	hr, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql",
		strings.NewReader(`{"query":"{ supportCustomers(first: 20) { edges { node { companyName } } } }"}`))
	hr.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var data struct {
		Data struct {
			SupportCustomers struct {
				Edges []struct{ Node struct{ CompanyName string } }
			}
		}
	}
	if err := json.Unmarshal(body, &data); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	amp := false
	for _, e := range data.Data.SupportCustomers.Edges {
		if strings.Contains(e.Node.CompanyName, "&") {
			amp = true
			if !strings.Contains(string(body), e.Node.CompanyName) {
				t.Errorf("%q is not in the body as it is: %s", e.Node.CompanyName, body)
			}
		}
	}
	if !amp {
		t.Fatalf("no company name with & in the first 20 support customers: the test shows nothing: %s", body)
	}
}

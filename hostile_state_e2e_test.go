package main

// The battery's state cases: anonymous input must not pin memory (process, Redis,
// metrics) nor open a breaker that legitimate callers then pay for.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	cdsandbox "crmgraph/backends/sandbox/clientdata"
	"crmgraph/internal/testredis"
)

// redisFootprint is the number of keys under prefix and their total size in bytes.
func redisFootprint(t *testing.T, url, prefix string) (keys int, bytes int64) {
	t.Helper()
	c := testredis.ClientOf(t, url)
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys++
		if n, err := c.MemoryUsage(ctx, iter.Val()).Result(); err == nil {
			bytes += n
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return keys, bytes
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func TestHostileInputPinsNoMemory(t *testing.T) {
	env := redisEnv(t)
	_, srv := newGateway(t, env)
	// Warm up: the legitimate lists are cached once.
	if r := post(t, srv, request{Query: `{ referenceData(language: "de") { changeRequestStatuses { name } } }`}); len(r.Errors) > 0 {
		t.Fatalf("%s", r.raw)
	}
	keys0, bytes0 := redisFootprint(t, env["REDIS_URL"], env["REDIS_KEY_PREFIX"])
	heap0 := heapInUse()

	// 1. Languages as cache keys: 100 distinct 200 KB "languages".
	for i := range 100 {
		lang := fmt.Sprintf("x%d-%s", i, strings.Repeat("a", 200<<10))
		r := post(t, srv, request{Query: `query($l: String) { referenceData(language: $l) { changeRequestStatuses { name } } }`,
			Variables: map[string]any{"l": lang}})
		if got := r.codes(); len(got) != 1 || got[0] != "BAD_USER_INPUT" || r.calls("") != 0 {
			t.Fatalf("a 200 KB language: %d calls, %.300s", r.calls(""), r.raw)
		}
	}
	// 2. APQ registrations of texts that never parse, 800 KB each.
	for i := range 30 {
		text := fmt.Sprintf("{ %d %s", i, strings.Repeat("x ", 400<<10))
		sum := sha256.Sum256([]byte(text))
		r := postJSON(t, srv, map[string]any{"query": text, "extensions": map[string]any{
			"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}}, nil)
		if len(r.Errors) == 0 {
			t.Fatalf("an unparsable APQ text was accepted: %.300s", r.raw)
		}
		// Its hash alone must not find it.
		again := postJSON(t, srv, map[string]any{"extensions": map[string]any{
			"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}}, nil)
		if got := again.codes(); len(got) != 1 || got[0] != "PERSISTED_QUERY_NOT_FOUND" {
			t.Fatalf("an unparsable APQ text was stored: %.300s", again.raw)
		}
	}
	keys1, bytes1 := redisFootprint(t, env["REDIS_URL"], env["REDIS_KEY_PREFIX"])
	heap1 := heapInUse()
	t.Logf("Redis keys %d → %d (%d → %d bytes); Go heap in use %d → %d MB", keys0, keys1, bytes0, bytes1, heap0>>20, heap1>>20)
	if keys1 != keys0 || bytes1-bytes0 > 64<<10 {
		t.Errorf("Redis grew: %d → %d keys, %d → %d bytes", keys0, keys1, bytes0, bytes1)
	}
	// 100 × 200 KB + 30 × 800 KB = 44 MB went in; none of it may stay.
	if heap1 > heap0+16<<20 {
		t.Errorf("heap grew from %d to %d MB", heap0>>20, heap1>>20)
	}
}

func TestHostileLanguageBurstsLeaveOthersUntouched(t *testing.T) {
	_, srv := newGateway(t, realClientData(t))
	member := http.Header{"Authorization": {"Bearer " + cdsandbox.MemberToken2}}
	memberQuery := `{ changeRequests(first: 3, filter: {status: [PENDING]}) { totalCount edges { node { id status { name } } } }
	  referenceData(language: "sv") { changeRequestStatuses { code name } } }`
	bad := []string{"x\n", "de\r\nX-Injected: 1", "\x00", strings.Repeat("y", 5000), "de;q=0.5", "*"}
	var wg sync.WaitGroup
	for burst := range 2 {
		for i := range 50 {
			wg.Go(func() {
				lang := bad[(burst*50+i)%len(bad)]
				r := post(t, srv, request{Query: `query($l: String) { referenceData(language: $l) { changeRequestStatuses { name } } }`,
					Variables: map[string]any{"l": lang}})
				if got := r.codes(); len(got) != 1 || got[0] != "BAD_USER_INPUT" || r.calls("") != 0 {
					t.Errorf("language %.20q: %d calls, %.200s", lang, r.calls(""), r.raw)
				}
			})
		}
		wg.Wait()
		for range 10 {
			r := post(t, srv, request{Query: memberQuery, header: member})
			if len(r.Errors) > 0 {
				t.Fatalf("after burst %d the member's query failed: %s", burst+1, r.raw)
			}
		}
	}
	_, metrics := get(t, srv, "/metrics")
	if !strings.Contains(metrics, `crmgraph_backend_breaker_state{backend="clientdata"} 0`) {
		t.Fatalf("client-data breaker not closed:\n%s", grep(metrics, "breaker"))
	}
}

// postJSON posts any JSON body (post only sends query and variables).
func postJSON(t *testing.T, srv *httptest.Server, body any, header http.Header) *gqlResponse {
	t.Helper()
	b, _ := json.Marshal(body)
	status, _, raw := rawPost(t, srv, http.MethodPost, "application/json", b, header)
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("status %d: %.300s", status, raw)
	}
	r.raw = raw
	return &r
}

package main

import (
	"strings"
	"testing"
)

// TestRetriesRideOutFaults: with a tenth of sandbox requests failing (half 503, half
// hanging until the client gives up), a simple read still completes, because a hung
// attempt is cut by the attempt timeout and retried within the call's deadline and a
// 503 is retried. The sandbox seed fixes which requests fail; the queries run one at a
// time, so each run sees the same faults.
func TestRetriesRideOutFaults(t *testing.T) {
	_, srv := newGateway(t, map[string]string{
		"SANDBOX_SEED": "1", "SANDBOX_FAULTS": "10%", "SANDBOX_LATENCY": "20ms", "BACKEND_TIMEOUT": "3s",
	})
	const queries = 40
	const q = `{ accounts(first: 3, filter: {sources: [CIRRUS]}) { totalCount edges { node { name } } } }`
	complete, faulted := 0, 0 // faulted: queries whose first attempt failed
	for range queries {
		r := post(t, srv, request{Query: q})
		calls := r.Extensions.Trace.BackendCalls
		if len(calls) == 0 {
			t.Fatalf("no backend call traced: %s", r.raw)
		}
		if calls[0].Status != 200 {
			faulted++
		}
		if len(r.Errors) == 0 && strings.Contains(string(r.Data), `"name"`) {
			complete++
		}
		mustNotLeak(t, r)
	}
	t.Logf("%d of %d queries complete; %d had a failed first attempt", complete, queries, faulted)
	// Without retries every query with a failed first attempt would fail: at most
	// queries-faulted could complete. The seed gives several such queries.
	if faulted < 2 {
		t.Fatalf("only %d faulted queries: the seed no longer exercises retries", faulted)
	}
	if complete < queries-1 || complete <= queries-faulted {
		t.Fatalf("%d of %d queries complete (%d faulted first attempts); want at least %d", complete, queries, faulted, queries-1)
	}
}

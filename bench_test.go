package main

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkCanonicalQuery runs the nested query against the embedded sandboxes,
// with dataloaders on and off, and reports REST calls per query.
//
//	go test -run '^$' -bench CanonicalQuery -benchtime 50x .
func BenchmarkCanonicalQuery(b *testing.B) {
	for _, mode := range []struct {
		name        string
		dataloaders string
	}{{"dataloaders=on", "on"}, {"dataloaders=off", "off"}} {
		b.Run(mode.name, func(b *testing.B) {
			b.ReportAllocs()
			env := sandboxEnv(b, "sandbox")
			env["DATALOADERS"] = mode.dataloaders
			var srv *httptest.Server
			_, srv = newGateway(b, env)
			post(b, srv, request{Query: canonicalQuery}) // warm reference lists and connections
			b.ResetTimer()
			calls := 0
			for b.Loop() {
				r := post(b, srv, request{Query: canonicalQuery})
				if len(r.Errors) > 0 {
					b.Fatalf("errors: %s", r.raw)
				}
				calls += r.calls("")
			}
			b.ReportMetric(float64(calls)/float64(b.N), "backend-calls/op")
		})
	}
}

package transport_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/propagation"

	"crmgraph/transport"
)

// The cost of one backend call on this machine: a loopback HTTP/1.1 round trip with a
// 1 KB JSON answer through net/http alone (client and server in this process), then the
// same through the gateway's transport stack (limit, breaker, retries, adaptive attempt
// timeout, metrics, trace context). The difference is what crmgraph adds to each call.
func BenchmarkRoundTrip(b *testing.B) {
	body := make([]byte, 1024)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	run := func(b *testing.B, c *http.Client) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := c.Get(srv.URL + "/api/account")
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	b.Run("net/http", func(b *testing.B) { run(b, srv.Client()) })
	b.Run("transport", func(b *testing.B) {
		rt := transport.New(srv.Client().Transport, transport.Options{Backend: "cone", MaxConcurrent: 64,
			Metrics: transport.NewMetrics(prometheus.NewRegistry()), Propagator: propagation.TraceContext{}})
		run(b, &http.Client{Transport: rt})
	})
}

package transport_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"crmgraph/transport"
)

func TestQueueWaitIsObservedAndRecorded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	// Once armed, the next clock reading is the limiter starting to wait: the only slot
	// is held by the first call's unread body, and nothing else reads the clock then.
	var armed atomic.Bool
	waiting := make(chan struct{}, 1)
	clock := func() time.Time {
		if armed.CompareAndSwap(true, false) {
			waiting <- struct{}{}
		}
		return time.Now()
	}
	reg := prometheus.NewRegistry()
	rt := transport.New(nil, transport.Options{Backend: "cirrus", Metrics: transport.NewMetrics(reg), MaxConcurrent: 1, Clock: clock})
	client := &http.Client{Transport: rt}
	ctx, rec := transport.WithRecorder(context.Background())
	get := func() *http.Response {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/x", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	first := get() // holds the slot until its body is closed
	armed.Store(true)
	second := make(chan *http.Response)
	go func() { second <- get() }()
	<-waiting
	first.Body.Close()
	(<-second).Body.Close()

	out, _ := testutil.CollectAndFormat(reg, expfmt.TypeTextPlain, "crmgraph_backend_queue_seconds")
	if !strings.Contains(string(out), `crmgraph_backend_queue_seconds_count{backend="cirrus"} 2`) ||
		!strings.Contains(string(out), `crmgraph_backend_queue_seconds_bucket{backend="cirrus",le="0"} 1`) {
		t.Fatalf("want two calls, one without a wait:\n%s", out)
	}
	calls := rec.Calls()
	if len(calls) != 2 || calls[0].QueueMs != 0 || calls[1].QueueMs <= 0 {
		t.Fatalf("recorded %+v: want the second call with a queue wait", calls)
	}
}

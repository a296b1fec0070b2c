package transport_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"crmgraph/backends/rest"
	"crmgraph/transport"
)

// lossy servers read the request, then lose the answer in their own way.
func readThenDrop(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		_ = conn.Close() // the request was received; the answer never comes
	}
}

func readThenHang(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

func acceptedGarbage(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, `{"id": 12, "na`) // cut short
}

func TestWriteOutcome(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		idempotent  bool
		server      http.HandlerFunc // nil: nothing listens
		wantUnknown bool             // rest.OutcomeUnknown
		wantNotSent bool
		want        error
	}{
		{name: "POST read by the backend, connection closed without an answer", method: "POST", server: readThenDrop,
			wantUnknown: true, want: rest.ErrUnavailable},
		{name: "POST read by the backend, no answer before the call timeout", method: "POST", server: readThenHang,
			wantUnknown: true, want: rest.ErrTimeout},
		{name: "PUT read, then dropped", method: "PUT", server: readThenDrop, wantUnknown: true, want: rest.ErrUnavailable},
		{name: "PATCH timed out after sending", method: "PATCH", server: readThenHang, wantUnknown: true, want: rest.ErrTimeout},
		{name: "DELETE read, then dropped", method: "DELETE", server: readThenDrop, wantUnknown: true, want: rest.ErrUnavailable},
		{name: "POST accepted with an unreadable answer", method: "POST", server: acceptedGarbage, wantUnknown: true, want: rest.ErrUnavailable},
		{name: "POST to a backend that is down: not sent", method: "POST", wantNotSent: true, want: rest.ErrUnavailable},
		{name: "GET read, then dropped: a read is never outcome-unknown", method: "GET", server: readThenDrop, want: rest.ErrUnavailable},
		{name: "GET timed out", method: "GET", server: readThenHang, want: rest.ErrTimeout},
		{name: "POST marked idempotent, dropped: a read", method: "POST", idempotent: true, server: readThenDrop, want: rest.ErrUnavailable},
		{name: "GET to a backend that is down: not sent", method: "GET", wantNotSent: true, want: rest.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := closedURL(t)
			if tt.server != nil {
				srv := httptest.NewServer(tt.server)
				t.Cleanup(srv.Close)
				url = srv.URL
			}
			rt := transport.New(nil, transport.Options{Backend: "cone", Clock: newFakeClock().Now, Sleep: (&sleeper{}).Sleep,
				AttemptTimeout: transport.AttemptTimeoutPolicy{Ceiling: -1}})
			c := &rest.Client{Backend: "cone", BaseURL: url, HTTP: &http.Client{Transport: rt}, Timeout: 200 * time.Millisecond}
			var out map[string]any

			_, _, err := c.Do(t.Context(), rest.Request{Op: "accounts.create", Method: tt.method, Path: "/accounts",
				Body: map[string]string{"name": "Acme"}, Idempotent: tt.idempotent}, &out)

			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if got := rest.OutcomeUnknown(err); got != tt.wantUnknown {
				t.Errorf("OutcomeUnknown(%v) = %v, want %v", err, got, tt.wantUnknown)
			}
			if got := rest.NotSent(err); got != tt.wantNotSent {
				t.Errorf("NotSent(%v) = %v, want %v", err, got, tt.wantNotSent)
			}
		})
	}
}

// TestRefusalsAreNotSent: every way the chain refuses a write before sending it is
// "not sent", never "outcome unknown", so the client may send it again.
func TestRefusalsAreNotSent(t *testing.T) {
	post := rest.Request{Op: "tasks.create", Method: "POST", Path: "/tasks", Body: map[string]string{"title": "x"}}
	tests := []struct {
		name string
		// setup returns the client and the context to call with, having put the chain
		// into the refusing state.
		setup func(t *testing.T, s *scripted, url string) (*rest.Client, context.Context)
		want  error
	}{
		{name: "breaker open", want: transport.ErrCircuitOpen,
			setup: func(t *testing.T, s *scripted, url string) (*rest.Client, context.Context) {
				rt := transport.New(nil, transport.Options{Backend: "cone", Clock: newFakeClock().Now,
					Breaker: transport.BreakerPolicy{MinCalls: 1}})
				c := &rest.Client{Backend: "cone", BaseURL: url, HTTP: &http.Client{Transport: rt}}
				s.SetStatuses(500)
				_, _, _ = c.Do(t.Context(), post, nil)
				return c, t.Context()
			}},
		{name: "call budget spent", want: rest.ErrBudgetExceeded,
			setup: func(t *testing.T, s *scripted, url string) (*rest.Client, context.Context) {
				rt := transport.New(nil, transport.Options{Backend: "cone"})
				c := &rest.Client{Backend: "cone", BaseURL: url, HTTP: &http.Client{Transport: rt}}
				return c, transport.WithCallBudget(t.Context(), 0)
			}},
		{name: "queued behind the concurrency cap until the deadline", want: rest.ErrTimeout,
			setup: func(t *testing.T, s *scripted, url string) (*rest.Client, context.Context) {
				rt := transport.New(nil, transport.Options{Backend: "cone", MaxConcurrent: 1})
				c := &rest.Client{Backend: "cone", BaseURL: url, HTTP: &http.Client{Transport: rt}, Timeout: 50 * time.Millisecond}
				arrived, release := make(chan struct{}, 1), make(chan struct{})
				s.mu.Lock()
				s.arrived, s.release = arrived, release
				s.mu.Unlock()
				go func() {
					_, _, _ = (&rest.Client{Backend: "cone", BaseURL: url, HTTP: c.HTTP}).Do(t.Context(), post, nil)
				}()
				<-arrived // the only slot is taken
				t.Cleanup(func() { close(release) })
				return c, t.Context()
			}},
		{name: "invalid header value", want: rest.ErrBadRequest,
			setup: func(t *testing.T, s *scripted, url string) (*rest.Client, context.Context) {
				rt := transport.New(nil, transport.Options{Backend: "cone"})
				return &rest.Client{Backend: "cone", BaseURL: url, HTTP: &http.Client{Transport: rt},
					Auth: func(_ context.Context, h http.Header) { h.Set("Authorization", "Bearer \n") }}, t.Context()
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scripted{}
			srv := newServer(t, s)
			c, ctx := tt.setup(t, s, srv.URL)
			before := s.Hits()

			_, _, err := c.Do(ctx, post, nil)

			if !errors.Is(err, tt.want) || !rest.NotSent(err) || rest.OutcomeUnknown(err) {
				t.Fatalf("err = %v; want %v, not sent, outcome known", err, tt.want)
			}
			if s.Hits() != before {
				t.Errorf("the refused write reached the server")
			}
		})
	}
}

func TestNoRedirects(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			elsewhere := &scripted{}
			target := newServer(t, elsewhere)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target.URL+"/steal", status)
			}))
			t.Cleanup(srv.Close)
			hc := &http.Client{Transport: transport.New(nil, transport.Options{Backend: "support"}), CheckRedirect: transport.NoRedirects}

			resp, err := hc.Get(srv.URL + "/customers/..")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()

			if resp.StatusCode != status || elsewhere.Hits() != 0 {
				t.Errorf("status %d, target hit %d times; want the %d itself and no request elsewhere", resp.StatusCode, elsewhere.Hits(), status)
			}
		})
	}
}

func closedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	return url
}

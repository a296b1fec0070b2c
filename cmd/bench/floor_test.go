package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRounds(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	calls := []recordedCall{
		{URI: "/b1", Start: ms(23), End: ms(45)},
		{URI: "/a", Start: ms(0), End: ms(22)},
		{URI: "/b2", Start: ms(24), End: ms(47)},
		{URI: "/c", Start: ms(46), End: ms(60)}, // began after /b1 ended: may depend on it
		{URI: "/b3", Start: ms(44), End: ms(50)},
	}
	var got []string
	for _, r := range rounds(calls) {
		var uris []string
		for _, c := range r {
			uris = append(uris, c.URI)
		}
		got = append(got, strings.Join(uris, " "))
	}
	if want := []string{"/a", "/b1 /b2 /b3", "/c"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("rounds = %q, want %q", got, want)
	}
}

// The recorder forwards what the gateway sends, as it sent it, and the floor process
// replays exactly that.
func TestRecorderAndReplay(t *testing.T) {
	type seen struct{ method, uri, auth, mask, body string }
	var mu sync.Mutex
	var got []seen
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("X-Fields"), string(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[1,2,3]}`)
	}))
	defer backend.Close()
	rec := newRecorder(backend.URL)
	front := httptest.NewServer(rec)
	defer front.Close()

	req, _ := http.NewRequest(http.MethodPost, front.URL+"/cirrus/orders?accountids=1%2C2&page=1", strings.NewReader(`{"x":1}`))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("X-Fields", "{id}")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"items":[1,2,3]}` || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("forwarded answer = %q (%s)", body, resp.Header.Get("Content-Type"))
	}
	want := seen{http.MethodPost, "/cirrus/orders?accountids=1%2C2&page=1", "Bearer t", "{id}", `{"x":1}`}
	mu.Lock()
	first := slices.Clone(got)
	mu.Unlock()
	if len(first) != 1 || first[0] != want {
		t.Fatalf("backend saw %+v, want %+v", first, want)
	}
	calls := rec.recorded()
	if len(calls) != 1 || calls[0].URI != want.uri || calls[0].Header.Get("X-Fields") != "{id}" || calls[0].End < calls[0].Start {
		t.Fatalf("recorded %+v", calls)
	}

	// Both floors replay exactly what was recorded and read every answer in full.
	replayed := 0
	for _, client := range []string{clientNetHTTP, clientRaw} {
		plan := floorPlan{Base: backend.URL, Rounds: rounds(calls), Clients: 2, Duration: 50 * time.Millisecond, Client: client}
		file := filepath.Join(t.TempDir(), "plan.json")
		b, _ := json.Marshal(plan)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := runFloor(context.Background(), file, &out); err != nil {
			t.Fatal(client, err)
		}
		var res floorResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		if res.Queries == 0 || res.Errors != 0 || res.CPU <= 0 || res.Bytes != int64(res.Queries*len(body)) {
			t.Fatalf("%s floor result %+v, want %d bytes a query", client, res, len(body))
		}
		replayed += 3 + res.Queries // warm-up and measured queries, one call each
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1+replayed {
		t.Fatalf("backend saw %d calls, want %d", len(got), 1+replayed)
	}
	for _, s := range got[1:] {
		if s != want {
			t.Fatalf("replayed %+v, want %+v", s, want)
		}
	}
}

// The raw client reads answers framed every way HTTP/1.1 frames them, byte for byte, and
// keeps a connection only while the server does.
func TestRawClientReadsEveryFraming(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 8<<10) // 128 KiB: many chunks, more than the reader's buffer
	var mu sync.Mutex
	conns := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/length":
			w.Header().Set("Content-Length", "5")
			_, _ = io.WriteString(w, "hello")
		case "/chunked":
			for _, part := range []string{"one ", "two ", "three"} {
				_, _ = io.WriteString(w, part)
				w.(http.Flusher).Flush()
			}
		case "/big":
			_, _ = io.WriteString(w, big)
		case "/echo":
			_, _ = w.Write(b)
		case "/none":
			w.WriteHeader(http.StatusNoContent)
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = io.WriteString(w, "bye")
		case "/missing":
			http.NotFound(w, r)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	rc, err := newRawClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.close()
	cases := []struct {
		call   recordedCall
		status int
		body   string
		conns  int // connections the server has seen after the call
	}{
		{recordedCall{Method: "GET", URI: "/length"}, 200, "hello", 1},
		{recordedCall{Method: "GET", URI: "/chunked"}, 200, "one two three", 1},
		{recordedCall{Method: "GET", URI: "/big"}, 200, big, 1},
		{recordedCall{Method: "POST", URI: "/echo", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"a":1}`)}, 200, `{"a":1}`, 1},
		{recordedCall{Method: "GET", URI: "/none"}, 204, "", 1},
		{recordedCall{Method: "GET", URI: "/missing"}, 404, "404 page not found\n", 1},
		{recordedCall{Method: "GET", URI: "/close"}, 200, "bye", 1},
		{recordedCall{Method: "GET", URI: "/length"}, 200, "hello", 2}, // the server closed the first
	}
	for _, c := range cases {
		conn, err := rc.get()
		if err != nil {
			t.Fatal(err)
		}
		status, n, keep, err := conn.roundTrip(rawRequest(rc.addr, c.call))
		if err != nil {
			t.Fatalf("%s: %v", c.call.URI, err)
		}
		if status != c.status || n != len(c.body) || string(conn.body) != c.body {
			t.Fatalf("%s: %d, %d bytes %.40q; want %d, %q", c.call.URI, status, n, conn.body, c.status, c.body)
		}
		if keep {
			rc.idle = append(rc.idle, conn)
		} else {
			conn.c.Close()
		}
		mu.Lock()
		seen := conns
		mu.Unlock()
		if seen != c.conns {
			t.Fatalf("after %s the server saw %d connections, want %d", c.call.URI, seen, c.conns)
		}
	}
}

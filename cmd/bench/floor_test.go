package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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

	plan := floorPlan{Base: backend.URL, Rounds: rounds(calls), Clients: 1, Duration: 50 * time.Millisecond}
	file := filepath.Join(t.TempDir(), "plan.json")
	b, _ := json.Marshal(plan)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runFloor(context.Background(), file, &out); err != nil {
		t.Fatal(err)
	}
	var res floorResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Queries == 0 || res.Errors != 0 || res.CPU <= 0 {
		t.Fatalf("floor result %+v", res)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1+3+res.Queries { // the recorded call, then warm-up and measured queries, one call each
		t.Fatalf("backend saw %d calls, want %d", len(got), 1+3+res.Queries)
	}
	for _, s := range got[1:] {
		if s != want {
			t.Fatalf("replayed %+v, want %+v", s, want)
		}
	}
}

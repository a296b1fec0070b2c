package cone_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
	"crmgraph/transport"
)

// recordedClient is a client of the shared sandbox whose calls a transport.Recorder on
// the context sees, bytes read included.
func recordedClient(t *testing.T) *cone.Client {
	t.Helper()
	ts := httptest.NewServer(shared())
	t.Cleanup(ts.Close)
	hc := &http.Client{Transport: transport.New(ts.Client().Transport, transport.Options{Backend: cone.Backend})}
	return cone.New(cone.Config{BaseURL: ts.URL, Token: token, HTTP: hc, Timeout: 10 * time.Second})
}

// bytesRead runs f and returns the body bytes its one backend call read.
func bytesRead(t *testing.T, f func(ctx context.Context)) int64 {
	t.Helper()
	ctx, rec := transport.WithRecorder(t.Context())
	f(ctx)
	calls := rec.Calls()
	if len(calls) != 1 {
		t.Fatalf("calls %+v, want one", calls)
	}
	return calls[0].BytesRead
}

// TestLeadsUntil: a lead read that stops early answers exactly the first leads of the
// whole read, and reads only a small share of the answer.
func TestLeadsUntil(t *testing.T) {
	c := recordedClient(t)
	var all []cone.Lead
	whole := bytesRead(t, func(ctx context.Context) {
		var err error
		if all, err = c.Leads(ctx, cone.LeadFilter{}); err != nil {
			t.Fatal(err)
		}
	})
	if len(all) < 1500 {
		t.Fatalf("%d leads", len(all))
	}
	for _, n := range []int{1, 6, 51} {
		var got []cone.Lead
		var complete bool
		read := bytesRead(t, func(ctx context.Context) {
			seen := 0
			var err error
			got, complete, err = c.LeadsUntil(ctx, cone.LeadFilter{}, func(cone.Lead) bool { seen++; return seen == n })
			if err != nil {
				t.Fatal(err)
			}
		})
		if complete || !reflect.DeepEqual(got, all[:n]) {
			t.Fatalf("first %d: complete %v, %d leads, want the first %d of the whole read", n, complete, len(got), n)
		}
		// A lead is about 1.9 kB; the decoder reads ahead by a few kB at most.
		if limit := int64(n)*2500 + 16<<10; read > limit || read*20 > whole {
			t.Errorf("first %d: read %d bytes of %d, want at most %d", n, read, whole, limit)
		}
	}
	t.Run("never enough reads every lead", func(t *testing.T) {
		got, complete, err := c.LeadsUntil(t.Context(), cone.LeadFilter{}, func(cone.Lead) bool { return false })
		if err != nil || !complete || !reflect.DeepEqual(got, all) {
			t.Fatalf("complete %v, %d leads of %d, %v", complete, len(got), len(all), err)
		}
	})
	t.Run("with a keyset rule", func(t *testing.T) {
		got, complete, err := c.LeadsUntil(t.Context(), cone.LeadFilter{AfterID: all[99].ID}, func(l cone.Lead) bool { return l.ID == all[102].ID })
		if err != nil || complete || !reflect.DeepEqual(got, all[100:103]) {
			t.Fatalf("complete %v, %d leads, %v; want leads 100-102", complete, len(got), err)
		}
	})
}

// TestCount: Count answers the number of rows Filter decodes.
func TestCount(t *testing.T) {
	c, _ := newClient(t)
	for _, entity := range []string{cone.EntityContact, cone.EntityLead} {
		rows, err := c.Filter(t.Context(), entity, cone.Query{})
		if err != nil {
			t.Fatal(err)
		}
		n, err := c.Count(t.Context(), entity, cone.Query{})
		if err != nil || n != len(rows) || n < 1000 {
			t.Errorf("%s: count %d, %v; Filter answers %d rows", entity, n, err, len(rows))
		}
	}
}

// TestFilterAnswerShapes: the streamed filter answer reads every shape as decoding the
// whole body into {success, data} did: the same rows, and the same errors.
func TestFilterAnswerShapes(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []string // the rows, as raw JSON
		wantErr error
	}{
		{"success then data", `{"success":true,"data":[{"id":"a"},{"id":"b","n":[1,{"x":null}]}]}`, []string{`{"id":"a"}`, `{"id":"b","n":[1,{"x":null}]}`}, nil},
		{"data then success", `{"data":[{"id":"a"}],"success":true}`, []string{`{"id":"a"}`}, nil},
		{"other keys skipped", `{"meta":{"data":[1]},"success":true,"data":[{"id":"a"}],"more":[{"id":"z"}]}`, []string{`{"id":"a"}`}, nil},
		{"keys of another case", `{"Success":true,"DATA":[{"id":"a"}]}`, []string{`{"id":"a"}`}, nil},
		{"no success key", `{"data":[{"id":"a"}]}`, []string{`{"id":"a"}`}, nil},
		{"empty data", `{"success":true,"data":[]}`, nil, nil},
		{"null data", `{"success":true,"data":null}`, nil, nil},
		{"null body", `null`, nil, nil},
		{"empty body", ``, nil, nil},
		{"success false", `{"success":false,"data":[]}`, nil, rest.ErrUnavailable},
		{"data not an array", `{"success":true,"data":{"id":"a"}}`, nil, rest.ErrUnavailable},
		{"bare array", `[{"id":"a"}]`, nil, rest.ErrUnavailable},
		{"cut short", `{"success":true,"data":[{"id":"a"},{"id":`, nil, rest.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(ts.Close)
			c := cone.New(cone.Config{BaseURL: ts.URL, Token: token, HTTP: ts.Client()})
			rows, err := c.Filter(t.Context(), cone.EntityLead, cone.Query{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, string(r))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("rows %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLeadsUntilOutOfOrder: stopping early relies on the answer coming in id order;
// a lead out of order makes the read go on to the end, sorted as Leads sorts.
func TestLeadsUntilOutOfOrder(t *testing.T) {
	serve := func(ids ...string) *cone.Client {
		var rows []map[string]string
		for _, id := range ids {
			rows = append(rows, map[string]string{"id": id, "subject": "lead " + id})
		}
		body, _ := json.Marshal(map[string]any{"success": true, "data": rows})
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}))
		t.Cleanup(ts.Close)
		return cone.New(cone.Config{BaseURL: ts.URL, Token: token, HTTP: ts.Client()})
	}
	first2 := func() func(cone.Lead) bool {
		n := 0
		return func(cone.Lead) bool { n++; return n >= 2 }
	}
	tests := []struct {
		name         string
		served       []string
		want         []string
		wantComplete bool
	}{
		{"in order stops at the second", []string{"a", "b", "c", "d"}, []string{"a", "b"}, false},
		{"out of order before enough reads all", []string{"b", "a", "d", "c"}, []string{"a", "b", "c", "d"}, true},
		{"fewer than enough", []string{"a"}, []string{"a"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leads, complete, err := serve(tt.served...).LeadsUntil(t.Context(), cone.LeadFilter{}, first2())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range leads {
				got = append(got, l.ID)
			}
			if complete != tt.wantComplete || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("leads %v complete %v, want %v complete %v", got, complete, tt.want, tt.wantComplete)
			}
		})
	}
}

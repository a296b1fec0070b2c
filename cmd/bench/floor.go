package main

// The floor: what the backend calls of one query cost a Go process that does nothing
// else. bench records the calls the gateway makes for the query (a proxy in front of the
// sandbox), then runs a child process that replays them through net/http, round by
// round as the gateway made them, reading every body into memory, with the same
// closed-loop clients. No gateway can spend less CPU on a query than its calls cost, so
// the gateway's CPU over the floor's is what GraphQL, decoding and the transport stack
// add. The raw floor replays the same calls through rawclient.go instead of net/http:
// what they cost with the least an HTTP/1.1 client can do.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// recordedCall is one backend call as the floor replays it.
type recordedCall struct {
	Method string        `json:"method"`
	URI    string        `json:"uri"` // path and query under the sandbox's root
	Header http.Header   `json:"header"`
	Body   []byte        `json:"body,omitempty"`
	Start  time.Duration `json:"start"` // since the recorder was reset
	End    time.Duration `json:"end"`
}

// recorder forwards every request to the sandbox and notes it.
type recorder struct {
	target string // the sandbox's base URL
	client *http.Client

	mu    sync.Mutex
	t0    time.Time
	calls []recordedCall
}

func newRecorder(target string) *recorder {
	return &recorder{target: target, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}, t0: time.Now()}
}

// reset forgets what was recorded: the next query's calls are the ones kept.
func (rc *recorder) reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls, rc.t0 = nil, time.Now()
}

func (rc *recorder) recorded() []recordedCall {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.calls)
}

// hopHeaders are the request headers a client's transport sets itself.
var hopHeaders = []string{"Accept-Encoding", "Connection", "Content-Length", "Keep-Alive", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, rc.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		req.Header.Del(h)
	}
	resp, err := rc.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
	end := time.Now()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls = append(rc.calls, recordedCall{Method: r.Method, URI: r.URL.RequestURI(), Header: req.Header, Body: body,
		Start: start.Sub(rc.t0), End: end.Sub(rc.t0)})
}

// rounds groups calls into the rounds they were made in: a call that began after a call
// of the current round had ended may depend on it, so it begins the next round.
func rounds(calls []recordedCall) [][]recordedCall {
	calls = slices.Clone(calls)
	slices.SortStableFunc(calls, func(a, b recordedCall) int { return int(a.Start - b.Start) })
	var out [][]recordedCall
	var firstEnd time.Duration
	for _, c := range calls {
		if len(out) == 0 || c.Start >= firstEnd {
			out = append(out, nil)
			firstEnd = c.End
		}
		out[len(out)-1] = append(out[len(out)-1], c)
		firstEnd = min(firstEnd, c.End)
	}
	return out
}

// floorPlan is what the parent hands the floor process.
type floorPlan struct {
	Base     string           `json:"base"` // the sandbox's base URL
	Rounds   [][]recordedCall `json:"rounds"`
	Clients  int              `json:"clients"`
	Duration time.Duration    `json:"duration"`
	Client   string           `json:"client"` // clientNetHTTP or clientRaw
}

// The floor's clients.
const (
	clientNetHTTP = "net/http"
	clientRaw     = "raw" // rawclient.go
)

// floorResult is what the floor process reports.
type floorResult struct {
	Queries int           `json:"queries"`
	Errors  int           `json:"errors"`
	CPU     time.Duration `json:"cpu"`   // its own user+system CPU while measuring
	Bytes   int64         `json:"bytes"` // body bytes read while measuring
	// FirstError is the first failed query's error.
	FirstError string `json:"firstError,omitempty"`
}

// floorFlag runs this binary as the floor process: bench -floor plan.json.
const floorFlag = "-floor"

// measureFloor runs the floor process for one level and returns its result.
func measureFloor(ctx context.Context, plan floorPlan) (floorResult, error) {
	f, err := os.CreateTemp("", "crmgraph-floor-*.json")
	if err != nil {
		return floorResult{}, err
	}
	defer os.Remove(f.Name())
	if err := json.NewEncoder(f).Encode(plan); err != nil {
		f.Close()
		return floorResult{}, err
	}
	f.Close()
	self, err := os.Executable()
	if err != nil {
		return floorResult{}, err
	}
	cmd := exec.CommandContext(ctx, self, floorFlag, f.Name())
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return floorResult{}, fmt.Errorf("floor process: %w", err)
	}
	var res floorResult
	if err := json.Unmarshal(out, &res); err != nil {
		return floorResult{}, fmt.Errorf("floor process: %w", err)
	}
	return res, nil
}

// runFloor is the floor process: it replays the plan's rounds with closed-loop clients
// and prints a floorResult.
func runFloor(ctx context.Context, planFile string, out io.Writer) error {
	b, err := os.ReadFile(planFile)
	if err != nil {
		return err
	}
	var plan floorPlan
	if err := json.Unmarshal(b, &plan); err != nil {
		return err
	}
	if len(plan.Rounds) == 0 {
		return errors.New("the plan has no calls")
	}
	// call makes call i of round r.
	var call func(r, i int) error
	var bytesRead atomic.Int64
	switch plan.Client {
	case clientNetHTTP:
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
		call = func(r, i int) error {
			c := plan.Rounds[r][i]
			req, err := http.NewRequestWithContext(ctx, c.Method, plan.Base+c.URI, bytes.NewReader(c.Body))
			if err != nil {
				return err
			}
			req.Header = c.Header.Clone()
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body) // a gateway holds what it decodes
			if err != nil {
				return err
			}
			bytesRead.Add(int64(len(b)))
			if resp.StatusCode >= 300 {
				return fmt.Errorf("%s %s: %s", c.Method, c.URI, resp.Status)
			}
			return nil
		}
	case clientRaw:
		rc, err := newRawClient(plan.Base)
		if err != nil {
			return err
		}
		defer rc.close()
		reqs := make([][][]byte, len(plan.Rounds))
		for r, round := range plan.Rounds {
			for _, c := range round {
				reqs[r] = append(reqs[r], rawRequest(rc.addr, c))
			}
		}
		call = func(r, i int) error {
			status, n, err := rc.do(reqs[r][i])
			if err != nil {
				return err
			}
			bytesRead.Add(int64(n))
			if status >= 300 {
				c := plan.Rounds[r][i]
				return fmt.Errorf("%s %s: %d", c.Method, c.URI, status)
			}
			return nil
		}
	default:
		return fmt.Errorf("floor: unknown client %q", plan.Client)
	}
	query := func() error {
		for r, round := range plan.Rounds {
			errs := make([]error, len(round))
			var wg sync.WaitGroup
			for i := 1; i < len(round); i++ {
				wg.Go(func() { errs[i] = call(r, i) })
			}
			errs[0] = call(r, 0)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				return err
			}
		}
		return nil
	}
	for range 3 { // warm-up: connections
		if err := query(); err != nil {
			return err
		}
	}
	var res floorResult
	var mu sync.Mutex
	var wg sync.WaitGroup
	bytesRead.Store(0)
	cpu0 := ownCPU()
	deadline := time.Now().Add(plan.Duration)
	for range max(plan.Clients, 1) {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				err := query()
				mu.Lock()
				res.Queries++
				if err != nil {
					res.Errors++
					if res.FirstError == "" {
						res.FirstError = err.Error()
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.CPU = ownCPU() - cpu0
	res.Bytes = bytesRead.Load()
	return json.NewEncoder(out).Encode(res)
}

// ownCPU is this process's user+system CPU time.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Command bench measures crmgraph against the sandbox: it serves the simulated CRMs
// in-process (with SANDBOX_LATENCY-style latency), builds and starts the gateway as a
// separate process, drives it with concurrent clients and prints RPS, p50/p99 latency and
// REST calls per query, with dataloaders on and off.
//
//	go run ./cmd/bench -duration 10s -concurrency 8 -latency 20ms
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"crmgraph/backends/sandbox"
)

// canonicalQuery is the nested query of the foundation issue.
const canonicalQuery = `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { edges { node { name owner { name } type { name }
  contacts(first: 5) { edges { node { name } } } orders(first: 5) { edges { node { number status { name } } } }
  opportunities(first: 5) { edges { node { title status { name } } } } } } } }`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	mode      string
	requests  int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
	calls     int
	cpu       time.Duration // gateway process CPU time while measuring (Linux; 0 elsewhere)
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	duration := fs.Duration("duration", 10*time.Second, "measuring time per mode")
	concurrency := fs.Int("concurrency", 8, "concurrent clients")
	latency := fs.Duration("latency", 20*time.Millisecond, "sandbox latency per response")
	queryFile := fs.String("query-file", "", "GraphQL query to run (default: the canonical nested query)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := canonicalQuery
	if *queryFile != "" {
		b, err := os.ReadFile(*queryFile)
		if err != nil {
			return err
		}
		q = string(b)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sb := &http.Server{Handler: sandbox.New(sandbox.Config{Seed: 1, Token: "sandbox", Latency: *latency})}
	go func() { _ = sb.Serve(ln) }()
	defer sb.Close()
	sandboxURL := "http://" + ln.Addr().String()

	dir, err := os.MkdirTemp("", "crmgraph-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "crmgraph")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build gateway: %w", err)
	}

	fmt.Fprintf(out, "crmgraph bench: sandbox latency %s, %d clients, %s per mode\n", *latency, *concurrency, *duration)
	var results []result
	for _, mode := range []string{"on", "off"} {
		res, err := measure(ctx, bin, sandboxURL, mode, q, *concurrency, *duration)
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "dataloaders\trequests\terrors\tRPS\tp50\tp99\tbackend calls/query\tgateway CPU/query\t")
	for _, r := range results {
		slices.Sort(r.latencies)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t%s\t%.1f\t%s\t\n", r.mode, r.requests, r.errors,
			float64(r.requests)/r.elapsed.Seconds(), pct(r.latencies, 0.50), pct(r.latencies, 0.99),
			float64(r.calls)/float64(max(r.requests, 1)), (r.cpu / time.Duration(max(r.requests, 1))).Round(10*time.Microsecond))
	}
	return tw.Flush()
}

func pct(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	return xs[min(len(xs)-1, int(float64(len(xs))*p))].Round(100 * time.Microsecond)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func measure(ctx context.Context, bin, sandboxURL, dataloaders, q string, concurrency int, d time.Duration) (result, error) {
	addr, err := freeAddr()
	if err != nil {
		return result{}, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "ADDR="+addr, "DATALOADERS="+dataloaders, "LOG_LEVEL=warn",
		"CIRRUS_URL="+sandboxURL+"/cirrus", "CIRRUS_TOKEN=sandbox",
		"CONE_URL="+sandboxURL+"/cone", "CONE_TOKEN=sandbox",
		"CLIENT_DATA_URL="+sandboxURL+"/clientdata", "CLIENT_DATA_TOKEN=sandbox",
		"SUPPORT_URL="+sandboxURL+sandbox.SupportPath, "SUPPORT_TOKEN=sandbox", "SUPPORT_APP_ID="+sandbox.SupportAppID, "SUPPORT_CONSUMER_ID=bench",
		"TRACE_EXTENSION=on", "SHUTDOWN_DELAY=0s")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	url := "http://" + addr + "/graphql"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency * 2}}
	if err := waitReady(ctx, client, "http://"+addr+"/healthz"); err != nil {
		return result{}, err
	}
	body, _ := json.Marshal(map[string]string{"query": q})
	if _, _, err := once(ctx, client, url, body); err != nil { // warm-up: reference lists, connections
		return result{}, err
	}
	res := result{mode: dataloaders}
	var mu sync.Mutex
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	cpu0 := processCPU(cmd.Process.Pid)
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				calls, ok, err := once(ctx, client, url, body)
				el := time.Since(t0)
				mu.Lock()
				res.requests++
				res.latencies = append(res.latencies, el)
				res.calls += calls
				if err != nil || !ok {
					res.errors++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.cpu = processCPU(cmd.Process.Pid) - cpu0
	return res, ctx.Err()
}

func waitReady(ctx context.Context, c *http.Client, url string) error {
	for i := 0; i < 200; i++ {
		if resp, err := c.Get(url); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("gateway did not start")
}

// once runs the query with the trace extension and returns its REST call count.
func once(ctx context.Context, c *http.Client, url string, body []byte) (int, bool, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Crmgraph-Trace", "1")
	resp, err := c.Do(req)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	var r struct {
		Errors     []json.RawMessage `json:"errors"`
		Extensions struct {
			Trace struct {
				BackendCalls []json.RawMessage `json:"backendCalls"`
			} `json:"trace"`
		} `json:"extensions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, false, err
	}
	return len(r.Extensions.Trace.BackendCalls), len(r.Errors) == 0, nil
}

// processCPU is a process's user+system CPU time from /proc (0 where there is none).
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the parenthesised command name: utime and stime are the 12th and 13th.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticksPerSecond
}

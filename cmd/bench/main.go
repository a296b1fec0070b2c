// Command bench measures crmgraph the way it runs: it builds the gateway and
// cmd/sandbox, starts each as its own process (the gateway configured with the sandbox's
// URLs, as with real backends), drives the gateway with closed-loop clients at each
// concurrency, and prints per level: RPS, p50/p90/p99, REST calls per query, gateway CPU
// and allocations per query, peak RSS, and the gateway's own share of each query's time
// (wall time minus the time some backend call of the query was in flight), and the
// gateway's CPU per query over the sandbox's: both are Go HTTP servers on the same
// cores, so the ratio moves far less than either figure when the machine's speed does
// (on a shared 2-core VM, by ±20 % from one run to the next). Then the same at one level
// with dataloaders off.
//
//	go run ./cmd/bench -duration 10s -concurrency 1,4,16,64 -latency 20ms
package main

import (
	"bufio"
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

// canonicalQuery is the README's nested query (2 round trips deep).
const canonicalQuery = `{ accounts(first: 20, filter: {sources: [CIRRUS]}) { totalCount edges { node {
    name owner { name } type { name }
    contacts(first: 5) { edges { node { name email } } }
    orders(first: 5) { totalCount edges { node { number placedAt total status { name } } } }
    opportunities(first: 5) { edges { node { title value status { name } } } } } } } }`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) == 3 && os.Args[1] == floorFlag {
		if err := runFloor(ctx, os.Args[2], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "bench floor:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// level is one measured run.
type level struct {
	label        string
	concurrency  int
	requests     int
	errors       int
	elapsed      time.Duration
	latencies    []time.Duration
	calls        int
	own          []time.Duration // per query: wall time minus backend-busy time
	cpu          time.Duration   // gateway process CPU while measuring
	sandboxCPU   time.Duration   // cmd/sandbox process CPU while measuring (shares the machine)
	machineBusy  float64         // share of the machine's CPU time busy while measuring (all processes)
	allocs       float64         // gateway heap allocations while measuring
	peakRSSBytes int64
	firstError   string
	floor        floorResult // the same backend calls replayed by a process that does nothing else
	rawFloor     floorResult // the same, through the least an HTTP/1.1 client can do (rawclient.go)
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	duration := fs.Duration("duration", 10*time.Second, "measuring time per level")
	levels := fs.String("concurrency", "1,4,16,64", "concurrent clients per level, comma-separated")
	latency := fs.Duration("latency", 20*time.Millisecond, "sandbox latency per response")
	queryFile := fs.String("query-file", "", "GraphQL query to run (default: the canonical nested query)")
	offAt := fs.Int("dataloaders-off-at", 4, "also measure with dataloaders off at this concurrency (0: skip)")
	maxConc := fs.Int("max-concurrency", 1024, "the gateway's MAX_CONCURRENCY (per backend): what the sandbox can take, so the gateway is what is measured")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var concurrency []int
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-concurrency: %q is not a positive integer", s)
		}
		concurrency = append(concurrency, n)
	}
	q := canonicalQuery
	if *queryFile != "" {
		b, err := os.ReadFile(*queryFile)
		if err != nil {
			return err
		}
		q = string(b)
	}

	dir, err := os.MkdirTemp("", "crmgraph-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	gatewayBin, sandboxBin := filepath.Join(dir, "crmgraph"), filepath.Join(dir, "sandbox")
	for bin, pkg := range map[string]string{gatewayBin: ".", sandboxBin: "./cmd/sandbox"} {
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build %s: %w", pkg, err)
		}
	}
	sandboxAddr, err := freeAddr()
	if err != nil {
		return err
	}
	sb := exec.CommandContext(ctx, sandboxBin, "-addr", sandboxAddr, "-latency", latency.String())
	sb.Stderr = os.Stderr
	if err := sb.Start(); err != nil {
		return err
	}
	defer func() { _ = sb.Process.Signal(os.Interrupt); _ = sb.Wait() }()
	sandboxURL := "http://" + sandboxAddr
	if err := waitReady(ctx, http.DefaultClient, sandboxURL+sandbox.CirrusPath+"/"); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}

	fmt.Fprintf(out, "crmgraph bench: gateway and cmd/sandbox as processes, sandbox latency %s, MAX_CONCURRENCY=%d, %s per level\n", *latency, *maxConc, *duration)
	maxConcurrency = strconv.Itoa(*maxConc)
	var results []level
	// level measures the gateway at one concurrency, then the floor: the same backend
	// calls replayed by a process that does nothing else. The calls of one query are
	// recorded once per dataloader setting.
	recorded := map[string][][]recordedCall{}
	level := func(label, dataloaders string, c int) error {
		calls, ok := recorded[dataloaders]
		if !ok {
			var err error
			if calls, err = recordCalls(ctx, gatewayBin, sandboxURL, dataloaders, q); err != nil {
				return err
			}
			recorded[dataloaders] = calls
		}
		res, err := measure(ctx, gatewayBin, sandboxURL, sb.Process.Pid, dataloaders, q, c, *duration)
		if err != nil {
			return err
		}
		plan := floorPlan{Base: sandboxURL, Rounds: calls, Clients: c, Duration: *duration, Client: clientNetHTTP}
		if res.floor, err = measureFloor(ctx, plan); err != nil {
			return err
		}
		plan.Client = clientRaw
		if res.rawFloor, err = measureFloor(ctx, plan); err != nil {
			return err
		}
		res.label = label
		results = append(results, res)
		return nil
	}
	for _, c := range concurrency {
		if err := level(strconv.Itoa(c), "on", c); err != nil {
			return err
		}
	}
	if *offAt > 0 {
		if err := level(fmt.Sprintf("%d, dataloaders off", *offAt), "off", *offAt); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\trequests\terrors\tRPS\tp50\tp90\tp99\tREST calls/query\tgateway CPU/query\tallocs/query\tpeak RSS\tgateway share p50\tsandbox CPU/query\tgateway/sandbox CPU\tfloor CPU/query\tgateway/floor CPU\traw floor CPU/query\tmachine CPU busy\t")
	for _, r := range results {
		n := max(r.requests, 1)
		gatewayCPU := r.cpu / time.Duration(n)
		floorCPU := r.floor.CPU / time.Duration(max(r.floor.Queries, 1))
		rawFloorCPU := r.rawFloor.CPU / time.Duration(max(r.rawFloor.Queries, 1))
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t%s\t%s\t%.1f\t%s\t%.0f\t%d MB\t%s\t%s\t%.2f\t%s\t%.2f\t%s\t%.0f%%\t\n", r.label, r.requests, r.errors+r.floor.Errors+r.rawFloor.Errors,
			float64(r.requests)/r.elapsed.Seconds(), pct(r.latencies, 0.50), pct(r.latencies, 0.90), pct(r.latencies, 0.99),
			float64(r.calls)/float64(n), gatewayCPU.Round(10*time.Microsecond), r.allocs/float64(n),
			r.peakRSSBytes>>20, pct(r.own, 0.50), (r.sandboxCPU / time.Duration(n)).Round(10*time.Microsecond),
			float64(r.cpu)/float64(max(r.sandboxCPU, 1)), floorCPU.Round(10*time.Microsecond),
			float64(gatewayCPU)/float64(max(floorCPU, 1)), rawFloorCPU.Round(10*time.Microsecond), 100*r.machineBusy)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// What failed, where: errors count the gateway's answers with errors and both floors'
	// failed queries.
	for _, r := range results {
		for _, e := range []struct {
			what, first string
			n           int
		}{{"gateway", r.firstError, r.errors}, {"floor", r.floor.FirstError, r.floor.Errors}, {"raw floor", r.rawFloor.FirstError, r.rawFloor.Errors}} {
			if e.n > 0 {
				fmt.Fprintf(out, "clients %s: %d %s errors, the first: %s\n", r.label, e.n, e.what, e.first)
			}
		}
	}
	return nil
}

func pct(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
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

// maxConcurrency is the gateway's MAX_CONCURRENCY (set once from -max-concurrency).
var maxConcurrency = "1024"

func measure(ctx context.Context, bin, sandboxURL string, sandboxPid int, dataloaders, q string, concurrency int, d time.Duration) (level, error) {
	cmd, base, client, err := startGateway(ctx, bin, sandboxURL, dataloaders, concurrency)
	if err != nil {
		return level{}, err
	}
	defer stopProcess(cmd)
	body, _ := json.Marshal(map[string]string{"query": q})
	for range 3 { // warm-up: reference lists, connections, adaptive timeouts
		if _, err := once(ctx, client, base+"/graphql", body); err != nil {
			return level{}, err
		}
	}
	pid := cmd.Process.Pid
	resetPeakRSS(pid)
	res := level{concurrency: concurrency}
	var mu sync.Mutex
	var wg sync.WaitGroup
	allocs0, err := mallocs(ctx, client, base)
	if err != nil {
		return level{}, err
	}
	cpu0, sandboxCPU0 := processCPU(pid), processCPU(sandboxPid)
	busy0, total0 := machineCPU()
	start := time.Now()
	deadline := start.Add(d)
	for range concurrency {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				r, err := once(ctx, client, base+"/graphql", body)
				el := time.Since(t0)
				mu.Lock()
				res.requests++
				res.latencies = append(res.latencies, el)
				switch {
				case err != nil || !r.ok:
					res.errors++
					if res.firstError == "" {
						res.firstError = r.problem
						if err != nil {
							res.firstError = err.Error()
						}
					}
				default:
					res.calls += r.calls
					res.own = append(res.own, max(el-r.backendBusy, 0))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.cpu = processCPU(pid) - cpu0
	res.sandboxCPU = processCPU(sandboxPid) - sandboxCPU0
	if busy1, total1 := machineCPU(); total1 > total0 {
		res.machineBusy = float64(busy1-busy0) / float64(total1-total0)
	}
	allocs1, err := mallocs(ctx, client, base)
	if err != nil {
		return level{}, err
	}
	res.allocs = allocs1 - allocs0
	res.peakRSSBytes = peakRSS(pid)
	return res, ctx.Err()
}

// startGateway starts the gateway with every backend under backendURL (the sandbox, or
// the recorder in front of it) and waits until it answers.
func startGateway(ctx context.Context, bin, backendURL, dataloaders string, clients int) (*exec.Cmd, string, *http.Client, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", nil, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "ADDR="+addr, "DATALOADERS="+dataloaders, "LOG_LEVEL=warn", "MAX_CONCURRENCY="+maxConcurrency,
		"CIRRUS_URL="+backendURL+sandbox.CirrusPath, "CIRRUS_TOKEN=sandbox",
		"CONE_URL="+backendURL+sandbox.ConePath, "CONE_TOKEN=sandbox",
		"CLIENT_DATA_URL="+backendURL+sandbox.ClientDataPath, "CLIENT_DATA_TOKEN=sandbox",
		"SUPPORT_URL="+backendURL+sandbox.SupportPath, "SUPPORT_TOKEN=sandbox", "SUPPORT_APP_ID="+sandbox.SupportAppID, "SUPPORT_CONSUMER_ID=bench",
		"TRACE_EXTENSION=on", "SHUTDOWN_DELAY=0s")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", nil, err
	}
	base := "http://" + addr
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
	if err := waitReady(ctx, client, base+"/healthz"); err != nil {
		stopProcess(cmd)
		return nil, "", nil, err
	}
	return cmd, base, client, nil
}

func stopProcess(cmd *exec.Cmd) { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }

// recordCalls runs the query through a gateway whose backends sit behind a recorder and
// returns the backend calls of one query (after a warm-up, as measure does), in rounds.
func recordCalls(ctx context.Context, bin, sandboxURL, dataloaders, q string) ([][]recordedCall, error) {
	rec := newRecorder(sandboxURL)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: rec}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	cmd, base, client, err := startGateway(ctx, bin, "http://"+ln.Addr().String(), dataloaders, 1)
	if err != nil {
		return nil, err
	}
	defer stopProcess(cmd)
	body, _ := json.Marshal(map[string]string{"query": q})
	for range 3 {
		if _, err := once(ctx, client, base+"/graphql", body); err != nil {
			return nil, err
		}
	}
	rec.reset()
	a, err := once(ctx, client, base+"/graphql", body)
	if err != nil {
		return nil, err
	}
	calls := rec.recorded()
	if !a.ok || len(calls) != a.calls || len(calls) == 0 {
		return nil, fmt.Errorf("recording the query's backend calls: %d recorded, %d in the trace (answer ok: %v)", len(calls), a.calls, a.ok)
	}
	return rounds(calls), nil
}

func waitReady(ctx context.Context, c *http.Client, url string) error {
	for range 200 {
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
	return errors.New("did not start")
}

type answer struct {
	ok          bool
	problem     string // the first error, when not ok
	calls       int
	backendBusy time.Duration // time some backend call was in flight
}

// once runs the query with the trace extension.
func once(ctx context.Context, c *http.Client, url string, body []byte) (answer, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Crmgraph-Trace", "1")
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	var r struct {
		Errors     []json.RawMessage `json:"errors"`
		Extensions struct {
			Trace struct {
				BackendCalls []struct {
					StartMs    float64 `json:"startMs"`
					DurationMs float64 `json:"durationMs"`
				} `json:"backendCalls"`
			} `json:"trace"`
		} `json:"extensions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return answer{}, err
	}
	spans := make([][2]float64, 0, len(r.Extensions.Trace.BackendCalls))
	for _, c := range r.Extensions.Trace.BackendCalls {
		spans = append(spans, [2]float64{c.StartMs, c.StartMs + c.DurationMs})
	}
	a := answer{ok: len(r.Errors) == 0, calls: len(spans), backendBusy: busy(spans)}
	if !a.ok {
		a.problem = string(r.Errors[0]) // message, path and extensions as the gateway sent them
	}
	return a, nil
}

// busy is the length of the union of the intervals, in ms → Duration.
func busy(spans [][2]float64) time.Duration {
	slices.SortFunc(spans, func(a, b [2]float64) int {
		switch {
		case a[0] < b[0]:
			return -1
		case a[0] > b[0]:
			return 1
		}
		return 0
	})
	total, end := 0.0, -1.0
	for _, s := range spans {
		switch {
		case s[0] > end:
			total += s[1] - s[0]
			end = s[1]
		case s[1] > end:
			total += s[1] - end
			end = s[1]
		}
	}
	return time.Duration(total * float64(time.Millisecond))
}

// mallocs reads go_memstats_mallocs_total from the gateway's /metrics.
func mallocs(ctx context.Context, c *http.Client, base string) (float64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_memstats_mallocs_total "); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, errors.New("/metrics has no go_memstats_mallocs_total")
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

// machineCPU reads the first line of /proc/stat: busy and total ticks over all cores.
func machineCPU() (busy, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	for i, f := range fields[1:] {
		v, _ := strconv.ParseInt(f, 10, 64)
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}

// resetPeakRSS restarts the kernel's peak-RSS count (Linux: "5" to clear_refs).
func resetPeakRSS(pid int) {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// peakRSS is VmHWM from /proc/<pid>/status, in bytes (0 where there is none).
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// Package probe checks, against the configured backends, each assumption crmgraph makes
// where its API's seed leaves a point open (inferred paths and verbs, envelopes, paging
// bases and caps, mask placement, create response bodies…). Every check is read-only
// unless writes are allowed, and then only on records it creates and removes itself.
package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"
	"text/tabwriter"
	"time"
)

// Result is a check's verdict.
type Result string

// Verdicts.
const (
	Holds   Result = "holds"   // the backend behaves as crmgraph assumes
	Differs Result = "differs" // it does not: Setting names the configuration that fits
	Unknown Result = "unknown" // the check could not tell (no access, no data, writes needed)
)

// Finding is one checked assumption.
type Finding struct {
	Backend    string `json:"backend"`
	Assumption string `json:"assumption"`
	Result     Result `json:"result"`
	Detail     string `json:"detail,omitempty"`
	// Setting is a NAME=value line that makes crmgraph fit what the check saw (when it
	// differs and a setting can fix it).
	Setting string `json:"setting,omitempty"`
}

// Check tests one assumption.
type Check struct {
	Backend    string
	Assumption string
	// Writes marks a check that creates (and then removes) records.
	Writes bool
	Run    func(ctx context.Context) Finding
}

// Options controls a run.
type Options struct {
	Writes  bool          // run checks that write
	Timeout time.Duration // per check (default 10s)
}

// Run runs the checks concurrently and returns their findings in a stable order.
func Run(ctx context.Context, checks []Check, o Options) []Finding {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	out := make([]Finding, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		if c.Writes && !o.Writes {
			out[i] = Finding{Backend: c.Backend, Assumption: c.Assumption, Result: Unknown, Detail: "needs writes (-writes)"}
			continue
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, o.Timeout)
			defer cancel()
			f := c.Run(ctx)
			f.Backend, f.Assumption = c.Backend, c.Assumption
			if f.Result == "" {
				f.Result = Unknown
			}
			out[i] = f
		})
	}
	wg.Wait()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Backend < out[j].Backend })
	return out
}

// AnyDiffers reports whether some assumption does not hold.
func AnyDiffers(fs []Finding) bool {
	for _, f := range fs {
		if f.Result == Differs {
			return true
		}
	}
	return false
}

// Print writes the findings as a table, or as a JSON array when asJSON.
func Print(w io.Writer, fs []Finding, asJSON bool) error {
	if asJSON {
		if fs == nil {
			fs = []Finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(fs)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BACKEND\tASSUMPTION\tRESULT\tDETAIL\tSETTING")
	for _, f := range fs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Backend, f.Assumption, f.Result, f.Detail, f.Setting)
	}
	return tw.Flush()
}

// Verdict builds a finding from whether the assumption held; detail says what was seen.
func Verdict(held bool, detail, setting string) Finding {
	if held {
		return Finding{Result: Holds, Detail: detail}
	}
	return Finding{Result: Differs, Detail: detail, Setting: setting}
}

// Inconclusive is a finding the check could not decide, with why.
func Inconclusive(why string) Finding { return Finding{Result: Unknown, Detail: why} }

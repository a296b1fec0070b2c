// Command crmgraph serves one GraphQL schema over four CRM REST APIs.
//
// With no configuration it starts the built-in sandbox CRMs on loopback and talks to
// them over HTTP; see README.md and config.go for the settings.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/redis/go-redis/v9"

	"crmgraph/probe"
)

// quietRedis drops go-redis's own log lines: they print server addresses, and the cache
// already reports Redis trouble through slog without them.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func main() {
	redis.SetLogger(quietRedis{})
	if os.Getenv("GOGC") == "" {
		// A query allocates ~25k short-lived objects over a live heap of a few MB: the
		// default GOGC=100 collects several times a second per busy core. 200 halves
		// that for a few MB more heap; GOGC (and GOMEMLIMIT) still override it.
		debug.SetGCPercent(200)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal starts the graceful shutdown, the default handling
		// returns: a second Ctrl-C or SIGTERM ends the process at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	if code := exitCode(err); code != 0 {
		fmt.Fprintln(os.Stderr, "crmgraph:", err)
		os.Exit(code)
	}
}

// exitCode is 0 for a clean stop and for -h (the settings were printed: asking for help
// is not a failure), 1 for anything else.
func exitCode(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 1
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "probe" {
		return runProbe(ctx, args[1:], getenv, stdout)
	}
	cfg, err := LoadConfig(args, getenv)
	if err != nil {
		return err
	}
	logger := newLogger(stdout, cfg.LogLevel)
	app, err := NewApp(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	return app.ListenAndServe(ctx)
}

// errDiffers is probe's exit status 1: an assumption does not hold.
var errDiffers = errors.New("some assumptions do not hold against the configured backends")

// runProbe is `crmgraph probe [-json] [-writes] [settings…]`: with the server's
// configuration (unconfigured backends are the embedded sandboxes), check every
// assumption the seeds leave open and print holds / differs / unknown per backend.
func runProbe(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	asJSON, writes := false, false
	var rest []string
	for _, a := range args {
		switch a {
		case "-json", "--json":
			asJSON = true
		case "-writes", "--writes":
			writes = true
		default:
			rest = append(rest, a)
		}
	}
	cfg, err := LoadConfig(rest, getenv)
	if err != nil {
		return err
	}
	app, err := NewApp(ctx, cfg, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer app.Close()
	findings := probe.Run(ctx, probe.Checks(app.ProbeTargets()), probe.Options{Writes: writes})
	if err := probe.Print(stdout, findings, asJSON); err != nil {
		return err
	}
	if probe.AnyDiffers(findings) {
		return errDiffers
	}
	return nil
}

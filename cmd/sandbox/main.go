// Command sandbox serves only the simulated CRMs (Cirrus under /cirrus, ConeCRM under
// /cone, client-data under /clientdata), for frontend work and for benchmarking.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"crmgraph/backends/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		os.Exit(1)
	}
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	addr := fs.String("addr", env("SANDBOX_ADDR", ":9090"), "listen address (env SANDBOX_ADDR)")
	token := fs.String("token", env("SANDBOX_TOKEN", "sandbox"), "accepted token (env SANDBOX_TOKEN)")
	seedS := fs.String("seed", env("SANDBOX_SEED", "1"), "data set seed (env SANDBOX_SEED)")
	latencyS := fs.String("latency", env("SANDBOX_LATENCY", "0s"), "latency per response (env SANDBOX_LATENCY)")
	faultsS := fs.String("faults", env("SANDBOX_FAULTS", "0"), "failing share of requests (env SANDBOX_FAULTS)")
	variantS := fs.String("variant", env("SANDBOX_VARIANT", ""), "alt: the other reading of every point the seeds leave open (env SANDBOX_VARIANT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	seed, err := strconv.ParseInt(*seedS, 10, 64)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	latency, err := time.ParseDuration(*latencyS)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	faults, err := sandbox.ParseFaults(*faultsS)
	if err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	variant, err := sandbox.ParseVariant(*variantS)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second,
		Handler: sandbox.New(sandbox.Config{Seed: seed, Token: *token, Latency: latency, Faults: faults, Variant: variant})}
	log.Info("sandbox listening", "addr", *addr, "cirrus", sandbox.CirrusPath, "cone", sandbox.ConePath,
		"clientdata", sandbox.ClientDataPath, "seed", seed)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

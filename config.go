package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"crmgraph/backends/clientdata"
	"crmgraph/backends/cone"
	"crmgraph/backends/sandbox"
	"crmgraph/graph/model"
	"crmgraph/persisted"
	"crmgraph/resolvers"
	"crmgraph/transport"
)

// Default calls in flight per backend: a configured (real) backend, an embedded sandbox.
const (
	DefaultMaxConcurrency = 32
	SandboxMaxConcurrency = 1024
)

const defaultBreakerSpec = "ratio=0.5,min-calls=20,window=10s,cooldown=10s,probes=3"

// parseBreaker reads "off" or comma-separated key=value pairs (ratio, min-calls, window,
// cooldown, probes) over base; "" is base itself.
func parseBreaker(s string, base transport.BreakerPolicy) (transport.BreakerPolicy, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return base, nil
	case "off":
		return transport.BreakerPolicy{Disabled: true}, nil
	}
	p := base
	p.Disabled = false
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return p, fmt.Errorf("want key=value pairs, got %q", part)
		}
		var err error
		switch k {
		case "ratio":
			p.FailureRatio, err = strconv.ParseFloat(v, 64)
			if err == nil && (p.FailureRatio <= 0 || p.FailureRatio > 1) {
				err = errors.New("out of (0, 1]")
			}
		case "min-calls":
			p.MinCalls, err = strconv.Atoi(v)
			if err == nil && p.MinCalls < 1 {
				err = errors.New("must be at least 1")
			}
		case "probes":
			p.Probes, err = strconv.Atoi(v)
			if err == nil && p.Probes < 1 {
				err = errors.New("must be at least 1")
			}
		case "window":
			p.Window, err = time.ParseDuration(v)
			if err == nil && p.Window <= 0 {
				err = errors.New("must be positive")
			}
		case "cooldown":
			p.Cooldown, err = time.ParseDuration(v)
			if err == nil && p.Cooldown <= 0 {
				err = errors.New("must be positive")
			}
		default:
			return p, fmt.Errorf("unknown key %q (ratio, min-calls, window, cooldown, probes)", k)
		}
		if err != nil {
			return p, fmt.Errorf("%s=%s: %v", k, v, err)
		}
	}
	return p, nil
}

// Config is every setting crmgraph reads, from the environment or the flag of the same
// meaning (a flag wins). It is read in one place, here, and validated before start.
type Config struct {
	Addr string

	Cirrus     Backend
	Cone       Backend
	ClientData Backend
	Support    Backend

	// ClientDataForwardAuth forwards the caller's Authorization bearer token to the
	// client-data API (it scopes what a member may see); the service token otherwise.
	ClientDataForwardAuth bool
	// ClientDataServiceForAnonymous lets callers without their own bearer token act with
	// the service token (no member scoping, no approval). On by default only when
	// client-data is the embedded sandbox.
	ClientDataServiceForAnonymous bool
	// ClientDataPageSize is the largest search page asked of client-data (the seed
	// names no cap); ClientDataPageBase the number of its first page (0 or 1; the
	// seed's sample shows page 0); ClientDataExportPolls how often a pending export
	// job is read.
	ClientDataPageSize    int
	ClientDataPageBase    int
	ClientDataExportPolls int
	// ClientDataExportColumns names the export CSV's identity columns (the seed names none).
	ClientDataExportColumns clientdata.ExportColumns

	// ClientDataProbeMemberToken is a member's bearer token for crmgraph probe's
	// member-scope check (unset: that check is unknown). The gateway never uses it.
	ClientDataProbeMemberToken string

	Sandbox        bool // start sandboxes for unconfigured backends
	SandboxSeed    int64
	SandboxLatency time.Duration
	SandboxFaults  float64
	SandboxToken   string
	SandboxVariant string

	RedisURL       string
	RedisKeyPrefix string
	LogLevel       slog.Level

	PersistedQueries persisted.Mode
	ManifestPath     string
	ComplexityLimit  int
	DepthLimit       int
	TokenLimit       int
	MaxBackendCalls  int // REST calls one operation may cause: estimated before, counted while it runs
	Introspection    bool

	BackendTimeout  time.Duration
	RequestTimeout  time.Duration // whole request, every backend call included
	AttemptTimeout  transport.AttemptTimeoutPolicy
	BodyReadTimeout time.Duration
	ShutdownDelay   time.Duration // readiness fails, still serving, before the listener closes
	ShutdownTimeout time.Duration // drain of in-flight requests
	TraceExtension  bool          // honour X-Crmgraph-Trace (backend paths) from any caller
	Dataloaders     bool
	OTLPEndpoint    string
	DebugAddr       string // pprof listener ("" off)
	Systems         resolvers.Systems
	CORSOrigins     []string
	CORSHeaders     string // request headers a cross-origin caller may send
	MaxRequestBytes int
	MaxBatch        int // operations per batched POST (-1: batching off)

	ClientDataPaths    *resolvers.ClientDataPaths
	ChangeRequestCodes map[int32]model.ChangeRequestStatusCode

	// Cirrus readings the seed leaves open (crmgraph probe checks each).
	CirrusMaskPlacement string // "envelope" or "item": what X-Fields masks on a paged list
	CirrusTrailingSlash bool   // collection paths end in "/"
	CirrusMaxPerPage    int    // the API's page cap, 1-50
}

// Backend is one REST backend's location, credentials and call policy.
type Backend struct {
	URL     string
	Token   string
	Timeout time.Duration // per call
	// MaxConcurrency bounds its calls in flight; Breaker is its circuit breaker.
	MaxConcurrency int
	Breaker        transport.BreakerPolicy
	AppID          string // SUPPORT only
	Consumer       string // SUPPORT only
	InValues       string // CONE only: cone.InComma or cone.InArray
	// Sandboxed is set when the URL points at a sandbox crmgraph started itself.
	Sandboxed bool
}

// Configured reports whether the backend was given a URL.
func (b Backend) Configured() bool { return b.URL != "" }

type setting struct {
	env, flag, def, help string
}

// settings is the one table of configuration: env var, flag, default, help.
var settings = []setting{
	{"ADDR", "addr", ":8080", "listen address"},
	{"CIRRUS_URL", "cirrus-url", "", "Cirrus 2 base URL (unset: sandbox)"},
	{"CIRRUS_TOKEN", "cirrus-token", "", "Cirrus X-Token"},
	{"CONE_URL", "cone-url", "", "ConeCRM base URL (unset: sandbox)"},
	{"CONE_TOKEN", "cone-token", "", "ConeCRM bearer JWT"},
	{"CONE_IN_VALUES", "cone-in-values", "comma", "how query-builder in/notIn rules carry their list: comma (\"a,b\") or array ([\"a\",\"b\"])"},
	{"CLIENT_DATA_URL", "client-data-url", "", "client-data API base URL (unset: sandbox)"},
	{"CLIENT_DATA_TOKEN", "client-data-token", "", "client-data service bearer token"},
	{"CLIENT_DATA_FORWARD_AUTH", "client-data-forward-auth", "true", "forward the caller's bearer token to client-data"},
	{"CLIENT_DATA_ANONYMOUS", "client-data-anonymous", "", "deny or service: what client-data calls of a caller without a bearer token do (default service for the embedded sandbox, deny otherwise)"},
	{"SUPPORT_URL", "support-url", "", "Apideck Unify base URL, e.g. https://unify.apideck.com (unset: sandbox)"},
	{"SUPPORT_TOKEN", "support-token", "", "Apideck API key"},
	{"SUPPORT_APP_ID", "support-app-id", "", "x-apideck-app-id"},
	{"SUPPORT_CONSUMER_ID", "support-consumer-id", "", "x-apideck-consumer-id"},
	{"SANDBOX", "sandbox", "on", "on: start sandboxes for unconfigured backends; off: refuse"},
	{"SANDBOX_SEED", "sandbox-seed", "1", "sandbox data set seed"},
	{"SANDBOX_LATENCY", "sandbox-latency", "0s", "latency added to every sandbox response"},
	{"SANDBOX_FAULTS", "sandbox-faults", "0", "share of sandbox requests that fail (0.05 or 5%)"},
	{"SANDBOX_TOKEN", "sandbox-token", "sandbox", "token the embedded sandboxes accept"},
	{"SANDBOX_VARIANT", "sandbox-variant", "", "alt: the sandboxes take the other plausible reading of every point their seeds leave open"},
	{"REDIS_URL", "redis-url", "", "Redis URL (unset: in-memory cache only)"},
	{"REDIS_KEY_PREFIX", "redis-key-prefix", "crmgraph", "prefix of every Redis key and channel (replicas sharing a cache share it)"},
	{"LOG_LEVEL", "log-level", "info", "debug, info, warn or error"},
	{"PERSISTED_QUERIES", "persisted-queries", "apq", "apq, off, log-unknown or safelist"},
	{"PERSISTED_QUERIES_MANIFEST", "persisted-queries-manifest", "", "trusted-documents manifest file"},
	{"COMPLEXITY_LIMIT", "complexity-limit", "5000", "maximum operation complexity (0: none)"},
	{"DEPTH_LIMIT", "depth-limit", "12", "maximum selection depth (0: none)"},
	{"TOKEN_LIMIT", "token-limit", "15000", "maximum parser tokens per document"},
	{"MAX_BACKEND_CALLS", "max-backend-calls", "1000", "REST calls one operation may cause: refused before execution when the estimate is higher, cut when the count reaches it (0: none)"},
	{"INTROSPECTION", "introspection", "", "on/off (default: on when every backend is a sandbox)"},
	{"BACKEND_TIMEOUT", "backend-timeout", "10s", "per REST call timeout"},
	{"REQUEST_TIMEOUT", "request-timeout", "15s", "whole-request deadline, every backend call included"},
	{"BODY_READ_TIMEOUT", "body-read-timeout", "10s", "time allowed to receive a request body"},
	{"SHUTDOWN_DELAY", "shutdown-delay", "", "after a stop signal, how long /readyz fails while requests are still served (default 5s, 0s when every backend is a sandbox)"},
	{"SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "then how long in-flight requests may finish before they are answered with an error"},
	{"TRACE_EXTENSION", "trace-extension", "", "on/off: honour X-Crmgraph-Trace (default on when every backend is a sandbox)"},
	{"BREAKER", "breaker", defaultBreakerSpec, "circuit breaker of every backend: off, or key=value pairs (ratio: failure share that opens it over window once min-calls calls were seen; cooldown; probes in half-open)"},
	{"CIRRUS_BREAKER", "cirrus-breaker", "", "Cirrus breaker, over BREAKER"},
	{"CONE_BREAKER", "cone-breaker", "", "ConeCRM breaker, over BREAKER"},
	{"CLIENT_DATA_BREAKER", "client-data-breaker", "", "client-data breaker, over BREAKER"},
	{"SUPPORT_BREAKER", "support-breaker", "", "Apideck breaker, over BREAKER"},
	{"MAX_CONCURRENCY", "max-concurrency", "", "calls in flight per backend, more queue in the gateway (default 32 for a configured backend, 1024 for an embedded sandbox)"},
	{"CIRRUS_MAX_CONCURRENCY", "cirrus-max-concurrency", "", "Cirrus calls in flight (default MAX_CONCURRENCY)"},
	{"CONE_MAX_CONCURRENCY", "cone-max-concurrency", "", "ConeCRM calls in flight (default MAX_CONCURRENCY)"},
	{"CLIENT_DATA_MAX_CONCURRENCY", "client-data-max-concurrency", "", "client-data calls in flight (default MAX_CONCURRENCY)"},
	{"SUPPORT_MAX_CONCURRENCY", "support-max-concurrency", "", "Apideck calls in flight (default MAX_CONCURRENCY)"},
	{"ATTEMPT_TIMEOUT_FLOOR", "attempt-timeout-floor", "250ms", "shortest cut of a hung read attempt (cut at 3× the backend's recent p99, retried within the call's timeout)"},
	{"ATTEMPT_TIMEOUT_CEILING", "attempt-timeout-ceiling", "2s", "longest cut of a read attempt, also used until latencies are known (0: no attempt timeouts)"},
	{"CIRRUS_TIMEOUT", "cirrus-timeout", "", "Cirrus per-call timeout (default BACKEND_TIMEOUT)"},
	{"CONE_TIMEOUT", "cone-timeout", "", "ConeCRM per-call timeout (default BACKEND_TIMEOUT)"},
	{"CLIENT_DATA_TIMEOUT", "client-data-timeout", "", "client-data per-call timeout (default BACKEND_TIMEOUT)"},
	{"SUPPORT_TIMEOUT", "support-timeout", "", "Apideck per-call timeout (default BACKEND_TIMEOUT)"},
	{"DATALOADERS", "dataloaders", "on", "on/off: batch lookups (off only for benchmarks)"},
	{"DEBUG_ADDR", "debug-addr", "", "listen address of the pprof debug server, e.g. 127.0.0.1:6060 (unset: off; a bare :port binds loopback)"},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "otlp-endpoint", "", "OTLP/HTTP endpoint for traces (unset: no export)"},
	{"CORS_ORIGINS", "cors-origins", "", "browser origins allowed to call /graphql, comma-separated, or * (unset: same origin only)"},
	{"CORS_HEADERS", "cors-headers", DefaultCORSHeaders, "request headers browsers may send cross-origin, comma-separated"},
	{"MAX_REQUEST_BYTES", "max-request-bytes", "1048576", "largest accepted /graphql request body"},
	{"MAX_BATCH", "max-batch", "10", "operations one batched POST (a JSON array) may carry, each under every limit (0: batching off)"},
	{"CLIENT_DATA_STATUS_CODES", "client-data-status-codes", "", "client-data change-request status ids as id=CODE pairs (default 1=PENDING,2=APPROVED,3=REJECTED,4=CANCELLED)"},
	{"CLIENT_DATA_PAGE_SIZE", "client-data-page-size", "500", "largest client-data search page asked for (at most the API's cap; larger pages are fetched as several)"},
	{"CLIENT_DATA_PAGE_BASE", "client-data-page-base", "1", "0 or 1: the number of client-data's first search page"},
	{"CLIENT_DATA_EXPORT_POLLS", "client-data-export-polls", "8", "reads of a client-data export job that is not ready (202) before giving up, with backoff, within the deadline"},
	{"CLIENT_DATA_EXPORT_COLUMNS", "client-data-export-columns", "", "headers of the client-data export CSV's identity columns, column=header pairs over id=id,uId=uId,username=username"},
	{"CLIENT_DATA_PROBE_MEMBER_TOKEN", "client-data-probe-member-token", "", "a member's client-data bearer token for crmgraph probe's member-scope check, read-only (unset: the check is unknown)"},
	{"CLIENT_DATA_PATHS", "client-data-paths", "", "where contact fields live in client-data details, field=path pairs over the sandbox's schema"},
	{"EXTERNAL_SYSTEMS", "external-systems", "", "system names in external keys, SOURCE=name pairs over the defaults (each source's enum name)"},
	{"CIRRUS_EXTERNALKEY", "cirrus-externalkey", "CONE", "the source whose id a Cirrus externalkey holds"},
	{"CIRRUS_MASK_PLACEMENT", "cirrus-mask-placement", "envelope", "envelope or item: whether Cirrus applies X-Fields to a list's page envelope or to each item"},
	{"CIRRUS_TRAILING_SLASH", "cirrus-trailing-slash", "off", "on: Cirrus collection paths end in a slash (/accounts/)"},
	{"CIRRUS_MAX_PER_PAGE", "cirrus-max-per-page", "50", "the largest per_page Cirrus honours (1-50); larger pages are assembled from pages of this size"},
}

// LoadConfig reads args (without the program name) and the environment.
func LoadConfig(args []string, getenv func(string) string) (Config, error) {
	fs := flag.NewFlagSet("crmgraph", flag.ContinueOnError)
	values := map[string]*string{}
	for _, s := range settings {
		values[s.env] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.help, s.env, s.def))
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	get := func(env string) string {
		if v := *values[env]; v != "" {
			return v
		}
		if v := getenv(env); v != "" {
			return v
		}
		for _, s := range settings {
			if s.env == env {
				return s.def
			}
		}
		return ""
	}
	var errs []error
	boolean := func(env string) bool {
		switch strings.ToLower(get(env)) {
		case "1", "true", "on", "yes":
			return true
		case "0", "false", "off", "no", "":
			return false
		}
		errs = append(errs, fmt.Errorf("%s: want on or off, got %q", env, get(env)))
		return false
	}
	integer := func(env string) int {
		n, err := strconv.Atoi(get(env))
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("%s: want a non-negative integer, got %q", env, get(env)))
		}
		return n
	}
	duration := func(env string) time.Duration {
		d, err := time.ParseDuration(get(env))
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("%s: want a duration such as 20ms, got %q", env, get(env)))
		}
		return d
	}
	backend := func(prefix string) Backend {
		b := Backend{URL: strings.TrimRight(get(prefix+"_URL"), "/"), Token: get(prefix + "_TOKEN")}
		if b.URL != "" {
			if u, err := url.Parse(b.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				errs = append(errs, fmt.Errorf("%s_URL: want an http(s) URL", prefix))
			}
		}
		return b
	}
	cfg := Config{
		Addr:                  get("ADDR"),
		Cirrus:                backend("CIRRUS"),
		Cone:                  backend("CONE"),
		ClientData:            backend("CLIENT_DATA"),
		Support:               backend("SUPPORT"),
		ClientDataForwardAuth: boolean("CLIENT_DATA_FORWARD_AUTH"),
		ClientDataPageSize:    integer("CLIENT_DATA_PAGE_SIZE"),
		ClientDataPageBase:    integer("CLIENT_DATA_PAGE_BASE"),
		ClientDataExportPolls: integer("CLIENT_DATA_EXPORT_POLLS"),
		Sandbox:               boolean("SANDBOX"),
		SandboxLatency:        duration("SANDBOX_LATENCY"),
		SandboxToken:          get("SANDBOX_TOKEN"),
		RedisURL:              get("REDIS_URL"),
		RedisKeyPrefix:        get("REDIS_KEY_PREFIX"),
		ManifestPath:          get("PERSISTED_QUERIES_MANIFEST"),
		ComplexityLimit:       integer("COMPLEXITY_LIMIT"),
		DepthLimit:            integer("DEPTH_LIMIT"),
		TokenLimit:            integer("TOKEN_LIMIT"),
		MaxBackendCalls:       integer("MAX_BACKEND_CALLS"),
		BackendTimeout:        duration("BACKEND_TIMEOUT"),
		RequestTimeout:        duration("REQUEST_TIMEOUT"),
		BodyReadTimeout:       duration("BODY_READ_TIMEOUT"),
		ShutdownTimeout:       duration("SHUTDOWN_TIMEOUT"),
		Dataloaders:           boolean("DATALOADERS"),
		OTLPEndpoint:          get("OTEL_EXPORTER_OTLP_ENDPOINT"),
		DebugAddr:             get("DEBUG_ADDR"),
		MaxRequestBytes:       integer("MAX_REQUEST_BYTES"),
		MaxBatch:              integer("MAX_BATCH"),
		CORSHeaders:           get("CORS_HEADERS"),
	}
	cfg.ClientDataProbeMemberToken = get("CLIENT_DATA_PROBE_MEMBER_TOKEN")
	if strings.HasPrefix(cfg.DebugAddr, ":") {
		cfg.DebugAddr = "127.0.0.1" + cfg.DebugAddr // profiles are for operators, not the network
	}
	if cfg.ClientDataPageSize < 1 || cfg.ClientDataPageSize > 1<<31-1 {
		errs = append(errs, fmt.Errorf("CLIENT_DATA_PAGE_SIZE: want a positive page size, got %q", get("CLIENT_DATA_PAGE_SIZE")))
	}
	if cfg.ClientDataPageBase > 1 {
		errs = append(errs, fmt.Errorf("CLIENT_DATA_PAGE_BASE: want 0 or 1, got %q", get("CLIENT_DATA_PAGE_BASE")))
	}
	if cfg.ClientDataExportPolls < 1 {
		errs = append(errs, fmt.Errorf("CLIENT_DATA_EXPORT_POLLS: want at least 1, got %q", get("CLIENT_DATA_EXPORT_POLLS")))
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = -1 // off
	}
	cfg.Support.AppID, cfg.Support.Consumer = get("SUPPORT_APP_ID"), get("SUPPORT_CONSUMER_ID")
	switch cfg.Cone.InValues = get("CONE_IN_VALUES"); cfg.Cone.InValues {
	case cone.InComma, cone.InArray:
	default:
		errs = append(errs, fmt.Errorf("CONE_IN_VALUES: %q: want comma or array", cfg.Cone.InValues))
	}
	// BREAKER's keys go over the defaults, so the policy shows every effective value.
	defaultBreaker, _ := parseBreaker(defaultBreakerSpec, transport.BreakerPolicy{})
	defaultBreaker, err := parseBreaker(get("BREAKER"), defaultBreaker)
	if err != nil {
		errs = append(errs, fmt.Errorf("BREAKER: %w", err))
	}
	for prefix, b := range map[string]*Backend{"CIRRUS": &cfg.Cirrus, "CONE": &cfg.Cone, "CLIENT_DATA": &cfg.ClientData, "SUPPORT": &cfg.Support} {
		b.Timeout = cfg.BackendTimeout
		if get(prefix+"_TIMEOUT") != "" {
			b.Timeout = duration(prefix + "_TIMEOUT")
		}
		// A real tenant's limits are in the tens of concurrent calls; an embedded sandbox
		// is an in-process loopback server that takes what the gateway sends.
		b.MaxConcurrency = DefaultMaxConcurrency
		if !b.Configured() {
			b.MaxConcurrency = SandboxMaxConcurrency
		}
		if get("MAX_CONCURRENCY") != "" {
			b.MaxConcurrency = integer("MAX_CONCURRENCY")
		}
		if get(prefix+"_MAX_CONCURRENCY") != "" {
			b.MaxConcurrency = integer(prefix + "_MAX_CONCURRENCY")
		}
		if b.MaxConcurrency == 0 {
			errs = append(errs, fmt.Errorf("%s_MAX_CONCURRENCY: must be at least 1", prefix))
		}
		if b.Breaker, err = parseBreaker(get(prefix+"_BREAKER"), defaultBreaker); err != nil {
			errs = append(errs, fmt.Errorf("%s_BREAKER: %w", prefix, err))
		}
	}
	cfg.AttemptTimeout = transport.AttemptTimeoutPolicy{Floor: duration("ATTEMPT_TIMEOUT_FLOOR"), Ceiling: duration("ATTEMPT_TIMEOUT_CEILING")}
	if cfg.AttemptTimeout.Ceiling == 0 {
		cfg.AttemptTimeout.Ceiling = -1 // off
	} else if cfg.AttemptTimeout.Floor > cfg.AttemptTimeout.Ceiling {
		errs = append(errs, errors.New("ATTEMPT_TIMEOUT_FLOOR: must not exceed ATTEMPT_TIMEOUT_CEILING"))
	}
	seed, err := strconv.ParseInt(get("SANDBOX_SEED"), 10, 64)
	if err != nil {
		errs = append(errs, fmt.Errorf("SANDBOX_SEED: want an integer"))
	}
	cfg.SandboxSeed = seed
	for _, o := range strings.Split(get("CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, strings.TrimRight(o, "/"))
		}
	}
	if cfg.ChangeRequestCodes, err = resolvers.ParseChangeRequestCodes(get("CLIENT_DATA_STATUS_CODES")); err != nil {
		errs = append(errs, fmt.Errorf("CLIENT_DATA_STATUS_CODES: %w", err))
	}
	if cfg.ClientDataExportColumns, err = clientdata.ParseExportColumns(get("CLIENT_DATA_EXPORT_COLUMNS")); err != nil {
		errs = append(errs, fmt.Errorf("CLIENT_DATA_EXPORT_COLUMNS: %w", err))
	}
	if cfg.ClientDataPaths, err = resolvers.ParseClientDataPaths(get("CLIENT_DATA_PATHS")); err != nil {
		errs = append(errs, fmt.Errorf("CLIENT_DATA_PATHS: %w", err))
	}
	cfg.CirrusTrailingSlash = boolean("CIRRUS_TRAILING_SLASH")
	switch cfg.CirrusMaskPlacement = get("CIRRUS_MASK_PLACEMENT"); cfg.CirrusMaskPlacement {
	case "envelope", "item":
	default:
		errs = append(errs, fmt.Errorf("CIRRUS_MASK_PLACEMENT: want envelope or item, got %q", cfg.CirrusMaskPlacement))
	}
	if cfg.CirrusMaxPerPage = integer("CIRRUS_MAX_PER_PAGE"); cfg.CirrusMaxPerPage < 1 || cfg.CirrusMaxPerPage > 50 {
		errs = append(errs, fmt.Errorf("CIRRUS_MAX_PER_PAGE: want 1 to 50, got %q", get("CIRRUS_MAX_PER_PAGE")))
	}
	if cfg.Systems, err = resolvers.ParseSystems(get("EXTERNAL_SYSTEMS"), get("CIRRUS_EXTERNALKEY")); err != nil {
		errs = append(errs, fmt.Errorf("EXTERNAL_SYSTEMS: %w", err))
	}
	if cfg.SandboxVariant, err = sandbox.ParseVariant(get("SANDBOX_VARIANT")); err != nil {
		errs = append(errs, fmt.Errorf("SANDBOX_VARIANT: %w", err))
	}
	if cfg.SandboxFaults, err = sandbox.ParseFaults(get("SANDBOX_FAULTS")); err != nil {
		errs = append(errs, fmt.Errorf("SANDBOX_FAULTS: %w", err))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("LOG_LEVEL: want debug, info, warn or error"))
	}
	if cfg.PersistedQueries, err = persisted.ParseMode(get("PERSISTED_QUERIES")); err != nil {
		errs = append(errs, fmt.Errorf("PERSISTED_QUERIES: %w", err))
	}
	if (cfg.PersistedQueries == persisted.ModeSafelist || cfg.PersistedQueries == persisted.ModeLogUnknown) && cfg.ManifestPath == "" {
		errs = append(errs, errors.New("PERSISTED_QUERIES="+get("PERSISTED_QUERIES")+" needs PERSISTED_QUERIES_MANIFEST"))
	}
	if !cfg.Sandbox {
		var missing []string
		for name, b := range map[string]Backend{"CIRRUS": cfg.Cirrus, "CONE": cfg.Cone, "CLIENT_DATA": cfg.ClientData, "SUPPORT": cfg.Support} {
			if !b.Configured() {
				missing = append(missing, name+"_URL")
			}
		}
		if len(missing) > 0 {
			slices.Sort(missing)
			errs = append(errs, fmt.Errorf("SANDBOX=off but %s not set: configure every backend or allow sandboxes", strings.Join(missing, ", ")))
		}
	}
	allSandboxed := !cfg.Cirrus.Configured() && !cfg.Cone.Configured() && !cfg.ClientData.Configured() && !cfg.Support.Configured()
	if cfg.Support.Configured() && (cfg.Support.AppID == "" || cfg.Support.Consumer == "") {
		errs = append(errs, errors.New("SUPPORT_URL needs SUPPORT_APP_ID and SUPPORT_CONSUMER_ID"))
	}
	// On/off settings whose default depends on the deployment.
	defaultOr := func(env string, def bool) bool {
		if get(env) == "" {
			return def
		}
		return boolean(env)
	}
	cfg.Introspection = defaultOr("INTROSPECTION", allSandboxed)
	cfg.TraceExtension = defaultOr("TRACE_EXTENSION", allSandboxed)
	switch v := get("CLIENT_DATA_ANONYMOUS"); v {
	case "":
		cfg.ClientDataServiceForAnonymous = !cfg.ClientData.Configured()
	case "service":
		cfg.ClientDataServiceForAnonymous = true
	case "deny":
	default:
		errs = append(errs, fmt.Errorf("CLIENT_DATA_ANONYMOUS: want deny or service, got %q", v))
	}
	cfg.ShutdownDelay = 5 * time.Second
	if allSandboxed {
		cfg.ShutdownDelay = 0
	}
	if get("SHUTDOWN_DELAY") != "" {
		cfg.ShutdownDelay = duration("SHUTDOWN_DELAY")
	}
	if cfg.RequestTimeout == 0 {
		errs = append(errs, errors.New("REQUEST_TIMEOUT: must be more than 0"))
	}
	return cfg, errors.Join(errs...)
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	gqltransport "github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/clientdata"
	"crmgraph/backends/cone"
	"crmgraph/backends/sandbox"
	"crmgraph/backends/support"
	"crmgraph/cache"
	"crmgraph/gqlhttp"
	"crmgraph/graph"
	"crmgraph/limits"
	"crmgraph/persisted"
	"crmgraph/playground"
	"crmgraph/probe"
	"crmgraph/resolvers"
	"crmgraph/transport"
)

// App is the composition root: config → clients → cache → handler → http.Server.
type App struct {
	cfg      Config
	log      *slog.Logger
	registry *prometheus.Registry
	handler  http.Handler
	redis    *redis.Client
	cache    *cache.Cache
	tracer   *sdktrace.TracerProvider
	health   *health
	deps     resolvers.Deps
	sandbox  *http.Server
	// SandboxURL is the loopback URL of the embedded sandboxes ("" when none runs).
	SandboxURL string
	cancel     context.CancelFunc
	closeOnce  sync.Once
}

// NewApp builds everything crmgraph serves. Close releases it.
func NewApp(ctx context.Context, cfg Config, log *slog.Logger) (_ *App, err error) {
	ctx, cancel := context.WithCancel(ctx)
	a := &App{cfg: cfg, log: log, registry: prometheus.NewRegistry(), cancel: cancel}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if err := a.startSandboxes(); err != nil {
		return nil, err
	}
	cfg = a.cfg
	if cfg.ClientDataForwardAuth && cfg.ClientDataServiceForAnonymous {
		log.Warn("client-data: callers without a bearer token act with the service token (CLIENT_DATA_ANONYMOUS=service)")
	}
	if cfg.TraceExtension {
		log.Info("X-Crmgraph-Trace is honoured for every caller (TRACE_EXTENSION=on)")
	}

	// Spans are recorded only when something exports them; without OTLP_ENDPOINT the
	// caller's trace context still reaches the backends (the propagator alone).
	var tracerProvider trace.TracerProvider
	if cfg.OTLPEndpoint != "" {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.OTLPEndpoint))
		if err != nil {
			return nil, fmt.Errorf("otlp exporter: %w", err)
		}
		a.tracer = sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
		tracerProvider = a.tracer
	}
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

	metrics := transport.NewMetrics(a.registry)
	base := transport.DefaultBase()
	a.health = newHealth(log)
	breakerChanged := func(backend, from, to string) {
		level := slog.LevelWarn
		if to == transport.BreakerClosed {
			level = slog.LevelInfo
		}
		log.Log(ctx, level, "circuit breaker "+to, "backend", backend, "was", from)
	}
	httpClient := func(backend string, b Backend) *http.Client {
		u, _ := url.Parse(b.URL)
		rt := transport.New(base, transport.Options{
			Backend: backend, BasePath: u.Path, Metrics: metrics, Tracer: tracerProvider, Propagator: prop,
			MaxConcurrent: b.MaxConcurrency, Breaker: b.Breaker, AttemptTimeout: cfg.AttemptTimeout,
			OnStateChange: breakerChanged,
		})
		obs := &observing{next: rt, backend: backend, health: a.health}
		if backend == clientdata.Backend {
			obs.callerAuth = func(r *http.Request) bool { return clientdata.CallerBearer(r.Context()) }
		}
		return &http.Client{Transport: obs, CheckRedirect: transport.NoRedirects}
	}
	deps := resolvers.Deps{
		Cirrus: cirrus.New(cirrus.Config{BaseURL: cfg.Cirrus.URL, Token: cfg.Cirrus.Token,
			HTTP: httpClient("cirrus", cfg.Cirrus), Timeout: cfg.Cirrus.Timeout,
			MaskPlacement: cfg.CirrusMaskPlacement, TrailingSlash: cfg.CirrusTrailingSlash, MaxPerPage: cfg.CirrusMaxPerPage}),
		Cone: cone.New(cone.Config{BaseURL: cfg.Cone.URL, Token: cfg.Cone.Token,
			HTTP: httpClient("cone", cfg.Cone), Timeout: cfg.Cone.Timeout, InValues: cfg.Cone.InValues}),
		ClientData: clientdata.New(clientdata.Config{BaseURL: cfg.ClientData.URL, Token: cfg.ClientData.Token,
			HTTP: httpClient("clientdata", cfg.ClientData), Timeout: cfg.ClientData.Timeout,
			ServiceForAnonymous: cfg.ClientDataServiceForAnonymous,
			PageSize:            int32(cfg.ClientDataPageSize), ZeroBasedPages: cfg.ClientDataPageBase == 0,
			ExportPolls: cfg.ClientDataExportPolls, ExportColumns: cfg.ClientDataExportColumns}),
		Support: support.New(support.Config{BaseURL: cfg.Support.URL, Token: cfg.Support.Token, AppID: cfg.Support.AppID,
			ConsumerID: cfg.Support.Consumer, HTTP: httpClient("support", cfg.Support), Timeout: cfg.Support.Timeout}),
		Scopes: map[string]string{
			"cirrus":     fingerprint(cfg.Cirrus.URL, cfg.Cirrus.Token),
			"cone":       fingerprint(cfg.Cone.URL, cfg.Cone.Token),
			"clientdata": fingerprint(cfg.ClientData.URL, cfg.ClientData.Token),
			"support":    fingerprint(cfg.Support.URL, cfg.Support.Token, cfg.Support.AppID, cfg.Support.Consumer),
		},
		Log:         log,
		Registerer:  a.registry,
		Dataloaders: cfg.Dataloaders,
		Systems:     cfg.Systems,

		ClientDataPaths:    cfg.ClientDataPaths,
		ChangeRequestCodes: cfg.ChangeRequestCodes,
	}

	if cfg.RedisURL != "" {
		o, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, errors.New("REDIS_URL: not a redis:// URL")
		}
		o.ContextTimeoutEnabled = true
		o.DialTimeout, o.ReadTimeout, o.WriteTimeout = 500*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
		o.MaxRetries = 1
		o.DialerRetries = 1
		a.redis = redis.NewClient(o)
	}
	a.cache = cache.New(cache.Config{Redis: a.redis, Prefix: cfg.RedisKeyPrefix, Registerer: a.registry, Logger: log})
	go a.cache.Run(ctx)
	deps.Cache = a.cache

	a.deps = deps
	a.addProbes(deps)
	res := resolvers.New(deps)
	gql, err := a.graphQL(res, prop)
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("/", playground.Handler(playground.Config{Endpoint: "/graphql", Title: "crmgraph", Tabs: exampleTabs, HeaderEditor: true}))
	a.handler = requestLog(log, mux)
	return a, nil
}

// startSandboxes serves the simulated CRMs on loopback for every backend without a URL.
func (a *App) startSandboxes() error {
	cfg := &a.cfg
	need := !cfg.Cirrus.Configured() || !cfg.Cone.Configured() || !cfg.ClientData.Configured() || !cfg.Support.Configured()
	if !need {
		return nil
	}
	if !cfg.Sandbox {
		return errors.New("SANDBOX=off and not every backend is configured")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("sandbox listener: %w", err)
	}
	h := sandbox.New(sandbox.Config{Seed: cfg.SandboxSeed, Token: cfg.SandboxToken,
		Latency: cfg.SandboxLatency, Faults: cfg.SandboxFaults, Variant: cfg.SandboxVariant})
	a.sandbox = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.sandbox.Serve(ln) }()
	a.SandboxURL = "http://" + ln.Addr().String()
	use := func(b *Backend, mount string) {
		if !b.Configured() {
			b.URL, b.Token, b.Sandboxed = a.SandboxURL+mount, cfg.SandboxToken, true
		}
	}
	use(&cfg.Cirrus, sandbox.CirrusPath)
	use(&cfg.Cone, sandbox.ConePath)
	use(&cfg.ClientData, sandbox.ClientDataPath)
	if !cfg.Support.Configured() {
		b := &cfg.Support
		b.URL, b.Token, b.AppID, b.Consumer, b.Sandboxed = a.SandboxURL+sandbox.SupportPath, cfg.SandboxToken, sandbox.SupportAppID, "sandbox-consumer", true
	}
	var sandboxed, real []string
	for _, b := range []struct {
		name string
		b    Backend
	}{{"CIRRUS", cfg.Cirrus}, {"CONE", cfg.Cone}, {"CLIENT_DATA", cfg.ClientData}, {"SUPPORT", cfg.Support}} {
		if b.b.Sandboxed {
			sandboxed = append(sandboxed, b.name)
		} else {
			real = append(real, b.name)
		}
	}
	if len(real) > 0 {
		// Half-configured is easy to miss: say loudly which backends are simulated.
		a.log.Warn("some backends are simulated: set their *_URL (or SANDBOX=off to refuse)", "sandboxes", sandboxed, "configured", real)
	}
	a.log.Info("sandbox backends started on loopback", "sandboxes", sandboxed, "seed", cfg.SandboxSeed)
	return nil
}

// use adds a gqlgen extension to srv. The leaf fields of graph/generated.go marshal
// their value without gqlgen's field middleware (internal/gqlgenpost), so an extension
// that intercepts fields would miss them: it is refused. Add extensions only here.
func use(srv *handler.Server, ext graphql.HandlerExtension) {
	if _, ok := ext.(graphql.FieldInterceptor); ok {
		panic(fmt.Sprintf("%T intercepts fields, which graph/generated.go's leaf fast paths skip (see internal/gqlgenpost)", ext))
	}
	srv.Use(ext)
}

// graphQL builds the /graphql handler: gqlgen server with limits, persisted queries,
// error presenter, and the per-request middleware (call recorder, loaders, caller identity).
func (a *App) graphQL(res *resolvers.Resolver, prop propagation.TextMapPropagator) (http.Handler, error) {
	cfg := a.cfg
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: res.Roots(), Complexity: resolvers.Complexity()}))
	srv.AddTransport(gqltransport.Options{})
	srv.AddTransport(gqlhttp.GET{})
	// @defer is advertised by introspection: clients that accept multipart/mixed (Apollo
	// Client, urql) get the deferred parts incrementally. Before POST, which would claim them.
	srv.AddTransport(gqltransport.MultipartMixed{})
	srv.AddTransport(gqlhttp.POST{MaxBatch: cfg.MaxBatch})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	// gqlparser's field-merging rule is quadratic: documents that would make it spin are
	// refused before it runs.
	srv.SetValidationRulesFn(func() *rules.Rules {
		return limits.BoundedFieldMerging(rules.NewDefaultRules(), limits.DefaultMaxMergeWork)
	})
	if cfg.TokenLimit > 0 {
		srv.SetParserTokenLimit(cfg.TokenLimit)
	}
	if cfg.Introspection {
		use(srv, extension.Introspection{})
	}
	srv.SetDisableSuggestion(!cfg.Introspection)

	apq := persisted.NewStore(persisted.StoreConfig{Redis: a.redis, Prefix: cfg.RedisKeyPrefix, Size: 10000, Logger: a.log})
	var manifest *persisted.Manifest
	if cfg.ManifestPath != "" {
		m, err := persisted.LoadManifest(cfg.ManifestPath)
		if err != nil {
			return nil, fmt.Errorf("PERSISTED_QUERIES_MANIFEST: %w", err)
		}
		manifest = m
	}
	use(srv, persisted.Extension{Mode: cfg.PersistedQueries, Manifest: manifest, Cache: apq, Logger: a.log})
	if cfg.ComplexityLimit > 0 {
		use(srv, &limits.Complexity{Max: cfg.ComplexityLimit})
	}
	if cfg.DepthLimit > 0 {
		use(srv, limits.Depth{Max: cfg.DepthLimit})
	}
	if cfg.MaxBackendCalls > 0 {
		use(srv, &limits.Calls{Max: cfg.MaxBackendCalls, Cost: resolvers.CallCost(resolvers.PageCaps{
			CirrusPerPage: a.deps.Cirrus.PerPage(), ClientDataSearch: int(a.deps.ClientData.PageSize())})})
	}
	srv.SetErrorPresenter(resolvers.ErrorPresenter(a.log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		a.log.ErrorContext(ctx, "resolver panic", "panic", fmt.Sprint(v), "request_id", requestID(ctx))
		return errors.New("internal error")
	})
	// Collected fields and look-ahead answers are kept per operation (graph/opcache.go).
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(graph.WithOperationCache(ctx))
	})
	ops := newOperationMetrics(a.registry)
	if a.tracer != nil {
		a.traceOperations(srv)
	}
	// Every response, executed or rejected before execution (parse, validation, limits,
	// persisted-query misses): metrics and the X-Crmgraph-Trace extension.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return nil
		}
		// A rejected request has no data at all (not even null).
		name, executed := "anonymous", len(resp.Data) > 0
		if graphql.HasOperationContext(ctx) {
			name = operationName(graphql.GetOperationContext(ctx))
		}
		ops.observe(name, executed, resp)
		if cfg.TraceExtension && traceRequested(ctx) {
			if rec := transport.RecorderFrom(ctx); rec != nil {
				if resp.Extensions == nil {
					resp.Extensions = map[string]any{}
				}
				resp.Extensions["trace"] = map[string]any{"backendCalls": rec.Calls()}
			}
		}
		return resp
	})

	var h http.Handler = persisted.Middleware(srv)
	h = res.Middleware(h)
	h = withCallerIdentity(cfg.ClientDataForwardAuth, h)
	h = withRecorder(prop, h)
	h = withBudgets(cfg.RequestTimeout, cfg.MaxBackendCalls, h)
	h = gqlhttp.Guard(gqlhttp.Limits{MaxBodyBytes: int64(cfg.MaxRequestBytes), BodyReadTimeout: cfg.BodyReadTimeout, MaxBatch: cfg.MaxBatch},
		func(*http.Request, string) { ops.rejected() }, h)
	return cors(cfg.CORSOrigins, cfg.CORSHeaders, gzipResponses(noStore(h))), nil
}

// traceOperations gives each operation a server span (only when spans are exported).
func (a *App) traceOperations(srv *handler.Server) {
	tracer := a.tracer.Tracer("crmgraph")
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ctx, span := tracer.Start(ctx, "graphql "+operationName(graphql.GetOperationContext(ctx)), trace.WithSpanKind(trace.SpanKindServer))
		respond := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := respond(ctx)
			if resp != nil && len(resp.Errors) > 0 {
				span.SetAttributes(errorCountAttr(len(resp.Errors)))
			}
			span.End()
			return resp
		}
	})
}

// ListenAndServe serves on cfg.Addr until ctx ends, then shuts down gracefully.
func (a *App) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return err
	}
	return a.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down: /readyz fails at once while
// requests are still served for ShutdownDelay (load balancers stop sending), then the
// listener closes and in-flight requests get ShutdownTimeout to finish; those still
// running are then cancelled, so they answer with a SHUTTING_DOWN error rather than a
// cut connection. A clean shutdown returns nil.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	if a.cfg.DebugAddr != "" {
		dl, err := net.Listen("tcp", a.cfg.DebugAddr)
		if err != nil {
			return fmt.Errorf("DEBUG_ADDR: %w", err)
		}
		go a.serveDebug(ctx, dl)
	}
	base, cancelRequests := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelRequests(nil)
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		BaseContext: func(net.Listener) context.Context { return base }}
	a.log.Info("crmgraph listening", "addr", ln.Addr().String(), "graphiql", "http://"+displayAddr(ln.Addr())+"/")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.health.drain()
	a.log.Info("shutting down", "readiness_delay", a.cfg.ShutdownDelay.String(), "drain", a.cfg.ShutdownTimeout.String())
	if a.cfg.ShutdownDelay > 0 {
		t := time.NewTimer(a.cfg.ShutdownDelay)
		select {
		case <-t.C:
		case err := <-errc:
			t.Stop()
			return err
		}
	}
	drain, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(drain)
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// The drain is over: what still runs is answered now with an error.
	a.log.Warn("drain timeout: cancelling in-flight requests")
	cancelRequests(resolvers.ErrShuttingDown)
	last, cancelLast := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancelLast()
	if err := srv.Shutdown(last); err != nil {
		return srv.Close()
	}
	return nil
}

// ProbeTargets are the backend clients, for crmgraph probe.
func (a *App) ProbeTargets() probe.Targets {
	return probe.Targets{Cirrus: a.deps.Cirrus, Cone: a.deps.Cone, ClientData: a.deps.ClientData, Support: a.deps.Support,
		ClientDataMember: a.cfg.ClientDataProbeMemberToken}
}

// Handler is the whole HTTP surface (for tests and embedding).
func (a *App) Handler() http.Handler { return a.handler }

// Registry is the Prometheus registry behind /metrics.
func (a *App) Registry() *prometheus.Registry { return a.registry }

// Close stops background work and the embedded sandboxes, and flushes traces. It may be
// called more than once.
func (a *App) Close() {
	a.closeOnce.Do(a.close)
}

func (a *App) close() {
	a.cancel()
	if a.cache != nil {
		a.cache.Close()
	}
	if a.redis != nil {
		_ = a.redis.Close()
	}
	if a.sandbox != nil {
		_ = a.sandbox.Close()
	}
	if a.tracer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = a.tracer.Shutdown(ctx)
		cancel()
	}
}

// readyz answers 200 while crmgraph can serve (see health.readiness) and 503 when it
// cannot or is shutting down; the JSON body says per backend what is known, and a
// Redis outage as degraded (requests still succeed without it).
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	a.health.probeStale(ctx, readinessProbeInterval)
	rd := a.health.readiness()
	if a.redis != nil {
		rd.Redis = "ok"
		if err := a.redis.Ping(ctx).Err(); err != nil {
			rd.Redis = "unreachable"
			rd.Degraded = append(rd.Degraded, "redis: unreachable (in-process cache only)")
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !rd.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(rd)
}

// readinessProbeInterval: a backend with no outcome for this long is probed by /readyz.
const readinessProbeInterval = 10 * time.Second

// addProbes registers every backend with the health tracker, with a cheap read each
// (reference lists, one page of one customer) for /readyz to use when traffic is quiet.
func (a *App) addProbes(d resolvers.Deps) {
	c := a.cfg
	a.health.add("cirrus", c.Cirrus.Sandboxed, func(ctx context.Context) error {
		_, err := d.Cirrus.AccountTypes(ctx)
		return err
	})
	a.health.add("cone", c.Cone.Sandboxed, func(ctx context.Context) error {
		_, err := d.Cone.Stages(ctx)
		return err
	})
	a.health.add("clientdata", c.ClientData.Sandboxed, func(ctx context.Context) error {
		_, err := d.ClientData.ChangeRequestStatuses(ctx)
		return err
	})
	a.health.add("support", c.Support.Sandboxed, func(ctx context.Context) error {
		_, err := d.Support.Customers(ctx, support.ListQuery{Limit: 1, Fields: []string{"id"}})
		return err
	})
}

// fingerprint names a credential in cache keys without revealing it.
func fingerprint(parts ...string) string {
	return resolvers.Fingerprint(strings.Join(parts, "\x00"))
}

func displayAddr(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

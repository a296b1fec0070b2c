package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	"crmgraph/graph"
	"crmgraph/limits"
	"crmgraph/persisted"
	"crmgraph/playground"
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

	opts := []sdktrace.TracerProviderOption{}
	if cfg.OTLPEndpoint != "" {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.OTLPEndpoint))
		if err != nil {
			return nil, fmt.Errorf("otlp exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	a.tracer = sdktrace.NewTracerProvider(opts...)
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

	metrics := transport.NewMetrics(a.registry)
	base := transport.DefaultBase()
	httpClient := func(backend, baseURL string) *http.Client {
		u, _ := url.Parse(baseURL)
		return &http.Client{Transport: transport.New(base, transport.Options{
			Backend: backend, BasePath: u.Path, Metrics: metrics, Tracer: a.tracer, Propagator: prop,
		}), CheckRedirect: transport.NoRedirects}
	}
	deps := resolvers.Deps{
		Cirrus: cirrus.New(cirrus.Config{BaseURL: cfg.Cirrus.URL, Token: cfg.Cirrus.Token,
			HTTP: httpClient("cirrus", cfg.Cirrus.URL), Timeout: cfg.Cirrus.Timeout}),
		Cone: cone.New(cone.Config{BaseURL: cfg.Cone.URL, Token: cfg.Cone.Token,
			HTTP: httpClient("cone", cfg.Cone.URL), Timeout: cfg.Cone.Timeout}),
		ClientData: clientdata.New(clientdata.Config{BaseURL: cfg.ClientData.URL, Token: cfg.ClientData.Token,
			HTTP: httpClient("clientdata", cfg.ClientData.URL), Timeout: cfg.ClientData.Timeout}),
		Support: support.New(support.Config{BaseURL: cfg.Support.URL, Token: cfg.Support.Token, AppID: cfg.Support.AppID,
			ConsumerID: cfg.Support.Consumer, HTTP: httpClient("support", cfg.Support.URL), Timeout: cfg.Support.Timeout}),
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
		Latency: cfg.SandboxLatency, Faults: cfg.SandboxFaults})
	a.sandbox = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.sandbox.Serve(ln) }()
	a.SandboxURL = "http://" + ln.Addr().String()
	use := func(b *Backend, mount string) {
		if !b.Configured() {
			*b = Backend{URL: a.SandboxURL + mount, Token: cfg.SandboxToken, Timeout: b.Timeout, Sandboxed: true}
		}
	}
	use(&cfg.Cirrus, sandbox.CirrusPath)
	use(&cfg.Cone, sandbox.ConePath)
	use(&cfg.ClientData, sandbox.ClientDataPath)
	if !cfg.Support.Configured() {
		cfg.Support = Backend{URL: a.SandboxURL + sandbox.SupportPath, Token: cfg.SandboxToken, AppID: sandbox.SupportAppID,
			Consumer: "sandbox-consumer", Timeout: cfg.Support.Timeout, Sandboxed: true}
	}
	a.log.Info("sandbox backends started on loopback", "seed", cfg.SandboxSeed)
	return nil
}

// graphQL builds the /graphql handler: gqlgen server with limits, persisted queries,
// error presenter, and the per-request middleware (call recorder, loaders, caller identity).
func (a *App) graphQL(res *resolvers.Resolver, prop propagation.TextMapPropagator) (http.Handler, error) {
	cfg := a.cfg
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: res, Complexity: resolvers.Complexity()}))
	srv.AddTransport(gqltransport.Options{})
	srv.AddTransport(gqltransport.GET{})
	srv.AddTransport(gqltransport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if cfg.TokenLimit > 0 {
		srv.SetParserTokenLimit(cfg.TokenLimit)
	}
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
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
	srv.Use(persisted.Extension{Mode: cfg.PersistedQueries, Manifest: manifest, Cache: apq, Logger: a.log})
	if cfg.ComplexityLimit > 0 {
		srv.Use(extension.FixedComplexityLimit(cfg.ComplexityLimit))
	}
	if cfg.DepthLimit > 0 {
		srv.Use(limits.Depth{Max: cfg.DepthLimit})
	}
	srv.SetErrorPresenter(resolvers.ErrorPresenter(a.log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		a.log.ErrorContext(ctx, "resolver panic", "panic", fmt.Sprint(v), "request_id", requestID(ctx))
		return errors.New("internal error")
	})
	ops := newOperationMetrics(a.registry)
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
		if traceRequested(ctx) {
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
	h = limitBody(cfg.MaxRequestBytes, h)
	return cors(cfg.CORSOrigins, gzipResponses(noStore(h))), nil
}

// ListenAndServe serves on cfg.Addr until ctx ends, then shuts down gracefully.
func (a *App) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return err
	}
	return a.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends; in-flight requests then get up to 15s to finish.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	a.log.Info("crmgraph listening", "addr", ln.Addr().String(), "graphiql", "http://"+displayAddr(ln.Addr())+"/")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	a.log.Info("shutting down")
	return srv.Shutdown(shutdownCtx)
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

func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var problems []string
	for name, b := range map[string]Backend{"cirrus": a.cfg.Cirrus, "cone": a.cfg.Cone, "clientdata": a.cfg.ClientData, "support": a.cfg.Support} {
		if !b.Configured() {
			problems = append(problems, name+": not configured")
		}
	}
	if a.redis != nil {
		if err := a.redis.Ping(ctx).Err(); err != nil {
			problems = append(problems, "redis: unreachable")
		}
	}
	if len(problems) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, strings.Join(problems, "\n")+"\n")
		return
	}
	_, _ = io.WriteString(w, "ready\n")
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

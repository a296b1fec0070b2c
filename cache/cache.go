// Package cache reads reference lists (statuses, types, stages) through two tiers: a
// short-lived in-process copy over a longer-lived copy in Redis shared by all replicas,
// with one load per key at a time, stale-while-refresh, and invalidation that reaches
// every replica through Redis pub/sub. Redis is an optimisation: when it fails, the
// in-process tier and the loader still answer.
//
// Redis layout (all keys of one list share a cluster hash slot):
//
//	<prefix>:ref:{<backend>:<name>}     hash, field "<scope> <language>" → JSON envelope
//	<prefix>:refgen:{<backend>:<name>}  generation, INCR'd by Invalidate
//	<prefix>:ref:invalidate             pub/sub channel of invalidations
//
// A write is applied only if the generation is still the one read before the load, so a
// load that raced an invalidation never puts the old list back.
package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"
)

// Defaults of Config.
const (
	DefaultPrefix      = "crmgraph"
	DefaultLocalTTL    = 30 * time.Second
	DefaultRemoteTTL   = 10 * time.Minute
	DefaultStaleFor    = time.Hour
	DefaultLoadTimeout = 10 * time.Second
)

const (
	// After a Redis error, Redis is left alone for this long: a down Redis must not add a
	// failed round trip (or a timeout) to every request.
	redisRetryInterval = 2 * time.Second
	// A failed background refresh is not retried before this, so a failing backend is not
	// called on every request while the stale value is served.
	refreshBackoff = 5 * time.Second
	// Redis-down warnings are logged at most this often.
	warnInterval = time.Minute
	// Local entries past their stale limit are swept every this many stores.
	sweepEvery = 256
)

// Results of crmgraph_cache_requests_total.
const (
	resultHit   = "hit"
	resultMiss  = "miss"
	resultStale = "stale"
	resultError = "error"
)

// Config configures a Cache. The zero value of every field but Redis has a default.
type Config struct {
	// Redis is the shared tier; nil keeps the cache in-process only. Build it with
	// ContextTimeoutEnabled and short timeouts: every Redis error falls back locally.
	Redis *redis.Client
	// Prefix starts every Redis key and channel name (default "crmgraph").
	Prefix string
	// LocalTTL is how long an in-process copy is used before Redis is asked again
	// (default 30s). It also bounds how long a replica that missed an invalidation
	// message serves the old list.
	LocalTTL time.Duration
	// RemoteTTL is how long a loaded list is fresh (default 10m).
	RemoteTTL time.Duration
	// StaleFor is how long past RemoteTTL a list may still be served while one refresh
	// runs (default 1h).
	StaleFor time.Duration
	// LoadTimeout bounds a load; loads run detached from the request that triggered them
	// so one caller's cancellation does not fail the others (default 10s).
	LoadTimeout time.Duration
	// Registerer receives crmgraph_cache_requests_total; nil registers nothing.
	Registerer prometheus.Registerer
	// Logger receives Redis-down warnings; nil discards them.
	Logger *slog.Logger
}

// Key names one cached list. Every field is part of the cache key, so a list cached for
// one backend, tenant or language is never served to another.
type Key struct {
	Backend  string // "cirrus", "cone", "clientdata", "support"
	Scope    string // credential or tenant fingerprint: a hash the caller computes, never a raw token
	Language string // "" when the backend does not localize the list
	Name     string // "orderStatuses", …
}

func (k Key) list() list { return list{backend: k.Backend, name: k.Name} }

func (k Key) variant() variant { return variant{scope: k.Scope, language: k.Language} }

// list is what Invalidate addresses: every scope and language of one list.
type list struct{ backend, name string }

type variant struct{ scope, language string }

// envelope is a loaded list with its freshness, as stored in Redis.
type envelope struct {
	Value      []byte    `json:"v"`
	FreshUntil time.Time `json:"f"`
	StaleUntil time.Time `json:"s"`
}

// entry is the in-process copy of an envelope.
type entry struct {
	envelope
	checkAt    time.Time // after this, ask Redis before using the copy
	refreshing bool      // one background refresh is running
	retryAt    time.Time // no refresh before this (after a failed one)
}

// Cache is the two-tier reference-list cache. It is safe for concurrent use.
type Cache struct {
	rdb         *redis.Client
	prefix      string
	localTTL    time.Duration
	remoteTTL   time.Duration
	staleFor    time.Duration
	loadTimeout time.Duration
	log         *slog.Logger
	requests    *prometheus.CounterVec
	now         func() time.Time // replaced by tests: freshness is decided on this clock

	flight singleflight.Group

	// closing is closed by Close: it cancels background refreshes.
	closing   chan struct{}
	closeOnce sync.Once
	loads     sync.WaitGroup

	mu         sync.Mutex
	local      map[list]map[variant]*entry
	epochs     map[list]uint64 // bumped by every invalidation seen here
	stores     int
	redisUntil time.Time // Redis is skipped until then, after an error
	lastWarn   time.Time
	redisDown  bool
}

// New returns a Cache. Call Run to receive invalidations from other replicas and Close
// when done.
func New(cfg Config) *Cache {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.LocalTTL <= 0 {
		cfg.LocalTTL = DefaultLocalTTL
	}
	if cfg.RemoteTTL <= 0 {
		cfg.RemoteTTL = DefaultRemoteTTL
	}
	if cfg.StaleFor < 0 {
		cfg.StaleFor = 0
	} else if cfg.StaleFor == 0 {
		cfg.StaleFor = DefaultStaleFor
	}
	if cfg.LoadTimeout <= 0 {
		cfg.LoadTimeout = DefaultLoadTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "crmgraph_cache_requests_total",
		Help: "Reference-list cache lookups by list name and result (hit, miss, stale, error = a Redis error on the way).",
	}, []string{"cache", "result"})
	if cfg.Registerer != nil {
		if err := cfg.Registerer.Register(requests); err != nil {
			// A second Cache on the same registry shares the first one's counter.
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				if existing, ok := already.ExistingCollector.(*prometheus.CounterVec); ok {
					requests = existing
				}
			}
		}
	}
	return &Cache{
		rdb:         cfg.Redis,
		prefix:      cfg.Prefix,
		localTTL:    cfg.LocalTTL,
		remoteTTL:   cfg.RemoteTTL,
		staleFor:    cfg.StaleFor,
		loadTimeout: cfg.LoadTimeout,
		log:         cfg.Logger,
		requests:    requests,
		now:         time.Now,
		closing:     make(chan struct{}),
		local:       make(map[list]map[variant]*entry),
		epochs:      make(map[list]uint64),
	}
}

// Close stops background refreshes and waits for them. It does not close the Redis
// client, which belongs to the caller.
func (c *Cache) Close() {
	c.closeOnce.Do(func() { close(c.closing) })
	c.loads.Wait()
}

// Ping reports whether Redis answers; it is nil when the cache has no Redis.
func (c *Cache) Ping(ctx context.Context) error {
	if c.rdb == nil {
		return nil
	}
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("cache: redis ping: %w", err)
	}
	return nil
}

// Load is Get for any JSON-encodable type.
func Load[T any](ctx context.Context, c *Cache, key Key, load func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	b, err := c.Get(ctx, key, func(ctx context.Context) ([]byte, error) {
		v, err := load(ctx)
		if err != nil {
			return nil, err
		}
		return json.Marshal(v)
	})
	if err != nil {
		return zero, err
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return zero, fmt.Errorf("cache: decode %s/%s: %w", key.Backend, key.Name, err)
	}
	return v, nil
}

// Get returns the list key names: from the in-process tier, else from Redis, else from
// load, which runs once per key at a time however many callers wait for it. A list past
// its freshness but within StaleFor is returned at once while one background refresh
// runs. Load errors are returned, never cached; a failing refresh keeps the stale list.
// The returned slice is shared: do not modify it.
func (c *Cache) Get(ctx context.Context, key Key, load func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	if key.Backend == "" || key.Name == "" {
		return nil, errors.New("cache: key needs a backend and a name")
	}
	now := c.now()
	c.mu.Lock()
	e := c.localEntry(key, now)
	if e != nil && (c.rdb == nil || now.Before(e.checkAt) || now.Before(c.redisUntil)) {
		v, result := c.serveLocked(ctx, key, e, now, load)
		c.mu.Unlock()
		c.count(key, result)
		return v, nil
	}
	c.mu.Unlock()

	ch := c.flight.DoChan(c.flightKey(key), func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.loadTimeout)
		defer cancel()
		return c.fetch(ctx, key, load)
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			if f, ok := r.Val.(fetched); ok {
				c.count(key, f.result)
			}
			return nil, r.Err
		}
		f := r.Val.(fetched)
		c.count(key, f.result)
		return f.value, nil
	}
}

// fetched is what one shared fetch gives every caller waiting for it.
type fetched struct {
	value  []byte
	result string
}

// fetch asks Redis, then load. It runs once per key at a time.
func (c *Cache) fetch(ctx context.Context, key Key, load func(ctx context.Context) ([]byte, error)) (fetched, error) {
	lst := key.list()
	now := c.now()
	c.mu.Lock()
	// A fetch that finished just before this one started may have stored the list.
	if e := c.localEntry(key, now); e != nil && (c.rdb == nil || now.Before(e.checkAt)) {
		v, result := c.serveLocked(ctx, key, e, now, load)
		c.mu.Unlock()
		return fetched{v, result}, nil
	}
	epoch := c.epochs[lst]
	useRedis := c.rdb != nil && !now.Before(c.redisUntil)
	c.mu.Unlock()

	gen := int64(-1) // unknown: do not write to Redis
	redisFailed := false
	if useRedis {
		env, g, err := c.remoteGet(ctx, key)
		if err != nil {
			c.redisFailed(ctx, err)
			redisFailed = true
		} else {
			c.redisOK(ctx)
			gen = g
			now := c.now()
			if env != nil && now.Before(env.StaleUntil) {
				c.mu.Lock()
				defer c.mu.Unlock()
				e := c.storeLocked(key, *env, epoch, now)
				if now.Before(env.FreshUntil) {
					return fetched{env.Value, resultHit}, nil
				}
				if e != nil && !e.refreshing && !now.Before(e.retryAt) {
					e.refreshing = true
					c.refresh(ctx, key, load, gen, epoch)
				}
				return fetched{env.Value, resultStale}, nil
			}
		}
	}

	if redisFailed {
		// Redis is down: the in-process copy is still good, whatever its checkAt says.
		now := c.now()
		c.mu.Lock()
		if e := c.localEntry(key, now); e != nil {
			v, _ := c.serveLocked(ctx, key, e, now, load)
			c.mu.Unlock()
			return fetched{v, resultError}, nil
		}
		c.mu.Unlock()
	}

	result := resultMiss
	if redisFailed {
		result = resultError
	}
	env, err := c.loadAndStore(ctx, key, load, gen, epoch)
	if err != nil {
		return fetched{result: result}, err
	}
	return fetched{env.Value, result}, nil
}

// serveLocked returns an in-process copy, starting one refresh when it is stale.
func (c *Cache) serveLocked(ctx context.Context, key Key, e *entry, now time.Time, load func(ctx context.Context) ([]byte, error)) ([]byte, string) {
	if now.Before(e.FreshUntil) {
		return e.Value, resultHit
	}
	if !e.refreshing && !now.Before(e.retryAt) {
		e.refreshing = true
		c.refresh(ctx, key, load, -1, c.epochs[key.list()])
	}
	return e.Value, resultStale
}

// refresh reloads a stale list in the background, detached from the cancellation of the
// request that noticed it (keeping its values) and bounded by LoadTimeout and Close. gen
// is the Redis generation already read, or -1 to read it first. Callers hold c.mu.
func (c *Cache) refresh(reqCtx context.Context, key Key, load func(ctx context.Context) ([]byte, error), gen int64, epoch uint64) {
	c.loads.Add(1)
	go func() {
		defer c.loads.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), c.loadTimeout)
		defer cancel()
		go func() {
			select {
			case <-c.closing:
				cancel()
			case <-ctx.Done():
			}
		}()
		if gen < 0 {
			gen = c.freshFromRedis(ctx, key, epoch)
			if gen == -2 {
				return // another replica already refreshed it
			}
		}
		if _, err := c.loadAndStore(ctx, key, load, gen, epoch); err != nil {
			c.log.LogAttrs(ctx, slog.LevelWarn, "cache: refresh failed, serving the stale list",
				slog.String("backend", key.Backend), slog.String("list", key.Name), slog.String("error", err.Error()))
			now := c.now()
			c.mu.Lock()
			if e := c.localEntry(key, now); e != nil {
				e.refreshing = false
				e.retryAt = now.Add(refreshBackoff)
			}
			c.mu.Unlock()
		}
	}()
}

// freshFromRedis reads the generation for a refresh, and takes a fresh list from Redis
// when another replica already loaded one. It returns the generation, -1 when Redis
// could not say, or -2 when the fresh list from Redis now serves.
func (c *Cache) freshFromRedis(ctx context.Context, key Key, epoch uint64) int64 {
	c.mu.Lock()
	useRedis := c.rdb != nil && !c.now().Before(c.redisUntil)
	c.mu.Unlock()
	if !useRedis {
		return -1
	}
	env, gen, err := c.remoteGet(ctx, key)
	if err != nil {
		c.redisFailed(ctx, err)
		return -1
	}
	c.redisOK(ctx)
	now := c.now()
	if env != nil && now.Before(env.FreshUntil) {
		c.mu.Lock()
		c.storeLocked(key, *env, epoch, now)
		c.mu.Unlock()
		return -2
	}
	return gen
}

// loadAndStore calls load and stores its list in both tiers, unless an invalidation came
// in meanwhile (the epoch or the generation moved), in which case the list is returned
// but not kept.
func (c *Cache) loadAndStore(ctx context.Context, key Key, load func(ctx context.Context) ([]byte, error), gen int64, epoch uint64) (envelope, error) {
	v, err := load(ctx)
	if err != nil {
		return envelope{}, err
	}
	now := c.now()
	env := envelope{Value: v, FreshUntil: now.Add(c.remoteTTL), StaleUntil: now.Add(c.remoteTTL + c.staleFor)}
	if gen >= 0 {
		if err := c.remoteSet(ctx, key, env, gen); err != nil {
			c.redisFailed(ctx, err)
		} else {
			c.redisOK(ctx)
		}
	}
	c.mu.Lock()
	c.storeLocked(key, env, epoch, c.now())
	c.mu.Unlock()
	return env, nil
}

// localEntry returns the in-process copy of key, dropping it once past its stale limit.
// Callers hold c.mu.
func (c *Cache) localEntry(key Key, now time.Time) *entry {
	lst, v := key.list(), key.variant()
	e := c.local[lst][v]
	if e != nil && !now.Before(e.StaleUntil) {
		delete(c.local[lst], v)
		return nil
	}
	return e
}

// storeLocked keeps env in process unless an invalidation happened since epoch was read.
// Callers hold c.mu.
func (c *Cache) storeLocked(key Key, env envelope, epoch uint64, now time.Time) *entry {
	lst := key.list()
	if c.epochs[lst] != epoch {
		return nil
	}
	m := c.local[lst]
	if m == nil {
		m = make(map[variant]*entry)
		c.local[lst] = m
	}
	if old := m[key.variant()]; old != nil && old.FreshUntil.Equal(env.FreshUntil) {
		// The same load again (another caller came through Redis): keep its refresh
		// state, or a second refresh of the same stale list would start.
		old.checkAt = now.Add(c.localTTL)
		return old
	}
	e := &entry{envelope: env, checkAt: now.Add(c.localTTL)}
	m[key.variant()] = e
	c.stores++
	if c.stores%sweepEvery == 0 {
		c.sweepLocked(now)
	}
	return e
}

func (c *Cache) sweepLocked(now time.Time) {
	for lst, m := range c.local {
		for v, e := range m {
			if !now.Before(e.StaleUntil) {
				delete(m, v)
			}
		}
		if len(m) == 0 {
			delete(c.local, lst)
		}
	}
}

// Invalidate drops a list for every scope and language: here, in Redis, and (through
// pub/sub) in the in-process tier of every replica running Run. The local copy is
// dropped even when Redis fails; the error says the other replicas may keep theirs for
// up to LocalTTL.
func (c *Cache) Invalidate(ctx context.Context, backend, name string) error {
	lst := list{backend: backend, name: name}
	c.dropLocal(lst)
	if c.rdb == nil {
		return nil
	}
	_, err := c.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, c.genKey(lst))
		p.Del(ctx, c.listKey(lst))
		return nil
	})
	if err == nil {
		msg, _ := json.Marshal(invalidation{Backend: backend, Name: name})
		err = c.rdb.Publish(ctx, c.channel(), msg).Err()
	}
	if err != nil {
		c.redisFailed(ctx, err)
		return fmt.Errorf("cache: invalidate %s/%s in redis: %w", backend, name, err)
	}
	return nil
}

type invalidation struct {
	Backend string `json:"backend"`
	Name    string `json:"name"`
}

func (c *Cache) dropLocal(lst list) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epochs[lst]++
	delete(c.local, lst)
}

// Run listens for invalidations published by other replicas and drops their lists from
// the in-process tier. It returns when ctx ends; without Redis it just waits for that.
// Messages published while this replica is disconnected are lost: LocalTTL bounds how
// long it keeps serving the old copy.
func (c *Cache) Run(ctx context.Context) error {
	if c.rdb == nil {
		<-ctx.Done()
		return nil
	}
	ps := c.rdb.Subscribe(ctx, c.channel())
	defer func() { _ = ps.Close() }()
	msgs := ps.Channel()
	for {
		select {
		case <-ctx.Done():
			return nil
		case m, ok := <-msgs:
			if !ok {
				return nil
			}
			var inv invalidation
			if err := json.Unmarshal([]byte(m.Payload), &inv); err != nil {
				c.log.LogAttrs(ctx, slog.LevelWarn, "cache: bad invalidation message", slog.String("error", err.Error()))
				continue
			}
			c.dropLocal(list{backend: inv.Backend, name: inv.Name})
		}
	}
}

// remoteGet reads the generation and the envelope of key in one round trip. A missing
// or unreadable envelope is nil.
func (c *Cache) remoteGet(ctx context.Context, key Key) (*envelope, int64, error) {
	lst := key.list()
	var genCmd *redis.StringCmd
	var valCmd *redis.StringCmd
	_, err := c.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		genCmd = p.Get(ctx, c.genKey(lst))
		valCmd = p.HGet(ctx, c.listKey(lst), c.field(key))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, err
	}
	var gen int64
	if s, err := genCmd.Result(); err == nil {
		if gen, err = strconv.ParseInt(s, 10, 64); err != nil {
			return nil, 0, fmt.Errorf("generation %q: %w", s, err)
		}
	} else if !errors.Is(err, redis.Nil) {
		return nil, 0, err
	}
	raw, err := valCmd.Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, gen, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		// A value this version cannot read is a miss; the next load overwrites it.
		return nil, gen, nil
	}
	return &env, gen, nil
}

// setIfGeneration writes a list only if no invalidation bumped the generation since it
// was read, and keeps the hash until its newest list is past its stale limit.
var setIfGeneration = redis.NewScript(`
local g = redis.call('GET', KEYS[2]) or '0'
if g ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

func (c *Cache) remoteSet(ctx context.Context, key Key, env envelope, gen int64) error {
	raw, err := json.Marshal(env)
	if err != nil {
		return err
	}
	lst := key.list()
	ttl := c.remoteTTL + c.staleFor
	return setIfGeneration.Run(ctx, c.rdb,
		[]string{c.listKey(lst), c.genKey(lst)},
		strconv.FormatInt(gen, 10), c.field(key), raw, ttl.Milliseconds(),
	).Err()
}

// redisFailed skips Redis for a while and warns, at most once per warnInterval.
func (c *Cache) redisFailed(ctx context.Context, err error) {
	now := c.now()
	c.mu.Lock()
	c.redisUntil = now.Add(redisRetryInterval)
	c.redisDown = true
	warn := c.lastWarn.IsZero() || now.Sub(c.lastWarn) >= warnInterval
	if warn {
		c.lastWarn = now
	}
	c.mu.Unlock()
	if warn {
		c.log.LogAttrs(ctx, slog.LevelWarn,
			"cache: redis unavailable, serving from process memory and backends",
			slog.String("error", err.Error()))
	}
}

func (c *Cache) redisOK(ctx context.Context) {
	c.mu.Lock()
	was := c.redisDown
	c.redisDown = false
	c.mu.Unlock()
	if was {
		c.log.LogAttrs(ctx, slog.LevelInfo, "cache: redis reachable again")
	}
}

func (c *Cache) count(key Key, result string) {
	c.requests.WithLabelValues(key.Name, result).Inc()
}

func (c *Cache) flightKey(k Key) string {
	return esc(k.Backend) + " " + esc(k.Name) + " " + esc(k.Scope) + " " + esc(k.Language)
}

func (c *Cache) listKey(l list) string {
	return c.prefix + ":ref:{" + esc(l.backend) + ":" + esc(l.name) + "}"
}

func (c *Cache) genKey(l list) string {
	return c.prefix + ":refgen:{" + esc(l.backend) + ":" + esc(l.name) + "}"
}

func (c *Cache) field(k Key) string { return esc(k.Scope) + " " + esc(k.Language) }

func (c *Cache) channel() string { return c.prefix + ":ref:invalidate" }

// esc keeps separators out of key parts, so distinct keys never collide.
func esc(s string) string { return url.QueryEscape(s) }

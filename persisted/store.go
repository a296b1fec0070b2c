package persisted

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/redis/go-redis/v9"
)

// Defaults of StoreConfig.
const (
	DefaultStorePrefix = "crmgraph"
	DefaultStoreTTL    = 24 * time.Hour
	DefaultStoreSize   = 1000
)

const (
	// After a Redis error the store stays in process for this long, so a down Redis
	// costs one failed round trip now and then, not one per request.
	redisRetryInterval = 2 * time.Second
	warnInterval       = time.Minute
)

// StoreConfig configures a Store.
type StoreConfig struct {
	// Redis shares registrations between replicas; nil keeps them in process only.
	// Build it with ContextTimeoutEnabled and short timeouts.
	Redis *redis.Client
	// Prefix starts every key: "<prefix>:apq:<sha256>" (default "crmgraph").
	Prefix string
	// TTL is how long Redis keeps a document after its last registration or use
	// (default 24h).
	TTL time.Duration
	// Size bounds the in-process LRU (default 1000 documents).
	Size int
	// Logger receives Redis-down warnings; nil discards them.
	Logger *slog.Logger
}

// Store keeps APQ documents by sha256: an in-process LRU in front of Redis. It
// implements graphql.Cache[string], so it also fits gqlgen's
// extension.AutomaticPersistedQuery. Redis errors are never the request's failure: the
// store falls back to the LRU (a miss there makes the client send the text again).
type Store struct {
	rdb    *redis.Client
	prefix string
	ttl    time.Duration
	local  *lru.LRU[string]
	log    *slog.Logger
	now    func() time.Time

	mu         sync.Mutex
	redisUntil time.Time
	lastWarn   time.Time
}

var _ graphql.Cache[string] = (*Store)(nil)

// NewStore returns a Store; with cfg.Redis nil it is in-process only.
func NewStore(cfg StoreConfig) *Store {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultStorePrefix
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultStoreTTL
	}
	if cfg.Size <= 0 {
		cfg.Size = DefaultStoreSize
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Store{
		rdb:    cfg.Redis,
		prefix: cfg.Prefix,
		ttl:    cfg.TTL,
		local:  lru.New[string](cfg.Size),
		log:    cfg.Logger,
		now:    time.Now,
	}
}

// NewMemoryStore returns an in-process-only Store holding up to size documents.
func NewMemoryStore(size int) *Store { return NewStore(StoreConfig{Size: size}) }

// Get returns the document registered under hash.
func (s *Store) Get(ctx context.Context, hash string) (string, bool) {
	if q, ok := s.local.Get(ctx, hash); ok {
		return q, true
	}
	if !s.useRedis() {
		return "", false
	}
	// GETEX slides the expiry: documents in use stay, forgotten ones age out.
	q, err := s.rdb.GetEx(ctx, s.key(hash), s.ttl).Result()
	if errors.Is(err, redis.Nil) {
		return "", false
	}
	if err != nil {
		s.redisFailed(ctx, err)
		return "", false
	}
	s.local.Add(ctx, hash, q)
	return q, true
}

// Add registers query under hash. The caller has checked that hash is its sha256.
func (s *Store) Add(ctx context.Context, hash, query string) {
	s.local.Add(ctx, hash, query)
	if !s.useRedis() {
		return
	}
	if err := s.rdb.Set(ctx, s.key(hash), query, s.ttl).Err(); err != nil {
		s.redisFailed(ctx, err)
	}
}

// Ping reports whether Redis answers; nil for an in-process store.
func (s *Store) Ping(ctx context.Context) error {
	if s.rdb == nil {
		return nil
	}
	return s.rdb.Ping(ctx).Err()
}

func (s *Store) key(hash string) string { return s.prefix + ":apq:" + hash }

func (s *Store) useRedis() bool {
	if s.rdb == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.now().Before(s.redisUntil)
}

func (s *Store) redisFailed(ctx context.Context, err error) {
	now := s.now()
	s.mu.Lock()
	s.redisUntil = now.Add(redisRetryInterval)
	warn := s.lastWarn.IsZero() || now.Sub(s.lastWarn) >= warnInterval
	if warn {
		s.lastWarn = now
	}
	s.mu.Unlock()
	if warn {
		s.log.LogAttrs(ctx, slog.LevelWarn, "persisted: redis unavailable, APQ documents kept in process only",
			slog.String("error", err.Error()))
	}
}

package persisted

import (
	"container/list"
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/redis/go-redis/v9"
)

// Defaults of StoreConfig.
//
// Operations a client registers are a few hundred bytes to a few KB; 64 KB is far above
// any hand-written or generated operation, and documents in the store cost that much
// memory in every replica and in Redis. 16 MB in process holds a thousand typical
// documents with room to spare while bounding what unusual ones can take. A document
// registered and never asked for by hash again (one-off or hostile text) leaves Redis
// after an hour rather than a day.
const (
	DefaultStorePrefix      = "crmgraph"
	DefaultStoreTTL         = 24 * time.Hour
	DefaultStoreUnusedTTL   = time.Hour
	DefaultStoreSize        = 1000
	DefaultStoreBytes       = 16 << 20
	DefaultMaxDocumentBytes = 64 << 10
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
	// TTL is how long Redis keeps a document after its last use by hash (default 24h).
	TTL time.Duration
	// UnusedTTL is how long Redis keeps a document registered but not yet used by hash
	// (default 1h, at most TTL).
	UnusedTTL time.Duration
	// Size bounds the in-process LRU by documents (default 1000).
	Size int
	// MaxBytes bounds the in-process LRU by the bytes of its documents (default 16 MB).
	MaxBytes int
	// MaxDocumentBytes is the largest document Add stores (default 64 KB); a larger one
	// still runs, the client just sends its text each time.
	MaxDocumentBytes int
	// Logger receives Redis-down warnings; nil discards them.
	Logger *slog.Logger
}

// Store keeps APQ documents by sha256: an in-process LRU in front of Redis. It
// implements graphql.Cache[string], so it also fits gqlgen's
// extension.AutomaticPersistedQuery (which, unlike Extension, registers documents
// before they are parsed). Redis errors are never the request's failure: the store
// falls back to the LRU (a miss there makes the client send the text again).
type Store struct {
	rdb       *redis.Client
	prefix    string
	ttl       time.Duration
	unusedTTL time.Duration
	maxDoc    int
	local     *lruCache
	log       *slog.Logger
	now       func() time.Time

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
	if cfg.UnusedTTL <= 0 {
		cfg.UnusedTTL = DefaultStoreUnusedTTL
	}
	cfg.UnusedTTL = min(cfg.UnusedTTL, cfg.TTL)
	if cfg.Size <= 0 {
		cfg.Size = DefaultStoreSize
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultStoreBytes
	}
	if cfg.MaxDocumentBytes <= 0 {
		cfg.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Store{
		rdb:       cfg.Redis,
		prefix:    cfg.Prefix,
		ttl:       cfg.TTL,
		unusedTTL: cfg.UnusedTTL,
		maxDoc:    cfg.MaxDocumentBytes,
		local:     newLRUCache(cfg.Size, cfg.MaxBytes),
		log:       cfg.Logger,
		now:       time.Now,
	}
}

// NewMemoryStore returns an in-process-only Store holding up to size documents.
func NewMemoryStore(size int) *Store { return NewStore(StoreConfig{Size: size}) }

// Get returns the document registered under hash. The first use of a document
// registered here gives it the full TTL in Redis.
func (s *Store) Get(ctx context.Context, hash string) (string, bool) {
	if q, used, ok := s.local.get(hash); ok {
		if !used {
			s.markUsed(ctx, hash, q)
		}
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
	s.local.add(hash, q, true)
	return q, true
}

// Add registers query under hash. The caller has checked that hash is its sha256 (and,
// for Extension, that the document is valid). A document over MaxDocumentBytes is not
// stored.
func (s *Store) Add(ctx context.Context, hash, query string) {
	if len(query) > s.maxDoc {
		return
	}
	s.local.add(hash, query, false)
	if !s.useRedis() {
		return
	}
	if err := s.rdb.Set(ctx, s.key(hash), query, s.unusedTTL).Err(); err != nil {
		s.redisFailed(ctx, err)
	}
}

// markUsed extends a registered document's Redis entry to the full TTL once it is used
// by hash, storing it again if its short first TTL ran out.
func (s *Store) markUsed(ctx context.Context, hash, query string) {
	if !s.useRedis() {
		s.local.setUsed(hash)
		return
	}
	ok, err := s.rdb.Expire(ctx, s.key(hash), s.ttl).Result()
	if err == nil && !ok {
		err = s.rdb.Set(ctx, s.key(hash), query, s.ttl).Err()
	}
	if err != nil {
		s.redisFailed(ctx, err)
		return
	}
	s.local.setUsed(hash)
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

// lruCache is the in-process LRU, bounded by entries and by the bytes of its documents.
type lruCache struct {
	mu       sync.Mutex
	maxItems int
	maxBytes int
	bytes    int
	order    *list.List // of *lruEntry, most recently used first
	items    map[string]*list.Element
}

type lruEntry struct {
	hash, query string
	used        bool // asked for by hash since its registration
}

func (e *lruEntry) size() int { return len(e.hash) + len(e.query) }

func newLRUCache(maxItems, maxBytes int) *lruCache {
	return &lruCache{maxItems: maxItems, maxBytes: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lruCache) get(hash string) (query string, used, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[hash]
	if !ok {
		return "", false, false
	}
	c.order.MoveToFront(el)
	e := el.Value.(*lruEntry)
	return e.query, e.used, true
}

func (c *lruCache) add(hash, query string, used bool) {
	e := &lruEntry{hash: hash, query: query, used: used}
	if e.size() > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[hash]; ok {
		c.remove(el)
	}
	c.items[hash] = c.order.PushFront(e)
	c.bytes += e.size()
	for c.order.Len() > c.maxItems || c.bytes > c.maxBytes {
		c.remove(c.order.Back())
	}
}

func (c *lruCache) setUsed(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[hash]; ok {
		el.Value.(*lruEntry).used = true
	}
}

func (c *lruCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*lruEntry)
	delete(c.items, e.hash)
	c.bytes -= e.size()
}

// len reports the entries and their bytes.
func (c *lruCache) len() (items, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.bytes
}

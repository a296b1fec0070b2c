package resolvers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"crmgraph/backends/rest"
	"crmgraph/internal/workers"
)

// loaderWait is how long a batch collects keys after its first one. A list queues its
// items' child keys synchronously and then flushes (see prefetchAccounts, prefetch.go),
// so this only catches stragglers and loads no list queued.
const loaderWait = 2 * time.Millisecond

// fanOutLimit bounds concurrent single-record calls of one batch where an API has no
// batch form; the transport caps each backend as a whole too.
const fanOutLimit = 32

// Loaders are the per-request dataloaders, named <Entity>By<Key> per backend.
type Loaders struct {
	masks         maskSet
	cirrusPerPage int // the Cirrus client's page cap (cirrusPerPage)
	lists         *listMemo
	Cirrus        cirrusLoaders
	Cone          coneLoaders
	ClientData    clientDataLoaders
	Support       supportLoaders
}

func (r *Resolver) newLoaders() *Loaders {
	l := &Loaders{lists: &listMemo{}, Cirrus: r.newCirrusLoaders(), Cone: r.newConeLoaders(), ClientData: r.newClientDataLoaders(), Support: r.newSupportLoaders()}
	if r.Cirrus != nil {
		l.cirrusPerPage = r.Cirrus.PerPage()
	}
	return l
}

type loadersKey struct{}

func withLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

// loadersFrom returns the request's loaders; outside an HTTP request (tests calling
// resolvers directly) it makes a fresh set.
func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	return r.newLoaders()
}

// options applies the batching switch: with dataloaders off every key is its own batch.
func options[K comparable, V any](r *Resolver) []dataloader.Option[K, V] {
	opts := []dataloader.Option[K, V]{dataloader.WithWait[K, V](loaderWait)}
	if !r.Dataloaders {
		opts = append(opts, dataloader.WithBatchCapacity[K, V](1))
	}
	return opts
}

// batchLoader builds a loader whose batch function answers all keys with one (or a few)
// REST calls. fetch returns what it found by key; a key it did not find gets missing(key).
func batchLoader[K comparable, V any](r *Resolver, name string,
	fetch func(ctx context.Context, keys []K) (map[K]V, error), missing func(K) (V, error)) *dataloader.Loader[K, V] {
	batch := func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		r.batchSize.WithLabelValues(name).Observe(float64(len(keys)))
		found, err := fetch(rest.WithKeys(ctx, len(keys)), keys)
		out := make([]*dataloader.Result[V], len(keys))
		for i, k := range keys {
			switch v, ok := found[k]; {
			case err != nil:
				out[i] = &dataloader.Result[V]{Error: err}
			case ok:
				out[i] = &dataloader.Result[V]{Data: v}
			default:
				v, merr := missing(k)
				out[i] = &dataloader.Result[V]{Data: v, Error: merr}
			}
		}
		return out
	}
	return dataloader.NewBatchedLoader(batch, options[K, V](r)...)
}

// fanOutLoader builds a loader for APIs without a batch form: one call per distinct key,
// at most fanOutLimit at a time.
func fanOutLoader[K comparable, V any](r *Resolver, name string, fetch func(ctx context.Context, key K) (V, error)) *dataloader.Loader[K, V] {
	batch := func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		r.batchSize.WithLabelValues(name).Observe(float64(len(keys)))
		out := make([]*dataloader.Result[V], len(keys))
		sem := make(chan struct{}, fanOutLimit)
		var wg sync.WaitGroup
		for i, k := range keys {
			wg.Add(1)
			workers.Shared.Go(func() {
				defer wg.Done()
				defer func() {
					if v := recover(); v != nil { // a worker outlives the call: never let it die
						out[i] = &dataloader.Result[V]{Error: fmt.Errorf("panic in %s: %v", name, v)}
					}
				}()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					out[i] = &dataloader.Result[V]{Error: ctx.Err()}
					return
				}
				defer func() { <-sem }()
				v, err := fetch(ctx, k)
				out[i] = &dataloader.Result[V]{Data: v, Error: err}
			})
		}
		wg.Wait()
		return out
	}
	return dataloader.NewBatchedLoader(batch, options[K, V](r)...)
}

// load waits for one key.
func load[K comparable, V any](ctx context.Context, l *dataloader.Loader[K, V], key K) (V, error) {
	return l.Load(ctx, key)()
}

// isNotFound reports a missing record, from a backend 404 or the gateway's own lookups.
func isNotFound(err error) bool {
	var ue *userError
	return errors.Is(err, rest.ErrNotFound) || (errors.As(err, &ue) && ue.code == CodeNotFound)
}

// page is one slice of a list with the list's total.
type page[T any] struct {
	Items []T
	Total int
}

// Package resolvers implements the unified schema over the REST backends.
package resolvers

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/clientdata"
	"crmgraph/backends/cone"
	"crmgraph/backends/support"
	"crmgraph/cache"
	"crmgraph/graph/model"
)

// Deps are what the resolvers need; built by the composition root (server.go).
type Deps struct {
	Cirrus     *cirrus.Client
	Cone       *cone.Client
	ClientData *clientdata.Client
	Support    *support.Client // nil: no Apideck connection configured
	Cache      *cache.Cache
	// Scopes holds, per backend, a fingerprint of the credential in use, so cached
	// reference lists are never shared across tenants.
	Scopes     map[string]string
	Log        *slog.Logger
	Registerer prometheus.Registerer
	// Dataloaders off makes every lookup its own REST call (for benchmarks only).
	Dataloaders bool
	// Systems names the CRMs in each other's external keys (zero value: DefaultSystems).
	Systems Systems
	// ClientDataPaths locate the unified contact fields in client-data details and
	// ChangeRequestCodes map its status ids (zero values: the sandbox's defaults).
	ClientDataPaths    *ClientDataPaths
	ChangeRequestCodes map[int32]model.ChangeRequestStatusCode
}

func (r *Resolver) clientDataPaths() ClientDataPaths {
	if r.ClientDataPaths == nil {
		return DefaultClientDataPaths
	}
	return *r.ClientDataPaths
}

func (r *Resolver) changeRequestCodes() map[int32]model.ChangeRequestStatusCode {
	if r.ChangeRequestCodes == nil {
		return DefaultChangeRequestCodes
	}
	return r.ChangeRequestCodes
}

// Resolver is the root resolver.
type Resolver struct {
	Deps
	batchSize *prometheus.HistogramVec
}

// New builds the root resolver and registers its metrics.
func New(d Deps) *Resolver {
	r := &Resolver{Deps: d}
	if r.Systems.Names == nil {
		r.Systems = DefaultSystems()
	}
	r.batchSize = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "crmgraph_dataloader_batch_size",
		Help:    "Keys per dataloader batch, by loader.",
		Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 250},
	}, []string{"loader"})
	if d.Registerer != nil {
		d.Registerer.MustRegister(r.batchSize)
	}
	return r
}

// Middleware installs fresh per-request dataloaders.
func (r *Resolver) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := withLoaders(req.Context(), r.newLoaders())
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

// Fingerprint names a credential in cache keys without revealing it.
func Fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:8])
}

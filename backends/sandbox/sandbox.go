// Package sandbox mounts the simulated CRMs on one handler: /cirrus, /cone and
// /clientdata, all serving the same deterministic world, with optional latency and faults.
package sandbox

import (
	"net/http"
	"time"

	cirrussandbox "crmgraph/backends/sandbox/cirrus"
	clientdatasandbox "crmgraph/backends/sandbox/clientdata"
	conesandbox "crmgraph/backends/sandbox/cone"
	"crmgraph/backends/sandbox/dataset"
)

// Mount points of each simulated API.
const (
	CirrusPath     = "/cirrus"
	ConePath       = "/cone"
	ClientDataPath = "/clientdata"
)

// Config of the simulated CRMs.
type Config struct {
	Seed    int64
	Token   string        // accepted by every API (client-data: the app token)
	Latency time.Duration // added to every response
	Faults  float64       // share of requests that fail (503 or hang until timeout)
}

// New builds the world for cfg.Seed and serves the simulated APIs.
func New(cfg Config) http.Handler {
	w := dataset.New(cfg.Seed)
	tokens := clientdatasandbox.DefaultTokens()
	tokens.App = cfg.Token
	mux := http.NewServeMux()
	mux.Handle(CirrusPath+"/", http.StripPrefix(CirrusPath, cirrussandbox.New(w, cfg.Token)))
	mux.Handle(ConePath+"/", http.StripPrefix(ConePath, conesandbox.New(w, cfg.Token)))
	mux.Handle(ClientDataPath+"/", http.StripPrefix(ClientDataPath, clientdatasandbox.New(w, tokens)))
	var h http.Handler = mux
	if cfg.Faults > 0 {
		h = Faults(cfg.Faults, cfg.Seed)(h)
	}
	if cfg.Latency > 0 {
		h = Latency(cfg.Latency)(h)
	}
	return h
}

// Package sandbox mounts the simulated CRMs on one handler: /cirrus, /cone, /clientdata
// and /support, all serving the same deterministic world, with optional latency and faults.
package sandbox

import (
	"net/http"
	"time"

	cirrussandbox "crmgraph/backends/sandbox/cirrus"
	clientdatasandbox "crmgraph/backends/sandbox/clientdata"
	conesandbox "crmgraph/backends/sandbox/cone"
	"crmgraph/backends/sandbox/dataset"
	supportsandbox "crmgraph/backends/sandbox/support"
)

// Mount points of each simulated API.
const (
	CirrusPath     = "/cirrus"
	ConePath       = "/cone"
	ClientDataPath = "/clientdata"
	SupportPath    = "/support"
	// SupportAppID is the x-apideck-app-id the embedded support sandbox expects.
	SupportAppID = "crmgraph-sandbox"
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
	mux.Handle(SupportPath+"/", http.StripPrefix(SupportPath, supportsandbox.New(w, supportsandbox.Config{Token: cfg.Token, AppID: SupportAppID})))
	var h http.Handler = mux
	if cfg.Faults > 0 {
		h = Faults(cfg.Faults, cfg.Seed)(h)
	}
	if cfg.Latency > 0 {
		h = Latency(cfg.Latency)(h)
	}
	return h
}

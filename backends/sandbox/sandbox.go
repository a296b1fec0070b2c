// Package sandbox mounts the simulated CRMs on one handler: /cirrus, /cone, /clientdata
// and /support, all serving the same deterministic world, with optional latency and faults.
package sandbox

import (
	"fmt"
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
	// Variant "alt" makes each API take the other plausible reading of every point its
	// seed leaves open (SANDBOX_VARIANT); "" is the default reading.
	Variant string
}

// Variants of Config.Variant.
const (
	VariantDefault = ""
	VariantAlt     = "alt"
)

// ParseVariant reads a SANDBOX_VARIANT value.
func ParseVariant(s string) (string, error) {
	switch s {
	case VariantDefault, "default":
		return VariantDefault, nil
	case VariantAlt:
		return VariantAlt, nil
	}
	return "", fmt.Errorf("sandbox variant %q: want alt or nothing", s)
}

// alternative is a simulated API that can take the other reading of its seed's open
// points; sandbox.New switches it on for Variant "alt".
type alternative interface{ UseAlternative() }

func useVariant(variant string, apis ...any) {
	if variant != VariantAlt {
		return
	}
	for _, api := range apis {
		if a, ok := api.(alternative); ok {
			a.UseAlternative()
		}
	}
}

// New builds the world for cfg.Seed and serves the simulated APIs.
func New(cfg Config) http.Handler {
	w := dataset.New(cfg.Seed)
	tokens := clientdatasandbox.DefaultTokens()
	tokens.App = cfg.Token
	cirrus, cone := cirrussandbox.New(w, cfg.Token), conesandbox.New(w, cfg.Token)
	clientData := clientdatasandbox.New(w, tokens)
	support := supportsandbox.New(w, supportsandbox.Config{Token: cfg.Token, AppID: SupportAppID})
	useVariant(cfg.Variant, cirrus, cone, clientData, support)
	mux := http.NewServeMux()
	mux.Handle(CirrusPath+"/", http.StripPrefix(CirrusPath, cirrus))
	mux.Handle(ConePath+"/", http.StripPrefix(ConePath, cone))
	mux.Handle(ClientDataPath+"/", http.StripPrefix(ClientDataPath, clientData))
	mux.Handle(SupportPath+"/", http.StripPrefix(SupportPath, support))
	var h http.Handler = mux
	if cfg.Faults > 0 {
		h = Faults(cfg.Faults, cfg.Seed)(h)
	}
	if cfg.Latency > 0 {
		h = Latency(cfg.Latency)(h)
	}
	return h
}

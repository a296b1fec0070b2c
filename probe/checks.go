package probe

import (
	"errors"
	"fmt"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/clientdata"
	"crmgraph/backends/cone"
	"crmgraph/backends/rest"
	"crmgraph/backends/support"
)

// Targets are the configured backends' clients.
type Targets struct {
	Cirrus     *cirrus.Client
	Cone       *cone.Client
	ClientData *clientdata.Client
	Support    *support.Client
	// ClientDataMember is a client-data member's bearer token for the member-scope
	// check (CLIENT_DATA_PROBE_MEMBER_TOKEN; "": that check is unknown).
	ClientDataMember string
}

// Checks lists every check for the targets.
func Checks(t Targets) []Check {
	var out []Check
	if t.Cirrus != nil {
		out = append(out, cirrusChecks(t.Cirrus)...)
	}
	if t.Cone != nil {
		out = append(out, coneChecks(t.Cone)...)
	}
	if t.ClientData != nil {
		out = append(out, clientDataChecks(t.ClientData, t.ClientDataMember)...)
	}
	if t.Support != nil {
		out = append(out, supportChecks(t.Support)...)
	}
	return out
}

// reached turns a call's error into a finding when it says nothing about the
// assumption (no access, backend down); nil when the call answered.
func reached(err error, what string) *Finding {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rest.ErrUnauthorized), errors.Is(err, rest.ErrForbidden):
		f := Inconclusive(what + ": the backend refused the configured credential")
		return &f
	case errors.Is(err, rest.ErrNotFound):
		f := Finding{Result: Differs, Detail: what + ": the path is not found (404)"}
		return &f
	case errors.Is(err, rest.ErrUnavailable), errors.Is(err, rest.ErrTimeout):
		f := Inconclusive(what + ": the backend did not answer")
		return &f
	}
	f := Finding{Result: Differs, Detail: fmt.Sprintf("%s: %v", what, err)}
	return &f
}

package resolvers

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"crmgraph/backends/rest"
	"crmgraph/graph"
	"crmgraph/graph/model"
)

// A mutation that refuses its input answers its payload with userErrors (the record
// null) instead of a top-level error, so that a form can show each refusal at its field.
// Only refusals of the input become userErrors: what the gateway's checks refuse and
// what a backend refuses as invalid (HTTP 400/409/422, per field where it names them).
// Credentials, outages, timeouts and unknown outcomes stay top-level errors. A mutation
// that does not select userErrors gets each refusal as a top-level BAD_USER_INPUT, as
// before userErrors existed, so a refusal never reads as success.

// UserError codes; the contract is on UserError.code in schema.graphqls.
const (
	userRequired    = "REQUIRED"
	userNotNullable = "NOT_NULLABLE"
	userUnsupported = "UNSUPPORTED"
	userInvalidID   = "INVALID_ID"
	userInvalid     = "INVALID"
)

// fieldError is one refusal of a mutation's input.
type fieldError struct {
	field []string // the input field's path from the mutation's arguments; nil: no one field
	code  string   // UserError.code
	msg   string
}

func (e *fieldError) Error() string { return e.msg }

// refusal is every refusal of one mutation's input.
type refusal struct {
	errs []*fieldError
	// cause is the backend's answer behind the refusals, reported unchanged (with its
	// source and field map) where userErrors is not selected; nil for the gateway's own.
	cause error
}

func (r *refusal) Error() string {
	if r.cause != nil {
		return r.cause.Error()
	}
	return r.errs[0].msg
}

func (r *refusal) Unwrap() error { return r.cause }

// fieldPath is a path of input fields: ["input", "order", "rows", "0"].
type fieldPath []string

func (p fieldPath) with(field ...string) fieldPath {
	return append(slices.Clip(p), field...)
}

// refuse makes the refusal of one field.
func refuse(at fieldPath, code, msg string) *refusal {
	return &refusal{errs: []*fieldError{{field: at, code: code, msg: msg}}}
}

// onField attributes an id's error (malformed, or of the wrong type) to the field at;
// other errors pass through.
func onField(err error, at fieldPath) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, model.ErrBadID) {
		return refuse(at, userInvalidID, "malformed global id")
	}
	var ue *userError
	if errors.As(err, &ue) && ue.code == CodeBadUserInput {
		return refuse(at, userInvalidID, ue.msg)
	}
	return err
}

// wireNames maps a backend's field names in its validation answer to the input's fields,
// both dotted; a number in the backend's name (a row) stands for "*" in the map and
// carries over ("rows.0.price" → "rows.*.price" → "rows.0.price").
type wireNames struct {
	at     fieldPath
	fields map[string]string
	// whole is the field a refusal that names none concerns (nil: the input as a whole),
	// bySubCode the same per backend sub-code (client-data).
	whole     fieldPath
	bySubCode map[string]fieldPath
}

// refused is the field a refusal naming no field concerns.
func (w *wireNames) refused(subCode string) fieldPath {
	if w == nil {
		return nil
	}
	if at, ok := w.bySubCode[subCode]; ok {
		return at
	}
	return w.whole
}

// input finds the input path of the backend's field name; nil when it has none.
func (w *wireNames) input(wire string) fieldPath {
	if w == nil {
		return nil
	}
	parts := strings.Split(wire, ".")
	var numbers []string
	for i, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			numbers = append(numbers, p)
			parts[i] = "*"
		}
	}
	// "user.id" names the user: the longest known prefix answers.
	for n := len(parts); n > 0; n-- {
		in, ok := w.fields[strings.Join(parts[:n], ".")]
		if !ok {
			continue
		}
		out := w.at
		for _, p := range strings.Split(in, ".") {
			if p == "*" && len(numbers) > 0 {
				p, numbers = numbers[0], numbers[1:]
			}
			out = out.with(p)
		}
		return out
	}
	return nil
}

// fromBackendWrite is fromBackend for a write: a refusal of the input becomes a refusal
// of its fields where the backend names them (through wire), else of the input as a whole.
func fromBackendWrite(backend string, err error, wire *wireNames) error {
	err = fromBackend(backend, err)
	if err == nil {
		return nil
	}
	code, msg := Classify(err)
	var herr *rest.HTTPError
	if code != CodeBadUserInput || !errors.As(err, &herr) {
		return err
	}
	rf := &refusal{cause: err}
	for _, k := range slices.Sorted(maps.Keys(herr.Fields)) {
		fe := &fieldError{field: wire.input(k), code: userInvalid, msg: herr.Fields[k]}
		if fe.field == nil {
			fe.msg = k + ": " + fe.msg
		}
		rf.errs = append(rf.errs, fe)
	}
	if len(rf.errs) == 0 {
		code := userInvalid
		if herr.SubCode != "" && herr.SubCode != "NA" {
			code = herr.SubCode
		}
		rf.errs = append(rf.errs, &fieldError{field: wire.refused(herr.SubCode), code: code, msg: msg})
	}
	return rf
}

// finish completes a mutation's payload: applied, it lists no userErrors; refused, it
// lists them with the record null, or (userErrors not selected) the refusals are
// top-level errors; any other error is returned as it is.
func finish[P any](ctx context.Context, p *P, err error) (*P, error) {
	if err == nil {
		if p == nil {
			p = new(P)
		}
		setUserErrors(p, []*model.UserError{})
		return p, nil
	}
	var rf *refusal
	if !errors.As(err, &rf) {
		code, msg := Classify(err)
		if code != CodeBadUserInput {
			return nil, err
		}
		ue := userInvalid
		if errors.Is(err, model.ErrBadID) {
			ue = userInvalidID
		}
		rf = &refusal{errs: []*fieldError{{code: ue, msg: msg}}, cause: err}
	}
	if !selectsUserErrors(ctx) {
		if rf.cause != nil {
			return nil, rf.cause
		}
		for _, fe := range rf.errs[:len(rf.errs)-1] {
			graphql.AddError(ctx, fe)
		}
		return nil, rf.errs[len(rf.errs)-1]
	}
	out := make([]*model.UserError, len(rf.errs))
	for i, fe := range rf.errs {
		out[i] = &model.UserError{Field: fe.field, Message: fe.msg, Code: fe.code}
	}
	p = new(P)
	setUserErrors(p, out)
	return p, nil
}

// setUserErrors sets the UserErrors field every payload type has (schema.graphqls).
func setUserErrors(p any, errs []*model.UserError) {
	reflect.ValueOf(p).Elem().FieldByName("UserErrors").Set(reflect.ValueOf(errs))
}

// selectsUserErrors reports whether the mutation field in ctx selects userErrors.
func selectsUserErrors(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	for _, f := range graph.CollectFields(ctx, fc.Field.Selections) {
		if f.Name == "userErrors" {
			return true
		}
	}
	return false
}

package resolvers

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"crmgraph/backends/rest"
)

func TestWireNamesFindTheInputField(t *testing.T) {
	tests := []struct {
		wire, want string // want "" when the backend's field is none of the input's
	}{
		{"typeid", "input.order.statusId"},
		{"status.id", "input.order.statusId"},
		{"rows.0.price", "input.order.rows.0.price"},
		{"rows.12.article.id", "input.order.rows.12.articleId"},
		{"rows.3.id", "input.order.rows.3"},
		{"rows", "input.order.rows"},
		{"socialmedia_fb", ""},
	}
	w := &wireNames{at: recordAt("order"), fields: map[string]string{"typeid": "statusId", "status": "statusId", "rows": "rows",
		"rows.*": "rows.*", "rows.*.price": "rows.*.price", "rows.*.article": "rows.*.articleId"}}
	for _, tt := range tests {
		if got := strings.Join(w.input(tt.wire), "."); got != tt.want {
			t.Errorf("input(%q) = %q, want %q", tt.wire, got, tt.want)
		}
	}
	if got := (*wireNames)(nil).input("name"); got != nil {
		t.Errorf("no names: %v", got)
	}
}

// TestBackendRefusalsAreUserErrors: only a refusal of the input (400, 409, 422) becomes
// user errors; the backend's other answers stay errors.
func TestBackendRefusalsAreUserErrors(t *testing.T) {
	w := &wireNames{at: recordAt("account"), fields: map[string]string{"typeid": "typeId", "name": "name"},
		whole: recordAt("account").with("name"), bySubCode: map[string]fieldPath{"Conflict": nil}}
	tests := []struct {
		name string
		err  error
		want string // the user errors as field=code; "" when err stays an error
	}{
		{"per field, by the backend's name", &rest.HTTPError{Backend: "cirrus", Status: 400, Fields: map[string]string{"typeid": "no such type", "name": "too short", "x": "?"}},
			"input.account.name=INVALID input.account.typeId=INVALID =INVALID"},
		{"no fields: the whole", &rest.HTTPError{Backend: "cone", Status: 400, Message: "Invalid input"}, "input.account.name=INVALID"},
		{"a sub-code", &rest.HTTPError{Backend: "clientdata", Status: 409, SubCode: "Conflict"}, "=Conflict"},
		{"422", &rest.HTTPError{Backend: "cirrus", Status: 422}, "input.account.name=INVALID"},
		{"not found", &rest.HTTPError{Backend: "cirrus", Status: 404}, ""},
		{"credentials", &rest.HTTPError{Backend: "cirrus", Status: 401}, ""},
		{"an outage", &rest.HTTPError{Backend: "cirrus", Status: 503}, ""},
		{"an answer lost", fmt.Errorf("write: %w", rest.ErrOutcomeUnknown), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fromBackendWrite("cirrus", tt.err, w)
			var rf *refusal
			if !errors.As(err, &rf) {
				if tt.want != "" {
					t.Fatalf("%v: no refusal", err)
				}
				if !errors.Is(err, tt.err) {
					t.Fatalf("%v does not wrap %v", err, tt.err)
				}
				return
			}
			var got []string
			for _, fe := range rf.errs {
				got = append(got, strings.Join(fe.field, ".")+"="+fe.code)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("user errors %q, want %q", strings.Join(got, " "), tt.want)
			}
			if !errors.Is(err, tt.err) || rf.cause == nil {
				t.Errorf("the refusal does not keep the backend's answer")
			}
		})
	}
}

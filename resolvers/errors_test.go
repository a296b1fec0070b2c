package resolvers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestErrorPresenterInputErrors: a value gqlgen fails to coerce is the caller's mistake
// (BAD_USER_INPUT, nothing logged), whatever error the scalar returned; a resolver's
// unclassified error stays INTERNAL and is logged.
func TestErrorPresenterInputErrors(t *testing.T) {
	field := &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "createLead", Name: "createLead",
		Definition: &ast.FieldDefinition{Name: "createLead", Arguments: ast.ArgumentDefinitionList{{Name: "input"}}}}}}
	fieldCtx := graphql.WithFieldContext(context.Background(), field)
	path := func(p ...any) ast.Path {
		var out ast.Path
		for _, e := range p {
			switch v := e.(type) {
			case string:
				out = append(out, ast.PathName(v))
			case int:
				out = append(out, ast.PathIndex(v))
			}
		}
		return out
	}
	validation := func(p ast.Path, msg string) error {
		e := gqlerror.ErrorPathf(p, "%s", msg)
		errcode.Set(e, errcode.ValidationFailed)
		return e
	}
	tests := []struct {
		name    string
		ctx     context.Context
		err     error
		code    string
		message string // a part of it
		logged  bool
	}{
		{"argument coercion (built-in DateTime)", fieldCtx,
			gqlerror.WrapPath(path("createLead", "input", "lead", "createdAfter"), errors.New("time should be RFC3339Nano formatted string")),
			CodeBadUserInput, "RFC3339Nano", false},
		{"argument coercion of a huge enum value", fieldCtx,
			gqlerror.WrapPath(path("createLead", "input"), errors.New(strings.Repeat("X", 5000)+" is not a valid Source")),
			CodeBadUserInput, "XXX", false},
		{"resolver error", fieldCtx, gqlerror.WrapPath(path("createLead"), errors.New("boom")), CodeInternal, "internal error", true},
		{"error below the field that is not an argument", fieldCtx,
			gqlerror.WrapPath(path("createLead", "lead"), errors.New("boom")), CodeInternal, "internal error", true},
		{"no field context", context.Background(),
			gqlerror.WrapPath(path("createLead", "input"), errors.New("boom")), CodeInternal, "internal error", true},
		{"variable value", context.Background(), validation(path("variable", "s", 0), "NOPE is not a valid Source"),
			CodeBadUserInput, "NOPE", false},
		{"document validation", context.Background(), validation(nil, "Cannot query field \"nope\""),
			errcode.ValidationFailed, "nope", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			got := ErrorPresenter(slog.New(slog.NewTextHandler(&logs, nil)))(tt.ctx, tt.err)
			if code, _ := got.Extensions["code"].(string); code != tt.code {
				t.Fatalf("code %q, want %q (%s)", code, tt.code, got.Message)
			}
			if !strings.Contains(got.Message, tt.message) || len(got.Message) > maxInputMessage+len("invalid value: …") {
				t.Errorf("message %q (%d bytes), want one containing %q", got.Message, len(got.Message), tt.message)
			}
			if logged := strings.Contains(logs.String(), "level=ERROR"); logged != tt.logged {
				t.Errorf("logged %v, want %v: %s", logged, tt.logged, logs.String())
			}
		})
	}
}

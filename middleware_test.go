package main

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"

	"crmgraph/graph"
)

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "gzip, deflate, br": true, "br;q=1.0, gzip;q=0.5": true, "GZIP": true,
		"gzip;q=0": false, "gzip; q=0.0": false, "deflate": false, "": false, "identity": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"none", nil, ""},
		{"one line", []string{"pt-BR, de;q=0.8"}, "pt-BR, de;q=0.8"},
		{"field lines are one list", []string{"de;q=0.1", "sv;q=0.9"}, "sv;q=0.9, de;q=0.1"},
		{"nothing valid", []string{"*", "x\n"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := acceptLanguage(http.Header{"Accept-Language": tt.lines}); got != tt.want {
				t.Fatalf("acceptLanguage(%q) = %q, want %q", tt.lines, got, tt.want)
			}
		})
	}
}

// The leaf fields of graph/generated.go skip gqlgen's field middleware
// (internal/gqlgenpost), so nothing may add any: extensions go through use(), which
// refuses a FieldInterceptor, and no code calls AroundFields.
func TestNoFieldMiddleware(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == "graph/generated.go" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			if strings.Contains(line, "AroundFields(") ||
				(strings.Contains(line, "srv.Use(") && !(path == "server.go" && strings.TrimSpace(line) == "srv.Use(ext)")) {
				t.Errorf("%s:%d: %s — add extensions with use(); field middleware would miss the leaf fast paths", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("use() accepted a FieldInterceptor")
		}
	}()
	use(handler.New(graph.NewExecutableSchema(graph.Config{})), fieldInterceptor{})
}

type fieldInterceptor struct{}

func (fieldInterceptor) ExtensionName() string                   { return "test" }
func (fieldInterceptor) Validate(graphql.ExecutableSchema) error { return nil }
func (fieldInterceptor) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	return next(ctx)
}

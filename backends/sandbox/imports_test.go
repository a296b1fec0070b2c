package sandbox

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The sandboxes speak the seeds, not the clients: no sandbox file (tests included, so
// no test can hand a sandbox a client's constant) imports a backend client, the REST
// plumbing the clients share, or the gateway.
func TestSandboxesImportNoClient(t *testing.T) {
	forbidden := []string{"crmgraph/backends/cirrus", "crmgraph/backends/cone", "crmgraph/backends/clientdata",
		"crmgraph/backends/support", "crmgraph/backends/rest", "crmgraph/resolvers", "crmgraph/graph", "crmgraph/transport"}
	files := 0
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					t.Errorf("%s imports %s", path, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("read %d files under backends/sandbox: the walk missed the sandboxes", files)
	}
}

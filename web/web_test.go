package web

import (
	"bytes"
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestComplete(t *testing.T) {
	full := func() fstest.MapFS {
		m := fstest.MapFS{"README.md": {Data: []byte("x")}}
		for _, name := range BundleFiles() {
			m[name] = &fstest.MapFile{Data: []byte("x")}
		}
		return m
	}
	missing := full()
	delete(missing, ReactDOMJS)
	empty := full()
	empty[GraphiQLCSS] = &fstest.MapFile{}
	dir := full()
	delete(dir, GraphiQLJS)
	dir[GraphiQLJS+"/x"] = &fstest.MapFile{Data: []byte("x")}
	nested := fstest.MapFS{}
	for _, name := range BundleFiles() {
		nested["dist/"+name] = &fstest.MapFile{Data: []byte("x")}
	}

	tests := []struct {
		name string
		fsys fs.FS
		want bool
	}{
		{"all files", full(), true},
		{"nil", nil, false},
		{"placeholder only", fstest.MapFS{"README.md": {Data: []byte("x")}}, false},
		{"react-dom missing", missing, false},
		{"empty css", empty, false},
		{"directory instead of file", dir, false},
		{"files one level down", nested, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Complete(tt.fsys); got != tt.want {
				t.Errorf("Complete = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDist checks the embed itself: Dist is the dist directory (not the package directory),
// and when build.sh has run the files are the real UMD builds the page expects.
func TestDist(t *testing.T) {
	if _, err := fs.Stat(Dist, "README.md"); err != nil {
		t.Fatalf("Dist has no README.md placeholder: %v", err)
	}
	if _, err := fs.Stat(Dist, "dist"); err == nil {
		t.Fatal("Dist is the package directory, not dist/")
	}
	if !Ready() {
		t.Log("bundle not built (run web/build.sh); checked the placeholder only")
		return
	}
	// Each UMD file must define the global the bootstrap script uses.
	globals := map[string]string{
		ReactJS:     "React",
		ReactDOMJS:  "ReactDOM",
		GraphiQLJS:  ".GraphiQL=",
		GraphiQLCSS: ".graphiql-container",
	}
	for name, marker := range globals {
		b, err := fs.ReadFile(Dist, name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s does not contain %q", name, marker)
		}
	}
}

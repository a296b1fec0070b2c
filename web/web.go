// Package web embeds the GraphiQL playground's runtime files (GraphiQL, React, ReactDOM),
// which web/build.sh copies from npm into dist at build time so that GET / works on a
// machine without internet access. Only dist/README.md is committed; a binary built
// before `make web` still compiles and reports !Ready().
package web

import (
	"embed"
	"io/fs"
)

// File names inside Dist, as web/build.sh writes them.
const (
	ReactJS     = "react.production.min.js"
	ReactDOMJS  = "react-dom.production.min.js"
	GraphiQLJS  = "graphiql.min.js"
	GraphiQLCSS = "graphiql.min.css"
)

// BundleFiles lists every file the playground page loads, in load order.
func BundleFiles() []string {
	return []string{ReactJS, ReactDOMJS, GraphiQLJS, GraphiQLCSS}
}

//go:embed all:dist
var embedded embed.FS

// Dist is the dist directory: the bundle files plus README.md. It is read-only (embed.FS).
var Dist fs.FS = sub(embedded)

func sub(fsys embed.FS) fs.FS {
	d, err := fs.Sub(fsys, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path literal, which the compile-time embed rules out.
		panic(err)
	}
	return d
}

// Ready reports whether web/build.sh ran before this binary was built, i.e. whether Dist
// holds the whole GraphiQL bundle.
func Ready() bool { return Complete(Dist) }

// Complete reports whether fsys holds every bundle file, non-empty, at its root.
func Complete(fsys fs.FS) bool {
	if fsys == nil {
		return false
	}
	for _, name := range BundleFiles() {
		fi, err := fs.Stat(fsys, name)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
			return false
		}
	}
	return true
}

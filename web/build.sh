#!/bin/sh
# Copies the GraphiQL playground's runtime files from the npm registry (via the committed
# lockfile) into web/dist, where web.go embeds them. Idempotent and quiet: `npm ci` runs only
# when node_modules is missing or was installed from a different lockfile, and success
# prints one line. The copied files are never committed (see .gitignore).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

command -v npm >/dev/null 2>&1 || { echo "web/build.sh: npm not found (Node 20+ is needed to build the playground)" >&2; exit 1; }

# The stamp records which lockfile node_modules was installed from, so an edited lockfile
# (new GraphiQL version) triggers a clean reinstall while an unchanged one costs nothing.
stamp=node_modules/.crmgraph-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	log=$(mktemp)
	if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "web/build.sh: npm ci failed" >&2
		exit 1
	fi
	rm -f "$log"
	echo "$want" >"$stamp"
fi

# Exactly the runtime files; names must match the constants in web.go.
set -- \
	node_modules/react/umd/react.production.min.js \
	node_modules/react-dom/umd/react-dom.production.min.js \
	node_modules/graphiql/graphiql.min.js \
	node_modules/graphiql/graphiql.min.css
for f in "$@"; do
	[ -s "$f" ] || { echo "web/build.sh: $f missing after npm ci" >&2; exit 1; }
done

# Stage then swap, so an interrupted build never leaves a half-copied bundle that Ready()
# would report as present.
stage=$(mktemp -d dist.tmp.XXXXXX)
trap 'rm -rf "$stage"' EXIT
cp "$@" "$stage/"
find dist -mindepth 1 ! -name README.md -exec rm -rf {} +
mv "$stage"/* dist/

version=$(node -p 'require("./node_modules/graphiql/package.json").version')
size=$(du -ck dist/*.js dist/*.css | tail -1 | cut -f1)
echo "web: GraphiQL $version bundle in web/dist ($# files, ${size} KiB)"

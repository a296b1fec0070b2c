#!/usr/bin/env bash
# scripts/test.sh — everything the tests need, then every check. `make test` runs it;
# so does .ci/run on a clean checkout (CI=true, no stdin).
#
# It finds or starts Redis, installs Chromium for the playground test when missing (as root
# or with CI=true), builds the GraphiQL bundle from the npm lockfile, checks that the
# generated gqlgen code is current, then runs gofmt, go vet and go test -race.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "redis"
CRMGRAPH_TEST_REDIS_URL="$(scripts/ensure-redis.sh)"
export CRMGRAPH_TEST_REDIS_URL
echo "using $CRMGRAPH_TEST_REDIS_URL"

step "chromium (playground browser test)"
if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then
	if [ "$(id -u)" = 0 ] || [ "${CI:-}" = true ]; then
		export DEBIAN_FRONTEND=noninteractive
		(apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 ||
			sudo -n sh -c 'apt-get update -qq && apt-get install -y -qq chromium' >/dev/null
	else
		echo "chromium is missing: install Debian's chromium (or set CHROMIUM) for the browser test" >&2
		exit 1
	fi
fi
command -v chromium || echo "$CHROMIUM"

step "playground assets (npm lockfile)"
sh web/build.sh

step "generated code is current"
if git rev-parse --git-dir >/dev/null 2>&1; then
	go tool gqlgen generate
	go run ./internal/gqlgenpost
	if ! git diff --quiet -- graph resolvers || [ -n "$(git status --porcelain -- graph resolvers)" ]; then
		git --no-pager diff --stat -- graph resolvers
		echo "gqlgen output differs from the committed files: run 'make generate' and commit" >&2
		exit 1
	fi
	echo "ok"
fi

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/node_modules/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
echo "ok"

step "go vet"
go vet ./...

step "go test -race"
CRMGRAPH_REQUIRE_BROWSER=1 go test -race -count=1 ./...

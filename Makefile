# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test web generate bench sandbox battery

run: web
	go run .

test:
	scripts/test.sh

web:
	sh web/build.sh

generate:
	go tool gqlgen generate
	go run ./internal/gqlgenpost

sandbox:
	go run ./cmd/sandbox

bench: web
	go run ./cmd/bench

# The full hostile-input and fault battery (6 clients × 30 s per fault rate); its figures
# are in the README. `make test` runs the short version.
battery:
	CRMGRAPH_TEST_REDIS_URL="$$(scripts/ensure-redis.sh)" CRMGRAPH_BATTERY=full \
		go test -count=1 -v -run 'TestHostile|TestFault' . | grep -E '^(=== RUN|--- |\s+\S+_test.go:[0-9]+: |ok|FAIL|PASS)'

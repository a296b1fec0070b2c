# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test web generate bench sandbox

run: web
	go run .

test:
	scripts/test.sh

web:
	sh web/build.sh

generate:
	go tool gqlgen generate

sandbox:
	go run ./cmd/sandbox

bench: web
	go run ./cmd/bench

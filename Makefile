# The two commands of the README: `make run` and `make test`.
GO ?= go

.PHONY: run test build bench fuzz docker

run:
	$(GO) run ./cmd/sharpeyes serve --demo 500

test:
	./scripts/test.sh

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/sharpeyes ./cmd/sharpeyes

bench:
	./scripts/bench.sh

docker:
	docker build -t sharpeyes .

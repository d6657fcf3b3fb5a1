# The two commands of the README: `make run` and `make test`.
GO ?= go

.PHONY: run test build bench fuzz docker screenshots

run:
	$(GO) run ./cmd/sharpeyes serve --demo 500

test:
	./scripts/test.sh

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/sharpeyes ./cmd/sharpeyes

# The benchmarks of docs/benchmarks.md (several minutes; loopback only).
bench:
	./scripts/bench-sweep.sh
	$(GO) test -run '^$$' -bench 'Import100k' -benchtime 3x ./inventory
	$(GO) test -run '^$$' -bench '100k' -benchtime 3000x ./api
	$(GO) test -run '^$$' -bench . -benchtime 1x ./report
	$(GO) build -o bin/sharpeyes ./cmd/sharpeyes && $(GO) run ./internal/cmd/gbbench --sharpeyes bin/sharpeyes

# docs/console-*.png, taken by the console's browser test (needs chromium).
# Pictures of the console for the README (Chinese text needs a CJK font).
screenshots:
	@fc-list 2>/dev/null | grep -qi 'wqy\|noto.*cjk' || { apt-get install -y -qq --no-install-recommends fonts-wqy-microhei chromium >/dev/null; }
	SHARPEYES_SCREENSHOTS=$(CURDIR)/docs $(GO) test -count=1 -run '^(TestConsoleInABrowser|TestMapInABrowser|TestConsolePagesInABrowser)$$' ./cmd/sharpeyes

docker:
	docker build -t sharpeyes .

#!/usr/bin/env bash
# Runs the whole sharpeyes test suite. Installs what the tests need first:
# redis-server (Debian package), which the tests start themselves on free
# loopback ports; they never use a Redis already running on 6379.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
	echo "test: redis-server not found, installing the Debian package" >&2
	if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
	# The package may start a system service on 6379; the tests do not use it.
fi
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="$PATH:/usr/local/go/bin"
fi

echo "test: gofmt" >&2
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:" >&2
	echo "$unformatted" >&2
	exit 1
fi
echo "test: go vet" >&2
go vet ./...
echo "test: go test" >&2
go test -race -count=1 -timeout 30m "$@" ./...

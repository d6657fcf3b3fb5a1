#!/usr/bin/env bash
# Runs the whole sharpeyes test suite. Installs what the tests need first
# (Debian packages, when a command is missing): the tests start these
# servers themselves on free loopback ports and never use a server already
# running on its standard port (a Redis on 6379, say).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
missing=()
# need COMMAND PACKAGE: install PACKAGE when COMMAND is not on PATH.
need() {
	if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
		missing+=("$2")
	fi
}
# need_file PATH PACKAGE: install PACKAGE when no file matches PATH (a glob,
# for the multiarch library directory).
need_file() {
	if ! compgen -G "$1" >/dev/null; then
		missing+=("$2")
	fi
}
need redis-server redis-server
need redis-cli redis-tools
# GStreamer's RTSP server, started by internal/gstrtsp for the probe tests
# (through the system python3: /usr/bin/python3 with Debian's gi module).
need /usr/bin/python3 python3
need_file '/usr/lib/python3/dist-packages/gi/__init__.py' python3-gi
need_file '/usr/lib/*/girepository-1.0/GstRtspServer-1.0.typelib' gir1.2-gst-rtsp-server-1.0
need_file '/usr/lib/*/gstreamer-1.0/libgstvideotestsrc.so' gstreamer1.0-plugins-base
need_file '/usr/lib/*/gstreamer-1.0/libgstrtp.so' gstreamer1.0-plugins-good
# A real Alertmanager for the alertmanager webhook format's tests.
need prometheus-alertmanager prometheus-alertmanager
# promtool checks the live /metrics and the example rules.
need promtool prometheus
# sipp plays GB/T 28181 devices against the gb28181 SIP server.
need sipp sip-tester
# A headless Chromium for the console's browser tests (internal/browsertest).
need chromium chromium

if [ ${#missing[@]} -gt 0 ]; then
	echo "test: installing Debian packages: ${missing[*]}" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	# A package may start a system service on its standard port; the tests
	# do not use it.
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
# The store, collector and report suites again against a 3-master Redis
# Cluster (internal/redistest.StartCluster): every script and transaction
# must keep its keys in one slot.
echo "test: go test against a Redis Cluster" >&2
SHARPEYES_TEST_REDIS=cluster go test -race -count=1 -timeout 10m "$@" ./store/... ./collector/... ./report/...

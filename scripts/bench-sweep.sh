#!/usr/bin/env bash
# Collector sweep benchmark (docs/benchmarks.md, "Collector sweep").
#
# For each scenario it starts a simulated fleet on loopback (its own
# process), imports the fleet's inventory into a redis-server of its own
# (free loopback port, nothing persisted, never 6379), measures the bare
# rate of Go TCP connects (or bare RTSP OPTIONS + DESCRIBE exchanges) to the
# same fleet with internal/cmd/connectbench, then runs
# `sharpeyes collect --once --json` under /usr/bin/time -v and counts the
# Redis commands of the sweep. It prints one Markdown table row per
# scenario and sweep, and medians when RUNS > 1.
#
#   A: 10,000 probed RTSP cameras, 5 % refused, 5 % silent (RTSP OPTIONS +
#      DESCRIBE), probe timeout 2 s
#   B: 100,000 probed TCP cameras, all answering, probe timeout 2 s
#
# The fleets are 2 % bigger: the simulator makes 2 % of its cameras
# "planned", which the collector (and connectbench) do not probe.
#
# Environment (defaults in brackets):
#   SCENARIOS [A B]   RUNS [1]   SWEEPS [2] (collect --once runs per
#   scenario: the first writes every status, the next ones are steady state)
#   CONCURRENCY [2000] (collector and baseline)   PROBE_TIMEOUT [2s]
#   A_FLEET [10204]   B_FLEET [102041]   KEEP_TMP [0] (keep the logs)
#   SWEEP_BIN: measure this sharpeyes binary instead of building
#   bin/sharpeyes (to compare a patched collector)
#   BARE_RST [1]: the baseline closes with RST (connectbench --rst), as the
#   collector's probes do, leaving no TIME_WAIT sockets behind to slow the
#   sweep after it; 0 closes with FIN (and leaves ~10,000 TIME_WAIT sockets
#   in scenario A, which shows how the collector copes with a busy host).
# Every step has a timeout; everything started is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

SCENARIOS=${SCENARIOS:-A B}
RUNS=${RUNS:-1}
SWEEPS=${SWEEPS:-2}
CONCURRENCY=${CONCURRENCY:-2000}
PROBE_TIMEOUT=${PROBE_TIMEOUT:-2s}
BARE_RST=${BARE_RST:-1}
A_FLEET=${A_FLEET:-10204}
B_FLEET=${B_FLEET:-102041}

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="$PATH:/usr/local/go/bin"
fi
for tool in redis-server redis-cli jq timeout; do
	command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
done
if [ ! -x /usr/bin/time ] && [ "$(id -u)" -eq 0 ]; then
	echo "bench: /usr/bin/time not found, installing the Debian package time" >&2
	timeout 300 apt-get install -y -qq time >/dev/null 2>&1 || true
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-sweep.XXXXXX")
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "bench: logs kept in $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
timewait() { ss -s 2>/dev/null | sed -n 's/.*timewait \([0-9]*\).*/\1/p' | head -1; }

# stop PID: TERM, up to 10 s, then KILL; drops it from PIDS.
stop() {
	local pid=$1 keep=() p
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

SE=${SWEEP_BIN:-bin/sharpeyes}

build() {
	if [ -z "${SWEEP_BIN:-}" ]; then
		log "building bin/sharpeyes and bin/connectbench at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
		timeout 900 go build -o bin/sharpeyes ./cmd/sharpeyes
	else
		log "measuring $SE; building bin/connectbench"
	fi
	timeout 300 go build -o bin/connectbench ./internal/cmd/connectbench
}

# start_redis starts redis-server on a free port of 127.0.0.1 below the
# ephemeral range (never 6379) and sets RPORT.
start_redis() {
	local port pid
	for _ in $(seq 30); do
		port=$((20000 + RANDOM % 12000))
		[ "$port" = 6379 ] && continue
		redis-cli -p "$port" ping >/dev/null 2>&1 && continue
		mkdir -p "$TMP/redis"
		redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP/redis" \
			--maxclients 1000 --loglevel warning >"$TMP/redis/log" 2>&1 &
		pid=$!
		for _ in $(seq 50); do
			if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; then
				PIDS+=("$pid")
				RPORT=$port
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	log "could not start redis-server"
	return 1
}

rcli() { timeout 30 redis-cli -p "$RPORT" "$@"; }
commands_total() { rcli INFO stats | tr -d '\r' | awk -F: '$1 == "total_commands_processed" {print $2}'; }
commandstats() { rcli INFO commandstats | tr -d '\r' | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),.*/\1 \2/p' | sort; }

# start_fleet DIR ARGS...: starts the fleet, waits for its ready line, sets
# FLEET_PID; the inventory is DIR/inventory.csv.
start_fleet() {
	local dir=$1
	shift
	timeout -k 10 3600 "$SE" fleet --inventory "$dir/inventory.csv" "$@" \
		>"$dir/fleet.out" 2>"$dir/fleet.err" &
	FLEET_PID=$!
	PIDS+=("$FLEET_PID")
	for _ in $(seq 1200); do
		if grep -q '^fleet of ' "$dir/fleet.out" 2>/dev/null; then
			log "$(head -1 "$dir/fleet.out")"
			return 0
		fi
		kill -0 "$FLEET_PID" 2>/dev/null || break
		sleep 0.1
	done
	log "fleet not ready in 120 s:"
	cat "$dir/fleet.err" >&2
	return 1
}

# field NAME FILE: the value of a "Name: value" line of /usr/bin/time -v.
timefield() { awk -F': ' -v k="$1" 'index($0, k) {print $2}' "$2" | head -1; }

# measure CMD...: runs CMD under /usr/bin/time -v (or, without it, polls
# VmHWM) with its output in $OUT; sets WALL (s), RSS_KB, CPU_S, RC.
measure() {
	local start end
	start=$(date +%s.%N)
	RC=0
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v -o "$OUT.time" "$@" >"$OUT" 2>"$OUT.err" || RC=$?
		RSS_KB=$(timefield 'Maximum resident set size' "$OUT.time")
		CPU_S=$(awk -v u="$(timefield 'User time' "$OUT.time")" -v s="$(timefield 'System time' "$OUT.time")" \
			'BEGIN {printf "%.1f", u + s}')
	else
		"$@" >"$OUT" 2>"$OUT.err" &
		local pid=$! hwm=0 v
		while kill -0 "$pid" 2>/dev/null; do
			v=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
			[ -n "$v" ] && hwm=$v
			sleep 0.1
		done
		wait "$pid" || RC=$?
		RSS_KB=$hwm
		CPU_S=nan
	fi
	end=$(date +%s.%N)
	WALL=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
}

# scenario NAME FLEET_SIZE BARE_FLAGS FLEET_ARGS...
scenario() {
	local name=$1 size=$2 bare_flags=$3 run=$4
	shift 4
	local dir="$TMP/$name-$run" bare_rate bare_cpu sweep before after
	[ "$BARE_RST" = 1 ] && bare_flags="$bare_flags --rst"
	mkdir -p "$dir"
	log "scenario $name run $run: fleet of $size, load average $(loadavg)"
	rcli FLUSHALL >/dev/null
	start_fleet "$dir" --cameras "$size" "$@"
	timeout 600 "$SE" import "$dir/inventory.csv" --redis "redis://127.0.0.1:$RPORT" \
		>"$dir/import.out" 2>&1 || { log "import failed"; cat "$dir/import.out" >&2; return 1; }
	log "$(tail -1 "$dir/import.out")"

	log "TIME_WAIT sockets before the baseline: $(timewait)"
	OUT="$dir/bare.out"
	# shellcheck disable=SC2086 # bare_flags is a list of flags
	measure timeout -k 5 300 bin/connectbench --concurrency "$CONCURRENCY" --timeout "$PROBE_TIMEOUT" \
		$bare_flags "$dir/inventory.csv"
	[ "$RC" = 0 ] || { log "connectbench failed"; cat "$OUT.err" >&2; return 1; }
	bare_rate=$(awk '$1 == "rate_per_s" {print $2}' "$OUT")
	bare_cpu=$CPU_S
	log "bare: $(grep -v '^connectbench:' "$OUT" | tr '\n' ' ') cpu ${bare_cpu}s"

	for sweep in $(seq "$SWEEPS"); do
		sleep 1 # one sweep per second: RunOnce names its slot by the second
		commandstats >"$dir/cmd.before"
		before=$(commands_total)
		local la
		la=$(loadavg)
		log "$name sweep $sweep: TIME_WAIT sockets before: $(timewait)"
		OUT="$dir/collect-$sweep.json"
		measure env SHARPEYES_COLLECTOR_PROBE_TIMEOUT="$PROBE_TIMEOUT" \
			SHARPEYES_COLLECTOR_CONCURRENCY="$CONCURRENCY" SHARPEYES_LOG_LEVEL=warn \
			timeout -k 5 900 "$SE" collect --once --json --redis "redis://127.0.0.1:$RPORT"
		after=$(commands_total)
		commandstats >"$dir/cmd.after"
		if [ "$RC" != 0 ] || ! jq -e .probed "$OUT" >/dev/null 2>&1; then
			log "collect failed (exit $RC):"
			tail -5 "$OUT.err" >&2
			echo -e "$name\t$sweep\t$run\tFAILED" >>"$TMP/results.tsv"
			continue
		fi
		row "$name" "$sweep" "$run" "$OUT" "$bare_rate" "$bare_cpu" $((after - before - 1)) "$dir" "$la"
	done
	stop "$FLEET_PID"
}

# row ... appends one result line (TSV) and logs the details.
row() {
	local name=$1 sweep=$2 run=$3 json=$4 bare_rate=$5 bare_cpu=$6 cmds=$7 dir=$8 la=$9
	local probed dur rate ratio scripts breakdown
	probed=$(jq .probed "$json")
	dur=$(jq .duration_s "$json")
	rate=$(awk -v n="$probed" -v d="$dur" 'BEGIN {printf "%.0f", (d > 0 ? n / d : 0)}')
	ratio=$(awk -v r="$rate" -v b="$bare_rate" 'BEGIN {printf "%.2f", (b > 0 ? r / b : 0)}')
	breakdown=$(join -a 2 -e 0 -o 0,1.2,2.2 "$dir/cmd.before" "$dir/cmd.after" |
		awk '$1 != "info" && $3 - $2 > 0 {printf "%s=%d ", $1, $3 - $2}')
	scripts=$(echo "$breakdown" | tr ' ' '\n' | awk -F= '$1 == "evalsha" || $1 == "eval" {n += $2} END {print n + 0}')
	log "$name sweep $sweep: $(jq -c '{probed, up, degraded, down, unknown, by_reason, written, dropped, isolated}' "$json")"
	log "$name sweep $sweep: wall ${WALL}s sweep ${dur}s rss ${RSS_KB}KB cpu ${CPU_S}s redis $breakdown"
	printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$name" "$sweep" "$run" "$probed" "$WALL" "$dur" "$rate" "$bare_rate" "$ratio" \
		"$(awk -v k="$RSS_KB" 'BEGIN {print k / 1024}')" "$CPU_S" "$bare_cpu" "$cmds" "$scripts" \
		"$(jq -r '"\(.by_reason.timeout // 0)/\(.dropped)"' "$json")" "$la" >>"$TMP/results.tsv"
}

table() {
	echo
	echo "| scenario | sweep | run | cameras probed | wall s | sweep s | probes/s | bare rate/s | ratio | peak RSS MB | CPU s collector / bare | Redis commands (scripts) | timeouts / dropped | load avg |"
	echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	awk -F'\t' '$4 != "FAILED" {printf "| %s | %s | %s | %d | %s | %s | %s | %.0f | %s | %s | %s / %s | %d (%d) | %s | %s |\n",
		$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16}
		$4 == "FAILED" {printf "| %s | %s | %s | FAILED |\n", $1, $2, $3}' "$TMP/results.tsv"
	[ "$RUNS" -gt 1 ] || return 0
	local key
	for key in $(awk -F'\t' '$4 != "FAILED" {print $1 "/" $2}' "$TMP/results.tsv" | sort -u); do
		awk -F'\t' -v k="$key" '
			function median(col,   n, i, j, t, v) {
				n = 0
				for (i = 1; i <= rows; i++) v[++n] = val[i, col]
				for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
				return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			}
			$1 "/" $2 == k && $4 != "FAILED" { rows++; for (c = 4; c <= 14; c++) val[rows, c] = $c; name = $1; sweep = $2 }
			END { printf "| %s | %s | median of %d | %d | %.2f | %.1f | %.0f | %.0f | %.2f | %.0f | %.1f / %.1f | %d (%d) | | |\n",
				name, sweep, rows, median(4), median(5), median(6), median(7), median(8), median(9), median(10),
				median(11), median(12), median(13), median(14) }' "$TMP/results.tsv"
	done
}

main() {
	build
	start_redis
	LOAD0=$(loadavg)
	log "redis-server on 127.0.0.1:$RPORT; $(nproc) cores, open files $(ulimit -n), load average $LOAD0"
	: >"$TMP/results.tsv"
	local run s
	for run in $(seq "$RUNS"); do
		for s in $SCENARIOS; do
			case $s in
			A) scenario A "$A_FLEET" --rtsp "$run" --kind rtsp --down 5 --mix silent=5 ;;
			B) scenario B "$B_FLEET" "" "$run" --kind tcp ;;
			*) log "unknown scenario $s"; exit 2 ;;
			esac
		done
	done
	log "done; load average $(loadavg)"
	echo "$(date -u +%Y-%m-%d) $(git rev-parse --short HEAD 2>/dev/null || echo '?'): $(nproc) cores" \
		"($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(go env GOVERSION)," \
		"open files $(ulimit -n), load average $LOAD0 at the start, $(loadavg) at the end;" \
		"concurrency $CONCURRENCY, probe timeout $PROBE_TIMEOUT, baseline close: $([ "$BARE_RST" = 1 ] && echo RST || echo FIN)"
	table
}

main

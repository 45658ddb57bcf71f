#!/usr/bin/env bash
# Load test of `pilotmap serve` on loopback with wrk, against nginx serving
# the very same bytes as static files in the same run (the reference).
#
# Measures requests/s and p99 latency (32 connections, gzip accepted) for
#   - /api/v1/stats/provinces
#   - a cached vector tile (/tiles/units/6/52/24.mvt, around Beijing)
#   - the cached national units layer (/api/v1/layers/units?zoom=4)
#   - a cached OGC items page (/ogc/collections/units/items?limit=1000:
#     all 448 units at full resolution)
# plus the uncached first request of the tile and the layer, the gzipped
# sizes of the provinces + units layers at z=4, and the server's peak RSS
# (VmHWM). Installs wrk and nginx (Debian packages) when missing.
#
# Then the mix: MIX_CONNS connections (64, a quarter on each route) for
# MIX_SECONDS (30) on the national units layer (z=4), a tile,
# /api/v1/stats and an OGC items page (limit=1000), each route its own wrk
# so each has its own p99, while STALL clients (40, bench/stall) ask for
# the OGC page of 10,000 units and never read it. Reports req/s and p99
# per route, the responses by status (from the server's /metrics: 503s are
# the deliberate refusals of the build admission), wrk's socket errors and
# the server's RSS sampled every 0.2 s throughout (max) and VmHWM.
#
# Usage: bench/load.sh [seconds per run, default 10]
# Env:   CONNS (32), THREADS (1), PORT (18480), NGINX_PORT (18481), OUT (report file),
#        MIX_CONNS (64), MIX_SECONDS (30), STALL (40); MIX_SECONDS=0 skips the mix
#
# wrk runs on the same 2 cores as the server: one wrk thread (the default)
# leaves the server a core; with THREADS=2 the load generator's threads
# compete with the server's and add their scheduling delays to the p99 of
# both pilotmap and nginx.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-10}"
CONNS="${CONNS:-32}"
THREADS="${THREADS:-1}"
PORT="${PORT:-18480}"
NGINX_PORT="${NGINX_PORT:-18481}"
WORK="$(mktemp -d /tmp/pilotmap-load.XXXXXX)"
OUT="${OUT:-$WORK/report.md}"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
	echo "load: installing ${need[*]}" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	# Packages' own start scripts may not start services here; we start nginx ourselves.
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

SERVER_PID=""
NGINX_PID=""
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT

echo "load: building" >&2
go build -o "$WORK/pilotmap" ./cmd/pilotmap
go build -o "$WORK/stall" ./bench/stall
MIX_CONNS="${MIX_CONNS:-64}"
MIX_SECONDS="${MIX_SECONDS:-30}"
STALL="${STALL:-40}"

BASE="http://127.0.0.1:$PORT"
"$WORK/pilotmap" serve --addr "127.0.0.1:$PORT" --db "$WORK/pm.db" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do
	curl -sf "$BASE/readyz" >/dev/null && break
	sleep 0.2
done
curl -sf "$BASE/readyz" >/dev/null || { echo "load: server not ready" >&2; cat "$WORK/server.log" >&2; exit 1; }

STATS=/api/v1/stats/provinces
TILE=/tiles/units/6/52/24.mvt
LAYER="/api/v1/layers/units?zoom=4"
OGC="/ogc/collections/units/items?limit=1000"

# First (uncached) requests: time to build, once the data is loaded (the
# first API request reads the pilot units and computes the statistics).
first() { curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{time_total}' "$BASE$1"; }
first /api/v1/config >/dev/null
TILE_FIRST_MS=$(awk -v t="$(first "$TILE")" 'BEGIN{printf "%.1f", t*1000}')
LAYER_FIRST_MS=$(awk -v t="$(first "$LAYER")" 'BEGIN{printf "%.1f", t*1000}')
first "$STATS" >/dev/null

# The bytes the server sends (gzip), saved for nginx to serve.
mkdir -p "$WORK/www"
save() { curl -sf -H 'Accept-Encoding: gzip' -D "$WORK/www/$2.headers" -o "$WORK/www/$2" "$BASE$1"; }
save "$STATS" stats
save "$TILE" tile
save "$LAYER" layer
save "$OGC" ogc
save "/api/v1/layers/provinces?zoom=4" provinces4
for f in stats tile layer ogc provinces4; do
	grep -qi '^content-encoding: gzip' "$WORK/www/$f.headers" || echo "load: note: $f is not gzipped by the server" >&2
done
chmod 755 "$WORK"
chmod -R a+rX "$WORK/www"
SIZE_P4=$(stat -c %s "$WORK/www/provinces4")
SIZE_U4=$(stat -c %s "$WORK/www/layer")

cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
	# The same access log as pilotmap's default (--access-log buffered).
	access_log $WORK/nginx-access.log combined buffer=64k flush=1s;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
	uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $WORK/www;
		etag on;
		location = /stats { default_type application/json; add_header Content-Encoding gzip; add_header Vary Accept-Encoding; }
		location = /tile  { default_type application/vnd.mapbox-vector-tile; add_header Content-Encoding gzip; add_header Vary Accept-Encoding; }
		location = /layer { default_type application/geo+json; add_header Content-Encoding gzip; add_header Vary Accept-Encoding; }
		location = /ogc   { default_type application/geo+json; add_header Content-Encoding gzip; add_header Vary Accept-Encoding; }
	}
}
EOF
mkdir -p "$WORK/tmp"
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" 2>>"$WORK/nginx-error.log" &
NGINX_PID=$!
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/stats" && break
	sleep 0.1
done

# run URL → "req/s p99_ms"
run() {
	local out
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -H 'Accept-Encoding: gzip' "$1")
	echo "$out" >>"$WORK/wrk.log"
	local rps p99
	rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' <<<"$out")
	local errs
	errs=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
	[ -z "$errs" ] || echo "load: $1: $errs non-2xx responses" >&2
	echo "$rps $p99"
}

echo "load: wrk ${DURATION}s, $CONNS connections, $THREADS threads" >&2
declare -A R
for name in stats tile layer ogc; do
	case $name in
	stats) path=$STATS ;;
	tile) path=$TILE ;;
	layer) path=$LAYER ;;
	ogc) path=$OGC ;;
	esac
	echo "load: $name: pilotmap $path" >&2
	R[$name.pm]=$(run "$BASE$path")
	echo "load: $name: nginx" >&2
	R[$name.ng]=$(run "http://127.0.0.1:$NGINX_PORT/$name")
done

# The mix, with the clients that never read.
MIX_ROUTES=("$LAYER" "$TILE" /api/v1/stats "$OGC")
STALL_PATH="/ogc/collections/units/items?limit=10000"
declare -A M
if [ "$MIX_SECONDS" -gt 0 ]; then
	for p in "${MIX_ROUTES[@]}" "$STALL_PATH"; do first "$p" >/dev/null; done
	curl -sf "$BASE/metrics" >"$WORK/metrics-before.txt"
	: >"$WORK/rss.log"
	( while kill -0 "$SERVER_PID" 2>/dev/null; do awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" >>"$WORK/rss.log" 2>/dev/null; sleep 0.2; done ) &
	SAMPLER=$!
	"$WORK/stall" -n "$STALL" -for "$((MIX_SECONDS + 4))s" "$BASE$STALL_PATH" >"$WORK/stall.log" 2>&1 &
	STALLER=$!
	sleep 2
	per=$((MIX_CONNS / ${#MIX_ROUTES[@]}))
	echo "load: mix ${MIX_SECONDS}s, $per connections on each of ${#MIX_ROUTES[@]} routes, $STALL clients not reading" >&2
	pids=()
	for i in "${!MIX_ROUTES[@]}"; do
		wrk -t1 -c"$per" -d"${MIX_SECONDS}s" --latency -H 'Accept-Encoding: gzip' "$BASE${MIX_ROUTES[$i]}" >"$WORK/mix-$i.txt" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	wait "$STALLER" || true
	kill "$SAMPLER" 2>/dev/null || true
	curl -sf "$BASE/metrics" >"$WORK/metrics-after.txt"
	for i in "${!MIX_ROUTES[@]}"; do
		out=$(cat "$WORK/mix-$i.txt")
		cat "$WORK/mix-$i.txt" >>"$WORK/wrk.log"
		rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
		p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.1f", v}' <<<"$out")
		reqs=$(awk '/requests in/ {print $1}' <<<"$out")
		sock=$(awk '/Socket errors:/ {gsub(",", ""); print $4+$6+$8+$10}' <<<"$out")
		non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
		M[$i]="$rps $p99 $reqs ${sock:-0} ${non2xx:-0}"
	done
	# Responses by status during the mix, from the server's own counters.
	codes() { awk '/^pilotmap_http_requests_total\{/ { match($0, /code="[0-9]+"/); c = substr($0, RSTART+6, 3); n[c] += $NF } END { for (c in n) print c, n[c] }' "$1" | sort; }
	join -a1 -e0 -o 0,1.2,2.2 <(codes "$WORK/metrics-after.txt") <(codes "$WORK/metrics-before.txt") | awk '{ if ($2 - $3 > 0) printf "%s: %d; ", $1, $2 - $3 }' >"$WORK/mix-codes.txt"
	MIX_RSS_MAX=$(sort -n "$WORK/rss.log" | tail -1)
fi

RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
NGINX_RSS_KB=0
for p in $(pgrep -P "$NGINX_PID" 2>/dev/null) "$NGINX_PID"; do
	v=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
	NGINX_RSS_KB=$((NGINX_RSS_KB + v))
done

cpu=$(awk -F: '/^model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
{
	echo "pilotmap load test, $(date -u +%Y-%m-%d), $(nproc) cores ($cpu), loopback, wrk -t$THREADS -c$CONNS -d${DURATION}s, Accept-Encoding: gzip"
	echo
	echo "| endpoint | bytes (gzip) | pilotmap req/s | pilotmap p99 | nginx req/s (same bytes) | nginx p99 | pilotmap/nginx |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for name in stats tile layer ogc; do
		read -r prps pp99 <<<"${R[$name.pm]}"
		read -r nrps np99 <<<"${R[$name.ng]}"
		case $name in
		stats) label="\`$STATS\`" ;;
		tile) label="cached tile \`$TILE\`" ;;
		layer) label="cached national units layer \`$LAYER\`" ;;
		ogc) label="cached OGC page \`$OGC\` (its links added per request)" ;;
		esac
		ratio=$(awk -v a="$prps" -v b="$nrps" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }')
		echo "| $label | $(stat -c %s "$WORK/www/$name") | $prps | ${pp99} ms | $nrps | ${np99} ms | $ratio |"
	done
	echo
	echo "- first (uncached) request, data loaded: tile ${TILE_FIRST_MS} ms, national units layer ${LAYER_FIRST_MS} ms (curl, including the connection)"
	echo "- provinces + units layers at z=4, gzipped: $SIZE_P4 + $SIZE_U4 = $((SIZE_P4 + SIZE_U4)) bytes"
	echo "- peak RSS (VmHWM) of pilotmap serve: $((RSS_KB / 1024)) MB; of nginx (all processes): $((NGINX_RSS_KB / 1024)) MB"
	if [ "$MIX_SECONDS" -gt 0 ]; then
		echo
		echo "Mix: $MIX_CONNS connections for ${MIX_SECONDS}s ($((MIX_CONNS / ${#MIX_ROUTES[@]})) per route, one wrk -t1 each), plus $STALL clients asking for \`$STALL_PATH\` and never reading ($(cat "$WORK/stall.log"))"
		echo
		echo "| route | req/s | p99 | requests | socket errors | non-2xx/3xx |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: |"
		for i in "${!MIX_ROUTES[@]}"; do
			read -r rps p99 reqs sock non2xx <<<"${M[$i]}"
			echo "| \`${MIX_ROUTES[$i]}\` | $rps | $p99 ms | $reqs | $sock | $non2xx |"
		done
		echo
		echo "- responses by status during the mix (server's /metrics): $(cat "$WORK/mix-codes.txt")"
		echo "- RSS during the mix (VmRSS every 0.2 s): max $((MIX_RSS_MAX / 1024)) MB over $(wc -l <"$WORK/rss.log") samples"
	fi
} | tee "$OUT"
echo "load: report in $OUT; wrk output in $WORK/wrk.log" >&2

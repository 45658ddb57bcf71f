#!/usr/bin/env bash
# Load test of `pilotmap serve` on loopback with wrk, against nginx serving
# the very same bytes as static files in the same run (the reference).
#
# Measures requests/s and p99 latency (32 connections, gzip accepted) for
#   - /api/v1/stats/provinces
#   - a cached vector tile (/tiles/units/6/52/24.mvt, around Beijing)
#   - the cached national units layer (/api/v1/layers/units?zoom=4)
# plus the uncached first request of the tile and the layer, the gzipped
# sizes of the provinces + units layers at z=4, and the server's peak RSS
# (VmHWM). Installs wrk and nginx (Debian packages) when missing.
#
# Usage: bench/load.sh [seconds per run, default 10]
# Env:   CONNS (32), THREADS (1), PORT (18480), NGINX_PORT (18481), OUT (report file)
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
save "/api/v1/layers/provinces?zoom=4" provinces4
for f in stats tile layer provinces4; do
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
	access_log $WORK/nginx-access.log;
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
for name in stats tile layer; do
	case $name in
	stats) path=$STATS ;;
	tile) path=$TILE ;;
	layer) path=$LAYER ;;
	esac
	echo "load: $name: pilotmap $path" >&2
	R[$name.pm]=$(run "$BASE$path")
	echo "load: $name: nginx" >&2
	R[$name.ng]=$(run "http://127.0.0.1:$NGINX_PORT/$name")
done

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
	for name in stats tile layer; do
		read -r prps pp99 <<<"${R[$name.pm]}"
		read -r nrps np99 <<<"${R[$name.ng]}"
		case $name in
		stats) label="\`$STATS\`" ;;
		tile) label="cached tile \`$TILE\`" ;;
		layer) label="cached national units layer \`$LAYER\`" ;;
		esac
		ratio=$(awk -v a="$prps" -v b="$nrps" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }')
		echo "| $label | $(stat -c %s "$WORK/www/$name") | $prps | ${pp99} ms | $nrps | ${np99} ms | $ratio |"
	done
	echo
	echo "- first (uncached) request, data loaded: tile ${TILE_FIRST_MS} ms, national units layer ${LAYER_FIRST_MS} ms (curl, including the connection)"
	echo "- provinces + units layers at z=4, gzipped: $SIZE_P4 + $SIZE_U4 = $((SIZE_P4 + SIZE_U4)) bytes"
	echo "- peak RSS (VmHWM) of pilotmap serve: $((RSS_KB / 1024)) MB; of nginx (all processes): $((NGINX_RSS_KB / 1024)) MB"
} | tee "$OUT"
echo "load: report in $OUT; wrk output in $WORK/wrk.log" >&2

#!/usr/bin/env bash
# Scale-out test: PostgreSQL, two `pilotmap serve` replicas over it and nginx
# as the load balancer, all on loopback.
#
#   1. Starts a PostgreSQL server in a temp dir (initdb; as the user postgres
#      when run as root), seeds it with `pilotmap init --db postgres://…`.
#   2. Starts replicas A and B on that database, and nginx with two front
#      ends: one proxying to A only, one balancing A and B (round robin,
#      keep-alive to the upstreams, no caching in nginx).
#   3. Runs the mix of bench/load.sh through nginx against one replica and
#      against two: MIX_CONNS connections (64, a quarter on each route) for
#      the given seconds on the national units layer (z=4), a tile,
#      /api/v1/stats and an OGC items page (limit=1000), one wrk per route,
#      while STALL clients (40, bench/stall) ask for the OGC page of 10,000
#      units and never read it. Reports req/s and p99 per route, the total,
#      the ratio two ÷ one, and CPU per request (user+system time of the
#      replicas, of nginx and of PostgreSQL during the run, from /proc,
#      divided by the requests wrk completed). Then each route alone
#      (ROUTE_SECONDS, 10; 32 connections, as bench/load.sh's per-route runs)
#      through nginx to two replicas, for the CPU per request of each route:
#      the mix's average depends on how many requests each route got.
#   4. Checks that A and B answer with identical ETags and bytes, imports a
#      notice with the CLI (into the database both replicas read; there is no
#      import over HTTP yet, issue 13) and measures how long until A and then
#      B serve it, and checks the ETags are identical again.
#
# Installs wrk, nginx, curl and postgresql (Debian packages) when missing.
#
# Usage: bench/replicas.sh [seconds per run, default 30]
# Env:   MIX_CONNS (64), STALL (40), PORT (18490: A; +1 B; +2 nginx to A; +3 nginx to A and B),
#        ROUTE_SECONDS (10; 0 skips the per-route runs), OUT (report file)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-30}"
MIX_CONNS="${MIX_CONNS:-64}"
STALL="${STALL:-40}"
ROUTE_SECONDS="${ROUTE_SECONDS:-10}"
PORT="${PORT:-18490}"
PORT_A=$PORT PORT_B=$((PORT + 1)) PORT_ONE=$((PORT + 2)) PORT_TWO=$((PORT + 3))
WORK="$(mktemp -d /tmp/pilotmap-replicas.XXXXXX)"
OUT="${OUT:-$WORK/report.md}"
chmod 755 "$WORK"

pg_bin() {
	local d
	if command -v initdb >/dev/null; then
		dirname "$(readlink -f "$(command -v initdb)")"
		return
	fi
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
[ -n "$(pg_bin)" ] || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
	echo "replicas: installing ${need[*]}" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	# Packages' own start scripts may not start services here; we start our own.
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
PGBIN="$(pg_bin)"
# PostgreSQL refuses to run as root: run it as postgres then.
AS=()
if [ "$(id -u)" -eq 0 ]; then
	AS=(runuser -u postgres --)
	mkdir -p "$WORK/pg"
	chown postgres: "$WORK/pg"
fi

# A port someone else listens on would be measured instead of ours.
for p in "$PORT_A" "$PORT_B" "$PORT_ONE" "$PORT_TWO"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		echo "replicas: port $p is in use; choose others with PORT=…" >&2
		exit 1
	fi
done

PIDS=()
PG_STARTED=""
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	[ -z "$PG_STARTED" ] || "${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null || true
	rm -rf "$WORK/pg/data"
}
trap cleanup EXIT

echo "replicas: building" >&2
go build -o "$WORK/pilotmap" ./cmd/pilotmap
go build -o "$WORK/stall" ./bench/stall

echo "replicas: PostgreSQL ($PGBIN)" >&2
"${AS[@]}" "$PGBIN/initdb" -D "$WORK/pg/data" -U pilotmap -A trust -E UTF8 --locale=C >"$WORK/initdb.log"
"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/postgres.log" -w \
	-o "-k $WORK/pg -c listen_addresses= -c max_connections=100" start >/dev/null
PG_STARTED=1
PG_PID=$(head -1 "$WORK/pg/data/postmaster.pid")
"$PGBIN/psql" -q -h "$WORK/pg" -U pilotmap -d postgres -c "CREATE DATABASE pilotmap"
DSN="postgres://pilotmap@/pilotmap?host=$WORK/pg"
"$WORK/pilotmap" init --db "$DSN" >&2

"$WORK/pilotmap" serve --addr "127.0.0.1:$PORT_A" --db "$DSN" 2>"$WORK/a.log" &
A_PID=$!
PIDS+=("$A_PID")
"$WORK/pilotmap" serve --addr "127.0.0.1:$PORT_B" --db "$DSN" 2>"$WORK/b.log" &
B_PID=$!
PIDS+=("$B_PID")
A="http://127.0.0.1:$PORT_A" B="http://127.0.0.1:$PORT_B"
for base in "$A" "$B"; do
	for _ in $(seq 150); do
		curl -sf "$base/readyz" >/dev/null && break
		sleep 0.2
	done
	curl -sf "$base/readyz" >/dev/null || { echo "replicas: $base not ready" >&2; cat "$WORK"/a.log "$WORK"/b.log >&2; exit 1; }
done

mkdir -p "$WORK/tmp"
cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
	log_format upstream '\$upstream_addr';
	access_log off;
	keepalive_requests 100000;
	client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
	uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
	upstream one { server 127.0.0.1:$PORT_A; keepalive 64; }
	upstream two { server 127.0.0.1:$PORT_A; server 127.0.0.1:$PORT_B; keepalive 64; }
	proxy_http_version 1.1;
	proxy_set_header Connection "";
	proxy_set_header Host \$host;
	proxy_buffering on;
	server { listen 127.0.0.1:$PORT_ONE; location / { proxy_pass http://one; } }
	server { listen 127.0.0.1:$PORT_TWO; access_log $WORK/two-upstreams.log upstream; location / { proxy_pass http://two; } }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" 2>>"$WORK/nginx-error.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$PORT_TWO/readyz" && break
	sleep 0.1
done

STATS=/api/v1/stats/provinces
TILE=/tiles/units/6/52/24.mvt
LAYER="/api/v1/layers/units?zoom=4"
OGC="/ogc/collections/units/items?limit=1000"
STALL_PATH="/ogc/collections/units/items?limit=10000"
MIX_ROUTES=("$LAYER" "$TILE" /api/v1/stats "$OGC")
MIX_NAMES=("national units layer \`$LAYER\`" "tile \`$TILE\`" "\`/api/v1/stats\`" "OGC page \`$OGC\`")
# Every replica builds (and caches) what it serves before the runs, through
# nginx too (its Host is in the OGC links).
for base in "$A" "$B" "http://127.0.0.1:$PORT_ONE" "http://127.0.0.1:$PORT_TWO" "http://127.0.0.1:$PORT_TWO"; do
	for p in "$STATS" "${MIX_ROUTES[@]}" "$STALL_PATH"; do curl -sf -o /dev/null -H 'Accept-Encoding: gzip' "$base$p"; done
done

# ticks PID… → user+system clock ticks of the processes (all their threads)
ticks() {
	local t=0 p v
	for p in "$@"; do
		v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
		t=$((t + v))
	done
	echo "$t"
}
nginx_pids() { echo "$NGINX_PID" $(pgrep -P "$NGINX_PID" 2>/dev/null); }
pg_pids() { echo "$PG_PID" $(pgrep -P "$PG_PID" 2>/dev/null); }
HZ=$(getconf CLK_TCK)
# p99 of a wrk output, in ms
p99() { awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.1f", v}' "$1"; }

# mix NAME BASE: the mix against BASE; leaves mix-NAME-i.txt and cpu-NAME.txt
mix() {
	local name=$1 base=$2 r0 n0 g0 i pids=() per=$((MIX_CONNS / ${#MIX_ROUTES[@]})) stall_pid
	"$WORK/stall" -n "$STALL" -for "$((DURATION + 4))s" "$base$STALL_PATH" >"$WORK/stall-$name.log" 2>&1 &
	stall_pid=$!
	sleep 2
	r0=$(ticks "$A_PID" "$B_PID") n0=$(ticks $(nginx_pids)) g0=$(ticks $(pg_pids))
	for i in "${!MIX_ROUTES[@]}"; do
		wrk -t1 -c"$per" -d"${DURATION}s" --latency -H 'Accept-Encoding: gzip' "$base${MIX_ROUTES[$i]}" >"$WORK/mix-$name-$i.txt" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	echo "$(($(ticks "$A_PID" "$B_PID") - r0)) $(($(ticks $(nginx_pids)) - n0)) $(($(ticks $(pg_pids)) - g0))" >"$WORK/cpu-$name.txt"
	wait "$stall_pid" || true
	cat "$WORK"/mix-"$name"-*.txt >>"$WORK/wrk.log"
}

echo "replicas: mix ${DURATION}s, $MIX_CONNS connections on ${#MIX_ROUTES[@]} routes, $STALL clients not reading" >&2
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "replicas: one replica" >&2
mix one "http://127.0.0.1:$PORT_ONE"
echo "replicas: two replicas" >&2
mix two "http://127.0.0.1:$PORT_TWO"
# cost I: route I alone through nginx to both replicas → cost-I.txt "requests replica_ticks nginx_ticks pg_ticks"
cost() {
	local i=$1 r0 n0 g0 out
	r0=$(ticks "$A_PID" "$B_PID") n0=$(ticks $(nginx_pids)) g0=$(ticks $(pg_pids))
	out=$(wrk -t1 -c32 -d"${ROUTE_SECONDS}s" --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT_TWO${MIX_ROUTES[$i]}")
	echo "$out" >>"$WORK/wrk.log"
	echo "$(awk '/requests in/ {print $1}' <<<"$out") $(($(ticks "$A_PID" "$B_PID") - r0)) $(($(ticks $(nginx_pids)) - n0)) $(($(ticks $(pg_pids)) - g0))" >"$WORK/cost-$i.txt"
}
if [ "$ROUTE_SECONDS" -gt 0 ]; then
	for i in "${!MIX_ROUTES[@]}"; do
		echo "replicas: ${MIX_ROUTES[$i]} alone" >&2
		cost "$i"
	done
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
rps() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
reqs() { cat "$WORK"/mix-"$1"-*.txt | awk '/requests in/ {s += $1} END {print s}'; }
non2xx() { cat "$WORK"/mix-"$1"-*.txt | awk '/Non-2xx or 3xx responses:/ {s += $NF} /Socket errors/ {e = e $0 "; "} END {printf "%d non-2xx%s", s, (e == "" ? "" : ", " e)}'; }
# How the two-replica run was shared: requests nginx sent to each.
share() { grep -c "^127.0.0.1:$1\$" "$WORK/two-upstreams.log" || true; }

# etag BASE PATH → the ETag (gzip accepted)
etag() { curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' "$1$2" | awk -F': ' 'tolower($1) == "etag" {gsub(/\r/, "", $2); print $2}'; }
same_etags() {
	local p bad=0
	for p in /api/v1/stats "$STATS" /api/v1/units "$TILE" "$LAYER" "/api/v1/layers/provinces?zoom=4" /api/v1/gaps; do
		if [ "$(etag "$A" "$p")" != "$(etag "$B" "$p")" ] || [ -z "$(etag "$A" "$p")" ] ||
			! cmp -s <(curl -s "$A$p") <(curl -s "$B$p"); then
			echo "replicas: $p differs between A and B" >&2
			bad=1
		fi
	done
	[ $bad -eq 0 ] && echo identical || echo DIFFERENT
}
ETAGS_BEFORE=$(same_etags)

# An import into the shared database; how long until each replica serves it.
printf '关于开展创建幸福家庭活动的通知\n第三批试点单位名单(2个)\n1. 云南省:昆明市、大理州\n' >"$WORK/third.txt"
OLD=$(etag "$B" /api/v1/stats)
"$WORK/pilotmap" import --db "$DSN" "$WORK/third.txt" >&2
T0=$(date +%s%N)
seen() { # base → ms until its stats ETag moved (or "not within 5 s")
	while [ "$(etag "$1" /api/v1/stats)" = "$OLD" ]; do
		[ $(($(date +%s%N) - T0)) -lt 5000000000 ] || { echo "not within 5 s"; return; }
		sleep 0.01
	done
	echo "$((($(date +%s%N) - T0) / 1000000)) ms"
}
SEEN_A=$(seen "$A")
SEEN_B=$(seen "$B")
UNITS_B=$(curl -s "$B/api/v1/stats" | grep -o '"units":[0-9]*' | head -1)
ETAGS_AFTER=$(same_etags)

cpu=$(awk -F: '/^model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
pgv=$("$PGBIN/postgres" --version)
{
	echo "pilotmap replicas, $(date -u +%Y-%m-%d), $(nproc) cores ($cpu), loopback; $pgv; nginx round robin;"
	echo "the mix of bench/load.sh for ${DURATION}s: $MIX_CONNS connections, $((MIX_CONNS / ${#MIX_ROUTES[@]})) per route (one wrk -t1 each), plus $STALL clients asking for \`$STALL_PATH\` and never reading;"
	echo "wrk, nginx, both replicas and PostgreSQL share the $(nproc) cores; load average (1, 5, 15 min) $LOAD_BEFORE before the runs, $LOAD_AFTER after (other work on the machine shows here)."
	echo
	echo "| route | one replica: req/s | p99 | two replicas: req/s | p99 | two ÷ one |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	for i in "${!MIX_ROUTES[@]}"; do
		r1=$(rps "$WORK/mix-one-$i.txt") r2=$(rps "$WORK/mix-two-$i.txt")
		echo "| ${MIX_NAMES[$i]} | $r1 | $(p99 "$WORK/mix-one-$i.txt") ms | $r2 | $(p99 "$WORK/mix-two-$i.txt") ms | $(awk -v a="$r2" -v b="$r1" 'BEGIN{printf "%.2f", a/b}') |"
	done
	t1=$(reqs one) t2=$(reqs two)
	echo "| all four | $((t1 / DURATION)) | | $((t2 / DURATION)) | | $(awk -v a="$t2" -v b="$t1" 'BEGIN{printf "%.2f", a/b}') |"
	echo
	echo "| CPU ms per request | replicas | nginx | PostgreSQL |"
	echo "| --- | ---: | ---: | ---: |"
	for i in "${!MIX_ROUTES[@]}"; do
		[ -f "$WORK/cost-$i.txt" ] || continue
		read -r t cr cn cg <"$WORK/cost-$i.txt"
		awk -v hz="$HZ" -v l="${MIX_NAMES[$i]} alone, ${ROUTE_SECONDS}s" -v t="$t" -v r="$cr" -v x="$cn" -v g="$cg" 'BEGIN { ms = 1000 / hz; printf "| %s | %.3f | %.3f | %.3f |\n", l, r * ms / t, x * ms / t, g * ms / t }'
	done
	for n in one two; do
		read -r cr cn cg <"$WORK/cpu-$n.txt"
		t=$(reqs $n)
		awk -v hz="$HZ" -v n="$n" -v t="$t" -v r="$cr" -v x="$cn" -v g="$cg" 'BEGIN { ms = 1000 / hz; printf "| the mix, %s replica%s (its average) | %.3f | %.3f | %.3f |\n", n, (n == "two" ? "s" : ""), r * ms / t, x * ms / t, g * ms / t }'
	done
	echo
	echo "- responses that were not 2xx, socket errors: one replica $(non2xx one); two replicas $(non2xx two)"
	echo "- clients not reading: one replica $(cat "$WORK/stall-one.log"); two replicas $(cat "$WORK/stall-two.log")"
	echo "- ETags and bytes of A and B (7 routes): $ETAGS_BEFORE before the import, $ETAGS_AFTER after"
	echo "- import by the CLI into the shared database: served by A after $SEEN_A, by B after $SEEN_B ($UNITS_B on B)"
	echo "- requests nginx sent to each replica in the two-replica run: A $(share "$PORT_A"), B $(share "$PORT_B")"
} | tee "$OUT"
echo "replicas: report in $OUT; wrk output in $WORK/wrk.log; logs in $WORK" >&2
[ "$ETAGS_BEFORE" = identical ] && [ "$ETAGS_AFTER" = identical ] && [[ "$SEEN_B" == *" ms" ]]

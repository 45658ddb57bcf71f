#!/usr/bin/env bash
# Memory of `pilotmap serve` under what real clients request: starts a fresh
# server (bin/pilotmap, a temporary database, a free port on 127.0.0.1) and
# requests, phase by phase,
#   layers   the layers at z 3,4,6,8 (the web map's first view and zooms),
#            provinces/units/pilots/nanhai/gaps, with and without gzip;
#   refine   the same at z=9, and what the web map's refine() fetches in
#            8 views (bbox) at z 7–9;
#   download download=1 at z=12 (the web map's download buttons);
#   svg      /api/v1/map.svg: coverage, gaps, province=110000;
#   ogc      OGC items pages of limit=10000 for every collection;
#   tiles    every tile over China (73–135°E, 3–54°N) at z 0–8 for units and
#            provinces, one in 4×4 at z=9 and one in 8×8 at z=10;
#   deep     the layers at z 13–18 (a client asking beyond the data's zoom);
# and prints the server's VmHWM (peak) and VmRSS (now) after each phase.
#
# Usage: bench/rss.sh
# Env:   BIN (a built pilotmap; default: go build -o bin/pilotmap), PAR (4
#        parallel requests), SERVE_ARGS (extra flags for serve, e.g.
#        "--memory-limit 0"), OUT (report file)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${BIN:-}" ]; then
	BIN=bin/pilotmap
	echo "rss: building $BIN (web map from web/dist, built or not)" >&2
	go build -o "$BIN" ./cmd/pilotmap
fi
PAR="${PAR:-4}"
WORK="$(mktemp -d /tmp/pilotmap-rss.XXXXXX)"
OUT="${OUT:-$WORK/report.md}"

SERVER_PID=""
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
	rm -f "$WORK"/pm.db*
}
trap cleanup EXIT

# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
"$BIN" serve --addr 127.0.0.1:0 --db "$WORK/pm.db" ${SERVE_ARGS:-} 2>"$WORK/server.log" &
SERVER_PID=$!
BASE=""
for _ in $(seq 150); do
	addr=$(sed -n 's/.*msg=serving addr=\([0-9.:]*\).*/\1/p' "$WORK/server.log" | head -1)
	if [ -n "$addr" ] && curl -sf "http://$addr/readyz" >/dev/null; then
		BASE="http://$addr"
		break
	fi
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.2
done
[ -n "$BASE" ] || { echo "rss: server not ready" >&2; cat "$WORK/server.log" >&2; exit 1; }

kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SERVER_PID/status"; }
mb() { awk -v v="$1" 'BEGIN{printf "%.0f", v/1024}'; }

# fetch FILE [gzip]: every path in FILE, PAR at a time; fails on any
# status other than 200/204; prints "requests bytes".
fetch() {
	local list=$1 cfg=$WORK/curl.cfg
	: >"$cfg"
	while read -r p; do
		printf 'url = "%s%s"\noutput = "/dev/null"\n' "$BASE" "$p" >>"$cfg"
	done <"$list"
	local hdr=()
	[ "${2:-}" = gzip ] && hdr=(-H 'Accept-Encoding: gzip')
	curl -s --no-progress-meter --parallel --parallel-max "$PAR" "${hdr[@]}" -w '%{http_code} %{size_download}\n' -K "$cfg" >"$WORK/codes"
	if awk '$1 != 200 && $1 != 204' "$WORK/codes" | grep -q .; then
		echo "rss: unexpected statuses:" >&2
		awk '$1 != 200 && $1 != 204' "$WORK/codes" | sort | uniq -c >&2
		exit 1
	fi
	awk '{n++; b += $2} END {printf "%d %d\n", n, b}' "$WORK/codes"
}

declare -a ROWS
phase() { # name description list
	local name=$1 what=$2 list=$3 t0 t1 plain gz
	t0=$(date +%s.%N)
	plain=$(fetch "$list")
	gz=$(fetch "$list" gzip)
	t1=$(date +%s.%N)
	local n b
	read -r n b <<<"$plain"
	read -r _ gb <<<"$gz"
	ROWS+=("| $name | $what | $((n * 2)) | $(awk -v b="$b" 'BEGIN{printf "%.1f", b/1048576}') / $(awk -v b="$gb" 'BEGIN{printf "%.1f", b/1048576}') MB | $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s | $(mb "$(kb VmHWM)") | $(mb "$(kb VmRSS)") |")
	echo "rss: $name: VmHWM $(mb "$(kb VmHWM)") MB, VmRSS $(mb "$(kb VmRSS)") MB" >&2
}

LAYERS="provinces units pilots nanhai gaps"
layers_at() { for z in "$@"; do for l in $LAYERS; do echo "/api/v1/layers/$l?zoom=$z"; done; done; }

START_HWM=$(kb VmHWM)
START_RSS=$(kb VmRSS)
ROWS+=("| start | ready, no request yet | 0 | – | – | $(mb "$START_HWM") | $(mb "$START_RSS") |")

layers_at 3 4 6 8 >"$WORK/layers"
phase layers "layers z 3,4,6,8" "$WORK/layers"

# refine(): at map zoom z (7–9) the units, pilots and gaps at z and the
# provinces at min(z, 7), in the view (1280×800 px) padded by a quarter.
refine_views() {
	awk 'BEGIN {
		split("116.4,39.9 121.5,31.2 104.1,30.7 87.6,43.8 113.3,23.1 126.6,45.8 91.1,29.7 102.7,25.0", C, " ")
		for (z = 7; z <= 9; z++) for (i = 1; i in C; i++) {
			split(C[i], c, ",")
			w = 1280 * 1.5 / 256 / 2 ^ z * 360; h = w * 800 / 1280
			bbox = sprintf("%.3f,%.3f,%.3f,%.3f", c[1] - w / 2, c[2] - h / 2, c[1] + w / 2, c[2] + h / 2)
			printf "/api/v1/layers/units?zoom=%d&bbox=%s\n", z, bbox
			printf "/api/v1/layers/pilots?zoom=%d&bbox=%s\n", z, bbox
			printf "/api/v1/layers/gaps?zoom=%d&bbox=%s\n", z, bbox
			printf "/api/v1/layers/provinces?zoom=%d&bbox=%s\n", (z < 7 ? z : 7), bbox
		}
	}'
}
{
	layers_at 9
	refine_views
} >"$WORK/refine"
phase refine "layers z=9; refine() in 8 views at z 7–9" "$WORK/refine"

for l in $LAYERS; do echo "/api/v1/layers/$l?zoom=12&download=1"; done >"$WORK/download"
phase download "layers z=12, download=1" "$WORK/download"

printf '%s\n' "/api/v1/map.svg?view=coverage&layout=16:9&lang=zh" "/api/v1/map.svg?view=gaps&layout=16:9&lang=zh" \
	"/api/v1/map.svg?view=coverage&layout=16:9&lang=zh&province=110000" "/api/v1/map.svg?view=gaps&layout=16:9&lang=en&province=110000" >"$WORK/svg"
phase svg "map.svg coverage, gaps, province=110000" "$WORK/svg"

for c in provinces units pilots nanhai; do echo "/ogc/collections/$c/items?limit=10000"; done >"$WORK/ogc"
phase ogc "OGC items, limit=10000" "$WORK/ogc"

# Tiles over China: x from longitude, y from latitude (Web Mercator);
# every step-th tile in both directions.
tiles() { # z step layer...
	local z=$1 step=$2
	shift 2
	awk -v z="$z" -v step="$step" -v layers="$*" 'BEGIN {
		pi = atan2(0, -1); n = 2 ^ z
		x0 = int((73 + 180) / 360 * n); x1 = int((135 + 180) / 360 * n)
		y0 = ty(54, n, pi); y1 = ty(3, n, pi)
		nl = split(layers, L, " ")
		for (x = x0; x <= x1 && x < n; x += step)
			for (y = y0; y <= y1 && y < n; y += step)
				for (i = 1; i <= nl; i++) printf "/tiles/%s/%d/%d/%d.mvt\n", L[i], z, x, y
	}
	function ty(lat, n, pi,   r) { r = lat * pi / 180; return int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n) }'
}
{
	for z in 0 1 2 3 4 5 6 7 8; do tiles "$z" 1 units provinces; done
	tiles 9 4 units provinces
	tiles 10 8 units provinces
} >"$WORK/tiles"
phase tiles "tiles over China z 0–8 (all), z9–10 (sample)" "$WORK/tiles"

layers_at 13 14 15 16 17 18 >"$WORK/deep"
phase deep "layers z 13–18" "$WORK/deep"

cpu=$(awk -F: '/^model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
{
	echo "pilotmap serve memory, $(date -u +%Y-%m-%d), $(nproc) cores ($cpu), $PAR parallel requests, each phase once without and once with gzip${SERVE_ARGS:+, serve $SERVE_ARGS}"
	echo
	echo "| phase | requests | count | bytes plain / gzip | time | VmHWM MB | VmRSS MB |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
	printf '%s\n' "${ROWS[@]}"
} | tee "$OUT"
echo "rss: report in $OUT; server log in $WORK/server.log" >&2

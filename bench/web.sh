#!/usr/bin/env bash
# Web map performance: bytes and time to the first national view in headless
# Chromium (see bench/web.mjs). Run from anywhere; `make bench-web` builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x bin/pilotmap ] || [ -n "${PILOTMAP_URL:-}" ] || { echo "bench/web: build first (make build)" >&2; exit 2; }
[ -d web/node_modules/playwright-core ] || (cd web && npm ci --no-audit --no-fund)
exec node bench/web.mjs "$@"

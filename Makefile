# The front door: every command people and CI run. `make test` is what .ci/run calls.

# go.mod pins a toolchain without known holes; let the go command fetch it from the
# module proxy even where the machine's Go defaults to GOTOOLCHAIN=local.
export GOTOOLCHAIN := auto

GO    ?= go
TEMPL := $(GO) tool templ
FUZZTIME ?= 60s

.PHONY: run build generate check-generated lint check-systemd unit fuzz-short fuzz e2e e2e-deps system vulncheck test bench

# Packages of unit and handler tests: all but those that run the built binary.
UNIT_PKGS = $$($(GO) list ./... | grep -v -e /e2e -e /systemtest)

run: ## start the console on 127.0.0.1:8080 with the embedded SQLite store in ./data
	$(GO) run ./cmd/console

build:
	$(GO) build -o bin/ ./cmd/...

generate: ## regenerate templ views
	$(TEMPL) generate -path views

check-generated: ## fail when the committed templ output is stale
	scripts/check-generated.sh

check-systemd: ## systemd-analyze verify (and security) on deploy/console.service; skipped without systemd-analyze
	scripts/check-systemd.sh

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.cache/*')); \
	  if [ -n "$$out" ]; then echo "gofmt wants to change:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -race -count=1 $(UNIT_PKGS)

fuzz-short: ## a few seconds of every fuzz target, on top of the committed corpus
	scripts/fuzz.sh 5s

fuzz: ## longer fuzzing: make fuzz FUZZTIME=10m
	scripts/fuzz.sh $(FUZZTIME)

e2e-deps: ## the Playwright driver from npm and Chromium from Debian
	scripts/e2e-deps.sh
	scripts/axe-deps.sh

e2e: e2e-deps ## browser journeys; screenshots land in e2e/screenshots
	$(GO) test -count=1 -timeout 10m ./e2e/...
	@echo "e2e: screenshots of every journey are in $(CURDIR)/e2e/screenshots"

system: ## the real binary without a browser: SIGKILL during orders, several instances
	$(GO) test -count=1 -timeout 10m ./systemtest/...

vulncheck: ## govulncheck with a database built from the module proxy
	scripts/vulncheck.sh

test: check-generated lint check-systemd unit fuzz-short system e2e vulncheck

bench: ## Go benchmarks (benchstat format), then the load run on the real binary: see docs/performance.md
	$(GO) test -run='^$$' -bench=. -benchmem -count=6 $(UNIT_PKGS)
	$(GO) run ./cmd/loadgen -duration 10s -soak 60s

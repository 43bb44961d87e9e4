#!/usr/bin/env bash
# Runs every Fuzz* target of the module for the given time (default 5s), one at a time
# (go test -fuzz takes one target per run). The committed corpus under testdata/fuzz
# always runs as part of the plain unit tests too.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-5s}
for pkg in $(go list ./... | grep -v -e /e2e -e /systemtest); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $f for $t"
    go test -run='^$' -fuzz="^$f\$" -fuzztime="$t" "$pkg"
  done
done

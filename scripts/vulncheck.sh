#!/usr/bin/env bash
# Runs govulncheck against a vulnerability database built locally from the
# golang.org/x/vulndb module (govulncheck's own host is unreachable here; the module
# proxy is not). The built database is cached, keyed by its version; moving
# VULNDB_VERSION forward is how new reports come in (VULNDB_VERSION=latest asks the
# proxy for the newest). Exits non-zero when a vulnerability is found. The database is
# kept outside the checkout (in the user's cache folder) so that a fresh clone on the
# same machine does not pay the minutes of building it again.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=auto # honour the toolchain line in go.mod, as the Makefile does

GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
V=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}
if [ "$V" = latest ]; then
  V=$(go list -m -f '{{.Version}}' golang.org/x/vulndb@latest)
fi
DB=${XDG_CACHE_HOME:-$HOME/.cache}/kmsconsole/vulndb-$V
mkdir -p "$(dirname "$DB")"

if [ -f "$DB/index/db.json" ]; then
  echo "vulncheck: using cached database $DB"
else
  echo "vulncheck: building the database from golang.org/x/vulndb@$V"
  go mod download golang.org/x/vulndb@"$V"
  src=$(go env GOMODCACHE)/golang.org/x/vulndb@$V/data/osv
  tmp=$DB.tmp.$$
  trap 'rm -rf "$tmp"' EXIT
  rm -rf "$tmp"
  go run golang.org/x/vulndb/cmd/indexdb@"$V" -vulns "$src" -out "$tmp"
  rm -rf "$DB" && mv "$tmp" "$DB"
fi

if [ -z "$(find . -name '*.go' -not -path './.cache/*' -print -quit)" ]; then
  echo "vulncheck: no Go packages yet; nothing to check"
  exit 0
fi
echo "vulncheck: $(go env GOVERSION), $GOVULNCHECK"
go run "$GOVULNCHECK" -db "file://$DB" ./...

#!/usr/bin/env bash
# Regenerates the templ views into a scratch copy and compares them with the committed
# ones, so a stale *_templ.go fails the build without touching the working tree.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d views ] || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r views "$tmp/views"
find "$tmp/views" -name '*_templ.go' -delete
go tool templ generate -path "$tmp/views" >/dev/null 2>&1 || go tool templ generate -path "$tmp/views"
if ! diff -r -q views "$tmp/views" >/dev/null; then
  echo "templ output is stale; run 'make generate' and commit:" >&2
  diff -r -q views "$tmp/views" >&2 || true
  exit 1
fi

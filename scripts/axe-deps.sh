#!/usr/bin/env bash
# Fetches axe-core (the accessibility rules engine) from the npm registry into
# .cache/axe-core/, for the e2e accessibility audit (e2e/a11y_test.go). Idempotent:
# nothing is fetched when .cache/axe-core/axe.min.js is already there at the wanted
# version. The test skips with a message pointing here when the file is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SPEC=${AXE_VERSION:-4.10}          # npm range: the newest 4.10.x
D=$PWD/.cache/axe-core

if [ -f "$D/axe.min.js" ] && [ -f "$D/VERSION" ] && [[ $(cat "$D/VERSION") == "$SPEC".* ]]; then
  echo "axe-deps: axe-core $(cat "$D/VERSION") already in $D"
  exit 0
fi
command -v npm >/dev/null || { echo "axe-deps: npm is needed to fetch axe-core" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "axe-deps: fetching axe-core@~$SPEC from npm"
tgz=$(cd "$tmp" && npm pack --silent "axe-core@~$SPEC")
tar -xzf "$tmp/$tgz" -C "$tmp"
version=$(node -p 'require(process.argv[1]).version' "$tmp/package/package.json")
rm -rf "$D" && mkdir -p "$D"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$D/"
echo "$version" >"$D/VERSION"
echo "axe-deps: axe-core $version in $D"

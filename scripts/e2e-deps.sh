#!/usr/bin/env bash
# Installs what the end-to-end tests need, without touching Playwright's own servers:
# the Playwright driver (playwright-core from npm, the version that the playwright-go
# pin in go.mod checks for) into .cache/, and Debian's chromium. Idempotent; about a
# second when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# playwright-go v0.MMPP.x checks for driver 1.MM.PP (v0.6000.0 -> 1.60.0, v0.4901.0 -> 1.49.1).
pin=$(awk '$1 == "github.com/playwright-community/playwright-go" { print $2; exit }' go.mod)
if [[ $pin =~ ^v0\.([0-9]+)([0-9]{2})\.[0-9]+$ ]]; then
  V="1.${BASH_REMATCH[1]}.$((10#${BASH_REMATCH[2]}))"
else
  echo "e2e-deps: cannot derive the driver version from playwright-go '${pin:-<not in go.mod>}'" >&2
  exit 1
fi
D=$PWD/.cache/playwright-driver-$V

if "$D/node" "$D/package/cli.js" --version 2>/dev/null | grep -qF "$V"; then
  echo "e2e-deps: Playwright driver $V already in $D"
else
  command -v node >/dev/null && command -v npm >/dev/null ||
    { echo "e2e-deps: node and npm are needed for the Playwright driver" >&2; exit 1; }
  echo "e2e-deps: fetching playwright-core@$V from npm into $D"
  rm -rf "$D" && mkdir -p "$D"
  (cd "$D" && npm pack --silent "playwright-core@$V" >/dev/null &&
    tar -xzf "playwright-core-$V.tgz" && rm "playwright-core-$V.tgz")
  ln -sfn "$(command -v node)" "$D/node"
  "$D/node" "$D/package/cli.js" --version | grep -qF "$V" ||
    { echo "e2e-deps: the driver in $D does not report version $V" >&2; exit 1; }
fi

if [ -x /usr/bin/chromium ]; then
  echo "e2e-deps: chromium already installed ($(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '?'))"
else
  if [ "$(id -u)" -ne 0 ]; then
    echo "e2e-deps: /usr/bin/chromium is missing; install it as root: apt-get install chromium" >&2
    exit 1
  fi
  echo "e2e-deps: installing Debian's chromium with apt"
  if ! { apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
    echo "e2e-deps: apt-get could not install chromium (see above)" >&2
    exit 1
  fi
  [ -x /usr/bin/chromium ] || { echo "e2e-deps: apt installed chromium but /usr/bin/chromium is missing" >&2; exit 1; }
  echo "e2e-deps: chromium $(dpkg-query -W -f='${Version}' chromium) installed"
fi

#!/usr/bin/env bash
# Checks the systemd unit (deploy/console.service, or the file given) with
# systemd-analyze, where that command exists: `verify` must have nothing to say about
# the unit, and `security` must score its sandbox no worse than MAX_EXPOSURE.
#
# verify insists that ExecStart's program exists, so the unit is checked as a copy in a
# scratch directory with /usr/local/bin/console pointed at a freshly built binary
# (CONSOLE_BIN=path uses one already built). Nothing is installed, no daemon is asked
# anything: it works without root and without systemd running.
#
# verify also loads the units ours depends on, and says what it thinks of the host's
# own unit files; those lines are shown but do not fail the check. Only lines about our
# unit, or verify's exit status (it fails when our unit cannot be loaded or started),
# do.
set -euo pipefail
cd "$(dirname "$0")/.."

unit=${1:-deploy/console.service}
# The security exposure, in tenths (systemd-analyze security shows 1.5 as 15). The
# unit scores 1.2 with systemd 252; the margin absorbs newer systemds' extra checks.
MAX_EXPOSURE=${MAX_EXPOSURE:-20}

if ! command -v systemd-analyze >/dev/null 2>&1; then
  if [ "${TEST_REQUIRE_ALL:-}" = 1 ]; then # as the Go tests do (internal/testenv)
    echo "check-systemd: systemd-analyze is not installed here; TEST_REQUIRE_ALL=1 requires this check to run" >&2
    exit 1
  fi
  echo "check-systemd: skipped, systemd-analyze is not installed here ($unit not checked)"
  exit 0
fi
[ -f "$unit" ] || { echo "check-systemd: no unit file $unit" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bin=${CONSOLE_BIN:-}
if [ -z "$bin" ]; then
  bin="$tmp/bin/console"
  GOTOOLCHAIN=${GOTOOLCHAIN:-auto} ${GO:-go} build -o "$bin" ./cmd/console
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

name=$(basename "$unit")
copy="$tmp/$name"
grep -q '^ExecStart=/usr/local/bin/console\b' "$unit" || {
  echo "check-systemd: $unit: ExecStart= no longer runs /usr/local/bin/console; update this script" >&2
  exit 1
}
sed "s#/usr/local/bin/console#$bin#g" "$unit" >"$copy"

export SYSTEMD_LOG_COLOR=0 SYSTEMD_PAGER=cat
status=0
out=$(systemd-analyze verify "$copy" 2>&1) || status=$?
# Lines about our unit start with its path ("…/console.service:12: Unknown key …") or
# its name ("console.service: Command … is not executable"), or name it as a unit.
ours=$(printf '%s\n' "$out" | awk -v path="$copy:" -v unit="$name:" -v named="Unit $name " \
  'index($0, path) == 1 || index($0, unit) == 1 || index($0, named) > 0')
others=$(printf '%s\n' "$out" | awk -v path="$copy:" -v unit="$name:" -v named="Unit $name " \
  'NF && !(index($0, path) == 1 || index($0, unit) == 1 || index($0, named) > 0)')
if [ -n "$others" ]; then
  echo "check-systemd: ignored, not about $name (the host's own units):"
  printf '%s\n' "$others" | sed 's/^/  /'
fi
if [ "$status" -ne 0 ] || [ -n "$ours" ]; then
  echo "check-systemd: systemd-analyze verify finds fault with $unit (exit status $status):" >&2
  printf '%s\n' "${ours:-$out}" | sed "s#$tmp/##g; s#^#  #" >&2
  exit 1
fi
echo "check-systemd: systemd-analyze verify: $unit is clean"

# `security --offline` reads a unit file without asking systemd (systemd 250 and later).
if systemd-analyze --help 2>/dev/null | grep -q -- '--offline'; then
  if ! sec=$(systemd-analyze security --offline=yes --threshold="$MAX_EXPOSURE" --no-pager "$copy" 2>&1); then
    printf '%s\n' "$sec" | grep -e '✗' -e 'Overall' | sed 's/^/  /' >&2
    echo "check-systemd: $unit: the sandbox scores above $MAX_EXPOSURE (tenths of systemd-analyze security's exposure); restore the options dropped" >&2
    exit 1
  fi
  echo "check-systemd: systemd-analyze security: $(printf '%s\n' "$sec" | grep 'Overall' | sed 's/^→ //')"
else
  echo "check-systemd: this systemd-analyze has no security --offline; sandbox score not checked"
fi

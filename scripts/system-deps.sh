#!/usr/bin/env bash
# Install the system packages the test suite needs (Debian/Ubuntu), only those that are missing.
# Used by `make test` (and so by .ci/run). Safe to run again: it does nothing when all are present.
set -euo pipefail

declare -A PKG=(
  [java]=openjdk-17-jre-headless
  [javac]=openjdk-17-jdk-headless
  [mvn]=maven
  [unzip]=unzip
  [curl]=curl
  [setpriv]=util-linux
  [flock]=util-linux
  [chromium]=chromium  # headless browser of the UI tests (Playwright drives it; no browser download)
)
missing=()
for cmd in "${!PKG[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PKG[$cmd]}")
done
for extra in "$@"; do  # extra "command=package" pairs from the caller
  cmd="${extra%%=*}"
  pkg="${extra#*=}"
  command -v "$cmd" >/dev/null 2>&1 || [[ -x "$cmd" ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "system-deps.sh: installing ${missing[*]}" >&2
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "system-deps.sh: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

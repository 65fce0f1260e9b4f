#!/usr/bin/env bash
# Installs Schemathesis (the property-based API tester the portal's contract test runs, see
# test/contract/) from PyPI into a venv outside the repository, every package pinned by
# scripts/schemathesis-requirements.txt, and prints the path of its `st` command:
#
#   ${FROSTBYTE_TOOLS_CACHE:-$HOME/.cache/frostbyte-tools}/schemathesis-<version>-<hash>/bin/st
#
# The venv is keyed by the requirements file's hash, so a warm run takes milliseconds and a changed
# pin installs a new venv beside the old one.
#
#   bash scripts/setup-schemathesis.sh           install when missing, print the path
#   bash scripts/setup-schemathesis.sh --check   print the path, or fail with how to install (no network)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/schemathesis-requirements.txt"
version="$(sed -n 's/^schemathesis==//p' "$requirements")"
hash="$(sha256sum "$requirements" | cut -c1-12)"
cache="${FROSTBYTE_TOOLS_CACHE:-$HOME/.cache/frostbyte-tools}"
venv="$cache/schemathesis-$version-$hash"
st="$venv/bin/st"

log() { printf 'setup-schemathesis: %s\n' "$*" >&2; }

# The marker is written last: a venv without it is from an interrupted run and is built anew.
if [[ -f "$venv/.installed" && -x "$st" ]]; then
  echo "$st"
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  log "schemathesis $version is not installed in $venv; install it with: bash scripts/setup-schemathesis.sh"
  exit 1
fi

command -v python3 >/dev/null || { log "python3 is not on PATH (schemathesis needs Python >= 3.9)"; exit 1; }
mkdir -p "$cache"
start=$SECONDS
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-input --requirement "$requirements" >&2
"$st" --version | grep -qx "st, version $version" || { log "$st does not report version $version"; exit 1; }
touch "$venv/.installed"
log "schemathesis $version installed in $venv in $((SECONDS - start))s"
echo "$st"

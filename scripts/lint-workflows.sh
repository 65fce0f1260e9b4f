#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint (https://github.com/rhysd/actionlint).
#
# Uses `actionlint` from PATH if there is one (`source "$(bash scripts/setup-engine.sh)"` puts the
# cached build there); otherwise the build in the tools cache, which it first makes with
# `go install` when absent:
#   ${FROSTBYTE_TOOLS_CACHE:-$HOME/.cache/frostbyte-tools}/actionlint-<version>/bin/actionlint
# Extra arguments go to actionlint (e.g. `-verbose`).
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
cache="${FROSTBYTE_TOOLS_CACHE:-$HOME/.cache/frostbyte-tools}"
bin_dir="$cache/actionlint-${ACTIONLINT_VERSION#v}/bin"

if command -v actionlint >/dev/null 2>&1; then
  actionlint="$(command -v actionlint)"
elif [[ -x "$bin_dir/actionlint" ]]; then
  actionlint="$bin_dir/actionlint"
else
  command -v go >/dev/null 2>&1 || { echo "lint-workflows: actionlint is not on PATH, not in $bin_dir, and go is not on PATH to build it" >&2; exit 1; }
  echo "lint-workflows: building actionlint $ACTIONLINT_VERSION into $bin_dir" >&2
  mkdir -p "$bin_dir.tmp"
  GOBIN="$bin_dir.tmp" GOFLAGS=-mod=mod CGO_ENABLED=0 go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  rm -rf "$bin_dir" && mv "$bin_dir.tmp" "$bin_dir"
  actionlint="$bin_dir/actionlint"
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#workflows[@]} == 0)); then
  echo "lint-workflows: no workflows in .github/workflows" >&2
  exit 0
fi
# shellcheck and pyflakes checks of run: scripts happen only when those tools are on PATH.
"$actionlint" "$@" "${workflows[@]}"
echo "lint-workflows: ${#workflows[@]} workflow(s) clean ($("$actionlint" -version | head -n 1))"

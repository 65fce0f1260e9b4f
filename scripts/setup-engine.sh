#!/usr/bin/env bash
# Builds the Pulumi engine (CLI + Node.js language host), the provider plugins
# (random, hcloud, postgresql, minio and, from a module of its own, docker),
# the store tools (minio, sops, age, actionlint) and the tests' minio-admin-probe
# from the Go module proxy, with no other network access, into a version-keyed cache outside the repo:
#
#   ${FROSTBYTE_TOOLS_CACHE:-$HOME/.cache/frostbyte-tools}/<name>-<version>/bin/
#
# Anything already built is skipped, so a warm run takes seconds. At the end
# it writes ${FROSTBYTE_TOOLS_CACHE}/env.sh; `source` it to get PATH and the
# PULUMI_* settings the engine needs offline. Pinned versions live in
# scripts/engine/versions.env.
#
# Environment:
#   FROSTBYTE_TOOLS_CACHE  cache root (default ~/.cache/frostbyte-tools)
#   FROSTBYTE_BUILD_ENGINE set to 1 to build the CLI and language host even
#                          when `pulumi` and `pulumi-language-nodejs` are on PATH
#   FROSTBYTE_SKIP_TOOLS   set to 1 to skip minio/sops/age/actionlint/minio-admin-probe
#   FROSTBYTE_PLUGINS_ON_PATH set to 1 to put the provider plugins on PATH
#                          (env.sh) instead of installing them into the
#                          plugin cache of ${PULUMI_HOME:-~/.pulumi}. PATH
#                          works for any PULUMI_HOME, but the engine then warns
#                          "using pulumi-resource-X from $PATH" on every run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
engine_dir="$here/engine"
# shellcheck source=engine/versions.env
source "$engine_dir/versions.env"

cache="${FROSTBYTE_TOOLS_CACHE:-$HOME/.cache/frostbyte-tools}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
logs="$cache/logs"
mkdir -p "$logs"

command -v go >/dev/null || { echo "setup-engine: go is not on PATH" >&2; exit 1; }

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -trimpath${GOFLAGS:+ $GOFLAGS}"
export GONOSUMDB="${PROVIDER_GONOSUMDB}${GONOSUMDB:+,$GONOSUMDB}"
ldstrip="-s -w"

log() { printf 'setup-engine: %s\n' "$*" >&2; }

# Hash of files, to key builds of the hand-written sources kept in the repo.
src_hash() { (cd "$1" && find . -type f ! -name go.sum -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) \
  | sha256sum | cut -c1-12; }

# run_logged NAME CMD...: run with output to a log; on failure show its tail.
run_logged() {
  local name="$1"; shift
  local start=$SECONDS
  if ! "$@" >"$logs/$name.log" 2>&1; then
    log "$name FAILED; last lines of $logs/$name.log:"
    tail -n 40 "$logs/$name.log" >&2
    return 1
  fi
  log "$name built in $((SECONDS - start))s"
}

# --- Pulumi CLI + Node.js language host --------------------------------------
pulumi_dir="$cache/pulumi-$PULUMI_VERSION"
langhost_hash="$(src_hash "$engine_dir/langhost")"

build_cli() {
  local work="$pulumi_dir/build"
  rm -rf "$work" && mkdir -p "$work"
  # A wrapper module: pkg/v3's own go.mod points sdk/v3 at ../sdk, which
  # `go install` refuses, so require both from the proxy and repeat its
  # clipboard replace.
  cat >"$work/go.mod" <<EOF
module frostbyte.local/engine-cli

go 1.25.11

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

replace github.com/atotto/clipboard => ${PULUMI_CLIPBOARD_FORK/@/ }
EOF
  cat >"$work/tools.go" <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF
  (cd "$work" &&
    go build -ldflags "$ldstrip -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
      -o "$pulumi_dir/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi &&
    sdk_dir="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" &&
    install -m 0755 "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$pulumi_dir/bin/pulumi-resource-pulumi-nodejs")
  mv "$pulumi_dir/bin/pulumi.tmp" "$pulumi_dir/bin/pulumi"
  rm -rf "$work"
}

build_langhost() {
  local work="$pulumi_dir/build-langhost"
  rm -rf "$work" && mkdir -p "$work" && cp -R "$engine_dir/langhost/." "$work/"
  (cd "$work" && go mod edit -require="github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" &&
    go build -ldflags "$ldstrip -X main.version=$PULUMI_VERSION" \
      -o "$pulumi_dir/bin/pulumi-language-nodejs.tmp" .)
  mv "$pulumi_dir/bin/pulumi-language-nodejs.tmp" "$pulumi_dir/bin/pulumi-language-nodejs"
  rm -f "$pulumi_dir"/.langhost-* && touch "$pulumi_dir/.langhost-$langhost_hash"
  rm -rf "$work"
}

want_engine=1
if [[ -z "${FROSTBYTE_BUILD_ENGINE:-}" ]] && command -v pulumi >/dev/null &&
  command -v pulumi-language-nodejs >/dev/null && [[ "$(command -v pulumi)" != "$pulumi_dir/bin/pulumi" ]]; then
  log "using pulumi on PATH ($(command -v pulumi)); set FROSTBYTE_BUILD_ENGINE=1 to build v$PULUMI_VERSION"
  want_engine=0
fi

# --- provider plugins ----------------------------------------------------------
# name:version pairs, version = the npm package's (what GetPluginInfo reports).
provider_specs=("random:$PROVIDER_RANDOM_VERSION" "hcloud:$PROVIDER_HCLOUD_VERSION"
  "postgresql:$PROVIDER_POSTGRESQL_VERSION" "minio:$PROVIDER_MINIO_VERSION")
providers_dir="$cache/providers-$(printf '%s' "${provider_specs[*]}" | tr ': ' -_)-$(src_hash "$engine_dir/providers")"

# One `go build` for all mains: packages compile once, and the links (the
# single-threaded, memory-hungry part) run side by side. Each main gets its
# version through a per-package -ldflags.
build_providers() {
  local work="$providers_dir/build" spec ldflags=()
  rm -rf "$work" "$providers_dir/bin.tmp" && mkdir -p "$work" "$providers_dir/bin.tmp" && cp -R "$engine_dir/providers/." "$work/"
  for spec in "${provider_specs[@]}"; do
    ldflags+=(-ldflags "./cmd/pulumi-resource-${spec%%:*}=$ldstrip -X main.version=${spec#*:}")
  done
  (cd "$work" && go build "${ldflags[@]}" -o "$providers_dir/bin.tmp/" ./cmd/...)
  rm -rf "$providers_dir/bin" && mv "$providers_dir/bin.tmp" "$providers_dir/bin"
  rm -rf "$work"
}
providers_built() {
  local spec
  for spec in "${provider_specs[@]}"; do
    [[ -x "$providers_dir/bin/pulumi-resource-${spec%%:*}" ]] || return 1
  done
}

# The Docker provider builds from its own module (engine/docker): the Docker
# Terraform provider's dependencies (docker/cli, buildx, buildkit) must not
# move the versions the four above are built with. `no_compose` leaves out
# upstream's compose resources (plugin-framework half, not served).
docker_provider_dir="$cache/provider-docker-$PROVIDER_DOCKER_VERSION-$(src_hash "$engine_dir/docker")"
build_docker_provider() {
  local work="$docker_provider_dir/build"
  rm -rf "$work" "$docker_provider_dir/bin.tmp" && mkdir -p "$work" "$docker_provider_dir/bin.tmp" && cp -R "$engine_dir/docker/." "$work/"
  (cd "$work" && go build -tags no_compose -ldflags "$ldstrip -X main.version=$PROVIDER_DOCKER_VERSION" \
    -o "$docker_provider_dir/bin.tmp/" ./cmd/...)
  rm -rf "$docker_provider_dir/bin" && mv "$docker_provider_dir/bin.tmp" "$docker_provider_dir/bin"
  rm -rf "$work"
}

# --- store tools -----------------------------------------------------------------
# go_install NAME VERSION PKG... : `go install` into $cache/NAME-VERSION/bin.
go_install() {
  local name="$1" version="$2"; shift 2
  local dir="$cache/$name-${version#v}"
  mkdir -p "$dir/bin.tmp"
  GOBIN="$dir/bin.tmp" GOFLAGS="-trimpath" go install -ldflags "$ldstrip" "$@"
  rm -rf "$dir/bin" && mv "$dir/bin.tmp" "$dir/bin"
}

# The tests' client for MinIO's admin API and STS (hand-written, keyed by its source).
probe_dir="$cache/minio-admin-probe-$(src_hash "$engine_dir/minio-admin-probe")"
build_minio_admin_probe() {
  local work="$probe_dir/build"
  rm -rf "$work" "$probe_dir/bin.tmp" && mkdir -p "$work" "$probe_dir/bin.tmp" && cp -R "$engine_dir/minio-admin-probe/." "$work/"
  (cd "$work" && go build -ldflags "$ldstrip" -o "$probe_dir/bin.tmp/minio-admin-probe" .)
  rm -rf "$probe_dir/bin" && mv "$probe_dir/bin.tmp" "$probe_dir/bin"
  rm -rf "$work"
}

tool_dirs=()
build_tools() {
  [[ -x "$cache/minio-${MINIO_VERSION#v}/bin/minio" ]] ||
    run_logged minio go_install minio "$MINIO_VERSION" "$MINIO_MODULE@$MINIO_VERSION"
  [[ -x "$cache/sops-${SOPS_VERSION#v}/bin/sops" ]] ||
    run_logged sops go_install sops "$SOPS_VERSION" "github.com/getsops/sops/v3/cmd/sops@$SOPS_VERSION"
  [[ -x "$cache/age-${AGE_VERSION#v}/bin/age" && -x "$cache/age-${AGE_VERSION#v}/bin/age-keygen" ]] ||
    run_logged age go_install age "$AGE_VERSION" "filippo.io/age/cmd/age@$AGE_VERSION" "filippo.io/age/cmd/age-keygen@$AGE_VERSION"
  [[ -x "$cache/actionlint-${ACTIONLINT_VERSION#v}/bin/actionlint" ]] ||
    run_logged actionlint go_install actionlint "$ACTIONLINT_VERSION" "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  [[ -x "$probe_dir/bin/minio-admin-probe" ]] || run_logged minio-admin-probe build_minio_admin_probe
}
if [[ -z "${FROSTBYTE_SKIP_TOOLS:-}" ]]; then
  tool_dirs=("$cache/minio-${MINIO_VERSION#v}/bin" "$cache/sops-${SOPS_VERSION#v}/bin"
    "$cache/age-${AGE_VERSION#v}/bin" "$cache/actionlint-${ACTIONLINT_VERSION#v}/bin" "$probe_dir/bin")
fi

# Two lanes: engine + providers, and the tools. Each go build already uses
# both cores for compiling; the lanes mostly overlap one build's single-threaded
# link with the other's compile.
engine_lane() {
  if [[ $want_engine == 1 ]]; then
    mkdir -p "$pulumi_dir/bin"
    [[ -x "$pulumi_dir/bin/pulumi" && -x "$pulumi_dir/bin/pulumi-resource-pulumi-nodejs" ]] ||
      run_logged pulumi-cli build_cli
    [[ -x "$pulumi_dir/bin/pulumi-language-nodejs" && -e "$pulumi_dir/.langhost-$langhost_hash" ]] ||
      run_logged pulumi-language-nodejs build_langhost
  fi
  providers_built || run_logged providers build_providers
  [[ -x "$docker_provider_dir/bin/pulumi-resource-docker" ]] || run_logged provider-docker build_docker_provider
}

start=$SECONDS
engine_lane &
engine_pid=$!
tools_rc=0
if [[ -z "${FROSTBYTE_SKIP_TOOLS:-}" ]]; then build_tools || tools_rc=$?; fi
engine_rc=0
wait "$engine_pid" || engine_rc=$?
if ((engine_rc != 0 || tools_rc != 0)); then
  log "failed (engine lane rc=$engine_rc, tools lane rc=$tools_rc)"
  exit 1
fi

# --- provider plugins into the plugin cache ------------------------------------------
# `pulumi plugin install --file` copies the binary to
# $PULUMI_HOME/plugins/resource-<name>-v<version>/; the engine picks it when a
# program asks for that version. Re-copied only when the build differs.
pulumi_bin="$(command -v pulumi || true)"
[[ $want_engine == 1 ]] && pulumi_bin="$pulumi_dir/bin/pulumi"
if [[ -z "${FROSTBYTE_PLUGINS_ON_PATH:-}" ]]; then
  # Pinned here and in env.sh: without PULUMI_HOME the CLI takes the passwd entry's home, not $HOME.
  export PULUMI_HOME="${PULUMI_HOME:-$HOME/.pulumi}"
  plugin_home="$PULUMI_HOME"
  for spec in "${provider_specs[@]}" "docker:$PROVIDER_DOCKER_VERSION"; do
    name="${spec%%:*}" version="${spec#*:}"
    built="$providers_dir/bin/pulumi-resource-$name"
    [[ $name == docker ]] && built="$docker_provider_dir/bin/pulumi-resource-docker"
    installed="$plugin_home/plugins/resource-$name-v$version/pulumi-resource-$name"
    if ! cmp -s "$installed" "$built"; then
      PULUMI_SKIP_UPDATE_CHECK=true "$pulumi_bin" plugin install resource "$name" "$version" --reinstall \
        --file "$built" >"$logs/plugin-install-$name.log" 2>&1 || {
        log "pulumi plugin install $name $version failed:"; cat "$logs/plugin-install-$name.log" >&2; exit 1; }
      log "installed resource plugin $name $version into $plugin_home/plugins"
    fi
  done
fi

# --- env.sh ---------------------------------------------------------------------------
path_dirs=()
[[ $want_engine == 1 ]] && path_dirs+=("$pulumi_dir/bin")
[[ -n "${FROSTBYTE_PLUGINS_ON_PATH:-}" ]] && path_dirs+=("$providers_dir/bin" "$docker_provider_dir/bin")
path_dirs+=("${tool_dirs[@]}")
path_prefix="$(IFS=:; echo "${path_dirs[*]}")"
env_file="$cache/env.sh"
cat >"$env_file.tmp" <<EOF
# Written by scripts/setup-engine.sh; source it (bash/sh).
export PATH="$path_prefix:\$PATH"
# The plugin cache the setup installed into (the CLI would otherwise use the passwd home, not $HOME).
export PULUMI_HOME="${PULUMI_HOME:-$HOME/.pulumi}"
# Offline engine: no update check, and a missing plugin is an error, not a download.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# sops --version otherwise asks GitHub for the latest release.
export SOPS_DISABLE_VERSION_CHECK=1
# The provider plugins (pulumi-resource-random, -hcloud, -postgresql, -minio; -docker in the second
# directory). They are installed in the plugin cache of the PULUMI_HOME the setup ran with; with
# another PULUMI_HOME, put these directories on PATH or rerun the setup with it.
export FROSTBYTE_PROVIDER_BIN="$providers_dir/bin"
export FROSTBYTE_DOCKER_PROVIDER_BIN="$docker_provider_dir/bin"
EOF
mv "$env_file.tmp" "$env_file"
log "done in $((SECONDS - start))s; source $env_file"
echo "$env_file"

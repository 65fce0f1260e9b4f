#!/usr/bin/env bash
# Starts the Docker engine offline mode's end-to-end test runs on, and builds
# the TEST images of the stores from this machine's own files (Debian
# packages, the binaries scripts/setup-engine.sh builds, the Qdrant API
# double): nothing is pulled from any registry.
#
#   engine data (images, volumes)  ${FROSTBYTE_TOOLS_CACHE:-~/.cache/frostbyte-tools}/docker/data
#   socket, exec root, pid file    ${FROSTBYTE_DOCKER_RUN_DIR:-/tmp/frostbyte-docker}
#   test images                    frostbyte.local/test/<name>:<version>-<recipe hash>
#
# Images are built only when their tag is missing (the hash covers the recipe
# in images/ and what it copies), so a warm run takes seconds. The engine
# keeps running afterwards; `scripts/setup-docker.sh stop` stops it. At the end
# it writes ${FROSTBYTE_TOOLS_CACHE}/docker-env.sh (DOCKER_HOST and
# FROSTBYTE_TEST_IMAGE_<NAME>) and prints its path: `source` it.
#
# Needs root (dockerd runs as root), apt for the Debian packages it installs
# when missing (docker.io and the packages the images copy), MinIO from
# scripts/setup-engine.sh, Node.js from scripts/setup-node.sh and the
# repository's node_modules (npm ci).
#
# Environment:
#   FROSTBYTE_TOOLS_CACHE            cache root (default ~/.cache/frostbyte-tools)
#   FROSTBYTE_DOCKER_RUN_DIR         runtime directory (default /tmp/frostbyte-docker)
#   FROSTBYTE_DOCKER_STORAGE_DRIVER  overlay2 or vfs (default: overlay2 when the
#                                    kernel has overlayfs and it works, else vfs)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# shellcheck source=engine/versions.env
source "$here/engine/versions.env"

cache="${FROSTBYTE_TOOLS_CACHE:-$HOME/.cache/frostbyte-tools}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
run_dir="${FROSTBYTE_DOCKER_RUN_DIR:-/tmp/frostbyte-docker}"
data_root="$cache/docker/data"
socket="$run_dir/docker.sock"
pid_file="$run_dir/dockerd.pid"
registry="frostbyte.local/test"
export DOCKER_HOST="unix://$socket"

log() { printf 'setup-docker: %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if [[ "${1:-}" == stop ]]; then
  [[ -s "$pid_file" ]] || { log "no engine started from $run_dir"; exit 0; }
  pid="$(cat "$pid_file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || { log "engine $pid stopped"; exit 0; }; sleep 1; done
  fail "engine $pid did not stop within 30 s"
fi
[[ $# -eq 0 ]] || fail "usage: scripts/setup-docker.sh [stop]"
[[ "$(id -u)" == 0 ]] || fail "must run as root: dockerd runs as root here (rootless Docker is not set up)"

# --- Debian packages -------------------------------------------------------------
# docker.io brings dockerd, containerd, runc and docker-proxy; the others are
# what the PostgreSQL, Redis and port-proxy images copy.
packages=(docker.io postgresql-15 postgresql-client-15 redis-server redis-tools tzdata haproxy)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]} with apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts packaged services on install; only the engine below is used.
  for service in docker redis-server postgresql haproxy; do
    systemctl stop "$service" >/dev/null 2>&1 || service "$service" stop >/dev/null 2>&1 || true
  done
fi
command -v docker >/dev/null || fail "no docker client on PATH after installing docker.io"

# --- engine --------------------------------------------------------------------------
start_engine() {
  local driver="$1"
  mkdir -p "$run_dir" "$data_root"
  rm -f "$socket"
  # --bridge=none: no docker0; the platform makes its own networks.
  setsid dockerd --data-root "$data_root" --exec-root "$run_dir/exec" --pidfile "$pid_file" \
    -H "unix://$socket" --storage-driver "$driver" --bridge=none >"$run_dir/dockerd.log" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 60); do
    engine_answers && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 1
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

start=$SECONDS
if engine_answers; then
  log "engine already running at $socket"
else
  driver="${FROSTBYTE_DOCKER_STORAGE_DRIVER:-}"
  if [[ -z "$driver" ]]; then
    driver=vfs
    grep -qw overlay /proc/filesystems && driver=overlay2
  fi
  if ! start_engine "$driver"; then
    if [[ "$driver" == overlay2 && -z "${FROSTBYTE_DOCKER_STORAGE_DRIVER:-}" ]]; then
      log "dockerd did not start with overlay2 (last lines of $run_dir/dockerd.log below); trying vfs"
      tail -n 5 "$run_dir/dockerd.log" >&2
      driver=vfs
      start_engine vfs || { tail -n 30 "$run_dir/dockerd.log" >&2; fail "dockerd did not start; log: $run_dir/dockerd.log"; }
    else
      tail -n 30 "$run_dir/dockerd.log" >&2
      fail "dockerd did not start with --storage-driver $driver; log: $run_dir/dockerd.log"
    fi
  fi
  log "engine $(docker version --format '{{.Server.Version}}') started at $socket ($driver) in $((SECONDS - start))s"
fi

# --- inputs the images copy ------------------------------------------------------------
export MINIO_VERSION
export MINIO_BIN="$cache/minio-${MINIO_VERSION#v}/bin/minio"
[[ -x "$MINIO_BIN" ]] || fail "$MINIO_BIN is missing: run scripts/setup-engine.sh first"
export MC_BIN="$cache/mc-${MC_VERSION#v}/bin/mc"
if [[ ! -x "$MC_BIN" ]]; then
  command -v go >/dev/null || fail "go is not on PATH (needed once to build mc)"
  mc_start=$SECONDS
  mkdir -p "$(dirname "$MC_BIN").tmp" "$cache/logs"
  CGO_ENABLED=0 GOBIN="$(dirname "$MC_BIN").tmp" GOFLAGS="-trimpath" \
    go install -ldflags "-s -w" "github.com/minio/mc@$MC_VERSION" >"$cache/logs/mc.log" 2>&1 ||
    { tail -n 30 "$cache/logs/mc.log" >&2; fail "building mc failed; log: $cache/logs/mc.log"; }
  rm -rf "$(dirname "$MC_BIN")" && mv "$(dirname "$MC_BIN").tmp" "$(dirname "$MC_BIN")"
  log "mc built in $((SECONDS - mc_start))s"
fi
# shellcheck source=setup-node.sh
source "$here/setup-node.sh"
[[ -x "$repo/node_modules/.bin/tsc" ]] || fail "$repo/node_modules is missing: run npm ci first"
export REPO_ROOT="$repo"

# --- test images ------------------------------------------------------------------------
# src_hash DIR...: hash of the files under the directories.
src_hash() { find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-10; }

# build_image NAME: prints the image's tag, building it when missing.
build_image() (
  set -euo pipefail
  local name="$1"
  IMAGE_DIR="$repo/images/$name"
  # shellcheck source=../images/lib/rootfs.sh
  source "$repo/images/lib/rootfs.sh"
  # shellcheck disable=SC1090
  source "$IMAGE_DIR/image.sh"
  local version key tag work
  version="$(image_version)"
  [[ "$version" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || { log "$name: image_version gave \"$version\""; return 1; }
  key="$( { image_inputs; printf '%s\n' "${IMAGE_CONFIG[@]}"; src_hash "$repo/images/lib" "$IMAGE_DIR"; } | sha256sum | cut -c1-10)"
  tag="$registry/$name:$version-$key"
  if ! docker image inspect "$tag" >/dev/null 2>&1; then
    local began=$SECONDS
    work="$(mktemp -d "${TMPDIR:-/tmp}/frostbyte-image-$name.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    mkdir "$work/root" "$work/context"
    image_rootfs "$work/root"
    tar -C "$work/root" -cf "$work/context/rootfs.tar" .
    {
      echo "FROM scratch"
      echo "ADD rootfs.tar /"
      printf '%s\n' "${IMAGE_CONFIG[@]}"
      echo "LABEL io.frostbyte.test-image=\"$name\" io.frostbyte.recipe=\"$key\""
    } >"$work/context/Dockerfile"
    DOCKER_BUILDKIT=0 docker build --quiet --tag "$tag" "$work/context" >/dev/null 2>"$work/build.log" ||
      { cat "$work/build.log" >&2; log "$name: docker build failed"; return 1; }
    log "built $tag ($(du -sh "$work/root" | cut -f1)) in $((SECONDS - began))s"
    # Earlier builds of this image are superseded: keep the cache to one per name.
    docker image ls "$registry/$name" --format '{{.Repository}}:{{.Tag}}' | grep -vxF "$tag" | xargs -r docker image rm >/dev/null 2>&1 || true
  fi
  echo "$tag"
)

images=()
for recipe in "$repo"/images/*/image.sh; do
  name="$(basename "$(dirname "$recipe")")"
  images+=("$name=$(build_image "$name")")
done

# --- docker-env.sh --------------------------------------------------------------------------
env_file="$cache/docker-env.sh"
{
  echo "# Written by scripts/setup-docker.sh; source it (bash/sh)."
  echo "export DOCKER_HOST=\"unix://$socket\""
  for entry in "${images[@]}"; do
    name="${entry%%=*}"
    echo "export FROSTBYTE_TEST_IMAGE_$(printf '%s' "$name" | tr '[:lower:]-' '[:upper:]_')=\"${entry#*=}\""
  done
} >"$env_file.tmp"
mv "$env_file.tmp" "$env_file"
log "done in $((SECONDS - start))s; source $env_file"
echo "$env_file"

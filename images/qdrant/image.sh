# Qdrant test image: NOT Qdrant. Node.js running the Qdrant REST API double
# (test/doubles/qdrant) behind main.ts, which honours the official qdrant
# image's environment contract (see main.ts), with bash, head and grep for the
# health check of components/offline/qdrant.ts. Needs the repository's
# node_modules (npm ci) and Node.js from scripts/setup-node.sh.

image_version() { printf '%s' "$(qdrant_double_version)-double"; }

# The Qdrant version the double answers as (GET /).
qdrant_double_version() { sed -n 's/.*version: options.version ?? "\([0-9.]*\)".*/\1/p' "$REPO_ROOT/test/doubles/qdrant/server.ts"; }

image_inputs() {
  node --version
  dpkg-query -W libc6 bash coreutils grep
  (cd "$REPO_ROOT" && find test/doubles/qdrant -name '*.ts' ! -name '*.test.ts' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  (cd "$REPO_ROOT" && npm query '#fastify, #fastify *' | sed -n 's/^ *"_id": "\(.*\)",$/\1/p' | LC_ALL=C sort -u)
}

image_rootfs() {
  local root app node_bin path
  root="$(cd "$1" && pwd)" app="$root/qdrant/app"
  node_bin="$(command -v node)"
  rootfs_init "$root"
  rootfs_add "$root" /usr/bin/bash /usr/bin/sh /usr/bin/dash /usr/bin/head /usr/bin/grep /usr/bin/cat
  rootfs_add "$root" "$node_bin"
  [[ "$node_bin" == /usr/local/bin/node ]] || { install -m 0755 "$node_bin" "$root/usr/local/bin/node" && rm -f "$root$node_bin"; }
  (cd "$REPO_ROOT" && node_modules/.bin/tsc -p images/qdrant/tsconfig.json --outDir "$app")
  mkdir -p "$app/node_modules"
  while IFS= read -r path; do
    mkdir -p "$app/node_modules/$path"
    cp -R "$REPO_ROOT/node_modules/$path/." "$app/node_modules/$path/"
  done < <(cd "$REPO_ROOT" && npm query '#fastify, #fastify *' | sed -n 's|^ *"location": "node_modules/\(.*\)",$|\1|p' | LC_ALL=C sort -u)
  rootfs_users "$root"
  mkdir -p "$root/qdrant/storage" "$root/qdrant/snapshots"
}

IMAGE_CONFIG=(
  'WORKDIR /qdrant'
  'ENV NODE_ENV=production'
  'ENTRYPOINT ["node", "/qdrant/app/images/qdrant/main.js"]'
  'EXPOSE 6333'
)

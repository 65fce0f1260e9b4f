# MinIO test image: the MinIO server that scripts/setup-engine.sh builds and
# the mc client scripts/setup-docker.sh builds (both from the Go module proxy,
# statically linked), at the official minio image's paths, with its
# entrypoint's behaviour for the arguments components/offline/minio.ts passes
# (`server ...` runs `minio server ...`) and `mc ready local` for the health
# check. Needs MINIO_BIN, MC_BIN and MINIO_VERSION.

# The server's Go module version (scripts/engine/versions.env): a go-installed
# minio reports DEVELOPMENT.GOGET.
image_version() { printf '%s' "${MINIO_VERSION#v}"; }

image_inputs() { sha256sum "$MINIO_BIN" "$MC_BIN" | cut -d ' ' -f 1; dpkg-query -W libc6 dash; }

image_rootfs() {
  local root="$1"
  rootfs_init "$root"
  rootfs_add "$root" /usr/bin/sh /usr/bin/dash /usr/bin/cat
  install -m 0755 "$MINIO_BIN" "$root/usr/bin/minio"
  install -m 0755 "$MC_BIN" "$root/usr/bin/mc"
  rootfs_users "$root"
  mkdir -p "$root/data"
}

IMAGE_CONFIG=(
  'ENTRYPOINT ["/usr/bin/minio"]'
  'CMD ["server", "/data"]'
  'EXPOSE 9000'
)

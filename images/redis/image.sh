# Redis test image: Debian's redis-server and redis-cli, with the user, data
# directory and shell tools of the official redis image that
# components/offline/redis.ts relies on (its start script and health check).

image_version() { dpkg-query -W -f='${Version}' redis-server | sed 's/^[0-9]*://; s/[^A-Za-z0-9_.-]/_/g'; }

image_inputs() { dpkg-query -W redis-server redis-tools libc6 dash coreutils mawk grep; }

image_rootfs() {
  local root="$1"
  rootfs_init "$root"
  rootfs_add "$root" /usr/bin/redis-server /usr/bin/redis-cli /usr/bin/redis-check-aof \
    /usr/bin/sh /usr/bin/dash /usr/bin/awk /usr/bin/sha256sum /usr/bin/cut /usr/bin/mv /usr/bin/cat /usr/bin/grep
  rootfs_users "$root" "redis:999:999:/data"
  # The official image's /data: owned by redis, so a new named volume mounted there is too.
  mkdir -p "$root/data" && chown 999:999 "$root/data"
}

IMAGE_CONFIG=(
  'WORKDIR /data'
  'CMD ["redis-server"]'
  'EXPOSE 6379'
)

# Port proxy test image: Debian's HAProxy, standing in for the official
# haproxy image (Debian-based: /bin/sh, bash, haproxy on PATH, running as the
# unprivileged haproxy user) that components/offline/portProxy.ts starts with
# its own configuration written to /tmp.

image_version() { dpkg-query -W -f='${Version}' haproxy | sed 's/^[0-9]*://; s/[^A-Za-z0-9_.-]/_/g'; }

image_inputs() { dpkg-query -W haproxy libc6 dash bash; }

image_rootfs() {
  local root="$1"
  rootfs_init "$root"
  rootfs_add "$root" /usr/sbin/haproxy /usr/bin/sh /usr/bin/dash /usr/bin/bash
  rootfs_users "$root" "haproxy:99:99:/var/lib/haproxy"
  mkdir -p "$root/var/lib/haproxy" "$root/usr/local/etc/haproxy"
}

IMAGE_CONFIG=(
  'USER haproxy'
  'STOPSIGNAL SIGUSR1'
  'CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
)

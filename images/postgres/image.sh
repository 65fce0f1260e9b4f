# PostgreSQL test image: Debian's postgresql-15 (server and client) with the
# entrypoint beside this file. Sourced by scripts/setup-docker.sh after
# images/lib/rootfs.sh; see images/README.md for the recipe interface.

PG_MAJOR=15

image_version() { dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR" | sed 's/[^A-Za-z0-9_.-]/_/g'; }

image_inputs() { dpkg-query -W "postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR" tzdata libc6 bash coreutils util-linux; }

image_rootfs() {
  local root="$1"
  rootfs_init "$root"
  # No JIT: llvmjit loads LLVM (~100 MB); without it PostgreSQL simply runs without JIT.
  ROOTFS_SKIP="^/usr/lib/postgresql/$PG_MAJOR/lib/(bitcode/|llvmjit)" \
    rootfs_add_packages "$root" "postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR" tzdata
  rootfs_add "$root" /usr/bin/bash /usr/bin/sh /usr/bin/dash /usr/bin/id /usr/bin/mkdir /usr/bin/chown /usr/bin/chmod \
    /usr/bin/cat /usr/bin/setpriv $(find /usr/lib/locale/C.utf8 -type f)
  install -m 0755 "$IMAGE_DIR/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  rootfs_users "$root" "postgres:999:999:/var/lib/postgresql"
  mkdir -p "$root/var/lib/postgresql/data" "$root/var/run/postgresql"
  chown -R 999:999 "$root/var/lib/postgresql" "$root/var/run/postgresql"
}

IMAGE_CONFIG=(
  "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/$PG_MAJOR/bin"
  "ENV LANG=C.UTF-8"
  "ENV PGDATA=/var/lib/postgresql/data"
  'ENTRYPOINT ["docker-entrypoint.sh"]'
  'CMD ["postgres"]'
  'STOPSIGNAL SIGINT'
  'EXPOSE 5432'
)

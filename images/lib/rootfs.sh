# Helpers that assemble a test image's root file system from files of this
# machine (Debian packages installed with apt, binaries built by the set-up),
# with nothing pulled from any registry. Sourced by scripts/setup-docker.sh and
# by each images/<store>/rootfs.sh; every function takes the root directory
# first. Paths are host paths; each lands at the same path in the image, with
# the symbolic links that lead to it.

# The merged-/usr layout of Debian 12, so /lib/... paths from ldd and dpkg land
# under usr/ as they do on the host.
rootfs_init() {
  local root="$1"
  mkdir -p "$root"/usr/bin "$root"/usr/sbin "$root"/usr/local/bin "$root"/usr/lib "$root"/usr/lib64 "$root"/etc "$root"/tmp "$root"/var/tmp
  ln -sfn usr/bin "$root/bin"
  ln -sfn usr/sbin "$root/sbin"
  ln -sfn usr/lib "$root/lib"
  ln -sfn usr/lib64 "$root/lib64"
  chmod 1777 "$root/tmp" "$root/var/tmp"
}

# _rootfs_closure PATH...: prints each path and, for symbolic links, every
# link on the way to the file it names (one per line, host paths).
_rootfs_closure() {
  local path target
  for path in "$@"; do
    while [[ -L "$path" ]]; do
      printf '%s\n' "$path"
      target="$(readlink "$path")"
      [[ "$target" == /* ]] || target="${path%/*}/$target"
      path="$(realpath --no-symlinks --canonicalize-missing "$target")"
    done
    [[ -e "$path" ]] || { echo "rootfs: $path does not exist on this machine" >&2; return 1; }
    printf '%s\n' "$path"
  done
}

# _rootfs_libs FILE...: the shared libraries ELF files load (ldd), for any
# dynamically linked file among them; statically linked ones have none.
_rootfs_libs() {
  local file
  for file in "$@"; do
    [[ -f "$file" && ! -L "$file" ]] || continue
    [[ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" == '177ELF' ]] || continue
    ldd "$file" 2>/dev/null | sed -n 's/^.*=> \(\/[^ ]*\) (.*$/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*$/\1/p'
  done
}

# rootfs_add ROOT PATH...: copies files (and their links) with the libraries
# they load. Directories are not recursed into: name their files.
rootfs_add() {
  local root="$1"; shift
  local list
  list="$(mktemp)"
  {
    _rootfs_closure "$@"
    # shellcheck disable=SC2046 # one word per path
    _rootfs_closure $(_rootfs_libs $(_rootfs_closure "$@") | sort -u)
  } | sed 's|^/||' | sort -u >"$list" || { rm -f "$list"; return 1; }
  tar -C / --no-recursion -cf - -T "$list" | tar -C "$root" --keep-directory-symlink -xpf -
  rm -f "$list"
}

# rootfs_add_packages ROOT PACKAGE...: every file of installed Debian packages
# except documentation, manual pages and translations (and paths matching the
# extended regular expression ROOTFS_SKIP, when set), with the libraries their
# binaries load.
rootfs_add_packages() {
  local root="$1"; shift
  local pkg files=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
      { echo "rootfs: Debian package $pkg is not installed" >&2; return 1; }
    while IFS= read -r path; do
      case "$path" in
        /usr/share/doc/* | /usr/share/man/* | /usr/share/locale/* | /usr/share/lintian/* | /usr/share/bug/*) continue ;;
      esac
      [[ -d "$path" && ! -L "$path" ]] && continue
      [[ -n "${ROOTFS_SKIP:-}" && "$path" =~ $ROOTFS_SKIP ]] && continue
      [[ -e "$path" || -L "$path" ]] || continue # dpkg lists diverted or removed conffiles too
      files+=("$path")
    done < <(dpkg -L "$pkg")
  done
  rootfs_add "$root" "${files[@]}"
}

# rootfs_users ROOT LINE...: /etc/passwd and /etc/group with root and the given
# "name:uid:gid:home" accounts (no login shell, no password).
rootfs_users() {
  local root="$1"; shift
  local entry name uid gid home
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  for entry in "$@"; do
    IFS=: read -r name uid gid home <<<"$entry"
    printf '%s:x:%s:%s:%s:%s:/usr/sbin/nologin\n' "$name" "$uid" "$gid" "$name" "$home" >>"$root/etc/passwd"
    printf '%s:x:%s:\n' "$name" "$gid" >>"$root/etc/group"
  done
  mkdir -p "$root/root" && chmod 0700 "$root/root"
}

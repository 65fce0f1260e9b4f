#!/usr/bin/env bash
# Installs the Debian packages the tests start on loopback: PostgreSQL (control plane and tenant
# databases) and Redis (tenant ACL users). The tests start and stop their own server processes.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts packaged services on install; the tests use their own instances only.
systemctl stop redis-server postgresql >/dev/null 2>&1 || service redis-server stop >/dev/null 2>&1 || true

#!/bin/bash
# Entrypoint of the PostgreSQL TEST image: the part of the official postgres
# image's docker-entrypoint.sh contract that components/offline/postgres.ts
# relies on, re-implemented (not copied) for Debian's PostgreSQL packages.
#
# - POSTGRES_PASSWORD (required), POSTGRES_USER (default postgres),
#   POSTGRES_DB (default POSTGRES_USER), PGDATA;
# - started as root: creates PGDATA and /var/run/postgresql, owns them to
#   postgres and re-runs itself as postgres (setpriv stands in for gosu);
# - on an empty PGDATA: initdb with that superuser and password, trust for
#   connections inside the container and scram-sha-256 for every other host
#   (as the official image's default POSTGRES_HOST_AUTH_METHOD), listening on
#   every address, and POSTGRES_DB created when it is not "postgres";
# - a PGDATA that already holds a cluster is used as it is (adopted volume).
#
# Not re-implemented: /docker-entrypoint-initdb.d scripts, POSTGRES_INITDB_ARGS,
# POSTGRES_INITDB_WALDIR, POSTGRES_HOST_AUTH_METHOD and *_FILE variables.
set -Eeuo pipefail

if [[ "${1:0:1}" == '-' ]]; then
  set -- postgres "$@"
fi

if [[ "$1" == postgres && "$(id -u)" == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 0700 "$PGDATA"
  chmod 03775 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [[ "$1" == postgres && ! -s "$PGDATA/PG_VERSION" ]]; then
  if [[ -z "${POSTGRES_PASSWORD:-}" ]]; then
    echo "postgres test image: POSTGRES_PASSWORD must be set to initialise $PGDATA" >&2
    exit 1
  fi
  user="${POSTGRES_USER:-postgres}"
  initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") -D "$PGDATA"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  db="${POSTGRES_DB:-$user}"
  if [[ "$db" != postgres ]]; then
    # Single-user mode instead of the official image's temporary server: one
    # statement, no socket.
    printf 'CREATE DATABASE "%s";\n' "${db//\"/\"\"}" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi

exec "$@"

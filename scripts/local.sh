#!/usr/bin/env bash
# The README's main command. On a fresh machine:
#   bash scripts/local.sh up     # set up Node, PostgreSQL/Redis packages, npm packages and the engine,
#                                # build, start the local stores and API test doubles, `pulumi up` the
#                                # `local` stack, print the tenant's outputs and registry row
#   bash scripts/local.sh down   # destroy and remove the stack, stop everything, delete .frostbyte-local/
#   bash scripts/local.sh console  # the same set-up and build, then the sandbox's stores (started if
#                                # needed) and the portal with its console on http://127.0.0.1:8080/
#                                # (FROSTBYTE_PORTAL_PORT), printing an admin token to sign in with
# Extra arguments go to the command, e.g. `up --tenant acme globex`.
set -euo pipefail
cd "$(dirname "$0")/.."
action="${1:-}"
case "$action" in
  up | down | console) shift ;;
  *) echo "usage: bash scripts/local.sh up [--tenant <id>...] | down | console" >&2; exit 2 ;;
esac

source scripts/setup-node.sh
bash scripts/setup-services.sh
# npm ci only when node_modules was not installed from this very lock file.
if ! cmp -s package-lock.json node_modules/.frostbyte-lock 2>/dev/null; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.frostbyte-lock
fi
source "$(bash scripts/setup-engine.sh)"
npm run --silent build
if [ "$action" = console ]; then
  exec node bin/console/local/main.js "$@"
fi
exec node bin/local/main.js "$action" "$@"

#!/usr/bin/env bash
# The console on the local sandbox, in one command: sets up what `bash scripts/local.sh up` sets up
# (Node, the PostgreSQL/Redis packages, npm packages, the engine), builds (the console included),
# then starts the sandbox's stores if needed and serves the portal with its console on
# http://127.0.0.1:8080/ (FROSTBYTE_PORTAL_PORT), printing an admin token to sign in with.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-node.sh
bash scripts/setup-services.sh
if ! cmp -s package-lock.json node_modules/.frostbyte-lock 2>/dev/null; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.frostbyte-lock
fi
source "$(bash scripts/setup-engine.sh)"
npm run --silent build
exec node bin/console/local/main.js

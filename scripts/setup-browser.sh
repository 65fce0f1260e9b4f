#!/usr/bin/env bash
# Installs Debian's Chromium for the console's browser tests (test/console/), driven by
# playwright-core with executablePath /usr/bin/chromium: no browser download from elsewhere.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
# Debian's wrapper script prints shell noise on some machines; only a browser that does not start matters.
if ! version="$(/usr/bin/chromium --version 2>&1)"; then
  echo "setup-browser: /usr/bin/chromium does not start: $version" >&2
  exit 1
fi

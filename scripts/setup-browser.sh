#!/usr/bin/env bash
# Installs Debian's Chromium for the console's browser tests (test/console/), driven by
# playwright-core with executablePath /usr/bin/chromium: no browser download from elsewhere.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
/usr/bin/chromium --version >/dev/null

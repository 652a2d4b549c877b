#!/usr/bin/env bash
# The compiled build, in the image's layout, starts twice on an empty temporary database: the first
# start must leave V8's code cache beside the bundle, and the second must run on it. V8 refuses a
# cache made under other flags; it would then compile the bundle on every start and write the cache
# again on every exit, which is what this catches.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/app"
cp -r "$root/dist/src" "$root/dist/seeds" "$root/migrations" "$root/migrations-pg" "$root/package.json" "$work/app/"
ln -s "$root/node_modules" "$work/app/node_modules"
rm -f "$work/app/src/"*.cache
cd "$work/app"

start_once() {
  local port
  port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  PORT=$port HOST=127.0.0.1 DATABASE_PATH="$work/data/fjord.db" LOG_LEVEL=warn node src/server.js >"$work/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "code cache: the server exited"; cat "$work/server.log"; exit 1; fi
    sleep 0.1
  done
  kill -TERM "$pid"
  wait "$pid" || { echo "code cache: the server did not stop cleanly"; cat "$work/server.log"; exit 1; }
}

start_once
cache=$(ls src/*.cache 2>/dev/null || true)
if [ -z "$cache" ]; then echo "code cache: the first start left no cache beside src/server.cjs"; exit 1; fi
written=$(stat -c %Y.%y "$cache")
sleep 1
start_once
if [ "$(stat -c %Y.%y "$cache")" != "$written" ]; then
  echo "code cache: the second start refused the cache and wrote it again"
  exit 1
fi
echo "code cache: written by the first start, used by the second ($(stat -c %s "$cache") bytes)"

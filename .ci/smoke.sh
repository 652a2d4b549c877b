#!/usr/bin/env bash
# Starts the real server the way a new user does (`npm start`, or the compiled image layout with
# `node src/server.js`) on a free port and an empty temporary database, and fetches the seeded
# article over HTTP. `postgres` mode runs `npm start` with DATABASE_URL on a new database of the
# server TEST_DATABASE_URL names, dropped afterwards.
set -euo pipefail
mode=${1:-npm}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
slug=openai-choisit-elle-la-norvege-pour-renforcer-ou-contourner-la-souverainete-numerique-europeenne
log="$work/server.log"

if [ "$mode" = compiled ]; then
  # The runtime image's layout: compiled JavaScript beside migrations/, no TypeScript tooling.
  mkdir -p "$work/app"
  # dist/src and dist/seeds only: `npm start` links migrations/ into dist/ for a checkout.
  cp -r "$root/dist/src" "$root/dist/seeds" "$work/app/"
  cp -r "$root/migrations" "$root/migrations-pg" "$root/package.json" "$work/app/"
  ln -s "$root/node_modules" "$work/app/node_modules"
  cmd=(node src/server.js)
  cd "$work/app"
else
  cmd=(npm start --silent)
  cd "$root"
fi

database_url=
if [ "$mode" = postgres ]; then
  server=${TEST_DATABASE_URL:?postgres mode needs TEST_DATABASE_URL}
  name="fjord_smoke_$$"
  psql_admin() { node -e '
    const pg = require("pg");
    const c = new pg.Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.query(process.argv[2])).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });
  ' "$server" "$1"; }
  psql_admin "CREATE DATABASE $name"
  database_url=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$server" "$name")
fi

started=$(date +%s%N)
if [ -n "$database_url" ]; then
  PORT=$port HOST=127.0.0.1 DATABASE_URL="$database_url" IP_HASH_KEY=smoke-test-key-of-at-least-32-characters \
    LOG_LEVEL=warn setsid "${cmd[@]}" >"$log" 2>&1 &
else
  PORT=$port HOST=127.0.0.1 DATABASE_PATH="$work/data/fjord.db" LOG_LEVEL=warn setsid "${cmd[@]}" >"$log" 2>&1 &
fi
pid=$!
stop() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
  if [ -n "$database_url" ]; then psql_admin "DROP DATABASE IF EXISTS $name WITH (FORCE)" || true; fi
}
trap stop EXIT

for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "smoke ($mode): the server exited"; cat "$log"; exit 1; fi
  sleep 0.1
done
ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))

body=$(curl -fsS "http://127.0.0.1:$port/v1/articles/$slug")
node -e '
  const a = JSON.parse(process.argv[1]);
  const ok = a.slug === process.argv[2] && a.lang === "fr" && a.title.startsWith("OpenAI choisit-elle la Norvège")
    && a.tags.length === 3 && a.ai_generated === true && a.revision === 1;
  if (!ok) { console.error("unexpected article:", a); process.exit(1); }
' "$body" "$slug"
if [ -z "$database_url" ]; then test -f "$work/data/fjord.db"; fi
echo "smoke ($mode): seeded article served on port $port, first 200 from /healthz after ${ready_ms} ms"

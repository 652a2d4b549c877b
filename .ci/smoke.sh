#!/usr/bin/env bash
# Starts the real server the way a new user does (`npm start`, or the compiled image layout with
# `node src/server.js`) on a free port and an empty temporary database, and fetches the seeded
# article over HTTP.
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
  cp -r "$root/dist/." "$work/app/"
  cp -r "$root/migrations" "$root/package.json" "$work/app/"
  ln -s "$root/node_modules" "$work/app/node_modules"
  cmd=(node src/server.js)
  cd "$work/app"
else
  cmd=(npm start --silent)
  cd "$root"
fi

started=$(date +%s%N)
PORT=$port HOST=127.0.0.1 DATABASE_PATH="$work/data/fjord.db" LOG_LEVEL=warn setsid "${cmd[@]}" >"$log" 2>&1 &
pid=$!
stop() { kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
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
test -f "$work/data/fjord.db"
echo "smoke ($mode): seeded article served on port $port, first 200 from /healthz after ${ready_ms} ms"

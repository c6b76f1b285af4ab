#!/usr/bin/env sh
# `npm run dev:worker`: the Worker under `wrangler dev` with a local D1 store, migrated and filled
# from feeds/ and licenses/ (idempotent), as a first deploy would be.
set -e
export WRANGLER_SEND_METRICS=false
node bin/wiregate.mjs pack
npx wrangler d1 migrations apply DB --local
npx wrangler d1 execute DB --local --file build/seed.sql
exec npx tsx scripts/dev-worker.ts "$@"

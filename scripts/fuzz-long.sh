#!/bin/sh
# `npm run fuzz:long`: the properties of test/fuzz.test.ts with 5,000 runs each (FUZZ_RUNS), Node only.
# Same fixed seeds as CI unless FUZZ_SEED is set (e.g. FUZZ_SEED=$RANDOM npm run fuzz:long for new cases).
# A failure prints { seed, path }; replay that one case with
#   FUZZ_SEED=<seed> FUZZ_PATH="<path>" npx vitest run --project node test/fuzz.test.ts -t "<test name>"
# Extra arguments go to vitest (e.g. -t "re-signed" for one property).
set -eu
cd "$(dirname "$0")/.."
node bin/wiregate.mjs pack >/dev/null
FUZZ_RUNS="${FUZZ_RUNS:-5000}" exec npx vitest run --project node test/fuzz.test.ts "$@"

#!/usr/bin/env bash
# `npm run demo`: build, write the registration, bring up Synapse + Ergo (+ InspIRCd), run the bridge.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/main.js ] || npm run -s build
node dist/scripts/lib/registrations.js
bash scripts/testenv.sh up
exec node dist/scripts/demo.js

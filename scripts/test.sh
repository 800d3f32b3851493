#!/usr/bin/env bash
# The whole test suite, as CI runs it (`npm test`): build, lint, bring up the local test environment
# (Synapse, Ergo, InspIRCd; installed on first use), then unit, handler and end-to-end tests in one
# run of Node's test runner, so its closing summary counts everything.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp() { date +%s; }
t0=$(stamp)
echo "== build"; npm run -s build
echo "== lint"; npx eslint .
t1=$(stamp)
echo "== test environment"
node dist/scripts/lib/registrations.js
bash scripts/testenv.sh up
t2=$(stamp)
echo "== tests"
set +e
# Node 20's runner takes no globs: list the files (unit, then handlers, then end-to-end).
mapfile -t files < <(for d in unit handlers e2e; do find "dist/test/$d" -name '*.test.js' | sort; done)
# --test-force-exit: a story that fails before closing its sockets must not hang the run.
node --test --test-concurrency=1 --test-force-exit --test-timeout=900000 --test-reporter=spec "${files[@]}"
status=$?
set -e
t3=$(stamp)
echo "== timings: build+lint $((t1 - t0)) s, environment $((t2 - t1)) s, tests $((t3 - t2)) s"
exit $status

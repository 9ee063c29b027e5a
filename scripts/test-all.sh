#!/usr/bin/env bash
# npm run test:all: `npm test` (type check, lint, unit, policy and integration
# tests) and `npm run test:e2e` side by side. The end-to-end suites spend most
# of their time waiting on pods and the engine, so `npm test` fits in beside
# them instead of adding its minutes before them. The end-to-end output
# streams; npm test's is printed when both are done. Exits non-zero if either
# failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

npm_test_log=$(mktemp -t kg-rca-npm-test-XXXXXX.log)
npm test >"$npm_test_log" 2>&1 &
npm_test=$!

npm run test:e2e
e2e_status=$?
wait "$npm_test"
npm_test_status=$?

echo
echo "---- npm test (ran alongside) ----"
cat "$npm_test_log"
rm -f "$npm_test_log"
[ "$e2e_status" -eq 0 ] && [ "$npm_test_status" -eq 0 ]

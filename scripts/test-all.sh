#!/usr/bin/env bash
# npm run test:all: `npm test` (type check, lint, unit, policy and integration
# tests) and `npm run test:e2e` side by side. The end-to-end suites spend most
# of their time waiting on pods and the engine, so `npm test` fits in beside
# them instead of adding its minutes before them. The end-to-end output
# streams; npm test's is printed when both are done. Exits non-zero if either
# failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# shellcheck source=scripts/lib/alongside.sh
source scripts/lib/alongside.sh

alongside_start npm test
npm run test:e2e
e2e_status=$?
alongside_finish "npm test"
npm_test_status=$?
[ "$e2e_status" -eq 0 ] && [ "$npm_test_status" -eq 0 ]

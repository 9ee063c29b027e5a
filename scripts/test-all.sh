#!/usr/bin/env bash
# npm run test:all: the toolchain and images (scripts/build-local.sh), then
# `npm test` (type check, lint, unit, policy and integration tests) and the
# end-to-end suites side by side. The end-to-end suites spend most of their
# time waiting on pods and the engine, so `npm test` fits in beside them
# instead of adding its minutes before them. The end-to-end output streams;
# npm test's is printed when both are done. Exits non-zero if either failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# shellcheck source=scripts/lib/alongside.sh
source scripts/lib/alongside.sh

# The toolchain and the local images first (seconds when cached): on a cold machine their build is
# CPU-bound for most of an hour, and npm test beside it would only lengthen it by its own CPU time,
# where beside the end-to-end suites it runs in their idle time.
if ! bash scripts/build-local.sh; then
  echo "test-all: building the toolchain or the local images failed; no test ran" >&2
  exit 1
fi
alongside_start npm test
bash scripts/test-e2e.sh
e2e_status=$?
alongside_finish "npm test"
npm_test_status=$?
[ "$e2e_status" -eq 0 ] && [ "$npm_test_status" -eq 0 ]

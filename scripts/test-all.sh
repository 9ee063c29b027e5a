#!/usr/bin/env bash
# npm run test:all: the toolchain and images (scripts/build-local.sh), then the
# end-to-end suites (scripts/test-e2e.sh) with `npm test` (type check, lint,
# unit, policy and integration tests) after their bare-server group, beside the
# node group: the node group's last minutes leave a core idle, where npm test's
# CPU fits instead of adding its minutes before them. The node group's output
# streams; the rest is printed when all are done. Exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# The toolchain and the local images first (seconds when cached): on a cold machine their build is
# CPU-bound for most of an hour, and npm test beside it would only lengthen it by its own CPU time,
# where beside the end-to-end suites it runs in their idle time.
if ! bash scripts/build-local.sh; then
  echo "test-all: building the toolchain or the local images failed; no test ran" >&2
  exit 1
fi
bash scripts/test-e2e.sh npm test

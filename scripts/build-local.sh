#!/usr/bin/env bash
# Builds what the local stack needs: the toolchain (scripts/toolchain.sh) and the
# node's images (scripts/images/build.sh), side by side. The toolchain is Go
# compilation (CPU-bound); the images are mostly downloads from Debian, Maven
# Central and npm (network-bound), so on a cold machine running them together
# hides most of the image build behind the toolchain. Warm, both only check
# their caches. Each writes its full log to $KG_RCA_BUILD_LOGS (default a
# temporary folder); on failure the tail of the failed one is printed.
#
# Usage: scripts/build-local.sh
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
logs=${KG_RCA_BUILD_LOGS:-$(mktemp -d -t kg-rca-build-XXXXXX)}
mkdir -p "$logs"
started=$SECONDS

declare -A pids
bash "$here/toolchain.sh" >"$logs/toolchain.log" 2>&1 &
pids[toolchain]=$!
bash "$here/images/build.sh" >"$logs/images.log" 2>&1 &
pids[images]=$!

failed=0
for job in toolchain images; do
  if wait "${pids[$job]}"; then
    echo "build-local: $job ready ($logs/$job.log)"
  else
    echo "build-local: $job FAILED; last lines of $logs/$job.log:" >&2
    tail -n 40 "$logs/$job.log" >&2
    failed=1
  fi
done
echo "build-local: done in $((SECONDS - started)) s"
exit "$failed"

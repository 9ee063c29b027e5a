#!/usr/bin/env bash
# Builds what the local stack needs: the toolchain (scripts/toolchain.sh) and the
# node's images (scripts/images/build.sh), side by side, with the bare servers'
# jars and venv (scripts/services). The toolchain is Go compilation (CPU-bound);
# the images and servers are mostly downloads from Debian, Maven Central, npm and
# PyPI (network-bound), so on a cold machine running them together hides them
# behind the toolchain. Warm, both only check their caches. Each writes its full
# log to $KG_RCA_BUILD_LOGS (default a temporary folder); on failure the tail of
# the failed one is printed.
#
# Usage: scripts/build-local.sh
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
logs=${KG_RCA_BUILD_LOGS:-$(mktemp -d -t kg-rca-build-XXXXXX)}
mkdir -p "$logs"
started=$SECONDS

# The server suites start Kafka, Neo4j and the S3 server from these on first use, where the
# download would hold up a test. The Kafka and Neo4j images copy the same jars, so they come first.
images_and_servers() {
  bash "$here/services/kafka.sh" jars "$logs" &&
    bash "$here/services/neo4j.sh" jars "$logs" &&
    bash "$here/images/build.sh" &&
    bash "$here/services/s3.sh" install
}

declare -A pids
bash "$here/toolchain.sh" >"$logs/toolchain.log" 2>&1 &
pids[toolchain]=$!
images_and_servers >"$logs/images.log" 2>&1 &
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

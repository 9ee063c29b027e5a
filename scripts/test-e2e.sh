#!/usr/bin/env bash
# The end-to-end suites (npm run test:e2e, after scripts/build-local.sh), in two
# groups run side by side: the suites on the local node (one after another, on
# one shared node) and the suites against bare servers beside a
# node-less API server (their own loopback ports, no node). The node group is
# the longer; the other runs at a lower CPU priority beside it. The node
# group's output streams; the other group's is printed when both are done.
#
# Usage: scripts/test-e2e.sh [COMMAND...]
#
# COMMAND (npm run test:all gives it `npm test`) runs after the bare-server
# group, in its place beside the node group: the node group's last suite (the
# Kafka scale-out) spends half its minutes waiting on pods, where the CPU the
# command needs is free, instead of slowing both groups from the start. Exits
# non-zero if either group or COMMAND failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

config=test/e2e/.mocharc.json
# The node suites share one node (test/e2e/sharedNode.ts), in this order: each builds on what the one
# before left, tenants first (it starts from the registry local:up serves), Kafka scale-out last.
node_suites=(test/e2e/tenants.test.ts test/e2e/tenantListener.test.ts test/e2e/ciRunner.test.ts test/e2e/serversTls.test.ts
  test/e2e/node.test.ts test/e2e/backups.test.ts
  test/e2e/autoscaling.test.ts test/e2e/kafkaScale.test.ts)
server_suites=(test/e2e/engine.test.ts test/e2e/neo4jProvider.test.ts test/e2e/ops.test.ts test/e2e/fleet.test.ts)

# A suite in neither group would silently never run.
for suite in test/e2e/*.test.ts; do
  case " ${node_suites[*]} ${server_suites[*]} " in
    *" $suite "*) ;;
    *)
      echo "test-e2e: $suite is in neither group of scripts/test-e2e.sh" >&2
      exit 1
      ;;
  esac
done

# shellcheck source=scripts/lib/alongside.sh
source scripts/lib/alongside.sh

# The bare-server group, then COMMAND whatever the group's outcome: its status is the first failure's.
servers_then_command() {
  npx mocha --config "$config" "${server_suites[@]}"
  local status=$?
  if [ $# -gt 0 ]; then
    echo
    echo "---- $* (after the suites against bare servers) ----"
    "$@" || status=$?
  fi
  return "$status"
}

alongside_start servers_then_command "$@"
npx mocha --config "$config" "${node_suites[@]}"
node_status=$?
alongside_finish "suites against bare servers${1:+, then $*}"
servers_status=$?
[ "$node_status" -eq 0 ] && [ "$servers_status" -eq 0 ]

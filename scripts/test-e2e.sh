#!/usr/bin/env bash
# The end-to-end suites (npm run test:e2e, after scripts/build-local.sh), in two
# groups run side by side: the suites on the local node (one after another, on
# one shared node) and the suites against bare servers beside a
# node-less API server (their own loopback ports, no node). Most of their
# time is spent waiting on pods and the engine, not on the CPU, so together
# they take little longer than the node group alone. The node group's output
# streams; the other group's is printed when both are done. Exits non-zero if
# either group failed.
#
# Usage: scripts/test-e2e.sh
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

alongside_start npx mocha --config "$config" "${server_suites[@]}"
npx mocha --config "$config" "${node_suites[@]}"
node_status=$?
alongside_finish "suites against bare servers"
servers_status=$?
[ "$node_status" -eq 0 ] && [ "$servers_status" -eq 0 ]

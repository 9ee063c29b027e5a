#!/usr/bin/env bash
# Runs the real pulumi CLI in the runner's network namespace (runner.sh): it reaches the API
# server and the tenants' listener only, as a CI runner outside the cluster does, so the
# program's providers must take the production path (the kafka provider through the external
# TLS listener, billing and Neo4j through port-forwards of the API server).
#
# One thing must cross: the Automation API listens for the engine's event stream on the host's
# loopback (`--event-log tcp://127.0.0.1:PORT`), and the runner's loopback is its own. That port
# is relayed into the runner (runner.sh relay-loopback) for as long as the CLI runs.
#
# Usage: pulumi-in-runner.sh NODE_DIR REAL_PULUMI ARGS...   (scripts/local.sh writes a wrapper that calls it)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
node_dir=$1
real=$2
shift 2

relay=""
child=""
# shellcheck disable=SC2317 # called by the traps
stop() {
  [ -z "$child" ] || kill -TERM "$child" 2>/dev/null
  [ -z "$relay" ] || kill "$relay" 2>/dev/null
}
trap stop EXIT
trap 'stop; exit 143' TERM
trap 'stop; exit 130' INT

for arg in "$@"; do
  if [[ $arg =~ ^tcp://127\.0\.0\.1:([0-9]+)$ ]]; then
    # Its stderr goes to the runner's log, not to the caller: nothing of it may hold the CLI's output open.
    exec {ready}< <(bash "$here/runner.sh" relay-loopback "$node_dir" "${BASH_REMATCH[1]}" \
      </dev/null 2>>"$node_dir/runner/relays.log")
    relay=$!
    read -r -t 10 -u "$ready" line || true
    [ "${line:-}" = ready ] || {
      echo "pulumi-in-runner: the event-log relay did not start (see $node_dir/runner/relays.log)" >&2
      exit 1
    }
  fi
done

# In the background and waited for, so that a TERM from the caller (a cancelled operation) reaches the CLI.
bash "$here/runner.sh" exec "$node_dir" "$real" "$@" &
child=$!
wait "$child"
status=$?
child=""
exit "$status"

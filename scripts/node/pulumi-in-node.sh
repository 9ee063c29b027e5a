#!/usr/bin/env bash
# Runs the real pulumi CLI inside the local node's network and mount namespaces,
# so that the engine's providers reach the cluster's Services and in-cluster
# names as a pod would.
#
# One thing does not cross: the Automation API listens for the engine's event
# stream on the host's loopback (`--event-log tcp://127.0.0.1:PORT`), which the
# node's namespace has no route to. That address is rewritten to the host's end
# of the node link, where socat relays it to the loopback listener for as long
# as the CLI runs.
#
# Usage: pulumi-in-node.sh NODE_DIR REAL_PULUMI ARGS...   (scripts/local.sh writes a wrapper that calls it)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
node_dir=$1
real=$2
shift 2
host_ip=${KG_RCA_NODE_HOST_IP:-172.31.254.1}

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

args=()
for arg in "$@"; do
  if [[ $arg =~ ^tcp://127\.0\.0\.1:([0-9]+)$ ]]; then
    port=${BASH_REMATCH[1]}
    socat "TCP-LISTEN:$port,bind=$host_ip,fork,reuseaddr" "TCP:127.0.0.1:$port" &
    relay=$!
    for _ in $(seq 50); do
      ss -Hltn "sport = :$port" | grep -q "$host_ip:$port" && break
      sleep 0.1
    done
    arg="tcp://$host_ip:$port"
  fi
  args+=("$arg")
done

# In the background and waited for, so that a TERM from the caller (a cancelled operation) reaches the CLI.
bash "$here/local-node.sh" exec "$node_dir" "$real" "${args[@]}" &
child=$!
wait "$child"
status=$?
child=""
exit "$status"

#!/usr/bin/env bash
# The network of a CI runner outside the cluster, for the engine and the day-2 commands.
#
#   runner.sh start DIR        # the runner's network namespace and its relays (DIR: the node's folder)
#   runner.sh stop DIR         # stops them
#   runner.sh exec DIR CMD...  # runs CMD in the runner's network namespace (the host's file system)
#   runner.sh relay-loopback DIR PORT  # until killed: the runner's 127.0.0.1:PORT reaches the host's
#   runner.sh check-clean [DIR]
#
# A hosted runner reaches the cluster's API server and the tenants' listener
# and nothing else: no Service, no pod, no cluster DNS. The runner's namespace
# has no link at all, only loopback, holding the node's address (NODE_IP) so the
# kubeconfig's server and the brokers' advertised addresses mean what they mean
# outside. Each port the runner may reach (the API server's and the tenants'
# listener's node ports, RUNNER_PORTS) is relayed (relay.ts): a listener on
# NODE_IP:PORT inside hands each connection over a Unix socket (files cross
# network namespaces) to a relay outside that connects to NODE_IP:PORT from the host.
# Anything else, PostgreSQL and Neo4j included, is unreachable from inside:
# the engine's providers and the ops commands must come through a
# port-forward of the API server, as in production.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
node_ip=${KG_RCA_NODE_IP:-172.31.254.2}
# The API server, then the local stack's node ports of the tenants' listener (bootstrap, brokers 0-4).
RUNNER_PORTS=${KG_RCA_RUNNER_PORTS:-6443 31090 31091 31092 31093 31094 31095}

die() {
  echo "runner: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop DIR | exec DIR CMD... | relay-loopback DIR PORT | check-clean [DIR]" >&2
  exit 2
}

holder_pid() {
  local pid
  [ -f "$run/holder.pid" ] || return 1
  pid=$(cat "$run/holder.pid")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "kg-rca-runner-holder" && echo "$pid"
}

in_runner() {
  local pid
  pid=$(holder_pid) || die "the runner of $dir is not running"
  nsenter --target "$pid" --net -- "$@"
}

# The relays (scripts/node/relay.ts), run by the repository's ts-node, transpile only.
relay=("$here/../../node_modules/.bin/ts-node" --transpile-only "$here/relay.ts")

# listening PORT ADDRESS: wait until a TCP listener on ADDRESS:PORT exists inside the runner.
listening() {
  local port=$1 address=$2
  for _ in $(seq 1 50); do
    in_runner ss -Hltn "sport = :$port" | grep -q "$address:$port" && return 0
    sleep 0.1
  done
  die "no listener on $address:$port in the runner after 5 s"
}

# socket_exists PATH: wait until the outside relay listens on the Unix socket PATH.
socket_exists() {
  for _ in $(seq 1 100); do
    [ -S "$1" ] && return 0
    sleep 0.1
  done
  die "no relay listens on $1 after 10 s (see $run/relays.log)"
}

start() {
  holder_pid >/dev/null && die "the runner of $dir is already running"
  mkdir -p "$run"
  setsid unshare --net -- bash -c 'exec -a kg-rca-runner-holder sleep infinity' </dev/null >/dev/null 2>&1 &
  echo $! >"$run/holder.pid"
  local port
  for _ in $(seq 1 50); do
    holder_pid >/dev/null && break
    sleep 0.1
  done
  holder_pid >/dev/null || die "the namespace holder did not start"
  in_runner ip link set lo up
  in_runner ip addr add "$node_ip/32" dev lo
  # shellcheck disable=SC2086 # one argument per port
  setsid "${relay[@]}" unix-to-tcp "$run" "$node_ip" $RUNNER_PORTS </dev/null >>"$run/relays.log" 2>&1 &
  echo $! >"$run/outside.pid"
  # shellcheck disable=SC2086
  setsid nsenter --target "$(holder_pid)" --net -- "${relay[@]}" tcp-to-unix "$node_ip" "$run" $RUNNER_PORTS \
    </dev/null >>"$run/relays.log" 2>&1 &
  echo $! >"$run/inside.pid"
  for port in $RUNNER_PORTS; do
    listening "$port" "$node_ip"
    socket_exists "$run/$port.sock"
  done
  echo "runner: network namespace up (holder $(holder_pid)); reaches $node_ip on ports $RUNNER_PORTS only"
}

# The Automation API listens for the engine's events on the host's loopback: the runner's loopback
# is its own, so the same port is relayed there for as long as the caller keeps this running.
# Neither relay keeps the caller's output open: a process left holding the CLI's stderr would keep
# the Automation API waiting for it to close (found in CI: a preview hung until the test's timeout).
relay_loopback() {
  local port=$1 dir="$run/loopback-$1" outside inside pid
  pid=$(holder_pid) || die "the runner of $dir is not running"
  mkdir -p "$dir"
  "${relay[@]}" unix-to-tcp "$dir" 127.0.0.1 "$port" </dev/null >/dev/null 2>>"$run/relays.log" &
  outside=$!
  # nsenter execs the relay: $! is its own pid, which the trap below stops.
  nsenter --target "$pid" --net -- "${relay[@]}" tcp-to-unix 127.0.0.1 "$dir" "$port" \
    </dev/null >/dev/null 2>>"$run/relays.log" &
  inside=$!
  # shellcheck disable=SC2064 # the pids are known now
  trap "kill $outside $inside 2>/dev/null; rm -rf '$dir'" EXIT
  trap 'exit 143' TERM
  listening "$port" 127.0.0.1
  socket_exists "$dir/$port.sock"
  echo ready
  wait
}

stop() {
  local file pid
  for file in "$run"/*.pid; do
    [ -e "$file" ] || continue
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || true
  done
  # Whatever else names the runner's folder: relays of a caller that did not stop them.
  pkill -f -- "$run/" 2>/dev/null || true
  for _ in $(seq 1 20); do
    pgrep -f "kg-rca-runner-holder|$run/" >/dev/null || break
    sleep 0.2
  done
  rm -f "$run"/*.pid "$run"/*.sock
  check_clean || die "the host is not clean after stopping the runner of $dir"
}

check_clean() {
  local pattern="kg-rca-runner-holder${run:+|$run/}"
  if pgrep -f "$pattern" >/dev/null; then
    echo "runner: processes left: $(pgrep -af "$pattern" | tr '\n' ';')" >&2
    return 1
  fi
}

case "${1:-}" in
  start | stop)
    [ $# -eq 2 ] || usage
    dir=$2
    run=$dir/runner
    "$1"
    ;;
  exec)
    [ $# -ge 3 ] || usage
    dir=$2
    run=$dir/runner
    shift 2
    pid=$(holder_pid) || die "the runner of $dir is not running"
    # exec: a signal to this script (a cancelled operation) reaches CMD itself.
    exec nsenter --target "$pid" --net -- "$@"
    ;;
  relay-loopback)
    [ $# -eq 3 ] || usage
    dir=$2
    run=$dir/runner
    relay_loopback "$3"
    ;;
  check-clean)
    dir=${2:-}
    run=${dir:+$dir/runner}
    check_clean
    ;;
  *) usage ;;
esac

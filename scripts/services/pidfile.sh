# shellcheck shell=bash
# Sourced by the service scripts (kafka.sh, neo4j.sh, prometheus.sh): a server
# started in the background and known only by its pid file, $PID_FILE. The
# sourcing script defines log().

pid_alive() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

# stop_server GRACE_SECONDS: TERM, wait up to GRACE_SECONDS for a clean
# shutdown, then KILL; the pid file is removed either way.
stop_server() {
  local grace=$1 pid
  if ! pid_alive; then log "not running"; rm -f "$PID_FILE"; return 0; fi
  pid="$(cat "$PID_FILE")"
  log "stopping pid $pid"
  kill "$pid"
  for _ in $(seq 1 $((grace * 2))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "still alive after ${grace}s, killing"; kill -9 "$pid"; fi
  rm -f "$PID_FILE"
}

print_status() {
  if pid_alive; then echo "running (pid $(cat "$PID_FILE"))"; else echo "stopped"; return 1; fi
}

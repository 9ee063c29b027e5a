# shellcheck shell=bash
# Runs one command in the background while the caller runs another in the
# foreground, keeping the background one's output until the end so the two do
# not interleave (scripts/test-all.sh, scripts/test-e2e.sh).
#
#   alongside_start CMD...    start CMD (a command or a shell function) at a lower CPU priority,
#                             its output kept in a log
#   alongside_finish TITLE    wait for it, print its output under TITLE, return its status

alongside_start() {
  alongside_log=$(mktemp -t kg-rca-alongside-XXXXXX.log)
  # At a lower CPU priority: the foreground command is the longer one (the node suites), and on
  # two cores an equal share would stretch it by what the background one uses. The background
  # command still finishes before it: at nice 5 (a quarter of the CPU when both want it all) it
  # ended 7-10 min before the node suites, so it now gets a tenth (nice 10); the first run so
  # ended with them. A subshell lowered by renice, not `nice`, so CMD may be a function; what it
  # starts inherits the priority.
  (
    renice -n 10 -p "$BASHPID" >/dev/null
    "$@"
  ) >"$alongside_log" 2>&1 &
  alongside_pid=$!
}

alongside_finish() {
  local status=0
  wait "$alongside_pid" || status=$?
  echo
  echo "---- $1 (ran alongside) ----"
  cat "$alongside_log"
  rm -f "$alongside_log"
  return "$status"
}

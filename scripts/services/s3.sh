#!/usr/bin/env bash
# A local S3-compatible server: moto's server mode (moto[server], pinned with
# hashes in s3/requirements.txt) in a Python venv cached under
# $KG_RCA_TOOLCHAIN_CACHE/moto-VERSION-KEY, for the backup jobs and tests.
#
#   scripts/services/s3.sh install          # only install the venv (start does it the first time)
#   scripts/services/s3.sh start DIR        # install the venv (first run), start, wait until S3 answers
#   scripts/services/s3.sh stop DIR         # stop the server recorded in DIR/s3.pid
#   scripts/services/s3.sh status DIR       # exit 0 when running
#   scripts/services/s3.sh url DIR          # the endpoint URL, http://S3_ADDRESS:S3_PORT
#   scripts/services/s3.sh credentials DIR  # AWS_* lines for an env file (or `export $(...)`)
#
# Environment (defaults in brackets):
#   S3_ADDRESS            address to listen on [127.0.0.1]; the node's pods reach the host on
#                         the host's end of the node link (172.31.254.1), not on loopback
#   S3_PORT               port [19000]
#   S3_ACCESS_KEY_ID      access key clients sign with [kg-rca-local]
#   S3_SECRET_ACCESS_KEY  its secret [kg-rca-local-secret]
#   S3_REGION             region clients sign for [us-east-1]
#   S3_BUCKETS            buckets to create at start when missing, space-separated [none]
#   S3_START_TIMEOUT      seconds to wait for the first answer [60]
#   KG_RCA_TOOLCHAIN_CACHE  where the venv lives [~/.cache/kg-rca-toolchain]
#
# Moto keeps buckets and objects in memory: they live exactly as long as the
# server process (stop, or a crash, loses them). It does not verify request
# signatures, so any key pair works; the fixed pair is there so that clients
# have credentials to sign with, as against real S3.
# Needs Debian's python3 and python3-venv (scripts/setup.sh) and, the first
# time, PyPI.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
S3_ADDRESS="${S3_ADDRESS:-127.0.0.1}"
S3_PORT="${S3_PORT:-19000}"
S3_ACCESS_KEY_ID="${S3_ACCESS_KEY_ID:-kg-rca-local}"
S3_SECRET_ACCESS_KEY="${S3_SECRET_ACCESS_KEY:-kg-rca-local-secret}"
S3_REGION="${S3_REGION:-us-east-1}"
S3_BUCKETS="${S3_BUCKETS:-}"
S3_START_TIMEOUT="${S3_START_TIMEOUT:-60}"
REQUIREMENTS="$HERE/s3/requirements.txt"
# Debian's interpreter, whatever else is on PATH: the pins' hashes are for its wheels.
PYTHON=/usr/bin/python3

log() { echo "[s3] $*" >&2; }
die() { echo "[s3] ERROR: $*" >&2; exit 1; }
usage() { echo "usage: $0 install | start|stop|status|url|credentials DIR" >&2; exit 2; }

CMD="${1:-}"
case "$CMD" in install) [ $# -eq 1 ] || usage ;; *) [ $# -eq 2 ] || usage ;; esac
DIR="${2:-}"

MOTO_VERSION="$(sed -n 's/^moto\[server\]==\([^ ]*\).*/\1/p' "$REQUIREMENTS")"
[ -n "$MOTO_VERSION" ] || die "no moto[server] pin in $REQUIREMENTS"
# Keyed by the whole pin set, so a changed dependency pin gets a fresh venv.
VENV="${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}/moto-$MOTO_VERSION-$(sha256sum <"$REQUIREMENTS" | cut -c1-8)"

PID_FILE="$DIR/s3.pid"
# shellcheck source=scripts/services/pidfile.sh
source "$HERE/pidfile.sh"

url() { echo "http://$S3_ADDRESS:$S3_PORT"; }
# A listener on the port, by the socket table: a connect test would also
# succeed through a proxy that accepts connections to any address.
port_in_use() { ss -Hltn "sport = :$S3_PORT" | grep -q .; }
# Moto answers an unsigned GET / with the bucket list (ListBuckets).
answers() { curl -sf --max-time 5 "$(url)/" 2>/dev/null | grep -q ListAllMyBucketsResult; }

credentials() {
  printf '%s\n' "AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID" "AWS_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY" \
    "AWS_DEFAULT_REGION=$S3_REGION" "AWS_ENDPOINT_URL=$(url)"
}

# The venv, once per pin set; the .complete marker keeps a half-finished install from being used.
ensure_venv() {
  [ -f "$VENV/.complete" ] && return 0
  [ -x "$PYTHON" ] || die "$PYTHON not found: run scripts/setup.sh (Debian packages python3, python3-venv)"
  mkdir -p "$(dirname "$VENV")"
  # Two first starts at once (other DIRs) install once.
  exec 8>"$VENV.lock"
  flock 8
  if [ ! -f "$VENV/.complete" ]; then
    log "installing moto[server] $MOTO_VERSION into $VENV (first run)"
    local started=$SECONDS
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" >"$VENV.log" 2>&1 ||
      { cat "$VENV.log" >&2; die "could not create a venv: run scripts/setup.sh (Debian package python3-venv)"; }
    "$VENV/bin/pip" install --require-hashes --only-binary=:all: --no-deps --no-cache-dir \
      --disable-pip-version-check -r "$REQUIREMENTS" >>"$VENV.log" 2>&1 ||
      { tail -n 30 "$VENV.log" >&2; die "pip could not install $REQUIREMENTS (log: $VENV.log)"; }
    touch "$VENV/.complete"
    log "venv installed in $((SECONDS - started)) s"
  fi
  exec 8>&-
}

create_buckets() {
  local bucket
  for bucket in $S3_BUCKETS; do
    # Unsigned PUT /BUCKET is CreateBucket to moto; an existing bucket answers
    # 200 (us-east-1's rule) or 409 (other regions), which is as good.
    local status
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PUT "$(url)/$bucket")"
    case "$status" in
      200 | 409) log "bucket $bucket is there" ;;
      *) die "creating bucket $bucket answered HTTP $status (names: 3-63 lowercase letters, digits, '.', '-')" ;;
    esac
  done
}

start() {
  if pid_alive; then
    log "already running (pid $(cat "$PID_FILE"))"
    create_buckets
    return 0
  fi
  ensure_venv
  port_in_use && die "port $S3_PORT is already in use ($(ss -Hltn "sport = :$S3_PORT" | awk '{print $4}' | xargs))"
  mkdir -p "$DIR/logs"
  log "starting moto $MOTO_VERSION on $(url)"
  # setsid: the server outlives this script and is stopped through its pid file only.
  setsid "$VENV/bin/python" -m moto.server --host "$S3_ADDRESS" --port "$S3_PORT" \
    >"$DIR/logs/s3.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + S3_START_TIMEOUT))
  until answers; do
    pid_alive || { tail -n 20 "$DIR/logs/s3.log" >&2; die "server exited during startup (log: $DIR/logs/s3.log)"; }
    [ "$SECONDS" -lt "$deadline" ] || { stop_server 10; die "no answer after ${S3_START_TIMEOUT}s (log: $DIR/logs/s3.log)"; }
    sleep 0.3
  done
  create_buckets
  log "ready: $(url)"
}

case "$CMD" in
  install) ensure_venv ;;
  start) start ;;
  stop) stop_server 10 ;;
  status) print_status ;;
  url) url ;;
  credentials) credentials ;;
  *) usage ;;
esac

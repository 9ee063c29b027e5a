#!/usr/bin/env bash
# A PostgreSQL server from Debian's packages on 127.0.0.1, holding the billing
# database for local stacks.
#
# Usage: postgres.sh start|stop|status|url DIR
#   PG_PORT (default 15432), PG_BILLING_PASSWORD (default billing-local-password)
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|status|url DIR" >&2; exit 2; }
PG_PORT=${PG_PORT:-15432}
PG_BILLING_PASSWORD=${PG_BILLING_PASSWORD:-billing-local-password}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "postgres.sh: PostgreSQL server not installed: run scripts/setup.sh" >&2; exit 1; }

# initdb and the server refuse to run as root: use the Debian package's postgres user.
# The admin connects over the socket in DIR (trusted); TCP clients need the billing password.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data=$dir/data
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >"$dir/initdb.log"
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$dir" start >/dev/null
    fi
    psql_admin() { as_owner psql -h "$dir" -p "$PG_PORT" -U postgres -d postgres -Atq -c "$1"; }
    if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = 'billing'")" != "1" ]; then
      psql_admin "CREATE ROLE billing LOGIN PASSWORD '$PG_BILLING_PASSWORD'"
      psql_admin "CREATE DATABASE billing OWNER billing"
    fi
    echo "postgres.sh: billing database on 127.0.0.1:$PG_PORT"
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    ;;
  status)
    as_owner "$bin/pg_ctl" -D "$data" status
    ;;
  url)
    echo "postgresql://billing:$PG_BILLING_PASSWORD@127.0.0.1:$PG_PORT/billing"
    ;;
  *)
    echo "usage: $0 start|stop|status|url DIR" >&2
    exit 2
    ;;
esac

#!/bin/bash
# Entrypoint of the kg-rca local PostgreSQL image, with the contract of the
# official postgres image that the platform relies on:
#   PGDATA                  data directory [/var/lib/postgresql/data]; initdb runs when it has no PG_VERSION
#   POSTGRES_PASSWORD       superuser password (required at init unless POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER           superuser name [postgres]
#   POSTGRES_DB             database created at init [$POSTGRES_USER]
#   POSTGRES_INITDB_ARGS    extra initdb arguments
#   POSTGRES_HOST_AUTH_METHOD  pg_hba method for TCP clients [scram-sha-256, the server's password_encryption]
#   POSTGRES_<X>_FILE       POSTGRES_<X> read from a file (for the five above)
#   /docker-entrypoint-initdb.d/*.sql, *.sql.gz, *.sh   run once, in name order, after init
# Started as root, it prepares PGDATA and the socket directory and drops to
# postgres (999); started as another user, it runs as that user. Then it execs
# the server in the foreground, listening on all addresses (port 5432).
#
#   docker-entrypoint.sh postgres [SERVER OPTIONS...]
#   docker-entrypoint.sh COMMAND...       # anything else runs as given
set -Eeuo pipefail

fail() { echo "postgres entrypoint: $*" >&2; exit 1; }

# VAR or VAR_FILE (not both), else DEFAULT.
from_env_or_file() {
  local var="$1" default="${2:-}" file_var="${1}_FILE"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then fail "both $var and $file_var are set"; fi
  local value="$default"
  if [ -n "${!var:-}" ]; then
    value="${!var}"
  elif [ -n "${!file_var:-}" ]; then
    value="$(<"${!file_var}")"
  fi
  export "$var=$value"
  unset "$file_var"
}

wants_help() {
  local arg
  for arg; do
    case "$arg" in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
  done
  return 1
}

# run_sql_in DB PSQL_ARGS...: SQL through the local socket as the superuser,
# stopping at the first error. run_sql: the same in POSTGRES_DB (the name the
# official image's init scripts call).
run_sql_in() {
  local database="$1"
  shift
  PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc \
    --dbname "$database" "$@"
}
run_sql() { run_sql_in "$POSTGRES_DB" "$@"; }

run_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        # Executable scripts run; others are sourced, so they see this script's functions.
        if [ -x "$f" ]; then
          echo "$0: running $f"
          "$f"
        else
          echo "$0: sourcing $f"
          # shellcheck source=/dev/null
          . "$f"
        fi
        ;;
      *.sql)
        echo "$0: running $f"
        run_sql -f "$f"
        ;;
      *.sql.gz)
        echo "$0: running $f"
        gunzip -c "$f" | run_sql
        ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
}

initialise() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    fail "the database is uninitialized and POSTGRES_PASSWORD is empty: set it (or POSTGRES_HOST_AUTH_METHOD=trust, not recommended)"
  fi
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS holds several arguments
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") ${POSTGRES_INITDB_ARGS:-}

  # TCP clients authenticate with the server's password encryption (scram-sha-256 on 15).
  local method="$POSTGRES_HOST_AUTH_METHOD"
  [ -n "$method" ] || method="$(postgres -C password_encryption)"
  printf '\nhost all all all %s\n' "$method" >>"$PGDATA/pg_hba.conf"

  # A temporary server on the socket only, for the database and the init files.
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
  export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
  local exists
  exists="$(run_sql_in postgres --set db="$POSTGRES_DB" --tuples-only --no-align \
    <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
  if [ -z "$exists" ]; then
    run_sql_in postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  run_init_files
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  echo "PostgreSQL init process complete; ready for start up."
}

[ $# -gt 0 ] || set -- postgres
# Options only: they are the server's.
if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ] && ! wants_help "$@"; then
  from_env_or_file POSTGRES_PASSWORD
  from_env_or_file POSTGRES_USER postgres
  from_env_or_file POSTGRES_DB "$POSTGRES_USER"
  from_env_or_file POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=}"
  export PGDATA="${PGDATA:-/var/lib/postgresql/data}"

  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chmod 0700 "$PGDATA"
    chmod 3775 /var/run/postgresql
    find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres {} +
    exec setpriv --reuid=999 --regid=999 --init-groups env HOME=/var/lib/postgresql "${BASH_SOURCE[0]}" "$@"
  fi
  mkdir -p "$PGDATA"
  chmod 0700 "$PGDATA" || true

  if [ -s "$PGDATA/PG_VERSION" ]; then
    echo "PostgreSQL Database directory appears to contain a database; Skipping initialization"
  else
    initialise
  fi
  # Listen on all addresses; the rest of the command line is the server's.
  shift
  exec postgres "$@"
fi
exec "$@"

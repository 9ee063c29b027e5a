# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by build.sh, which sources this file
# postgres: Debian's PostgreSQL 15 (in the base) with an entrypoint of ours
# that honours the official postgres image's contract: POSTGRES_* and PGDATA,
# /docker-entrypoint-initdb.d, user postgres 999:999.
IMAGE_VERSION=15
IMAGE_USES_BASE=true
image_key_values() { :; }

image_stage() {
  local layer="$1/10-postgres"
  mkdir -p "$layer/usr/local/bin" "$layer/docker-entrypoint-initdb.d" \
    "$layer/var/lib/postgresql/data" "$layer/run/postgresql"
  install -m 0755 "$HERE/postgres/docker-entrypoint.sh" "$layer/usr/local/bin/"
  chmod -R u=rwX,go=rX "$layer"
  # As the official image: PGDATA open to any uid (the entrypoint tightens it
  # to 0700 for the server), the socket directory group-writable and sticky.
  chown -R 999:999 "$layer/var/lib/postgresql" "$layer/run/postgresql"
  chmod 1777 "$layer/var/lib/postgresql/data"
  chmod 3777 "$layer/run/postgresql"
}

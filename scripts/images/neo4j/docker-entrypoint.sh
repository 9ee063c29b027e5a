#!/bin/bash
# Entrypoint of the kg-rca local Neo4j image, with the environment contract
# of the official neo4j image (as far as the platform uses it):
#   NEO4J_AUTH=neo4j/<password>[/true]  initial password on first start ("none": auth off)
#   NEO4J_AUTH_PATH=<file>              the same, read from a file
#   NEO4J_<setting>                     a neo4j.conf line: "_" -> ".", "__" -> "_"
#                                       (NEO4J_server_memory_heap_max__size -> server.memory.heap.max_size)
#   NEO4J_<name>_FILE=<file>            NEO4J_<name> read from a file
#   NEO4J_ACCEPT_LICENSE_AGREEMENT      accepted and ignored: this is Community Edition
#   /data, /logs (and /conf, /plugins, /import, /licenses when mounted)
# Started as root, it hands /data and /logs to neo4j (7474) and drops to it;
# started as another user (the pod's runAsUser), it runs as that user.
#
#   docker-entrypoint.sh neo4j          # the server, in the foreground
#   docker-entrypoint.sh COMMAND...     # anything else (neo4j-admin ..., cypher-shell ...)
set -euo pipefail

cmd="${1:-neo4j}"
[ $# -gt 0 ] || set -- neo4j
NEO4J_HOME="${NEO4J_HOME:-/var/lib/neo4j}"
conf_file="$NEO4J_HOME/conf/neo4j.conf"

fail() { echo "neo4j entrypoint: $*" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
  run_as=(setpriv --reuid=7474 --regid=7474 --init-groups env HOME="$NEO4J_HOME")
else
  run_as=()
fi

# NEO4J_X_FILE=path -> NEO4J_X=<content>, for secrets mounted as files.
while IFS= read -r name; do
  case "$name" in
    NEO4J_*_FILE)
      [ -r "${!name}" ] || fail "$name: cannot read ${!name}"
      export "${name%_FILE}=$(<"${!name}")"
      ;;
  esac
done < <(compgen -e)

# Mounted folders: /conf replaces conf/; the others become the server's directories.
if [ -d /conf ]; then
  find "$NEO4J_HOME/conf" -mindepth 1 -delete
  find /conf -maxdepth 1 -type f -exec cp --preserve=mode {} "$NEO4J_HOME/conf/" \;
fi
[ ! -d /plugins ] || : "${NEO4J_server_directories_plugins:=/plugins}"
[ ! -d /import ] || : "${NEO4J_server_directories_import:=/import}"
[ ! -d /licenses ] || : "${NEO4J_server_directories_licenses:=/licenses}"
[ ! -d /logs ] || : "${NEO4J_server_directories_logs:=/logs}"

# /data and /logs must be writable by the server: as root, hand them over; as
# another user, say what to fix (an fsGroup or a chown of the volume).
for dir in /data /logs; do
  [ -d "$dir" ] || continue
  if [ ${#run_as[@]} -gt 0 ]; then
    if [ -n "$(find "$dir" \( ! -user 7474 -o ! -group 7474 \) -print -quit)" ]; then
      chown -R 7474:7474 "$dir"
    fi
  elif [ ! -w "$dir" ]; then
    fail "$dir is not writable by uid $(id -u) (gid $(id -g)); give the volume to that user or group (e.g. the pod's fsGroup)"
  fi
done

# conf_set SETTING VALUE: replaces the setting's line (server.jvm.additional is appended to).
conf_set() {
  local setting="$1" value="$2" tmp
  if [ "$setting" != server.jvm.additional ] && grep -q "^${setting//./\\.}=" "$conf_file"; then
    tmp="$(mktemp)"
    grep -v "^${setting//./\\.}=" "$conf_file" >"$tmp" || true
    cat "$tmp" >"$conf_file"
    rm -f "$tmp"
  fi
  printf '%s=%s\n' "$setting" "$value" >>"$conf_file"
}

# The official image's container defaults, unless the config already has them.
grep -q '^server.memory.pagecache.size=' "$conf_file" || conf_set server.memory.pagecache.size 512M
grep -q '^server.default_listen_address=' "$conf_file" || conf_set server.default_listen_address 0.0.0.0

# Environment variables that are not settings.
not_settings=" NEO4J_ACCEPT_LICENSE_AGREEMENT NEO4J_AUTH NEO4J_AUTH_PATH NEO4J_DEBUG NEO4J_EDITION NEO4J_HOME NEO4J_PLUGINS NEO4J_SHA256 NEO4J_TARBALL NEO4J_DEPRECATION_WARNING "
while IFS= read -r name; do
  case "$name" in NEO4J_*) ;; *) continue ;; esac
  case "$not_settings" in *" $name "*) continue ;; esac
  case "$name" in *_FILE) continue ;; esac
  value="${!name}"
  [ -n "$value" ] || continue
  setting="${name#NEO4J_}"
  setting="${setting//__/$'\x01'}"
  setting="${setting//_/.}"
  setting="${setting//$'\x01'/_}"
  if [[ "$setting" =~ ^[0-9] ]]; then
    echo "neo4j entrypoint: $name not written: settings cannot start with a digit" >&2
    continue
  fi
  conf_set "$setting" "$value"
done < <(compgen -v | LC_ALL=C sort)

# The initial password: written before the system database exists, ignored after.
set_initial_password() {
  local auth="$1"
  if [ "$auth" = none ]; then
    conf_set dbms.security.auth_enabled false
    return 0
  fi
  [[ "$auth" =~ ^([^/]+)/([^/]+)/?([tT][rR][uU][eE])?$ ]] || fail "invalid NEO4J_AUTH: expected neo4j/<password>[/true] or none"
  local user="${BASH_REMATCH[1]}" password="${BASH_REMATCH[2]}" reset="${BASH_REMATCH[3]}"
  [ "$user" = neo4j ] || fail "invalid NEO4J_AUTH: the admin user must be neo4j, not $user"
  [ "$password" != neo4j ] || fail "invalid NEO4J_AUTH: the password cannot be the default, neo4j"
  local minimum
  minimum="$(sed -n 's/^dbms\.security\.auth_minimum_password_length=//p' "$conf_file" | tail -n 1)"
  [ "${#password}" -ge "${minimum:-8}" ] || fail "invalid NEO4J_AUTH: the password needs at least ${minimum:-8} characters"
  if [ -d /data/databases/system ]; then
    echo "neo4j entrypoint: the system database exists; NEO4J_AUTH applies only to a new /data"
    return 0
  fi
  local -a extra=()
  [ -z "$reset" ] || extra+=(--require-password-change)
  "${run_as[@]}" "$NEO4J_HOME/bin/neo4j-admin" dbms set-initial-password "$password" "${extra[@]}"
}

if [ "$cmd" = neo4j ]; then
  if [ -n "${NEO4J_AUTH_PATH:-}" ]; then
    [ -r "$NEO4J_AUTH_PATH" ] || fail "NEO4J_AUTH_PATH: cannot read $NEO4J_AUTH_PATH"
    set_initial_password "$(<"$NEO4J_AUTH_PATH")"
  elif [ -n "${NEO4J_AUTH:-}" ]; then
    set_initial_password "$NEO4J_AUTH"
  fi
  rm -f "$NEO4J_HOME/run/neo4j.pid"
  # The launcher prints the server's java command line (heap and JVM options
  # from neo4j.conf); exec it so that the server is this container's process.
  server_cmd="$("${run_as[@]}" "$NEO4J_HOME/bin/neo4j" console --dry-run)" || fail "neo4j console --dry-run failed"
  eval "exec ${run_as[*]} $server_cmd"
fi
exec "${run_as[@]}" "$@"

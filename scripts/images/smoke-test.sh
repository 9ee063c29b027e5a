#!/usr/bin/env bash
# Smoke tests of the local images without Kubernetes: a private containerd
# (its own root, state and socket under $KG_RCA_IMAGE_TEST_DIR, CRI off) runs
# each image with what the program itself declares for it — command,
# environment (Secrets filled with test passwords), config maps and probes,
# rendered from `npm run synth -- --stack local` by smoke/podKit.ts — in one
# private network namespace where every in-cluster name of the stack points
# at 127.0.0.1, so the images listen on their real ports without touching
# the host's.
#
#   scripts/images/smoke-test.sh          # builds the images first (cached), then tests them all
#   scripts/images/smoke-test.sh neo4j    # only some: pause maintenance_page postgres neo4j kafka probes rebalance kafka_restart aws_cli
#
# Prints "ok - ..." / "not ok - ..." per check and "N passed, N failed" last;
# exits non-zero when a check failed. Leaves no process, mount, cgroup or file
# behind (everything under $KG_RCA_IMAGE_TEST_DIR [/tmp/imgtest] is removed).
# Needs root, containerd, ctr, runc, nsenter, unshare, curl, psql; python3 and
# python3-venv for the local S3 server (scripts/services/s3.sh, run in the
# private network namespace on 127.0.0.1:19000).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${KG_RCA_IMAGE_CACHE:-$HOME/.cache/kg-rca-images}"
T="${KG_RCA_IMAGE_TEST_DIR:-/tmp/imgtest}"
SOCK="$T/containerd.sock"
NS="kg-rca-smoke"
CTR=(ctr --address "$SOCK" --namespace "$NS")
KIT="$T/kit"
POD_IP=10.77.0.1
S3="$REPO/scripts/services/s3.sh"

passed=0
failed=0
containerd_pid=""
netns_pid=""
containers=()

log() { echo "[smoke] $*" >&2; }
pass() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }
check() {
  local what="$1"
  shift
  if "$@" >"$T/check.out" 2>&1; then pass "$what"; else fail "$what"; sed 's/^/    /' "$T/check.out" | tail -n 15; fi
}

# --- setup and teardown ----------------------------------------------------

stop_container() {
  local id="$1"
  "${CTR[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  "${CTR[@]}" tasks delete -f "$id" >/dev/null 2>&1 || true
  "${CTR[@]}" containers delete "$id" >/dev/null 2>&1 || true
}

cleanup() {
  set +e
  if [ -n "$containerd_pid" ]; then
    for id in "${containers[@]}"; do stop_container "$id"; done
    kill -TERM "$containerd_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$containerd_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$containerd_pid" 2>/dev/null
    wait "$containerd_pid" 2>/dev/null
  fi
  [ ! -f "$T/s3/s3.pid" ] || bash "$S3" stop "$T/s3" 2>/dev/null
  # Shims of this containerd that outlived it (they carry its socket path).
  local cmdline
  grep -lsF -- "$SOCK" /proc/[0-9]*/cmdline 2>/dev/null | while read -r cmdline; do
    kill -KILL "$(cut -d/ -f3 <<<"$cmdline")" 2>/dev/null
  done
  if [ -n "$netns_pid" ]; then kill -KILL "$netns_pid" 2>/dev/null; wait "$netns_pid" 2>/dev/null; fi
  # Mounts and cgroups under our names only.
  grep -F " $T/" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r mount; do umount -l "$mount"; done
  find /sys/fs/cgroup -maxdepth 3 -type d -name "$NS" 2>/dev/null | while read -r group; do
    find "$group" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  rm -rf "$T"
}

start_containerd() {
  mkdir -p "$T/root" "$T/state" "$T/logs" "$T/vol"
  cat >"$T/containerd.toml" <<EOF
version = 2
root = "$T/root"
state = "$T/state"
# Images and containers only: no CRI, so no pod sandboxes and no oom_score_adj below 0.
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$T/opt"
EOF
  containerd --config "$T/containerd.toml" >"$T/logs/containerd.log" 2>&1 &
  containerd_pid=$!
  for _ in $(seq 1 50); do "${CTR[@]}" version >/dev/null 2>&1 && return 0; sleep 0.2; done
  tail -n 20 "$T/logs/containerd.log" >&2
  return 1
}

# One network namespace for every container, held by a sleeping process.
start_network() {
  unshare --net sleep infinity &
  netns_pid=$!
  sleep 0.2
  nsenter --net="/proc/$netns_pid/ns/net" ip link set lo up
  # The "pod address": connections from 127.0.0.1 are trusted by PostgreSQL's
  # default pg_hba (as in the official image), those from a pod address are not.
  nsenter --net="/proc/$netns_pid/ns/net" ip addr add "$POD_IP/32" dev lo
}
in_net() { nsenter --net="/proc/$netns_pid/ns/net" "$@"; }

image_field() { node -e 'const m = require(process.argv[1]); process.stdout.write(m[process.argv[2]][process.argv[3]]);' "$CACHE/images.json" "$1" "$2"; }

# split_run_args [ctr run options...] [-- ARGS...]: sets run_options and run_args.
split_run_args() {
  run_options=()
  run_args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; run_args=("$@"); break; fi
    run_options+=("$1")
    shift
  done
}

# run_container ID IMAGE KIT_NAME [ctr run options...] [-- ARGS...]: detached,
# in the shared network, with the kit's env file and config-map mounts.
run_container() {
  local id="$1" image="$2" kit="$3"
  shift 3
  split_run_args "$@"
  local -a options=("${run_options[@]}") args=("${run_args[@]}")
  if [ -n "$kit" ]; then
    options+=(--env-file "$KIT/$kit/env")
    local source target
    while IFS=$'\t' read -r source target; do
      options+=(--mount "type=bind,src=$source,dst=$target,options=rbind:ro")
    done <"$KIT/$kit/mounts.tsv"
  fi
  containers+=("$id")
  "${CTR[@]}" run -d --log-uri "file://$T/logs/$id.log" --with-ns "network:/proc/$netns_pid/ns/net" \
    --mount "type=bind,src=$KIT/hosts,dst=/etc/hosts,options=rbind:ro" "${options[@]}" "$image" "$id" "${args[@]}" >/dev/null
}

exec_in() {
  local id="$1"
  shift
  "${CTR[@]}" tasks exec --exec-id "smoke-$RANDOM$RANDOM" "$id" "$@"
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 2
  done
}

# wait_while_running ID SECONDS COMMAND...: like wait_for, but gives up as soon as the task has stopped.
wait_while_running() {
  local id="$1" deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ] || task_stopped "$id"; then
      echo "$id: $(task_stopped "$id" && echo stopped || echo still running); last log lines:"
      tail -n 15 "$T/logs/$id.log"
      return 1
    fi
    sleep 2
  done
}

task_running() { "${CTR[@]}" tasks ls | awk -v id="$1" '$1 == id {print $3}' | grep -qx RUNNING; }
task_stopped() { ! task_running "$1"; }
http_status() { in_net curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }
http_is() { [ "$(http_status "$2")" = "$1" ]; }
port_open() { in_net bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
log_has() { grep -qF -- "$2" "$T/logs/$1.log" || { tail -n 15 "$T/logs/$1.log"; return 1; }; }
body_has() { in_net curl -s --max-time 5 "${@:3}" "$1" | grep -q -- "$2"; }
headers_have() { in_net curl -si --max-time 5 "$1" | grep -q -- "$2"; }
fails() { ! "$@"; }
# ps_has CONTAINER PATTERN: a process line "uid args" inside the container matches.
ps_has() { exec_in "$1" ps -eo uid=,args= | grep -qE -- "$2"; }
env_of() { sed -n "s/^$2=//p" "$KIT/$1/env"; }
# The container's command and args, NUL-separated (scripts span lines).
command_of() { node -e 'for (const a of require(process.argv[1])) process.stdout.write(a + "\0")' "$KIT/$1/command.json"; }

# run_to_end ID IMAGE [ctr run options...] [-- ARGS...]: in the foreground, in
# the shared network; output to the container's log, the container's exit status.
run_to_end() {
  local id="$1" image="$2"
  shift 2
  split_run_args "$@"
  local -a options=("${run_options[@]}") args=("${run_args[@]}")
  containers+=("$id")
  timeout 300 "${CTR[@]}" run --rm --with-ns "network:/proc/$netns_pid/ns/net" \
    --mount "type=bind,src=$KIT/hosts,dst=/etc/hosts,options=rbind:ro" "${options[@]}" "$image" "$id" "${args[@]}" \
    >"$T/logs/$id.log" 2>&1 || { tail -n 15 "$T/logs/$id.log"; return 1; }
}

# A copy of a kit with some variables changed (NAME=VALUE) or dropped (-NAME).
variant_kit() {
  local from="$1" to="$2"
  shift 2
  rm -rf "${KIT:?}/$to"
  cp -r "$KIT/$from" "$KIT/$to"
  local change
  for change in "$@"; do
    if [ "${change:0:1}" = - ]; then
      sed -i "/^${change:1}=/d" "$KIT/$to/env"
    else
      sed -i "/^${change%%=*}=/d" "$KIT/$to/env"
      echo "$change" >>"$KIT/$to/env"
    fi
  done
}

# A volume as the kubelet prepares one for an fsGroup: group-owned, setgid, group-writable.
volume() {
  local dir="$T/vol/$1" group="$2"
  mkdir -p "$dir"
  chgrp "$group" "$dir"
  chmod 2775 "$dir"
  echo "$dir"
}

# --- the tests -------------------------------------------------------------

test_build() {
  log "building the images (cached by content)"
  bash "$HERE/build.sh" >"$T/logs/build.log" || { cat "$T/logs/build.log"; return 1; }
  local started=$SECONDS
  bash "$HERE/build.sh" >/dev/null 2>&1
  check "a second build.sh only checks the cache ($((SECONDS - started)) s)" test $((SECONDS - started)) -le 3
  local name
  for name in pause kafka neo4j postgres wiring-probe-graph-builder wiring-probe-kg-api maintenance-page aws-cli; do
    local tag archive
    tag="$(image_field "$name" tag)"
    archive="$(image_field "$name" archive)"
    check "$name imports as $tag" "${CTR[@]}" images import "$archive"
  done
}

render_kit() {
  log "rendering the program's local stack (synth) into container kits"
  (cd "$REPO" && npm run -s synth -- --stack local --out "$T/synth.json") >"$T/logs/synth.log" 2>&1
  cat >"$T/secrets.json" <<EOF
{
  "neo4j-auth": { "password": "smoke-neo4j-secret", "NEO4J_AUTH": "neo4j/smoke-neo4j-secret" },
  "postgresql-auth": { "username": "billing", "password": "smoke-billing-secret" },
  "graph-builder-kafka": { "username": "graph-builder", "password": "smoke-graph-builder-secret" },
  "kafka-admin": { "username": "admin", "password": "smoke-admin-secret" }
}
EOF
  (cd "$REPO" && node_modules/.bin/ts-node --transpile-only scripts/images/smoke/podKit.ts "$T/synth.json" "$T/secrets.json" "$KIT")
  # As the kubelet's /etc/hosts and the cluster DNS would: the pod's own host
  # name (ctr keeps the host's) and every service name at the pod address.
  sed -i "s/^127\.0\.0\.1 \(.*\.svc\.cluster\.local\)$/$POD_IP \1/" "$KIT/hosts"
  echo "$POD_IP $(hostname)" >>"$KIT/hosts"
}

test_pause() {
  local image
  image="$(image_field pause tag)"
  run_container pause "$image" ""
  check "pause runs" wait_for 10 task_running pause
  local pid
  pid="$("${CTR[@]}" tasks ls | awk '$1 == "pause" {print $2}')"
  check "pause runs as 65535" grep -qE '^Uid:\s+65535\b' "/proc/$pid/status"
  "${CTR[@]}" tasks kill -s SIGTERM pause
  check "pause exits on SIGTERM" wait_for 10 task_stopped pause
  stop_container pause
}

test_maintenance_page() {
  local image dir="$KIT/maintenance-page/configmaps/maintenance"
  image="$(image_field maintenance-page tag)"
  run_container nginx "$image" "" \
    --mount "type=bind,src=$dir/default.conf,dst=/etc/nginx/conf.d/default.conf,options=rbind:ro" \
    --mount "type=bind,src=$dir/maintenance.html,dst=/usr/share/nginx/html/maintenance.html,options=rbind:ro"
  check "nginx listens on the page's port 8080" wait_for 20 port_open 8080
  check "the page answers 503" http_is 503 http://127.0.0.1:8080/anything
  check "with Retry-After" headers_have http://127.0.0.1:8080/ "Retry-After: 3600"
  check "and the program's maintenance page" body_has http://127.0.0.1:8080/ "Scheduled maintenance"
  check "nginx workers run as uid 101" ps_has nginx '^ *101 nginx: worker'
  stop_container nginx
}

billing_tables_are() {
  [ "$(PGPASSWORD="$1" in_net psql -h "$POD_IP" -U billing -d billing -Atc \
    "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")" = "$2" ]
}

test_postgres() {
  local image
  image="$(image_field postgres tag)"
  local data
  data="$(volume postgres 999)"
  run_container postgres "$image" postgres --mount "type=bind,src=$data,dst=/var/lib/postgresql/data,options=rbind:rw"
  local probe=(pg_isready -U billing -d billing)
  check "postgres becomes ready by the program's probe (${probe[*]})" wait_while_running postgres 120 exec_in postgres "${probe[@]}"
  check "the init ran the schema config map" log_has postgres "running /docker-entrypoint-initdb.d/01-billing-schema.sql"
  check "PGDATA belongs to postgres (999)" test "$(stat -c %u "$data/pgdata")" = 999
  check "TCP clients need scram-sha-256" grep -q '^host all all all scram-sha-256' "$data/pgdata/pg_hba.conf"
  local password
  password="$(env_of postgres POSTGRES_PASSWORD)"
  check "billing logs in over TCP and sees the schema" billing_tables_are "$password" client_history,clients
  check "a wrong password is refused" fails billing_tables_are wrong client_history,clients
  # A restart keeps the data and skips the init.
  "${CTR[@]}" tasks kill -s SIGINT postgres
  wait_for 30 task_stopped postgres || true
  stop_container postgres
  run_container postgres "$image" postgres --mount "type=bind,src=$data,dst=/var/lib/postgresql/data,options=rbind:rw"
  check "after a restart postgres is ready again" wait_while_running postgres 60 exec_in postgres "${probe[@]}"
  check "and skipped the init" log_has postgres "Skipping initialization"
}

# Settings the program renders only for neo4jEdition enterprise (clustering, online backup): Community
# refuses them at start ("No declared setting with name ..."), so the local stack must not carry them.
NEO4J_ENTERPRISE_ONLY=(
  NEO4J_server_backup_enabled NEO4J_server_backup_listen__address NEO4J_dbms_cluster_discovery_version
  NEO4J_dbms_cluster_discovery_resolver__type NEO4J_dbms_cluster_discovery_v2_endpoints NEO4J_initial_dbms_default__primaries__count
)

no_enterprise_settings() {
  local name
  for name in "${NEO4J_ENTERPRISE_ONLY[@]}"; do
    if grep -q "^$name=" "$KIT/neo4j/env"; then return 1; fi
  done
}

test_neo4j() {
  # The pod runs Neo4j as runAsUser/runAsGroup 7474: an image copy whose config says so.
  local image="kg-rca.local/neo4j:smoke-as-7474" layout="$T/neo4j-layout"
  mkdir -p "$layout"
  tar -xf "$(image_field neo4j archive)" -C "$layout"
  (cd "$REPO" && node_modules/.bin/ts-node --transpile-only scripts/images/smoke/asUser.ts "$layout" "$image" 7474:7474)
  tar -cf "$T/neo4j-as-7474.tar" -C "$layout" .
  "${CTR[@]}" images import "$T/neo4j-as-7474.tar" >/dev/null
  rm -rf "$layout" "$T/neo4j-as-7474.tar"

  check "the local stack's settings (neo4jEdition: community) carry none of the Enterprise-only ones" no_enterprise_settings
  local data
  data="$(volume neo4j 7474)"
  run_container neo4j "$image" neo4j --mount "type=bind,src=$data,dst=/data,options=rbind:rw"
  local password bolt
  password="$(env_of neo4j NEO4J_AUTH)"
  password="${password#neo4j/}"
  bolt="$(env_of kg-api NEO4J_URI)"
  local shell=(cypher-shell -a "$bolt" -u neo4j -p "$password" --format plain "RETURN 1 AS one")
  check "Neo4j answers Bolt at $bolt with NEO4J_AUTH's password (cypher-shell)" wait_while_running neo4j 240 exec_in neo4j "${shell[@]}"
  check "a wrong password is refused" fails exec_in neo4j cypher-shell -a "$bolt" -u neo4j -p wrong-password "RETURN 1"
  check "the liveness path (GET / on 7474) answers 200" http_is 200 http://127.0.0.1:7474/
  check "NEO4J_* settings reached neo4j.conf" exec_in neo4j grep -qx 'server.memory.heap.max_size=512m' /var/lib/neo4j/conf/neo4j.conf
  check "the server runs as 7474" ps_has neo4j '^ *7474 .*CommunityEntryPoint'
}

kafka_admin() {
  local password
  password="$(env_of kafka KAFKA_ADMIN_PASSWORD)"
  exec_in kafka bash -c "cat >/tmp/admin.properties <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$password\";
EOF
$*"
}

kafka_lists() { kafka_admin "/opt/kafka/bin/kafka-topics.sh $1 --list" 2>/dev/null | grep -qx -- "$2"; }

test_kafka() {
  local image data bootstrap
  image="$(image_field kafka tag)"
  data="$(volume kafka 1000)"
  bootstrap="$(env_of graph-builder KAFKA_BOOTSTRAP_SERVERS)"
  local -a command
  mapfile -d '' -t command < <(command_of kafka)
  run_container kafka "$image" kafka --mount "type=bind,src=$data,dst=/var/lib/kafka/data,options=rbind:rw" -- "${command[@]}"
  check "the program's start script formats and starts a KRaft broker (client port 9092)" wait_while_running kafka 180 port_open 9092
  check "the liveness port 9094 is open" wait_while_running kafka 30 port_open 9094
  local conn="--bootstrap-server $bootstrap --command-config /tmp/admin.properties"
  check "the admin lists topics with kafka-topics.sh" wait_while_running kafka 60 kafka_admin "/opt/kafka/bin/kafka-topics.sh $conn --list"
  kafka_admin "/opt/kafka/bin/kafka-configs.sh $conn --describe --entity-type users" >"$T/kafka-users.txt" 2>&1 || true
  check "storage was formatted with the admin and anchor SCRAM users" \
    grep -q "'admin'.*'f5a5a608'\|'f5a5a608'.*'admin'" <(tr '\n' ' ' <"$T/kafka-users.txt")
  check "the broker runs as 1000 with the program's KAFKA_HEAP_OPTS ($(env_of kafka KAFKA_HEAP_OPTS))" \
    ps_has kafka "^ *1000 .*java .*$(env_of kafka KAFKA_HEAP_OPTS) .*kafka\.Kafka"
  check "the broker's data is owned by appuser (1000)" test "$(stat -c %u "$data/logs/meta.properties")" = 1000
}

test_probes() {
  local gb kg
  gb="$(image_field wiring-probe-graph-builder tag)"
  kg="$(image_field wiring-probe-kg-api tag)"
  run_container kg-api "$kg" kg-api
  check "kg-api probe: ready on :8080/healthz (Neo4j and billing reached with the mounted secrets)" \
    wait_while_running kg-api 90 http_is 200 http://127.0.0.1:8080/healthz

  variant_kit kg-api kg-api-bad-password PORT=8081 PGPASSWORD=wrong
  run_container kg-api-bad-password "$kg" kg-api-bad-password
  check "kg-api probe with a wrong billing password: 503 naming billing" \
    wait_for 60 body_has http://127.0.0.1:8081/healthz 'billing: .*password authentication failed'
  variant_kit kg-api kg-api-no-host PORT=8082 -PGHOST
  run_container kg-api-no-host "$kg" kg-api-no-host
  check "kg-api probe without PGHOST: 503 naming the variable" wait_for 60 body_has http://127.0.0.1:8082/healthz 'PGHOST is not set'

  run_container graph-builder "$gb" graph-builder
  check "graph-builder probe: 503 naming kafka before its user, topics and ACLs exist" \
    wait_for 60 body_has http://127.0.0.1:9090/healthz '"ready":false.*kafka: '
  # What the program's tenant resources create for a client (ClientTenant, PlatformKafkaAccess).
  local conn
  conn="--bootstrap-server $(env_of graph-builder KAFKA_BOOTSTRAP_SERVERS) --command-config /tmp/admin.properties"
  local user password group bootstrap
  bootstrap="$(env_of graph-builder KAFKA_BOOTSTRAP_SERVERS)"
  user="$(env_of graph-builder KAFKA_SASL_USERNAME)"
  password="$(env_of graph-builder KAFKA_SASL_PASSWORD)"
  group="$(env_of graph-builder KAFKA_CONSUMER_GROUP)"
  check "the admin creates a tenant's topics, the graph-builder user and its ACLs" kafka_admin "set -e
    /opt/kafka/bin/kafka-configs.sh $conn --alter --entity-type users --entity-name $user --add-config 'SCRAM-SHA-512=[iterations=8192,password=$password]'
    for topic in tenant-a.events.normalized tenant-a.logs.normalized; do
      /opt/kafka/bin/kafka-topics.sh $conn --create --if-not-exists --topic \$topic --partitions 2 --replication-factor 1
    done
    echo '{\"event\":\"smoke\"}' | /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server $bootstrap --topic tenant-a.events.normalized --producer.config /tmp/admin.properties
    /opt/kafka/bin/kafka-acls.sh $conn --add --allow-principal User:$user --operation Read --operation Describe --topic tenant-a. --resource-pattern-type prefixed
    /opt/kafka/bin/kafka-acls.sh $conn --add --allow-principal User:$user --operation Read --group $group"
  check "graph-builder probe: ready once it can read the tenant topics" wait_while_running graph-builder 120 http_is 200 http://127.0.0.1:9090/healthz
  check "graph-builder probe read the tenant's message" wait_for 30 body_has http://127.0.0.1:9090/status '1 message'

  variant_kit graph-builder graph-builder-no-neo4j WIRING_PROBE_PORT=9091 NEO4J_URI=bolt://127.0.0.1:17999
  run_container graph-builder-no-neo4j "$gb" graph-builder-no-neo4j
  check "graph-builder probe without Neo4j: 503 naming neo4j" wait_for 90 body_has http://127.0.0.1:9091/healthz 'neo4j: '
  check "POST /burn starts burning CPU" body_has 'http://127.0.0.1:9090/burn?seconds=2' burning -X POST
  check "each check's result is logged" log_has graph-builder "check kafka ok"
}

test_rebalance() {
  local image
  image="$(image_field kafka tag)"
  local -a command
  mapfile -d '' -t command < <(command_of kafka-rebalance)
  run_container kafka-rebalance "$image" kafka-rebalance -- "${command[@]}"
  check "the program's rebalance Job script completes with the image's tools" wait_for 240 task_stopped kafka-rebalance
  check "and spread the partitions" log_has kafka-rebalance "partitions spread over brokers 0"
}

test_kafka_restart() {
  "${CTR[@]}" tasks kill -s SIGTERM kafka
  wait_for 120 task_stopped kafka || true
  stop_container kafka
  local image data
  image="$(image_field kafka tag)"
  data="$T/vol/kafka"
  local -a command
  mapfile -d '' -t command < <(command_of kafka)
  run_container kafka "$image" kafka --mount "type=bind,src=$data,dst=/var/lib/kafka/data,options=rbind:rw" -- "${command[@]}"
  local conn
  conn="--bootstrap-server $(env_of graph-builder KAFKA_BOOTSTRAP_SERVERS) --command-config /tmp/admin.properties"
  check "after a broker restart the admin still logs in and the tenant topics are there" \
    wait_while_running kafka 180 kafka_lists "$conn" tenant-a.events.normalized
}

# The command of a container of one of the program's CronJobs, NUL-separated.
cronjob_command_of() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const [synth, job, name] = process.argv.slice(1);
    const cron = require(synth).resources.find((r) => r.type === "kubernetes:batch/v1:CronJob" && r.inputs.metadata.name === job);
    const pod = cron.inputs.spec.jobTemplate.spec.template.spec;
    const container = [...(pod.initContainers ?? []), ...pod.containers].find((c) => c.name === name);
    for (const a of [...(container.command ?? []), ...(container.args ?? [])]) process.stdout.write(a + "\0");
  ' "$T/synth.json" "$1" "$2"
}

test_aws_cli() {
  local image version
  image="$(image_field aws-cli tag)"
  version="$(sed -n 's/^awscli==\([^ ]*\).*/\1/p' "$HERE/aws-cli/requirements.txt")"
  # Without arguments ctr runs the entrypoint; arguments replace it, as a pod's `command` does.
  run_to_end aws-entrypoint "$image" >/dev/null || true
  check "the image's entrypoint is aws (usage without arguments)" log_has aws-entrypoint "usage: aws"
  check "aws --version runs" run_to_end aws-version "$image" -- aws --version
  check "  and is the pinned aws-cli/$version on the base's Python" log_has aws-version "aws-cli/$version Python/3.11"
  sed 's/^/    /' "$T/logs/aws-version.log"
  # shellcheck disable=SC2016 # expanded in the container
  check "the container runs as 1000 with /bin/sh and a writable HOME" \
    run_to_end aws-home "$image" -- /bin/sh -c 'test "$(id -u)" = 1000 && touch "$HOME/.probe" && command -v aws'

  # The local S3 server in the containers' network namespace, on its loopback.
  local -a upload download
  mapfile -d '' -t upload < <(cronjob_command_of postgresql-backup upload)
  mapfile -d '' -t download < <(cronjob_command_of postgresql-restore-drill download)
  local bucket
  bucket="$(grep -o 's3://[a-z0-9.-]*/' <<<"${upload[*]}" | head -n 1 | sed 's|s3://||; s|/||')"
  bash "$S3" install
  check "the local S3 server starts in the containers' network with bucket $bucket" \
    in_net env S3_ADDRESS=127.0.0.1 S3_PORT=19000 S3_BUCKETS="$bucket" bash "$S3" start "$T/s3"
  S3_ADDRESS=127.0.0.1 S3_PORT=19000 bash "$S3" credentials "$T/s3" >"$T/s3.env"

  # A dump as the dump step leaves it (over 8 MB: the CLI uploads it in parts).
  local source_dir="$T/vol/backups-upload" file
  file="billing-$(date -u +%Y%m%d-%H%M%S).dump"
  mkdir -p "$source_dir"
  head -c $((9 * 1024 * 1024)) /dev/urandom >"$source_dir/$file"
  echo "$file" >"$source_dir/.latest"
  chmod -R go+rX "$source_dir"
  check "the program's PostgreSQL upload script copies the dump to S3" \
    run_to_end aws-upload "$image" --env-file "$T/s3.env" \
    --mount "type=bind,src=$source_dir,dst=/backups,options=rbind:ro" -- "${upload[@]}"
  check "  and says so" log_has aws-upload "uploaded s3://$bucket/postgresql/$file"

  local drill_dir
  drill_dir="$(volume backups-drill 1000)"
  check "the restore drill's download script fetches the newest dump" \
    run_to_end aws-download "$image" --env-file "$T/s3.env" \
    --mount "type=bind,src=$drill_dir,dst=/backups,options=rbind:rw" -- "${download[@]}"
  check "  byte for byte" cmp "$source_dir/$file" "$drill_dir/$file"
  check "  and records its name for the restore step" test "$(cat "$drill_dir/.drill-dump")" = "$file"
}

main() {
  [ "$(id -u)" = 0 ] || { echo "smoke-test.sh: needs root (containerd, mounts)" >&2; exit 1; }
  [ ! -e "$T" ] || { echo "smoke-test.sh: $T exists (another run?); remove it first" >&2; exit 1; }
  trap cleanup EXIT
  mkdir -p "$T"
  test_build_started=$SECONDS
  start_containerd
  start_network
  test_build
  render_kit
  local -a tests=("$@")
  [ ${#tests[@]} -gt 0 ] || tests=(pause maintenance_page postgres neo4j kafka probes rebalance kafka_restart aws_cli)
  local name
  for name in "${tests[@]}"; do
    log "test: $name"
    "test_$name"
  done
  log "done in $((SECONDS - test_build_started)) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

main "$@"

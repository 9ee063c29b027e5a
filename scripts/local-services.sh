#!/usr/bin/env bash
# scripts/local-services.sh up|down|discard|env
#
# The local stack without a node, for the suites that need bare servers: a
# Kubernetes control plane (no kubelet: the stack sets skipAwait), and Kafka,
# PostgreSQL and Neo4j as host processes on loopback (scripts/services/), which
# the engine's providers reach directly. `npm run local:up` (scripts/local.sh)
# is the real thing: the program's own pods on a one-node cluster.
#
# up:   builds the toolchain if needed, starts the control plane and the
#       servers, logs in to a local file backend and runs `pulumi up`.
# down: destroys the stack and stops everything `up` started.
#
# State lives in $KG_RCA_LOCAL_DIR (default ~/.local/state/kg-rca-local). The
# stack's config file is a copy of Pulumi.local.yaml kept there, so secrets
# and test edits never touch the repository's file.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${KG_RCA_LOCAL_DIR:-$HOME/.local/state/kg-rca-local}
services=${KG_RCA_LOCAL_SERVICES:-kafka postgres neo4j}
export KAFKA_ADMIN_PASSWORD=${KAFKA_ADMIN_PASSWORD:-local-kafka-admin}
export NEO4J_PASSWORD=${NEO4J_PASSWORD:-local-neo4j-password}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-local-stack-only}
export PULUMI_BACKEND_URL="file://$state/backend"
export PULUMI_SKIP_UPDATE_CHECK=true
# The engine runs the program without type-checking it (npm test's typecheck does that once): a
# no-change preview of the local stack took 5.7-8.2 s instead of 11.7-22.1 s, measured.
export PULUMI_NODEJS_TRANSPILE_ONLY=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
config_file=$state/Pulumi.local.yaml

step() { echo "local: $*"; }

# The PostgreSQL server runs as the postgres user, which cannot enter root's home: its data lives
# under /var/tmp, in a folder recorded in the state.
service_dir() {
  if [ "$1" != postgres ]; then
    echo "$state/$1"
  elif [ -f "$state/postgres.dir" ]; then
    cat "$state/postgres.dir"
  else
    mkdir -p "$state" && mktemp -d /var/tmp/kg-rca-postgres.XXXXXX | tee "$state/postgres.dir"
  fi
}

environment() {
  # shellcheck disable=SC1091
  source "${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}/env.sh"
  export KUBECONFIG=$state/cluster/kubeconfig
  export KG_RCA_BILLING_DATABASE_URL
  KG_RCA_BILLING_DATABASE_URL=$(bash "$repo/scripts/services/postgres.sh" url "$(service_dir postgres)")
  export KG_RCA_NEO4J_URI=bolt://127.0.0.1:${NEO4J_PORT:-17687} KG_RCA_NEO4J_USER=neo4j KG_RCA_NEO4J_PASSWORD=$NEO4J_PASSWORD
}

# A cluster without nodes has no provisioner: offer pre-made volumes, so claims bind (and can grow)
# as they would on a real cluster. Nothing ever mounts them.
provide_volumes() {
  (cd "$repo" && npx ts-node --transpile-only scripts/localVolumes.ts --count "${KG_RCA_LOCAL_VOLUMES:-16}" --root "$state/volumes")
}

pulumi_local() {
  (cd "$repo" && pulumi "$@" --stack local --config-file "$config_file")
}

up() {
  step "toolchain"
  bash "$repo/scripts/toolchain.sh"
  environment
  mkdir -p "$state/backend"
  step "control plane"
  if [ -f "$state/cluster/kube-apiserver.pid" ] && kill -0 "$(cat "$state/cluster/kube-apiserver.pid")" 2>/dev/null; then
    echo "local: control plane already running"
  else
    bash "$repo/scripts/toolchain/local-cluster.sh" start "$state/cluster"
    provide_volumes
  fi
  for service in $services; do
    step "$service"
    bash "$repo/scripts/services/$service.sh" start "$(service_dir "$service")"
  done
  # The local stack's file, made for a node, with what a control plane without one needs:
  # nothing awaited and the servers on loopback.
  local fresh=""
  [ -f "$config_file" ] || fresh=1
  [ -z "$fresh" ] || cp "$repo/Pulumi.local.yaml" "$config_file"
  (cd "$repo" && pulumi stack select local --create --secrets-provider passphrase >/dev/null)
  # One `config set-all`: each CLI start costs a fraction of a second, and every suite's stack pays it.
  local pairs=(--secret "kafkaAdminPassword=$KAFKA_ADMIN_PASSWORD")
  if [ -n "$fresh" ]; then
    # The bare broker listens without TLS: the declared brokers (which never run here) match it.
    # No Neo4j pod runs here, so the edition only decides what is declared: production's, which
    # lets the engine tests change the server count.
    pairs+=(--plaintext skipAwait=true --plaintext kafkaAdminBootstrapServers=127.0.0.1:19092
      --plaintext kafkaListenerProtocol=SASL_PLAINTEXT --plaintext neo4jEdition=enterprise)
  fi
  pulumi_local config set-all "${pairs[@]}" >/dev/null
  step "build"
  # The engine then starts the program without compiling it (programs/prebuilt.ts).
  (cd "$repo" && npm run --silent build)
  step "pulumi up"
  pulumi_local up --yes --skip-preview "$@"
}

# down: destroy the stack, then stop the servers. discard: stop the servers and delete
# the state folder without destroying (the stack's data lives only on these servers,
# which go with it); for throwaway stacks too large to destroy quickly (benchmarks).
down() {
  environment
  if [ "${1:-}" != discard ] && [ -d "$state/backend" ] && (cd "$repo" && pulumi stack select local >/dev/null 2>&1); then
    step "pulumi destroy"
    # A throwaway stack: lifting protection here is the explicit step that deleting data takes.
    (cd "$repo" && pulumi state unprotect --all --yes --stack local >/dev/null) || true
    # Whatever destroy says, the servers below are still stopped.
    pulumi_local destroy --yes --skip-preview || destroy_failed=1
    [ -n "${destroy_failed:-}" ] || (cd "$repo" && pulumi stack rm local --yes --force --preserve-config >/dev/null)
  fi
  for service in $services; do
    dir=$(service_dir "$service")
    [ -d "$dir" ] && bash "$repo/scripts/services/$service.sh" stop "$dir"
    [ "$service" != postgres ] || rm -rf "$dir"
  done
  [ -d "$state/cluster" ] && bash "$repo/scripts/toolchain/local-cluster.sh" stop "$state/cluster"
  if [ -n "${destroy_failed:-}" ]; then
    step "destroy failed: servers stopped, state kept in $state"
    return 1
  fi
  rm -rf "$state"
  step "stopped and removed $state"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  discard) down discard ;;
  env) environment; env | grep -E '^(KUBECONFIG|KG_RCA_|KAFKA_ADMIN_PASSWORD|PULUMI_|PATH=)' ;;
  *) echo "usage: $0 up|down|discard|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# npm run local:up / local:down
#
# up:   builds the toolchain and the local images if needed (cached outside the
#       repo), starts a one-node Kubernetes cluster (scripts/node/local-node.sh)
#       in a private network and mount namespace, logs in to a local file backend
#       and runs `pulumi up` of the local stack: the program's own Kafka,
#       PostgreSQL and Neo4j StatefulSets and the workloads run as pods, awaited
#       as in production. The engine runs in the runner's network namespace
#       (scripts/node/runner.sh), which reaches only the API server and the
#       tenants' listener, as a CI runner outside the cluster would: the kafka
#       provider comes in through the external TLS listener, the billing rows
#       through a port-forward of the API server. The backup jobs' S3 server (moto, from
#       scripts/services/s3.sh) runs on the host, outside the cluster. A local CA
#       in the state folder stands in for cert-manager: it signs the brokers'
#       certificate into the Secret the program mounts.
# renew-certificates: a new key and certificate, then the brokers restarted one at a time.
# down: destroys the stack and stops the node; the host is left as it was.
#
# State lives in $KG_RCA_LOCAL_DIR (default ~/.local/state/kg-rca-local). The
# stack's config file is a copy of Pulumi.local.yaml kept there, so secrets,
# image tags and test edits never touch the repository's file.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${KG_RCA_LOCAL_DIR:-$HOME/.local/state/kg-rca-local}
node_dir=$state/node
image_manifest=${KG_RCA_IMAGE_CACHE:-$HOME/.cache/kg-rca-images}/images.json
export KAFKA_ADMIN_PASSWORD=${KAFKA_ADMIN_PASSWORD:-local-kafka-admin}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-local-stack-only}
export PULUMI_BACKEND_URL="file://$state/backend"
export PULUMI_SKIP_UPDATE_CHECK=true
# The engine runs the program without type-checking it (npm test's typecheck does that once): a
# no-change preview of the local stack took 5.7-8.2 s instead of 11.7-22.1 s, measured.
export PULUMI_NODEJS_TRANSPILE_ONLY=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
config_file=$state/Pulumi.local.yaml
node_sh=$repo/scripts/node/local-node.sh
s3_sh=$repo/scripts/services/s3.sh
# The backups' S3 server runs on the host, outside the cluster as AWS's would be, on the host's end
# of the node link (local-node.sh's KG_RCA_NODE_HOST_IP), where the pods reach the host.
export S3_ADDRESS=${KG_RCA_NODE_HOST_IP:-172.31.254.1}
export S3_BUCKETS=kg-rca-local-backups
s3_credentials_secret=backup-s3-credentials

tls_dir=$state/tls
namespace=kg-rca-server

step() { echo "local: $*"; }

environment() {
  # shellcheck disable=SC1091
  source "${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}/env.sh"
  export KUBECONFIG=$node_dir/kubeconfig
}

# The node has no provisioner: offer pre-made volumes, so claims bind (and can grow) as they would
# on a real cluster: hostPath folders under the state folder, mounted into the pods by the node.
provide_volumes() {
  (cd "$repo" && npx ts-node --transpile-only scripts/localVolumes.ts --count "${KG_RCA_LOCAL_VOLUMES:-16}" --root "$state/volumes")
}

# The engine runs where a CI runner would, outside the cluster (runner.sh): a `pulumi` in
# $state/cli/bin does that for every caller (this script, the Automation API in the tests), and
# `env` puts it first on PATH.
write_cli_wrapper() {
  local real
  real=$(command -v pulumi)
  mkdir -p "$state/cli/bin"
  cat >"$state/cli/bin/pulumi" <<EOF
#!/usr/bin/env bash
# Written by scripts/local.sh: the real CLI, in the runner's network namespace (a CI runner's view).
exec bash "$repo/scripts/node/pulumi-in-runner.sh" "$node_dir" "$real" "\$@"
EOF
  chmod +x "$state/cli/bin/pulumi"
}

# pulumi_local ARGS...: the CLI for the local stack, in the runner's network namespace.
pulumi_local() {
  (cd "$repo" && "$state/cli/bin/pulumi" "$@" --stack local --config-file "$config_file")
}

# The stack config local:up writes, in one `config set-all` (each CLI start goes through the runner's
# wrapper): the admin password, the image of each workload and the backups' bucket.
# - Images, from the local images' manifest: tags follow content, so they are written into the
#   state's copy of the stack config rather than into Pulumi.local.yaml.
# - The backup jobs' bucket: the S3 server's address and bucket; its keys go into a Secret the jobs
#   read (write_backup_credentials, after the update that creates the namespace, so no key enters
#   the state). The Secret's name is given as --plaintext: it is a name, not a secret.
set_local_config() {
  local pairs=(--secret "kafkaAdminPassword=$KAFKA_ADMIN_PASSWORD") images line
  images=$(node -e 'const manifest = require(process.argv[1]);
    for (const pair of process.argv.slice(2)) {
      const [key, image] = pair.split(":");
      console.log(key + "=" + manifest[image].tag);
    }' "$image_manifest" kafkaImage:kafka neo4jImage:neo4j postgresImage:postgres \
    graphBuilderImage:wiring-probe-graph-builder kgApiImage:wiring-probe-kg-api \
    maintenancePageImage:maintenance-page awsCliImage:aws-cli)
  while IFS= read -r line; do pairs+=(--plaintext "$line"); done <<<"$images"
  pairs+=(--plaintext "backupS3Endpoint=$(bash "$s3_sh" url "$state/s3")" --plaintext "backupBucketName=$S3_BUCKETS"
    --plaintext "backupS3CredentialsSecret=$s3_credentials_secret")
  pulumi_local config set-all "${pairs[@]}" >/dev/null
}

write_backup_credentials() {
  bash "$s3_sh" credentials "$state/s3" | grep -v '^AWS_ENDPOINT_URL=' >"$state/s3/credentials.env"
  kubectl -n "$namespace" create secret generic "$s3_credentials_secret" \
    --from-env-file="$state/s3/credentials.env" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
}

# The local CA stands in for production's cert-manager issuer: made once per state folder, its key
# never leaves it; its certificate is what the engine, the tests and the tenants trust.
ensure_local_ca() {
  mkdir -p "$tls_dir"
  [ -f "$tls_dir/ca.key" ] && [ -f "$tls_dir/ca.crt" ] && return 0
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tls_dir/ca.key" 2>/dev/null)
  openssl req -x509 -new -key "$tls_dir/ca.key" -sha256 -days 3650 -subj "/O=kg-rca-server local/CN=kg-rca-server local CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$tls_dir/ca.crt"
}

# issue_certificate SECRET SAN: a server certificate for the names the program lists, signed by the local CA.
issue_certificate() {
  local secret=$1 san=$2
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tls_dir/$secret.key" 2>/dev/null)
  openssl req -new -key "$tls_dir/$secret.key" -subj "/O=kg-rca-server local/CN=$secret" -out "$tls_dir/$secret.csr"
  printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
    "$san" >"$tls_dir/$secret.ext"
  openssl x509 -req -in "$tls_dir/$secret.csr" -CA "$tls_dir/ca.crt" -CAkey "$tls_dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 90 -sha256 -extfile "$tls_dir/$secret.ext" -out "$tls_dir/$secret.crt" 2>/dev/null
  printf '%s\n' "$san" >"$tls_dir/$secret.san"
  rm -f "$tls_dir/$secret.csr" "$tls_dir/$secret.ext"
}

# The certificates the stack's config calls for (scripts/localCertificates.ts lists each Secret and its
# names), issued when missing, when the names changed, or always with "renew"; then written into the
# Secrets the program mounts, as cert-manager would write them in production.
write_certificates() {
  local renew=${1:-} secret san
  while read -r secret san; do
    if [ "$renew" = renew ] || [ ! -f "$tls_dir/$secret.crt" ] || [ "$(cat "$tls_dir/$secret.san" 2>/dev/null)" != "$san" ]; then
      issue_certificate "$secret" "$san"
    fi
    kubectl -n "$namespace" create secret generic "$secret" --type=kubernetes.io/tls \
      --from-file=tls.crt="$tls_dir/$secret.crt" --from-file=tls.key="$tls_dir/$secret.key" \
      --from-file=ca.crt="$tls_dir/ca.crt" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  done < <(cd "$repo" && npx ts-node --transpile-only scripts/localCertificates.ts --config "$config_file")
}

# The certificate Secrets live in the namespace the program creates, and the brokers need them to
# start. Like cert-manager in production, this writes them as soon as the namespace exists, while the
# update runs: a broker pod waits (ContainerCreating) until its Secret is there.
write_certificates_when_namespace_exists() {
  local _
  for _ in $(seq 600); do
    if kubectl get namespace "$namespace" >/dev/null 2>&1; then
      write_certificates
      return
    fi
    sleep 1
  done
  echo "local: namespace $namespace did not appear within 600 s: no certificates written" >&2
  return 1
}

up() {
  step "toolchain and images"
  bash "$repo/scripts/build-local.sh"
  environment
  mkdir -p "$state/backend"
  write_cli_wrapper
  step "node"
  if bash "$node_sh" status "$node_dir"; then
    echo "local: node already running"
  else
    bash "$node_sh" start "$node_dir"
    provide_volumes
  fi
  step "S3 server for the backups"
  bash "$s3_sh" start "$state/s3"
  [ -f "$config_file" ] || cp "$repo/Pulumi.local.yaml" "$config_file"
  (cd "$repo" && pulumi stack select local --create --secrets-provider passphrase >/dev/null)
  set_local_config
  step "certificates from the local CA"
  ensure_local_ca
  # Not a secret: the CA certificate every client is given. Read from standard input by the CLI
  # itself (no engine runs for it).
  (cd "$repo" && pulumi config set --plaintext tlsCaCertificate --stack local --config-file "$config_file" \
    <"$tls_dir/ca.crt")
  write_certificates_when_namespace_exists &
  local issuer=$! status=0
  step "build"
  # The engine then starts the program without compiling it (programs/prebuilt.ts).
  (cd "$repo" && npm run --silent build)
  step "pulumi up"
  pulumi_local up --yes --skip-preview "$@" || status=$?
  if [ "$status" -ne 0 ]; then
    kill "$issuer" 2>/dev/null || true
    wait "$issuer" 2>/dev/null || true
    return "$status"
  fi
  wait "$issuer"
  write_backup_credentials
  step "running in namespace $namespace:"
  print_running
}

# What runs in the platform's namespace, as an operator would look at it.
print_running() {
  kubectl -n "$namespace" get statefulsets,deployments,pods -o wide
}

# Rotation, as production does it when cert-manager renews: a new key and certificate in the same
# Secret, then each broker restarted in turn, highest id first, the next only once it is Ready again
# (each reads its Secret at start; the PodDisruptionBudget and min.insync.replicas keep partitions
# writable). Pods are deleted rather than `rollout restart`ed: that would write a restartedAt
# annotation into the StatefulSet's template, which the daily drift check would report.
renew_certificates() {
  environment
  step "renewing the servers' certificates"
  write_certificates renew
  local pod
  # PostgreSQL and Neo4j too read their certificates at start (PostgreSQL would also take a reload
  # once kubelet has refreshed the mounted Secret); their pods come back on their volumes.
  for pod in $(kubectl -n "$namespace" get pods -l app=kafka -o name | sort -r) \
    $(kubectl -n "$namespace" get pods -l app=neo4j -o name | sort -r) pod/postgresql-0; do
    step "restarting $pod"
    kubectl -n "$namespace" delete "$pod" --wait=true >/dev/null
    until kubectl -n "$namespace" get "$pod" >/dev/null 2>&1; do sleep 1; done
    kubectl -n "$namespace" wait "$pod" --for=condition=Ready --timeout=600s >/dev/null
  done
}

# down: destroy the stack, then stop the node. discard: stop the node and delete the state folder
# without destroying (the stack's data lives only on the node's volumes, which go with it); for
# throwaway stacks too large to destroy quickly (benchmarks).
down() {
  environment
  if [ "${1:-}" != discard ] && [ -d "$state/backend" ] && bash "$node_sh" status "$node_dir" &&
    (cd "$repo" && pulumi stack select local >/dev/null 2>&1); then
    step "pulumi destroy"
    # A throwaway stack: lifting protection here is the explicit step that deleting data takes.
    (cd "$repo" && pulumi state unprotect --all --yes --stack local >/dev/null) || true
    # Whatever destroy says, the node below is still stopped.
    pulumi_local destroy --yes --skip-preview || destroy_failed=1
    [ -n "${destroy_failed:-}" ] || (cd "$repo" && pulumi stack rm local --yes --force --preserve-config >/dev/null)
  fi
  if [ -d "$node_dir" ]; then bash "$node_sh" stop "$node_dir"; fi
  if [ -d "$state/s3" ]; then bash "$s3_sh" stop "$state/s3"; fi
  if [ -n "${destroy_failed:-}" ]; then
    step "destroy failed: node stopped, state kept in $state"
    return 1
  fi
  rm -rf "$state"
  step "stopped and removed $state"
}

case "${1:-}" in
  up)
    shift
    up "$@"
    ;;
  down) down ;;
  discard) down discard ;;
  renew-certificates) renew_certificates ;;
  env)
    environment
    PATH=$state/cli/bin:$PATH
    env | grep -E '^(KUBECONFIG|KG_RCA_|KAFKA_ADMIN_PASSWORD|PULUMI_|PATH=)'
    ;;
  *)
    echo "usage: $0 up|down|discard|env|renew-certificates" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# A throwaway Kubernetes control plane on loopback for tests of Pulumi programs:
# etcd, kube-apiserver and kube-controller-manager (the garbage collector and
# the namespace controller, without which deletes hang). No scheduler and no
# kubelets: pods stay Pending, so test stacks set pulumi.com/skipAwait.
#
# Usage: local-cluster.sh start DIR   # writes DIR/kubeconfig, waits for /readyz
#        local-cluster.sh stop DIR    # stops what `start DIR` started
#
# Everything listens on 127.0.0.1 only, on free ports picked at start. The API
# server has its own CA and serving certificate, and one static bearer token for
# an admin in system:masters (RBAC); etcd speaks plain HTTP on loopback.
# Binaries come from scripts/toolchain.sh (run it first); DIR holds the data,
# certificates, logs and pid files.
set -euo pipefail

cache=${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}
READY_TIMEOUT=${READY_TIMEOUT:-90}

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

# Components in start order; stop goes the other way.
components=(etcd kube-apiserver kube-controller-manager)

find_binaries() {
  # shellcheck disable=SC1091
  [ -f "$cache/env.sh" ] && source "$cache/env.sh"
  local b
  for b in etcd kube-apiserver kube-controller-manager openssl curl node; do
    command -v "$b" >/dev/null || die "$b not found: run scripts/toolchain.sh first"
  done
}

# shellcheck source=scripts/lib/ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/ports.sh"

# alive NAME: the process in DIR/NAME.pid is still the NAME we started.
alive() {
  local pidfile=$dir/$1.pid pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$1"
}

# running NAME: the process this start launched as NAME has not exited. Not `alive`: just after the
# launch its command line is still this script's own (the background subshell has not exec'd NAME
# yet), which a loaded machine stretches past the first check (CI saw "etcd exited" with an empty
# log, etcd still starting). A zombie counts as exited.
running() {
  local pid
  pid=$(cat "$dir/$1.pid")
  [ -r "/proc/$pid/stat" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

# launch NAME CMD...: starts CMD in the background with its log in DIR/NAME.log.
launch() {
  local name=$1
  shift
  # setsid: the control plane must not die with the shell (or CI step) that started it.
  setsid "$@" >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

make_certs() {
  local pki=$dir/pki
  [ -f "$pki/apiserver.crt" ] && return
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=local-cluster-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
      -keyout apiserver.key -out apiserver.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' >san.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile san.ext -out apiserver.crt 2>/dev/null
    # Key pair for signing and verifying service-account tokens (required flags).
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
  )
}

start() {
  find_binaries
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local c
  for c in "${components[@]}"; do
    alive "$c" && die "$c is already running for $dir (pid $(cat "$dir/$c.pid")); run: $0 stop $dir"
  done

  make_certs
  local pki=$dir/pki token etcd_port peer_port api_port
  if [ ! -f "$dir/token" ]; then
    openssl rand -hex 24 >"$dir/token"
    chmod 600 "$dir/token"
  fi
  token=$(cat "$dir/token")
  printf '%s,admin,admin,system:masters\n' "$token" >"$pki/tokens.csv"
  etcd_port=$(free_port)
  peer_port=$(free_port "$etcd_port")
  api_port=$(free_port "$etcd_port" "$peer_port")

  cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster:
      server: https://127.0.0.1:$api_port
      certificate-authority: $pki/ca.crt
users:
  - name: admin
    user:
      token: $token
contexts:
  - name: local
    context: {cluster: local, user: admin, namespace: default}
current-context: local
EOF
  chmod 600 "$dir/kubeconfig"

  echo "local-cluster: starting etcd on 127.0.0.1:$etcd_port"
  launch etcd etcd --name local --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "local=http://127.0.0.1:$peer_port" --listen-metrics-urls ""

  echo "local-cluster: starting kube-apiserver on https://127.0.0.1:$api_port"
  # The service CIDR is only an allocation range for Service objects: nothing
  # routes to it (no kube-proxy).
  launch kube-apiserver kube-apiserver \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" --token-auth-file="$pki/tokens.csv" \
    --authorization-mode=RBAC --anonymous-auth=false \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/24 --allow-privileged=true \
    --enable-priority-and-fairness=false --profiling=false

  wait_ready "https://127.0.0.1:$api_port" "$token"

  echo "local-cluster: starting kube-controller-manager"
  # --secure-port=0: its own HTTPS endpoint (health, metrics) is not needed here.
  launch kube-controller-manager kube-controller-manager \
    --kubeconfig="$dir/kubeconfig" --secure-port=0 --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --use-service-account-credentials=false --profiling=false
  sleep 1
  running kube-controller-manager || die "kube-controller-manager exited; see $dir/kube-controller-manager.log"

  echo "local-cluster: ready; export KUBECONFIG=$dir/kubeconfig"
}

wait_ready() {
  local url=$1 token=$2 i
  for ((i = 0; i < READY_TIMEOUT; i++)); do
    if [ "$(curl -s --cacert "$dir/pki/ca.crt" -H "Authorization: Bearer $token" "$url/readyz" || true)" = ok ]; then
      echo "local-cluster: $url/readyz is ok after ${i}s"
      return
    fi
    local c
    for c in etcd kube-apiserver; do
      running "$c" || die "$c exited; last lines of $dir/$c.log: $(tail -n 20 "$dir/$c.log")"
    done
    sleep 1
  done
  die "kube-apiserver not ready after ${READY_TIMEOUT}s; see $dir/kube-apiserver.log"
}

stop() {
  [ -d "$dir" ] || die "no such directory: $dir"
  local i c pid
  for ((i = ${#components[@]} - 1; i >= 0; i--)); do
    c=${components[i]}
    if alive "$c"; then
      pid=$(cat "$dir/$c.pid")
      echo "local-cluster: stopping $c (pid $pid)"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do
        alive "$c" || break
        sleep 0.5
      done
      if alive "$c"; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$dir/$c.pid"
  done
  echo "local-cluster: stopped"
}

[ $# -eq 2 ] || usage
dir=$2
case $1 in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# A one-node Kubernetes cluster for the local stack, where the program's own pods run.
#
#   local-node.sh start DIR        # control plane + node, images imported; writes DIR/kubeconfig
#   local-node.sh stop DIR         # stops everything `start DIR` started and checks the host is clean
#   local-node.sh status DIR       # exit 0 while the node's namespace holder is alive
#   local-node.sh exec DIR CMD...  # runs CMD inside the node's network and mount namespaces
#                                  # (the engine runs in the runner's instead: runner.sh, started and stopped with the node)
#   local-node.sh check-clean [DIR] # exit 1 (and say what) if anything of a node (of DIR) is left on the host
#
# Everything runs inside one private network namespace and one private mount
# namespace, held by a `sleep` process (DIR/holder.pid): etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, containerd, kubelet, kube-proxy,
# CoreDNS and metrics-server (node/metrics-server.sh: the HPAs' CPU metrics).
# The host sees only the host end of a veth pair (KG_RCA_NODE_LINK) with
# NODE_IP behind it, so the API server is reachable from the host at
# https://NODE_IP:6443 while the bridge, pod routes and iptables rules stay in the
# namespace; routes to the service and pod ranges through that link let host
# processes (tests, operators) reach Services by their cluster IPs, with names
# resolved by CoreDNS at NODE_IP. Inside the mount namespace, tmpfs covers /run, /var/lib and /var/log
# (kubelet and containerd write fixed paths there), files bind-mounted over three
# /proc/sys entries hold the values kubelet would otherwise write host-wide, and
# /etc/resolv.conf points at CoreDNS. Pods' cgroups live under /kg-rca-node in
# each cgroup hierarchy. `stop` kills every process of the node, removes those
# cgroups and waits for the namespace (and so the veth pair) to vanish.
#
# Binaries: scripts/toolchain.sh (kube-*, kubelet, kubectl, coredns,
# metrics-server, etcd) and Debian (containerd, runc,
# containernetworking-plugins, iptables). Images: scripts/images/build.sh,
# imported from its manifest at start.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/node/metrics-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/metrics-server.sh"

cache=${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}
image_manifest=${KG_RCA_IMAGE_CACHE:-$HOME/.cache/kg-rca-images}/images.json
link=${KG_RCA_NODE_LINK:-kgrca0}
host_ip=${KG_RCA_NODE_HOST_IP:-172.31.254.1}
node_ip=${KG_RCA_NODE_IP:-172.31.254.2}
node_name=${KG_RCA_NODE_NAME:-kg-rca-node}
pod_cidr=10.244.0.0/24
service_cidr=10.96.0.0/24
# The first address of the service range is the `kubernetes` Service's.
api_service_ip=10.96.0.1
cgroup_root=/kg-rca-node
READY_TIMEOUT=${READY_TIMEOUT:-300}

die() {
  echo "local-node: $*" >&2
  exit 1
}
say() { echo "local-node: $*"; }

usage() {
  echo "usage: $0 start|stop|status DIR | exec DIR CMD... | check-clean" >&2
  exit 2
}

holder_pid() {
  local pid
  [ -f "$dir/holder.pid" ] || return 1
  pid=$(cat "$dir/holder.pid")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "kg-rca-node-holder" && echo "$pid"
}

# in_node CMD...: CMD in the node's network and mount namespaces, in the current directory.
in_node() {
  local pid
  pid=$(holder_pid) || die "the node of $dir is not running"
  nsenter --target "$pid" --net --mount --wd="$PWD" -- "$@"
}

# launch NAME CMD...: CMD in the background inside the node, logging to DIR/logs/NAME.log.
launch() {
  local name=$1 pid
  shift
  pid=$(holder_pid)
  setsid nsenter --target "$pid" --net --mount -- "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

find_binaries() {
  # shellcheck disable=SC1091
  [ -f "$cache/env.sh" ] && source "$cache/env.sh"
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl coredns metrics-server; do
    command -v "$b" >/dev/null || die "$b not found: run scripts/toolchain.sh first"
  done
  for b in containerd containerd-shim-runc-v2 runc ctr iptables nsenter unshare ip openssl; do
    command -v "$b" >/dev/null || die "$b not found: run scripts/setup.sh first"
  done
  [ -x /usr/lib/cni/bridge ] || die "/usr/lib/cni/bridge not found: run scripts/setup.sh first (containernetworking-plugins)"
  [ -f "$image_manifest" ] || die "$image_manifest not found: run scripts/images/build.sh first"
}

make_certs() {
  local pki=$dir/pki
  [ -f "$pki/apiserver.crt" ] && return
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=kg-rca-local-node-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr 2>/dev/null
    printf 'subjectAltName=IP:%s,IP:127.0.0.1,IP:%s,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' \
      "$node_ip" "$api_service_ip" >san.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile san.ext -out apiserver.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
  )
  openssl rand -hex 24 >"$dir/token"
  chmod 600 "$dir/token"
}

write_configs() {
  local token pause
  token=$(cat "$dir/token")
  printf '%s,admin,admin,system:masters\n' "$token" >"$dir/pki/tokens.csv"
  cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: local-node
    cluster:
      server: https://$node_ip:6443
      certificate-authority: $dir/pki/ca.crt
users:
  - name: admin
    user:
      token: $token
contexts:
  - name: local-node
    context: {cluster: local-node, user: admin, namespace: default}
current-context: local-node
EOF
  chmod 600 "$dir/kubeconfig"

  pause=$(node -e 'const m = require(process.argv[1]); if (!m.pause) process.exit(1); console.log(m.pause.tag);' \
    "$image_manifest") || die "no pause image in $image_manifest"
  cat >"$dir/containerd.toml" <<EOF
version = 2
root = "$dir/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.opt"]
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause"
  # runc here may not lower oom_score_adj (no CAP_SYS_RESOURCE): without this every sandbox fails.
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni"
EOF

  mkdir -p "$dir/cni"
  cat >"$dir/cni/10-kg-rca.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "kg-rca",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$pod_cidr"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF

  cat >"$dir/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
readOnlyPort: 0
healthzPort: 0
# This machine has cgroup v1 only, and containerd 1.6 cannot tell kubelet its driver.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $cgroup_root
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
# Signed by the node's CA, which metrics-server checks when it scrapes /metrics/resource.
tlsCertFile: $dir/pki/kubelet.crt
tlsPrivateKeyFile: $dir/pki/kubelet.key
clusterDNS: [$node_ip]
clusterDomain: cluster.local
resolvConf: ""
failSwapOn: false
# No registry is reachable: images are imported, never collected.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 200Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
serializeImagePulls: false
registerNode: true
EOF

  cat >"$dir/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $dir/kubeconfig}
hostnameOverride: $node_name
mode: iptables
clusterCIDR: $pod_cidr
# Zero leaves the host-wide conntrack sysctls alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: ""
EOF

  cat >"$dir/Corefile" <<EOF
.:53 {
    bind $node_ip
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $dir/kubeconfig local-node
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
}
EOF
  printf 'nameserver %s\nsearch svc.cluster.local cluster.local\noptions ndots:5\n' "$node_ip" >"$dir/resolv.conf"
  # The values kubelet insists on; bind-mounted over /proc/sys inside the node only.
  mkdir -p "$dir/sysctl"
  echo 1 >"$dir/sysctl/overcommit_memory"
  echo 10 >"$dir/sysctl/panic"
  echo 1 >"$dir/sysctl/panic_on_oops"
}

make_namespaces() {
  ip link show "$link" >/dev/null 2>&1 && die "link $link exists: another local node runs (stop it first)"
  # setsid: the node must not die with the shell (or CI step) that started it.
  setsid unshare --net --mount --propagation private -- \
    bash -c 'exec -a kg-rca-node-holder sleep infinity' </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/holder.pid"
  local pid i
  for i in $(seq 1 50); do
    pid=$(holder_pid) && break
    sleep 0.1
  done
  pid=$(holder_pid) || die "the namespace holder did not start"
  ip link add "$link" type veth peer name eth0 netns "$pid"
  ip addr add "$host_ip/30" dev "$link"
  ip link set "$link" up
  # The host reaches Services and pods through the node, as a machine on the cluster's network
  # would; these routes go with the link when the namespace vanishes. The node has no default
  # route: nothing in it can reach past the host (which does not forward).
  ip route add "$service_cidr" via "$node_ip" dev "$link"
  ip route add "$pod_cidr" via "$node_ip" dev "$link"
  in_node sh -ec "
    ip link set lo up
    ip addr add $node_ip/30 dev eth0
    ip link set eth0 up
    # Processes of the node itself (the engine, CoreDNS) connect to Service IPs: the route lookup
    # comes before kube-proxy's DNAT, so the range needs a route; the DNAT then re-routes to a pod.
    ip route add $service_cidr via $host_ip dev eth0
    sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
    mount -t tmpfs -o mode=755 kg-rca-node-run /run
    mount -t tmpfs -o mode=755 kg-rca-node-var-lib /var/lib
    mount -t tmpfs -o mode=755 kg-rca-node-var-log /var/log
    mount --bind $dir/resolv.conf /etc/resolv.conf
    mount --bind $dir/sysctl/overcommit_memory /proc/sys/vm/overcommit_memory
    mount --bind $dir/sysctl/panic /proc/sys/kernel/panic
    mount --bind $dir/sysctl/panic_on_oops /proc/sys/kernel/panic_on_oops
  "
}

wait_for() {
  local what=$1 i
  shift
  for ((i = 0; i < READY_TIMEOUT; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  die "$what not ready after ${READY_TIMEOUT}s; logs in $dir/logs"
}

api() {
  curl -sf --cacert "$dir/pki/ca.crt" -H "Authorization: Bearer $(cat "$dir/token")" "https://$node_ip:6443$1"
}

start() {
  find_binaries
  mkdir -p "$dir/logs"
  dir=$(cd "$dir" && pwd)
  holder_pid >/dev/null && die "the node of $dir is already running; run: $0 stop $dir"
  make_certs
  make_metrics_server_certs
  write_configs
  write_metrics_server_config
  make_namespaces
  local pki=$dir/pki
  local -a aggregation
  mapfile -t aggregation < <(aggregation_flags)
  say "starting etcd"
  launch etcd etcd --name local-node --data-dir "$dir/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster local-node=http://127.0.0.1:2380 --listen-metrics-urls ""
  say "starting kube-apiserver on https://$node_ip:6443"
  launch kube-apiserver kube-apiserver \
    --bind-address=0.0.0.0 --advertise-address="$node_ip" --secure-port=6443 \
    --etcd-servers=http://127.0.0.1:2379 \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" --token-auth-file="$pki/tokens.csv" \
    --authorization-mode=Node,RBAC --anonymous-auth=false \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range="$service_cidr" --allow-privileged=true \
    --enable-priority-and-fairness=false --profiling=false \
    --kubelet-preferred-address-types=InternalIP "${aggregation[@]}"
  wait_for kube-apiserver api_ready
  grant_metrics_server
  say "starting kube-controller-manager and kube-scheduler"
  # HPAs re-evaluated every 5 s rather than 15 s: metrics-server's 15 s scrapes set the pace, not the
  # controller, so the node's autoscaling test waits less for a reaction.
  launch kube-controller-manager kube-controller-manager \
    --kubeconfig="$dir/kubeconfig" --secure-port=0 --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --use-service-account-credentials=false --profiling=false \
    --horizontal-pod-autoscaler-sync-period=5s
  launch kube-scheduler kube-scheduler --kubeconfig="$dir/kubeconfig" --leader-elect=false --profiling=false
  say "starting containerd and importing images"
  launch containerd containerd --config "$dir/containerd.toml"
  wait_for containerd in_node ctr --address /run/containerd/containerd.sock version
  import_images
  say "starting metrics-server, kubelet, kube-proxy and CoreDNS"
  # Before kubelet: it is serving by the time the node is Ready, and scrapes kubelet once it runs.
  launch_metrics_server
  register_metrics_server
  make_cgroups
  launch kubelet kubelet --config="$dir/kubelet.yaml" --kubeconfig="$dir/kubeconfig" \
    --container-runtime-endpoint=unix:///run/containerd/containerd.sock \
    --hostname-override="$node_name" --node-ip="$node_ip" --cert-dir="$dir/kubelet-pki"
  launch kube-proxy kube-proxy --config="$dir/kube-proxy.yaml"
  launch coredns coredns -conf "$dir/Corefile"
  wait_for "node $node_name" node_ready
  wait_for "the metrics API (v1beta1.metrics.k8s.io)" metrics_api_available
  say "node $node_name is Ready; export KUBECONFIG=$dir/kubeconfig"
  # Where the engine and the day-2 commands run: a CI runner's view of the cluster (runner.sh).
  bash "$here/runner.sh" start "$dir"
}

api_ready() {
  [ "$(api /readyz)" = ok ]
}

node_ready() {
  api "/api/v1/nodes/$node_name" | node -e '
    const n = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const ready = (n.status.conditions || []).find((c) => c.type === "Ready");
    process.exit(ready && ready.status === "True" ? 0 : 1);'
}

import_images() {
  local archive
  while read -r archive; do
    in_node ctr --address /run/containerd/containerd.sock -n k8s.io images import --no-unpack=false "$archive" >>"$dir/logs/images.log"
  done < <(node -e 'const m = require(process.argv[1]); for (const i of Object.values(m)) console.log(i.archive);' "$image_manifest")
}

# Processes that belong to the node: in its network or mount namespace, or in its cgroups.
node_processes() {
  local pid net mnt ns_net ns_mnt
  ns_net=$(readlink "/proc/$1/ns/net")
  ns_mnt=$(readlink "/proc/$1/ns/mnt")
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    [ "$pid" = "$1" ] && continue
    net=$(readlink "/proc/$pid/ns/net" 2>/dev/null) || continue
    mnt=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null) || continue
    if [ "$net" = "$ns_net" ] || [ "$mnt" = "$ns_mnt" ] || grep -q ":$cgroup_root" "/proc/$pid/cgroup" 2>/dev/null; then
      echo "$pid"
    fi
  done
}

# kubelet wants its cgroup root to exist in every hierarchy; a new cpuset must be given CPUs and
# memory nodes (its parent's) before anything can join it.
make_cgroups() {
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*; do
    if [ ! -d "$hierarchy" ] || [ -L "$hierarchy" ]; then continue; fi
    mkdir -p "$hierarchy$cgroup_root"
    if [ -f "$hierarchy/cpuset.cpus" ]; then
      cat "$hierarchy/cpuset.cpus" >"$hierarchy$cgroup_root/cpuset.cpus"
      cat "$hierarchy/cpuset.mems" >"$hierarchy$cgroup_root/cpuset.mems"
    fi
  done
}

remove_cgroups() {
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*; do
    [ -d "$hierarchy$cgroup_root" ] || continue
    find "$hierarchy$cgroup_root" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

stop() {
  [ -d "$dir" ] || die "no such directory: $dir"
  local pid pids i
  bash "$here/runner.sh" stop "$dir"
  if pid=$(holder_pid); then
    say "stopping the node (holder $pid)"
    # kubelet first, so that it does not restart what is being stopped.
    if [ -f "$dir/kubelet.pid" ]; then kill "$(cat "$dir/kubelet.pid")" 2>/dev/null || true; fi
    for signal in TERM KILL; do
      mapfile -t pids < <(node_processes "$pid")
      [ "${#pids[@]}" -gt 0 ] || break
      kill -s "$signal" "${pids[@]}" 2>/dev/null || true
      for i in $(seq 1 20); do
        mapfile -t pids < <(node_processes "$pid")
        [ "${#pids[@]}" -gt 0 ] || break
        sleep 0.5
      done
    done
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
  fi
  # Containers of a node whose holder died may still run, in their cgroups.
  for i in $(seq 1 10); do
    mapfile -t pids < <(grep -l ":$cgroup_root" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3)
    [ "${#pids[@]}" -gt 0 ] || break
    kill -KILL "${pids[@]}" 2>/dev/null || true
    sleep 0.5
  done
  remove_cgroups
  # The kernel tears a dead namespace down in the background (minutes, with many pod links):
  # deleting the host end of the veth pair removes both ends, and the host's routes, now.
  ip link del "$link" 2>/dev/null || true
  for i in $(seq 1 20); do
    ip link show "$link" >/dev/null 2>&1 || break
    sleep 0.5
  done
  rm -f "$dir"/*.pid
  check_clean || die "the host is not clean after stopping $dir"
  say "stopped"
}

# check_clean: nothing of a node is left on the host: no process in its cgroups
# or started from its configuration, no cgroup, no link, no mount of its own.
check_clean() {
  local dirty=0 hierarchy
  bash "$here/runner.sh" check-clean "$dir" || dirty=1
  if grep -ql ":$cgroup_root" /proc/[0-9]*/cgroup 2>/dev/null; then
    echo "local-node: processes left in cgroup $cgroup_root" >&2
    dirty=1
  fi
  # Every daemon of a node is started with its state folder on its command line.
  local pattern="kg-rca-node-holder${dir:+|$dir/}"
  if pgrep -f "$pattern" >/dev/null; then
    echo "local-node: node processes left: $(pgrep -af "$pattern" | tr '\n' ';')" >&2
    dirty=1
  fi
  for hierarchy in /sys/fs/cgroup/*; do
    if [ -d "$hierarchy$cgroup_root" ]; then
      echo "local-node: cgroup left: $hierarchy$cgroup_root" >&2
      dirty=1
    fi
  done
  if ip link show "$link" >/dev/null 2>&1; then
    echo "local-node: link left: $link" >&2
    dirty=1
  fi
  if grep -qE "kg-rca-node|/run/containerd|/var/lib/kubelet" /proc/self/mountinfo; then
    echo "local-node: mounts left: $(grep -E 'kg-rca-node|/run/containerd|/var/lib/kubelet' /proc/self/mountinfo | tr '\n' ';')" >&2
    dirty=1
  fi
  return "$dirty"
}

case "${1:-}" in
  start | stop | status)
    [ $# -eq 2 ] || usage
    dir=$2
    case $1 in
      start) start ;;
      stop) stop ;;
      status) holder_pid >/dev/null ;;
    esac
    ;;
  exec)
    [ $# -ge 3 ] || usage
    dir=$2
    shift 2
    in_node "$@"
    ;;
  check-clean)
    dir=${2:-}
    check_clean
    ;;
  *) usage ;;
esac

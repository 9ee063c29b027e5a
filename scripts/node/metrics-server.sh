# shellcheck shell=bash
# shellcheck disable=SC2154 # dir, node_ip and node_name are local-node.sh's
# Resource metrics for the local node, sourced by local-node.sh (it uses that script's $dir,
# $node_ip, launch and api): metrics-server runs as a process of the node, like CoreDNS, and is
# registered with the API server's aggregation layer as v1beta1.metrics.k8s.io, so that the
# program's HPAs scale on CPU here as they do in production. Production clusters bring their own
# metrics-server: these objects belong to the node, never to the Pulumi program.
#
# The aggregation layer: the API server proxies /apis/metrics.k8s.io/* to metrics-server,
# presenting the front-proxy client certificate and the caller's identity in X-Remote-* headers,
# which metrics-server trusts only from that certificate (it reads the front-proxy CA and the
# header names from the ConfigMap kube-system/extension-apiserver-authentication, which the API
# server publishes). The APIService names a Service without selector whose EndpointSlice holds
# NODE_IP:metrics_server_port; --enable-aggregator-routing makes the API server dial that address
# itself rather than the Service's cluster IP.

# kubelet holds 10250 on NODE_IP.
metrics_server_port=4443
metrics_server_name=metrics-server.kube-system.svc

# The kube-apiserver flags of the aggregation layer.
aggregation_flags() {
  local pki=$dir/pki
  printf '%s\n' \
    --requestheader-client-ca-file="$pki/front-proxy-ca.crt" \
    --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User \
    --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$pki/front-proxy-client.crt" \
    --proxy-client-key-file="$pki/front-proxy-client.key" \
    --enable-aggregator-routing=true
}

# sign_cert NAME SUBJECT CA EXTENSIONS: a key and a certificate NAME.{key,crt} signed by CA.{crt,key}.
sign_cert() {
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$4" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days 3650 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

# The front-proxy CA and client certificate; serving certificates for metrics-server (checked by
# the API server against the APIService's caBundle, under the Service's name) and for kubelet
# (checked by metrics-server when it scrapes NODE_IP:10250), both signed by the cluster CA; and
# metrics-server's own API token.
make_metrics_server_certs() {
  local pki=$dir/pki
  [ -f "$pki/front-proxy-client.crt" ] && return
  (
    cd "$pki" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=kg-rca-local-node-front-proxy-ca" \
      -keyout front-proxy-ca.key -out front-proxy-ca.crt 2>/dev/null
    sign_cert front-proxy-client /CN=front-proxy-client front-proxy-ca "extendedKeyUsage=clientAuth"
    sign_cert metrics-server "/CN=$metrics_server_name" ca \
      "subjectAltName=DNS:$metrics_server_name,DNS:metrics-server.kube-system,IP:$node_ip"
    sign_cert kubelet "/CN=$node_name" ca "subjectAltName=IP:$node_ip,DNS:$node_name"
    chmod 600 ./*.key
  )
  openssl rand -hex 24 >"$dir/metrics-server.token"
  chmod 600 "$dir/metrics-server.token"
}

# Its API identity (user metrics-server, granted below what upstream's manifests grant its
# ServiceAccount), added to the API server's token file that write_configs has just written.
write_metrics_server_config() {
  local token
  token=$(cat "$dir/metrics-server.token")
  printf '%s,metrics-server,metrics-server\n' "$token" >>"$dir/pki/tokens.csv"
  sed -e "s|token: .*|token: $token|" -e "s|namespace: default|namespace: kube-system|" \
    "$dir/kubeconfig" >"$dir/metrics-server.kubeconfig"
  chmod 600 "$dir/metrics-server.kubeconfig"
}

launch_metrics_server() {
  local pki=$dir/pki kubeconfig=$dir/metrics-server.kubeconfig
  # --metric-resolution 15s: the scrape interval, so a CPU rate is at most 15 s old (10 s is the floor).
  launch metrics-server metrics-server \
    --bind-address="$node_ip" --secure-port="$metrics_server_port" \
    --tls-cert-file="$pki/metrics-server.crt" --tls-private-key-file="$pki/metrics-server.key" \
    --kubeconfig="$kubeconfig" --authentication-kubeconfig="$kubeconfig" --authorization-kubeconfig="$kubeconfig" \
    --kubelet-preferred-address-types=InternalIP --kubelet-certificate-authority="$pki/ca.crt" \
    --metric-resolution=15s
}

# apply_objects YAML-PRINTER: applies what the function prints, with the admin's kubeconfig.
apply_objects() {
  "$1" | kubectl --kubeconfig "$dir/kubeconfig" apply -f - >>"$dir/logs/metrics-server-objects.log"
}

# What metrics-server may do, applied once the API server answers: in force before it starts.
grant_metrics_server() {
  apply_objects metrics_server_rbac
}

# The APIService and where it points, applied once metrics-server runs: the API server checks a
# new APIService at once, while one that kept failing is retried only after a growing back-off
# (seconds after half a minute of failures), which would hold up the node's start.
register_metrics_server() {
  apply_objects metrics_server_api
}

metrics_server_api() {
  local ca_bundle
  ca_bundle=$(base64 -w0 <"$dir/pki/ca.crt")
  cat <<EOF
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system}
spec:
  ports: [{name: https, port: 443, targetPort: $metrics_server_port}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: metrics-server
  namespace: kube-system
  labels: {kubernetes.io/service-name: metrics-server, endpointslice.kubernetes.io/managed-by: kg-rca-local-node}
addressType: IPv4
ports: [{name: https, port: $metrics_server_port, protocol: TCP}]
endpoints: [{addresses: ["$node_ip"], conditions: {ready: true}}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  group: metrics.k8s.io
  version: v1beta1
  service: {name: metrics-server, namespace: kube-system, port: 443}
  caBundle: $ca_bundle
  groupPriorityMinimum: 100
  versionPriority: 100
EOF
}

metrics_server_rbac() {
  cat <<EOF
# What metrics-server reads: nodes and pods, and the kubelets' metrics (a kubelet with webhook
# authorization asks for nodes/metrics; this one allows everything).
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kg-rca:metrics-server}
rules:
  - {apiGroups: [""], resources: [nodes/metrics], verbs: [get]}
  - {apiGroups: [""], resources: [pods, nodes], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kg-rca:metrics-server}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kg-rca:metrics-server}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: metrics-server}]
---
# Delegated authentication and authorization of the requests it serves (TokenReview, SubjectAccessReview).
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kg-rca:metrics-server:auth-delegator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: metrics-server}]
---
# The front-proxy CA and header names, from the ConfigMap kube-system/extension-apiserver-authentication.
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: kg-rca:metrics-server:auth-reader, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: metrics-server}]
---
# Reading metrics (kubectl top) for whoever may view, edit or administer.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: kg-rca:aggregated-metrics-reader
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
rules:
  - {apiGroups: [metrics.k8s.io], resources: [pods, nodes], verbs: [get, list, watch]}
EOF
}

# The APIService answers: the API server reaches metrics-server (its first scrape may come later).
metrics_api_available() {
  api /apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const available = (s.status.conditions || []).find((c) => c.type === "Available");
    process.exit(available && available.status === "True" ? 0 : 1);'
}

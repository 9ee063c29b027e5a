#!/usr/bin/env bash
# Builds the real Pulumi engine pieces and a local Kubernetes control plane on a
# machine that reaches only package registries (Go module proxy, Debian apt).
# Everything is built from Go modules and cached by version under
# $KG_RCA_TOOLCHAIN_CACHE (default $HOME/.cache/kg-rca-toolchain); nothing is
# written into the repository. A second run only checks the cache. A cold run
# takes 20-56 min on 2 cores, depending on the machine (2026-12-02), and leaves ~19 GB (0.6 GB
# after `prune`).
#
# Usage: scripts/toolchain.sh [COMPONENT...]
#   components: etcd pulumi language-nodejs kubernetes-provider kafka-provider kube coredns
#   metrics-server env
#   (default: all of these, in this order), or `prune` to delete the Go caches
#   (about 10 GB) once the binaries are built
# Then:   source "$HOME/.cache/kg-rca-toolchain/env.sh"
# Local API server for tests: scripts/toolchain/local-cluster.sh start|stop DIR
# End-to-end check:            scripts/toolchain/verify.sh
#
# The node -e snippets use JavaScript template literals, not shell expansions:
# shellcheck disable=SC2016
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
tc=$here/toolchain
cache=${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}

# ---- versions ---------------------------------------------------------------------
# The CLI must match @pulumi/pulumi in package.json (3.248.0: the newest that runs on Node 20).
PULUMI_VERSION=v3.248.0
# Pulumi's Node.js language host is a module of its own
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) that has no
# tags, and the module proxy here refuses it: 403 "This module version is not
# available" for its version list, @latest and the pseudo-version of the
# v3.248.0 commit. We build our own small host instead (toolchain/language-nodejs),
# compiled against sdk/v3 at PULUMI_VERSION so that it speaks the CLI's protocol.
# The kubernetes provider module has no tags either (so no v4.34.2), and the proxy
# serves exactly one pseudo-version of it: commit f47bc2d6 of 2026-01-15, which
# requires sdk/v4 v4.24.0, pulumi v3.215.0 and client-go v0.33, so roughly the
# 4.24/4.25 provider. The provider protocol is stable, so it serves
# @pulumi/kubernetes 4.34.2 programs (the CLI warns about the version on every
# run); resource kinds added to the SDK after it are unknown to it.
K8S_PROVIDER_VERSION=v4.0.0-20260115033456-f47bc2d6f199
# The kafka provider plugin for @pulumi/kafka 3.13.2, built by toolchain/kafka-provider.sh.
KAFKA_PROVIDER_VERSION=3.13.2
# Control plane: k8s.io/kubernetes plus its staging modules at the matching v0.N.M.
KUBERNETES_VERSION=v1.34.4
# Cluster DNS for the local node: CoreDNS builds with a plain `go install` (no replaces).
COREDNS_VERSION=v1.14.7
# Resource metrics for the node's HPAs (metrics.k8s.io). v0.8.0 is built against the v0.33 client
# libraries, one minor below KUBERNETES_VERSION (within client-go's supported skew); the proxy's
# only other release, v0.9.0, needs v0.36, two minors above it. Its go.mod has no replaces.
METRICS_SERVER_VERSION=v0.8.0

# Bump when a component's recipe changes, so that cached builds are redone.
RECIPE=1

# ---- Go environment ---------------------------------------------------------------
# Own module and build caches, so that the whole toolchain lives (and is measured
# and removed) under one directory.
export GOMODCACHE=$cache/go/mod
export GOCACHE=$cache/go/build
export GOPATH=$cache/go/path
# Never fetch another Go toolchain behind our back: fail instead.
export GOTOOLCHAIN=local
case " ${GOFLAGS:-} " in
  *" -buildvcs=false "*) ;;
  *) export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false" ;;
esac
GOBUILD=(nice -n 10 go build -trimpath)

# ---- step reporting ---------------------------------------------------------------
current_step="start"
on_exit() {
  local rc=$?
  stop_prefetch
  if [ "$rc" -ne 0 ]; then
    echo "toolchain: FAILED in step: $current_step (exit $rc)" >&2
  fi
}
trap on_exit EXIT

step() {
  current_step=$1
  echo "toolchain: $1"
}

# run_logged LOG CMD...: runs CMD with its output appended to LOG; on failure shows
# the end of the log (`go get` prints pages of "downloading" lines).
run_logged() {
  local log=$1
  shift
  echo "+ $*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    echo "toolchain: command failed: $*" >&2
    echo "toolchain: last lines of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

elapsed() {
  local s=$(($(date +%s) - $1))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# is_cached DIR KEY BIN...: DIR holds a build by this recipe from sources with
# checksum KEY ("" for none of ours), with all of BIN in DIR/bin.
is_cached() {
  local dir=$1 key=$2 b
  shift 2
  [ -f "$dir/.built" ] && [ "$(cat "$dir/.built")" = "recipe=$RECIPE${key:+ $key}" ] || return 1
  for b in "$@"; do [ -x "$dir/bin/$b" ] || return 1; done
}

mark_built() {
  echo "recipe=$RECIPE${2:+ $2}" >"$1/.built"
}

# checksum FILE...: a key for builds that compile sources of ours.
checksum() {
  cat "$@" | sha256sum | cut -c1-16
}

# module_info MODULE@VERSION FIELD: downloads a module into the module cache and
# prints FIELD of `go mod download -json` (Dir: its files, GoMod: its go.mod).
module_info() {
  go mod download -json "$1" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    if (m.Error) { console.error(m.Error); process.exit(1); }
    console.log(m[process.argv[1]]);' "$2"
}

# module_replaces GOMOD: prints a `-replace=OLD=NEW@VERSION` argument for each replace
# directive of GOMOD that points at another module version. Replaces that point at a
# directory (../sdk, ./staging/...) are left out: those directories are not in the
# module zip, which is why `go install MODULE@VERSION` refuses such modules.
module_replaces() {
  go mod edit -json "$1" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of m.Replace || []) {
      if (!r.New.Version) continue;
      const old = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
      console.log(`-replace=${old}=${r.New.Path}@${r.New.Version}`);
    }'
}

# go_mod_edit ARGS...: `go mod edit` with one argument per line of ARGS (so that
# the producing command's failure stops the script, which `< <(...)` would hide).
go_mod_edit() {
  local -a args
  [ -n "$1" ] || return 0
  mapfile -t args <<<"$1"
  go mod edit "${args[@]}"
}

# new_wrapper DIR NAME: starts a fresh wrapper module in DIR/src, cd's into it.
new_wrapper() {
  rm -rf "${1:?}/src" "${1:?}/bin"
  mkdir -p "$1/src" "$1/bin"
  : >"$1/build.log"
  cd "$1/src"
  go mod init "kgrca.local/toolchain/$2" >/dev/null 2>&1
}

# ---- where each build lives -------------------------------------------------------
PULUMI_DIR=$cache/pulumi-$PULUMI_VERSION
LANGUAGE_NODEJS_DIR=$cache/pulumi-language-nodejs-$PULUMI_VERSION-kgrca
K8S_PROVIDER_DIR=$cache/pulumi-resource-kubernetes-$K8S_PROVIDER_VERSION
KUBE_DIR=$cache/kubernetes-$KUBERNETES_VERSION
KUBE_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
KUBE_PACKAGES=("${KUBE_COMMANDS[@]/#/k8s.io/kubernetes/cmd/}")
COREDNS_PACKAGE=github.com/coredns/coredns@$COREDNS_VERSION
METRICS_SERVER_PACKAGE=sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION

# piece_dir / piece_key COMPONENT: the folder of a piece built in a wrapper module of ours, and the
# key of our sources it compiles ("" for none).
piece_dir() {
  case $1 in
    pulumi) echo "$PULUMI_DIR" ;;
    language-nodejs) echo "$LANGUAGE_NODEJS_DIR" ;;
    kubernetes-provider) echo "$K8S_PROVIDER_DIR" ;;
    kube) echo "$KUBE_DIR" ;;
  esac
}
piece_key() {
  case $1 in
    language-nodejs) checksum "$tc/language-nodejs/main.go" ;;
    kubernetes-provider) checksum "$tc/kubernetes-provider/main.go" ;;
  esac
}

# built COMPONENT: the component's binaries are in the cache, built by this recipe
# (and from our current sources, for the components that compile some).
built() {
  case $1 in
    pulumi) is_cached "$(piece_dir "$1")" "$(piece_key "$1")" pulumi ;;
    language-nodejs) is_cached "$(piece_dir "$1")" "$(piece_key "$1")" pulumi-language-nodejs ;;
    kubernetes-provider) is_cached "$(piece_dir "$1")" "$(piece_key "$1")" pulumi-resource-kubernetes ;;
    kafka-provider) bash "$tc/kafka-provider.sh" --check ;;
    kube) is_cached "$(piece_dir "$1")" "$(piece_key "$1")" "${KUBE_COMMANDS[@]}" ;;
    coredns) is_cached "$cache/coredns-$COREDNS_VERSION" "" coredns ;;
    metrics-server) is_cached "$cache/metrics-server-$METRICS_SERVER_VERSION" "" metrics-server ;;
    *) return 1 ;;
  esac
}

# build_piece COMPONENT LABEL COLD_TIME: unless the piece is built, makes its wrapper module
# (resolve_COMPONENT), compiles it (compile_COMPONENT), both given its folder and build log and run
# in the module's folder, and records the build; timed. Dashes in COMPONENT become underscores.
build_piece() {
  local fn=${1//-/_} label=$2 cold_time=$3 dir t0
  dir=$(piece_dir "$1")
  if built "$1"; then
    echo "toolchain: $label is cached in $dir/bin"
    return
  fi
  t0=$(date +%s)
  step "building $label (cold build takes $cold_time)"
  "resolve_$fn" "$dir" "$dir/build.log"
  step "$label: compiling"
  "compile_$fn" "$dir" "$dir/build.log"
  mark_built "$dir" "$(piece_key "$1")"
  echo "toolchain: built $label in $(elapsed "$t0")"
}

# ---- 1. Pulumi CLI ----------------------------------------------------------------
# resolve_pulumi DIR LOG: the CLI's wrapper module in DIR/src, its modules downloaded.
resolve_pulumi() {
  local pkg
  new_wrapper "$1" pulumi-cli
  step "pulumi CLI: reading the replace directives of pkg/v3@$PULUMI_VERSION"
  pkg=$(module_info "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" Dir)
  # pkg/v3 replaces sdk/v3 with ../sdk; we require sdk/v3 at the same tag instead
  # and repeat its other replaces.
  go_mod_edit "$(module_replaces "$pkg/go.mod")"
  step "pulumi CLI: resolving dependencies"
  run_logged "$2" go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_VERSION" \
    "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
}

compile_pulumi() {
  # Pulumi's release build stamps the version the same way; the CLI checks plugins'
  # and projects' version requirements against it.
  run_logged "$2" "${GOBUILD[@]}" -o "$1/bin/pulumi" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_pulumi() {
  build_piece pulumi "pulumi CLI $PULUMI_VERSION" "~9-11 min"
}

# ---- 2. Node.js language host -----------------------------------------------------
resolve_language_nodejs() {
  new_wrapper "$1" pulumi-language-nodejs
  cp "$tc/language-nodejs/main.go" .
  step "pulumi-language-nodejs: resolving dependencies"
  run_logged "$2" go get "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
  run_logged "$2" go mod tidy
}

compile_language_nodejs() {
  run_logged "$2" "${GOBUILD[@]}" -o "$1/bin/pulumi-language-nodejs" \
    -ldflags "-s -w -X main.version=${PULUMI_VERSION#v}" .
}

build_language_nodejs() {
  build_piece language-nodejs "pulumi-language-nodejs $PULUMI_VERSION" "~1 min after the CLI"
  # The CLI looks for its language hosts next to its own executable first and
  # warns on every command when it has to take one from elsewhere on PATH, so the
  # host is linked in beside it (as Pulumi's own distribution ships them).
  mkdir -p "$PULUMI_DIR/bin"
  ln -sfn "$LANGUAGE_NODEJS_DIR/bin/pulumi-language-nodejs" "$PULUMI_DIR/bin/pulumi-language-nodejs"
}

# ---- 3. Kubernetes resource provider ----------------------------------------------
K8S_PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4

resolve_kubernetes_provider() {
  local mod
  new_wrapper "$1" pulumi-resource-kubernetes
  mod=$(module_info "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_VERSION" Dir)
  # Its only local replace is sdk/v4 => ../sdk; the sdk/v4 version it requires is served.
  go_mod_edit "$(module_replaces "$mod/go.mod")"
  step "pulumi-resource-kubernetes: writing the embedded schema and terraform mapping"
  cp "$tc/kubernetes-provider/main.go" .
  # What the provider's generate.go does in its release build: the schema with
  # its version set, and the terraform mapping, both compacted.
  node -e '
    const fs = require("fs");
    const [dir, version] = process.argv.slice(1);
    const schema = JSON.parse(fs.readFileSync(`${dir}/cmd/pulumi-resource-kubernetes/schema.json`, "utf8"));
    schema.version = version;
    fs.writeFileSync("schema-embed.json", JSON.stringify(schema));
    const mapping = JSON.parse(fs.readFileSync(`${dir}/cmd/pulumi-resource-kubernetes/terraform-mapping.json`, "utf8"));
    fs.writeFileSync("terraform-mapping-embed.json", JSON.stringify(mapping));
  ' "$mod" "${K8S_PROVIDER_VERSION#v}"
  step "pulumi-resource-kubernetes: resolving dependencies"
  run_logged "$2" go get "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_VERSION"
  run_logged "$2" go mod tidy
}

compile_kubernetes_provider() {
  run_logged "$2" "${GOBUILD[@]}" -o "$1/bin/pulumi-resource-kubernetes" \
    -ldflags "-s -w -X $K8S_PROVIDER_MODULE/pkg/version.Version=${K8S_PROVIDER_VERSION#v}" .
}

build_kubernetes_provider() {
  build_piece kubernetes-provider "pulumi-resource-kubernetes $K8S_PROVIDER_VERSION" "~13-16 min"
}

# ---- 4. Kubernetes: control plane and one node ----------------------------------
# The control plane (kube-apiserver, kube-controller-manager, kube-scheduler), the
# node (kubelet, kube-proxy) and kubectl (exec, logs and port-forward for operators
# and tests), all from one wrapper module so that they share one build cache: the
# second and later binaries cost little after the first.
resolve_kube() {
  local mod edits
  # Staging modules are published as v0.MINOR.PATCH for Kubernetes v1.MINOR.PATCH.
  local staging=v0.${KUBERNETES_VERSION#v1.}
  new_wrapper "$1" kubernetes
  mod=$(module_info "k8s.io/kubernetes@$KUBERNETES_VERSION" GoMod)
  step "kubernetes: replacing the staging modules with their published $staging"
  # k8s.io/kubernetes requires each staging module as v0.0.0 and replaces it with
  # ./staging/src/k8s.io/NAME; we point each of those at the published version.
  # Its godebug settings are repeated too: they only take effect in the main module.
  edits=$(go mod edit -json "$mod" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const staging = process.argv[1];
    for (const r of m.Replace || []) {
      if (r.New.Version) console.log(`-replace=${r.Old.Path}=${r.New.Path}@${r.New.Version}`);
      else if (r.New.Path.startsWith("./staging/")) console.log(`-replace=${r.Old.Path}=${r.Old.Path}@${staging}`);
    }
    for (const g of m.Godebug || []) console.log(`-godebug=${g.Key}=${g.Value}`);
  ' "$staging")
  go_mod_edit "$edits"
  step "kubernetes: resolving dependencies"
  run_logged "$2" go get "k8s.io/kubernetes@$KUBERNETES_VERSION" "${KUBE_PACKAGES[@]/%/@$KUBERNETES_VERSION}"
}

compile_kube() {
  # Kubernetes' own build stamps these; clients (and the pulumi provider) read the
  # server version from /version.
  local v=k8s.io/component-base/version minor
  minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
  run_logged "$2" "${GOBUILD[@]}" -o "$1/bin/" \
    -ldflags "-s -w -X $v.gitVersion=$KUBERNETES_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean" \
    "${KUBE_PACKAGES[@]}"
}

build_kube() {
  build_piece kube "${KUBE_COMMANDS[*]} $KUBERNETES_VERSION" "~10-14 min"
}

# go_binary NAME VERSION COLD_TIME LDFLAGS PACKAGE@VERSION: `go install` of one binary into
# $cache/NAME-VERSION/bin, once per version.
go_binary() {
  local name=$1 version=$2 cold_time=$3 ldflags=$4 package=$5
  local dir=$cache/$name-$version
  if built "$name"; then
    echo "toolchain: $name $version is cached in $dir/bin"
    return
  fi
  local t0
  t0=$(date +%s)
  step "building $name $version (cold build takes $cold_time)"
  rm -rf "$dir" && mkdir -p "$dir/bin"
  run_logged "$dir/build.log" env GOBIN="$dir/bin" nice -n 10 go install -trimpath -ldflags "$ldflags" "$package"
  mark_built "$dir" ""
  echo "toolchain: built $name in $(elapsed "$t0")"
}

# ---- 5. CoreDNS ---------------------------------------------------------------------
build_coredns() {
  go_binary coredns "$COREDNS_VERSION" "~3-4 min" "-s -w" "$COREDNS_PACKAGE"
}

# ---- 6. metrics-server ------------------------------------------------------------
build_metrics_server() {
  # Its release build stamps the version into client-go's version package, which it reports.
  go_binary metrics-server "$METRICS_SERVER_VERSION" "~4-9 min" \
    "-s -w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION" \
    "$METRICS_SERVER_PACKAGE"
}

# ---- 7. etcd and openssl (Debian) -------------------------------------------------
install_debian_tools() {
  local -a missing=()
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "toolchain: etcd, openssl and curl are installed"
    return
  fi
  step "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ---- 8. env.sh --------------------------------------------------------------------
write_env() {
  step "writing $cache/env.sh"
  local sdk=$repo/node_modules/@pulumi/pulumi cli_bin=$PULUMI_DIR/bin
  # The dynamic-provider plugin (pulumi-resource-pulumi-nodejs) is a shell script
  # shipped at the top of @pulumi/pulumi, which the engine runs from PATH. It finds
  # @pulumi/pulumi from the program's directory, so one copy serves any project.
  # Like the language host it is a "bundled" plugin: linked in beside the CLI, it
  # runs without a "using ... from $PATH" warning on every update.
  local shim=""
  if [ -x "$sdk/pulumi-resource-pulumi-nodejs" ]; then
    shim=$sdk
    [ -d "$cli_bin" ] && ln -sfn "$sdk/pulumi-resource-pulumi-nodejs" "$cli_bin/pulumi-resource-pulumi-nodejs"
  else
    echo "toolchain: warning: $sdk/pulumi-resource-pulumi-nodejs not found (npm ci first): dynamic providers will not run" >&2
  fi
  {
    echo "# Written by $repo/scripts/toolchain.sh; source it to use the toolchain."
    echo "export PATH=\"$cli_bin:$K8S_PROVIDER_DIR/bin:$cache/kafka-provider-v$KAFKA_PROVIDER_VERSION/bin:$KUBE_DIR/bin:$cache/coredns-$COREDNS_VERSION/bin:$cache/metrics-server-$METRICS_SERVER_VERSION/bin\${PATH:+:\$PATH}\""
    if [ -n "$shim" ]; then echo "export PATH=\"\$PATH:$shim\""; fi
    # Policy packs need no pulumi-analyzer-policy shim: with a Node.js language
    # host present, the CLI runs them through its RunPlugin call.
    echo "export PULUMI_SKIP_UPDATE_CHECK=true"
    echo "export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
  } >"$cache/env.sh"
}

# ---- module prefetch --------------------------------------------------------------
# A component's build first downloads its Go modules (1-2 min each from the proxy,
# mostly waiting on the network), then compiles them (minutes of both cores). On a
# cold machine a background job downloads the later components' modules while the
# current one compiles; each build's own `go get` then finds them in the shared
# module cache (the go command locks it, so the two never write one module at once).
# The prefetch only fills that cache: where one fails, its build downloads for
# itself and reports any error there.

# prefetch COMPONENT: downloads the modules of COMPONENT's build, in a scratch
# wrapper under $cache/prefetch (never in the build's own directory).
prefetch() {
  local scratch=$cache/prefetch/$1
  case $1 in
    pulumi) resolve_pulumi "$scratch" "$scratch.log" ;;
    language-nodejs) resolve_language_nodejs "$scratch" "$scratch.log" ;;
    kubernetes-provider) resolve_kubernetes_provider "$scratch" "$scratch.log" ;;
    kafka-provider) bash "$tc/kafka-provider.sh" --download ;;
    kube) resolve_kube "$scratch" "$scratch.log" ;;
    # -n: resolves the package graph (so downloads its modules) and compiles nothing.
    coredns) go install -n -trimpath "$COREDNS_PACKAGE" 2>/dev/null ;;
    metrics-server) go install -n -trimpath "$METRICS_SERVER_PACKAGE" 2>/dev/null ;;
  esac
}

GO_COMPONENTS=(pulumi language-nodejs kubernetes-provider kafka-provider kube coredns metrics-server)
prefetch_pid=""

# start_prefetch COMPONENT...: prefetches, one after another in the background, the
# components among these that are not built yet, except the first such (its build
# downloads at once). Its log is $cache/prefetch/log.
start_prefetch() {
  local c
  local -a pending=()
  for c in "$@"; do
    case " ${GO_COMPONENTS[*]} " in
      *" $c "*) built "$c" || pending+=("$c") ;;
    esac
  done
  [ "${#pending[@]}" -gt 1 ] || return 0
  rm -rf "$cache/prefetch" && mkdir -p "$cache/prefetch"
  echo "toolchain: downloading the modules of ${pending[*]:1} in the background ($cache/prefetch/log)"
  (
    for c in "${pending[@]:1}"; do
      if (prefetch "$c") >>"$cache/prefetch/log" 2>&1; then
        echo "prefetch: $c done" >>"$cache/prefetch/log"
      else
        echo "prefetch: $c failed; its build downloads for itself" >>"$cache/prefetch/log"
      fi
    done
  ) &
  prefetch_pid=$!
}

# kill_tree PID: PID and every process below it.
kill_tree() {
  local child
  for child in $(pgrep -P "$1"); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

# stop_prefetch: ends the prefetch (it may still be running after a failed build, or
# after builds that downloaded for themselves first) and removes its scratch.
stop_prefetch() {
  [ -n "$prefetch_pid" ] || return 0
  kill_tree "$prefetch_pid"
  wait "$prefetch_pid" 2>/dev/null || true
  prefetch_pid=""
  rm -rf "$cache/prefetch"
}

# ---- prune ------------------------------------------------------------------------
# The Go module and build caches are most of the disk the toolchain uses; the
# built binaries do not need them. After a prune, a rebuild (new version or
# recipe) is a cold build again.
prune_go_caches() {
  step "removing the Go module and build caches under $cache/go"
  # Module cache files are read-only: `go clean -modcache` knows how to remove them.
  if [ -d "$GOMODCACHE" ]; then go clean -modcache; fi
  rm -rf "$GOCACHE" "$GOPATH"
}

main() {
  mkdir -p "$cache"
  local -a what=("$@")
  [ "${#what[@]}" -gt 0 ] || what=(etcd pulumi language-nodejs kubernetes-provider kafka-provider kube coredns metrics-server env)
  local c t0
  t0=$(date +%s)
  start_prefetch "${what[@]}"
  for c in "${what[@]}"; do
    case $c in
      pulumi) build_pulumi ;;
      language-nodejs) build_language_nodejs ;;
      kubernetes-provider) build_kubernetes_provider ;;
      kafka-provider) current_step="kafka provider plugin" && bash "$tc/kafka-provider.sh" ;;
      kube) build_kube ;;
      coredns) build_coredns ;;
      metrics-server) build_metrics_server ;;
      etcd) install_debian_tools ;;
      env) write_env ;;
      prune) prune_go_caches ;;
      *)
        echo "toolchain: unknown component: $c (components: etcd pulumi language-nodejs kubernetes-provider kafka-provider kube coredns metrics-server env prune)" >&2
        exit 2
        ;;
    esac
  done
  stop_prefetch
  current_step="finished"
  echo "toolchain: ready in $(elapsed "$t0"); cache uses $(du -sh "$cache" | cut -f1)"
  echo "toolchain: to use it: source $cache/env.sh"
}

main "$@"

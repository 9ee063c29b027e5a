#!/usr/bin/env bash
# Builds the real Pulumi engine pieces and a local Kubernetes control plane on a
# machine that reaches only package registries (Go module proxy, Debian apt).
# Everything is built from Go modules and cached by version under
# $KG_RCA_TOOLCHAIN_CACHE (default $HOME/.cache/kg-rca-toolchain); nothing is
# written into the repository. A second run only checks the cache.
#
# Usage: scripts/toolchain.sh [COMPONENT...]
#   components: pulumi language-nodejs kubernetes-provider kube etcd (default: all)
# Then:   source "$HOME/.cache/kg-rca-toolchain/env.sh"
# Local cluster for tests: scripts/toolchain/local-cluster.sh start|stop DIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
tc=$here/toolchain
cache=${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}

# ---- versions -----------------------------------------------------------------
# The CLI must match @pulumi/pulumi in package.json (3.248.0: newest that runs on Node 20).
PULUMI_VERSION=v3.248.0
# The language host has its own module with no tags and the proxy here refuses it
# (403 "This module version is not available" for every version, list included).
# It is built instead from scripts/toolchain/language-nodejs (our own small host)
# against sdk/v3 at PULUMI_VERSION; see the README there.
# The kubernetes provider module has no tags either, and the proxy serves exactly
# one pseudo-version of it (the v4.34.2 commit is refused); the provider speaks a
# stable gRPC protocol, so this one serves @pulumi/kubernetes 4.34.2 programs.
K8S_PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_PROVIDER_VERSION=v4.0.0-20260115033456-f47bc2d6f199
# Control plane: k8s.io/kubernetes plus its staging modules at the matching v0.N.M.
KUBERNETES_VERSION=v1.34.4

# Bump when a component's recipe changes so that cached builds are redone.
RECIPE=1

# ---- Go environment -------------------------------------------------------------
# Own module and build caches, so the whole toolchain lives (and is measured and
# removed) under one directory.
export GOMODCACHE=$cache/go/mod
export GOCACHE=$cache/go/build
export GOPATH=$cache/go/path
# Never fetch another Go toolchain behind our back: fail instead.
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
GOBUILD=(nice -n 10 go build -trimpath)

# ---- step reporting -------------------------------------------------------------
current_step="start"
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "toolchain: FAILED in step: $current_step (exit $rc)" >&2
  fi
}
trap on_exit EXIT

step() {
  current_step=$1
  echo "toolchain: $1"
}

# run_logged LOG CMD...: runs CMD with its output in LOG; on failure shows the end
# of the log, since `go get`/`go build` print pages of "downloading" lines.
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

# is_cached DIR BIN...: the component in DIR was built by this recipe and its
# binaries are there.
is_cached() {
  local dir=$1
  shift
  [ -f "$dir/.built" ] && [ "$(cat "$dir/.built")" = "recipe=$RECIPE" ] || return 1
  local b
  for b in "$@"; do [ -x "$dir/bin/$b" ] || return 1; done
}

mark_built() {
  echo "recipe=$RECIPE" >"$1/.built"
}

# module_dir MODULE@VERSION: downloads a module into the module cache and prints
# its directory.
module_dir() {
  go mod download -json "$1" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    if (m.Error) { console.error(m.Error); process.exit(1); }
    console.log(m.Dir);'
}

# new_wrapper DIR NAME: a fresh wrapper module in DIR/src.
new_wrapper() {
  local src=$1/src
  rm -rf "$src"
  mkdir -p "$src" "$1/bin"
  (cd "$src" && go mod init "kgrca.local/toolchain/$2" >/dev/null 2>&1)
}


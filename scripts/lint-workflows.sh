#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint, which also runs shellcheck
# on every `run:` block. actionlint is built from the Go module proxy (this
# machine reaches package registries only) and cached by version under
# $KG_RCA_TOOLCHAIN_CACHE (default $HOME/.cache/kg-rca-toolchain)/actionlint-<version>;
# The shellcheck it calls comes from Debian and is installed when missing: without
# it, actionlint silently skips the `run:` scripts.
#
# Usage: scripts/lint-workflows.sh [WORKFLOW_FILE...]   (default: .github/workflows/*.yml)
# Exit status: 0 clean, 1 findings, 2 set-up or actionlint failure.
set -euo pipefail

ACTIONLINT_VERSION=v1.7.12
ACTIONLINT_MODULE=github.com/rhysd/actionlint
# Bump when the build recipe below changes, so that cached builds are redone.
RECIPE=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
cache=${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}
dir=$cache/actionlint-$ACTIONLINT_VERSION
bin=$dir/bin/actionlint

say() { echo "lint-workflows: $*"; }
die_with() {
  local rc=$1
  shift
  echo "lint-workflows: $*" >&2
  exit "$rc"
}
die() { die_with 2 "$@"; }

elapsed() {
  local s=$(($(date +%s) - $1))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

build_actionlint() {
  if [ -x "$bin" ] && [ "$(cat "$dir/.built" 2>/dev/null)" = "recipe=$RECIPE" ]; then
    say "actionlint $ACTIONLINT_VERSION is cached in $dir/bin"
    return
  fi
  command -v go >/dev/null || die "go not found on PATH: actionlint is built from the Go module proxy"
  local t0 log=$dir/build.log
  t0=$(date +%s)
  say "building actionlint $ACTIONLINT_VERSION from the Go module proxy into $dir (cold: ~20 s on 2 cores)"
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  # The toolchain's shared module and build caches (see scripts/toolchain.sh);
  # never fetch another Go toolchain, fail instead.
  # `go install MODULE@VERSION` builds outside any module, so the repository is left alone.
  if ! (
    cd "$dir" &&
      GOMODCACHE=$cache/go/mod GOCACHE=$cache/go/build GOPATH=$cache/go/path GOTOOLCHAIN=local \
        GOFLAGS=-trimpath GOBIN=$dir/bin \
        go install -ldflags "-s -w" "$ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION"
  ) >"$log" 2>&1; then
    echo "lint-workflows: building actionlint failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 2
  fi
  echo "recipe=$RECIPE" >"$dir/.built"
  say "built $("$bin" -version | head -n 1) in $(elapsed "$t0")"
}

ensure_shellcheck() {
  if command -v shellcheck >/dev/null; then
    return
  fi
  say "installing shellcheck from Debian (actionlint checks run: blocks with it)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  # A fresh machine has empty package lists: update only when the package is unknown.
  if ! apt-cache show shellcheck >/dev/null 2>&1; then
    $sudo apt-get update -q
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends shellcheck >/dev/null ||
    die "could not install shellcheck (apt-get install shellcheck)"
}

main() {
  local -a files=("$@")
  if [ "${#files[@]}" -eq 0 ]; then
    # Files given on the command line are taken relative to the caller's directory.
    cd "$repo"
    shopt -s nullglob
    files=(.github/workflows/*.yml .github/workflows/*.yaml)
    shopt -u nullglob
  fi
  [ "${#files[@]}" -gt 0 ] || die "no workflow files in .github/workflows"
  build_actionlint
  ensure_shellcheck
  say "checking ${files[*]} (shellcheck $(shellcheck --version | sed -n 's/^version: //p'))"
  # -pyflakes= : no workflow runs Python; an empty path turns that integration off.
  local rc=0
  "$bin" -shellcheck "$(command -v shellcheck)" -pyflakes= "${files[@]}" || rc=$?
  case $rc in
    0) say "ok: ${#files[@]} workflow(s), no findings" ;;
    1) die_with 1 "findings above" ;;
    *) die_with 2 "actionlint could not run (exit $rc)" ;;
  esac
}

main "$@"

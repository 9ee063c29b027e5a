#!/usr/bin/env bash
# Builds the Pulumi resource plugin `pulumi-resource-kafka` for @pulumi/kafka
# 3.13.2 into $HOME/.cache/kg-rca-toolchain/kafka-provider-v3.13.2/bin.
# Put that directory on PATH (with PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION
# =true) and the Pulumi CLI uses this plugin instead of downloading one.
#
# Why a wrapper module (scripts/toolchain/kafka-provider/) and not the
# upstream one: the Go module proxy reachable here refuses
# github.com/pulumi/pulumi-kafka/provider/v3 (403 "This module version is not
# available" for every version), and even its zip would lack the generated
# schema the upstream main embeds. The wrapper bridges the same Terraform
# provider (Mongey/terraform-provider-kafka v0.13.1, whose configuration and
# resource arguments match the 3.13.2 SDK exactly) with pulumi-terraform-bridge,
# maps it onto the SDK's tokens, and generates the schema itself:
#   1. build the wrapper with a placeholder schema.json,
#   2. run it with --emit-schema to produce the real schema,
#   3. build again so the plugin embeds (and serves) that schema.
# Sarama (the Kafka client the Terraform provider uses) is built from its module with
# sarama-open.patch applied: its Broker.Open let a concurrent caller fail with "broker not
# connected" while another caller's dial was starting, and the provider's parallel creates did
# (CI saw a first update fail so on a SCRAM user and a topic).
#
# Usage: scripts/toolchain/kafka-provider.sh [--force | --check | --download]
# Idempotent: does nothing when the plugin was built from the same wrapper
# sources with the same Go. Build output never goes into the repository.
#   --force     build even when up to date
#   --check     exit 0 when up to date, 1 otherwise; prints nothing
#   --download  when not up to date, only download the wrapper's modules into the
#               module cache (scripts/toolchain.sh does so while it compiles another piece)
set -euo pipefail

VERSION=3.13.2
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC_DIR="$HERE/kafka-provider"
CACHE="${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}/kafka-provider-v$VERSION"
WORK="$CACHE/src"            # copy of the wrapper where schema.json is generated
BIN_DIR="$CACHE/bin"
PLUGIN="$BIN_DIR/pulumi-resource-kafka"
STAMP="$CACHE/build.stamp"
LOG_DIR="$CACHE/logs"

mode=build
case "${1:-}" in
  --force | --check | --download) mode=${1#--} ;;
  "") ;;
  *) echo "usage: $0 [--force | --check | --download]" >&2; exit 2 ;;
esac

STEP="start"
START_TS=$(date +%s)
log() { printf '[kafka-provider %4ss] %s\n' "$(( $(date +%s) - START_TS ))" "$*"; }
step() { STEP="$1"; log "step: $1"; }
on_error() {
  local rc=$?
  echo "[kafka-provider] FAILED at step '$STEP' (exit $rc)." >&2
  if [ -n "${STEP_LOG:-}" ] && [ -f "$STEP_LOG" ]; then
    echo "[kafka-provider] last lines of $STEP_LOG:" >&2
    tail -n 30 "$STEP_LOG" >&2
  fi
  exit "$rc"
}
trap on_error ERR

# Run a command inside $WORK with its output in a per-step log file (the log
# tail is shown if the step fails).
run_logged() {
  STEP_LOG="$LOG_DIR/$1.log"; shift
  (cd "$WORK" && exec "$@") >"$STEP_LOG" 2>&1
}

[ "$mode" = check ] || step "check prerequisites"
command -v go >/dev/null || { echo "go not found on PATH" >&2; false; }
# The wrapper's sources: each must exist, and together they make the build's fingerprint.
sources=(go.mod go.sum main.go provider.go sarama-open.patch saramacheck/open_test.go)
for f in "${sources[@]}"; do
  [ -f "$SRC_DIR/$f" ] || { echo "missing $SRC_DIR/$f" >&2; false; }
done
# Use the Go on this machine; never fetch another toolchain.
export GOTOOLCHAIN=local
# The wrapper's go.sum is complete: refuse to silently change dependencies.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"

# The stamp ties the binary to the wrapper sources and the Go version.
fingerprint="$( (cd "$SRC_DIR" && cat "${sources[@]}"; go version) | sha256sum | cut -d' ' -f1)"
up_to_date=0
if [ -x "$PLUGIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fingerprint" ] \
   && [ "$("$PLUGIN" --version 2>/dev/null)" = "$VERSION" ]; then
  up_to_date=1
fi
case "$mode" in
  check) if [ "$up_to_date" = 1 ]; then exit 0; else exit 1; fi ;;
  force) ;;
  *)
    if [ "$up_to_date" = 1 ]; then
      log "up to date: $PLUGIN ($VERSION)"
      exit 0
    fi
    ;;
esac
if [ "$mode" = download ]; then
  # go.mod alone names every module; a scratch copy keeps the repository's files untouched.
  scratch=$(mktemp -d)
  cp "$SRC_DIR/go.mod" "$SRC_DIR/go.sum" "$scratch/"
  (cd "$scratch" && go mod download)
  rm -rf "$scratch"
  log "downloaded the wrapper's modules"
  exit 0
fi

step "prepare build directory $WORK"
mkdir -p "$LOG_DIR" "$BIN_DIR"
rm -rf "$WORK"
mkdir -p "$WORK"
cp "$SRC_DIR"/go.mod "$SRC_DIR"/go.sum "$SRC_DIR"/*.go "$WORK"/
cp -r "$SRC_DIR/saramacheck" "$WORK"/
echo '{}' >"$WORK/schema.json"   # placeholder for the first build

step "download Go modules"
run_logged download go mod download -x

step "patch sarama"
sarama_dir=$(cd "$WORK" && go list -m -f '{{.Dir}}' github.com/IBM/sarama)
cp -r "$sarama_dir" "$WORK/sarama"
chmod -R u+w "$WORK/sarama"
run_logged patch-sarama patch -p1 -d "$WORK/sarama" -i "$SRC_DIR/sarama-open.patch"
(cd "$WORK" && go mod edit -replace github.com/IBM/sarama=./sarama)
run_logged check-sarama go test -count=1 ./saramacheck

# nice: this machine has two cores and other builds may be running.
step "build stage 1 (placeholder schema)"
run_logged build-stage1 nice -n 10 go build -trimpath -o "$WORK/stage1" .

step "generate Pulumi schema"
STEP_LOG="$LOG_DIR/emit-schema.log"
"$WORK/stage1" --emit-schema >"$WORK/schema.json.new" 2>"$STEP_LOG"
for tok in kafka:index/topic:Topic kafka:index/acl:Acl kafka:index/quota:Quota \
           kafka:index/userScramCredential:UserScramCredential kafka:index:getTopic kafka:index:getTopics; do
  grep -q "\"$tok\"" "$WORK/schema.json.new" || { echo "schema lacks $tok" >&2; false; }
done
mv "$WORK/schema.json.new" "$WORK/schema.json"
rm -f "$WORK/stage1"

step "build stage 2 (embedding the generated schema)"
run_logged build-stage2 nice -n 10 go build -trimpath -ldflags "-s -w" -o "$PLUGIN.tmp" .

step "check the plugin"
got="$("$PLUGIN.tmp" --version)"
[ "$got" = "$VERSION" ] || { echo "plugin reports version '$got', expected $VERSION" >&2; false; }
mv -f "$PLUGIN.tmp" "$PLUGIN"
cp "$WORK/schema.json" "$CACHE/schema.json"
echo "$fingerprint" >"$STAMP"

log "built $PLUGIN ($(du -h "$PLUGIN" | cut -f1), schema in $CACHE/schema.json)"
log "use: export PATH=\"$BIN_DIR:\$PATH\" PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"

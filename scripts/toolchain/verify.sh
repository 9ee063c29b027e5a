#!/usr/bin/env bash
# End-to-end check of the toolchain that scripts/toolchain.sh builds: starts a
# local control plane, then runs a throwaway Pulumi TypeScript project (in a
# temporary directory, using this repo's node_modules) through
#   pulumi up --yes; pulumi preview --expect-no-changes; pulumi destroy --yes
# with a Namespace, a ConfigMap, a StatefulSet (pulumi.com/skipAwait: there are
# no kubelets) and a dynamic-provider resource. Leaves nothing behind unless
# KEEP=1 is set.
#
# Usage: scripts/toolchain/verify.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${KG_RCA_TOOLCHAIN_CACHE:-$HOME/.cache/kg-rca-toolchain}

[ -f "$cache/env.sh" ] || {
  echo "verify: $cache/env.sh missing: run scripts/toolchain.sh first" >&2
  exit 1
}
# shellcheck disable=SC1091
source "$cache/env.sh"

work=$(mktemp -d /tmp/kgrca-toolchain-verify.XXXXXX)
cleanup() {
  local rc=$?
  "$here/local-cluster.sh" stop "$work/cluster" >/dev/null 2>&1 || true
  if [ "$rc" -ne 0 ] || [ "${KEEP:-}" = 1 ]; then
    echo "verify: files kept in $work"
  else
    rm -rf "$work"
  fi
  [ "$rc" -eq 0 ] && echo "verify: OK" || echo "verify: FAILED (exit $rc)" >&2
}
trap cleanup EXIT

"$here/local-cluster.sh" start "$work/cluster"
export KUBECONFIG=$work/cluster/kubeconfig

# A private Pulumi home and file backend: no login state or plugins of the user's.
export PULUMI_HOME=$work/pulumi-home
export PULUMI_CONFIG_PASSPHRASE=test
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p "$work/state" "$work/project"
pulumi login "file://$work/state"

cd "$work/project"
ln -s "$repo/node_modules" node_modules
cat >Pulumi.yaml <<'EOF'
name: toolchain-verify
runtime: nodejs
EOF
echo '{ "name": "toolchain-verify", "main": "index.ts" }' >package.json
cat >tsconfig.json <<'EOF'
{ "compilerOptions": { "strict": true, "target": "ES2022", "module": "commonjs", "skipLibCheck": true }, "files": ["index.ts"] }
EOF
cat >index.ts <<'EOF'
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

const ns = new k8s.core.v1.Namespace("verify", { metadata: { name: "toolchain-verify" } });
const namespace = ns.metadata.name;

new k8s.core.v1.ConfigMap("settings", {
  metadata: { name: "settings", namespace },
  data: { greeting: "hello" },
});

const labels = { app: "web" };
new k8s.apps.v1.StatefulSet("web", {
  metadata: {
    name: "web",
    namespace,
    // No kubelet runs pods here: do not wait for readiness.
    annotations: { "pulumi.com/skipAwait": "true" },
  },
  spec: {
    serviceName: "web",
    replicas: 1,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
    },
  },
});

// A dynamic provider runs under the engine through pulumi-resource-pulumi-nodejs.
const greeter: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { name: string }) {
    return { id: `greeting-${inputs.name}`, outs: { name: inputs.name, message: `hello ${inputs.name}` } };
  },
};
class Greeting extends pulumi.dynamic.Resource {
  declare readonly message: pulumi.Output<string>;
  constructor(name: string, args: { name: string }) {
    super(greeter, name, { message: undefined, ...args }, {});
  }
}

export const greeting = new Greeting("greeting", { name: "toolchain" }).message;
export const namespaceName = namespace;
EOF

pulumi stack init dev
echo "verify: pulumi up"
pulumi up --yes --skip-preview
[ "$(pulumi stack output greeting)" = "hello toolchain" ]
echo "verify: pulumi preview --expect-no-changes"
pulumi preview --expect-no-changes
echo "verify: pulumi destroy"
pulumi destroy --yes --skip-preview
pulumi stack rm --yes dev

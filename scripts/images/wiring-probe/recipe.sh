# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by build.sh, which sources this file
# wiring-probe: stands in for the graph-builder and kg-api images in the local
# stack (probe.ts). Node.js (the host's Node 20 binary, which needs the base's
# libstdc++6) and the probe with the project's pinned kafkajs, neo4j-driver
# and pg. Two variants of one set of layers: WIRING_PROBE_MODE=graph-builder
# or kg-api in the image config, so the stack picks the mode by image tag.
IMAGE_VERSION=1.0
IMAGE_USES_BASE=true
IMAGE_VARIANTS=(graph-builder kg-api)
NODE_BINARY="${KG_RCA_NODE_BINARY:-$(command -v node)}"
image_key_values() {
  "$NODE_BINARY" --version
  stat -c 'node binary %s bytes' "$NODE_BINARY"
  sed -n 's/^  "version": "\(.*\)",$/typescript \1/p' "$REPO/node_modules/typescript/package.json"
}

# The image's dependency pins must be the project's: the probe proves the
# program's wiring with the clients the project itself tests against.
check_pins() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const root = require(process.argv[1]).dependencies;
    const probe = require(process.argv[2]).dependencies;
    const drift = Object.entries(probe).filter(([name, version]) => root[name] !== version);
    for (const [name, version] of drift) console.error(`wiring-probe: ${name} ${version} differs from package.json (${root[name]})`);
    process.exit(drift.length === 0 ? 0 : 1);
  ' "$REPO/package.json" "$HERE/wiring-probe/package.json"
}

image_stage() {
  local stage="$1"
  local runtime="$stage/10-node" app="$stage/20-wiring-probe"
  check_pins
  mkdir -p "$runtime/usr/local/bin"
  install -m 0755 "$NODE_BINARY" "$runtime/usr/local/bin/node"

  local home="$app/opt/wiring-probe"
  mkdir -p "$home"
  install -m 0644 "$HERE/wiring-probe/package.json" "$HERE/wiring-probe/package-lock.json" "$home/"
  (cd "$home" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  rm -f "$home/node_modules/.package-lock.json"
  # TypeScript to CommonJS, file by file (types are checked by the project's `npm run typecheck`).
  node -e '
    const ts = require(process.argv[1]);
    const fs = require("fs");
    const path = require("path");
    const [out, ...sources] = process.argv.slice(2);
    for (const source of sources) {
      const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: path.basename(source),
      });
      fs.writeFileSync(path.join(out, path.basename(source, ".ts") + ".js"), outputText);
    }
  ' "$REPO/node_modules/typescript" "$home" "$HERE/wiring-probe/probe.ts" "$HERE/wiring-probe/probeConfig.ts"
  chmod -R u=rwX,go=rX "$runtime" "$app"
  chown -R 0:0 "$runtime" "$app"
}

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

const projectDir = path.resolve(__dirname, "../..");

/**
 * Runs `script` in a fresh Node.js (this process has loaded the SDK, and much else, already) from
 * the project's folder, and returns what it printed as JSON.
 */
function inFreshNode(script: string): unknown {
  const run = spawnSync(process.execPath, ["-e", script], { cwd: projectDir, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as unknown;
}

const loadedModules = `Object.keys(require.cache).filter((f) => /node_modules[\\\\/](@npmcli[\\\\/]arborist|typescript)[\\\\/]/.test(f)).map((f) => f.includes("arborist") ? "@npmcli/arborist" : "typescript").filter((m, i, all) => all.indexOf(m) === i).sort()`;

// patches/@pulumi+pulumi+*.patch: every process that loads the SDK (each program run, dynamic
// provider, policy analyzer and fleet command) loaded both at start, most of a second of CPU.
describe("the Pulumi SDK's start, as patched (patches/)", () => {
  it("loads neither @npmcli/arborist nor TypeScript with @pulumi/pulumi", () => {
    assert.deepEqual(inFreshNode(`require("@pulumi/pulumi"); console.log(JSON.stringify(${loadedModules}));`), []);
  });

  it("still serializes a function (TypeScript loaded then) and computes code paths (arborist loaded then)", () => {
    const result = inFreshNode(`
      const pulumi = require("@pulumi/pulumi");
      const factor = 6;
      pulumi.runtime.serializeFunction((n) => n * factor).then(async (serialized) => {
        const afterSerializing = ${loadedModules};
        const module = { exports: {} };
        new Function("module", "exports", "require", serialized.text)(module, module.exports, require);
        const paths = await pulumi.runtime.computeCodePaths({ extraIncludePackages: ["fdir"] });
        console.log(JSON.stringify({
          afterSerializing,
          result: module.exports.handler(7),
          codePathsFound: [...paths.keys()].some((p) => p.includes("fdir")),
          afterCodePaths: ${loadedModules},
        }));
      });
    `);
    assert.deepEqual(result, {
      afterSerializing: ["typescript"],
      result: 42,
      codePathsFound: true,
      afterCodePaths: ["@npmcli/arborist", "typescript"],
    });
  });
});

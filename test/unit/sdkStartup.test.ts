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

// The same patch: the SDK took the stack of every promise it tracks for its leak report with
// `new Error().stack`, which formats it there and then. In a program run ts-node's source-map hook
// does that formatting, for every frame, several times per resource: about a quarter of the
// program's CPU in a run of 116 resources. The patch keeps the Error and formats its stack (the
// same frames, captured at the same place) only when a leak report asks for it.
describe("the Pulumi SDK's promise stacks, as patched (patches/)", () => {
  it("captures where a tracked promise was made, and formats that stack only for a leak report", () => {
    const result = inFreshNode(`
      let formatted = 0;
      Error.prepareStackTrace = (error, frames) => {
        formatted++;
        return [String(error), ...frames.map((f) => "    at " + (f.getFunctionName() || "<anonymous>"))].join("\\n");
      };
      const { debuggablePromise, promiseDebugString } = require("@pulumi/pulumi/runtime/debuggable");
      // The leak report lists the promises handed in (debuggablePromise returns a follower of each).
      const tracked = Promise.resolve(1);
      function registeringTheResource() {
        debuggablePromise(tracked, "a resource's registration");
      }
      registeringTheResource();
      const formattedWhenTracked = formatted;
      const report = promiseDebugString(tracked);
      console.log(JSON.stringify({ formattedWhenTracked, formattedForTheReport: formatted, report: report.split("\\n").slice(0, 5) }));
    `);
    assert.deepEqual(result, {
      formattedWhenTracked: 0,
      formattedForTheReport: 1,
      report: [
        "CONTEXT(0): a resource's registration",
        "STACK_TRACE:",
        "Error",
        "    at debuggablePromise",
        "    at registeringTheResource",
      ],
    });
  });
});
